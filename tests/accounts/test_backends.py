"""accounts.backends: the session's user and their memberships in one query, the same objects the ORM reads."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import LOADED_KEY, ModelBackend, user_with_memberships
from members.models import Membership
from tests.conftest import login
from tests.factories import MembershipFactory, OperatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def fields_of(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_the_user_and_memberships_are_those_the_orm_reads():
    user = UserFactory(phone="+33 6 12 34 56 78")
    for name in ("Zébu solidaire", "Association des Comores", "Mali Avenir"):
        MembershipFactory(user=user, organisation=OrganisationFactory(name=name))
    MembershipFactory(user=user, organisation=OperatorFactory(name="Mali Avenir"))  # same name: the id decides
    MembershipFactory(organisation=OrganisationFactory(name="Ailleurs"))  # another user's

    with CaptureQueriesContext(connection) as queries:
        loaded = user_with_memberships(user.pk)
        rows = getattr(loaded, LOADED_KEY)
        names = [row.organisation.name for row in rows]  # read from the row, no query
        owners = {row.user for row in rows}
    assert len(queries) == 1

    assert fields_of(loaded) == fields_of(get_user_model().objects.get(pk=user.pk))
    expected = list(Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name", "pk"))
    assert [fields_of(row) for row in rows] == [fields_of(row) for row in expected]
    assert [fields_of(row.organisation) for row in rows] == [fields_of(row.organisation) for row in expected]
    assert names == ["Association des Comores", "Mali Avenir", "Mali Avenir", "Zébu solidaire"]
    assert owners == {loaded}
    assert all(row._state.adding is False and row._state.db == "default" for row in rows)


def test_a_user_without_membership_and_an_unknown_or_inactive_one():
    staff = UserFactory(role="staff")
    loaded = user_with_memberships(staff.pk)
    assert loaded == staff and getattr(loaded, LOADED_KEY) == []
    assert user_with_memberships(staff.pk + 1000) is None

    backend = ModelBackend()
    assert backend.get_user(staff.pk) == staff
    staff.is_active = False
    staff.save()
    assert backend.get_user(staff.pk) is None


def test_a_signed_in_page_reads_the_memberships_with_the_user(client):
    user = UserFactory()
    association = OrganisationFactory(name="Association des Comores")
    MembershipFactory(user=user, organisation=association)
    login(client, user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    assert response.wsgi_request.organisation == association
    # the rows themselves are not read again (the home page may still ask its own questions of memberships)
    reading_rows = [q["sql"] for q in queries if q["sql"].startswith('SELECT "members_membership"."id"')]
    assert reading_rows == []
    assert sum('FROM "accounts_user"' in q["sql"] for q in queries) == 1
