"""The layout reads the user's memberships once per request (accounts.middleware); the "member of this
organisation?" checks of that request answer from them without a query, exactly as the database would, and
ask the database again once a membership of that user changes during the request."""

import itertools

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from access import visibility
from accounts.middleware import ActiveOrganisationMiddleware
from members.models import MemberRole, OrganisationKind
from tests.factories import MembershipFactory, OperatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def read_by_the_layout(user):
    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    ActiveOrganisationMiddleware(lambda request: None)(request)
    return request


def test_the_checks_answer_from_the_rows_read_as_the_database_would():
    user = UserFactory()
    association, operator, elsewhere = OrganisationFactory(), OperatorFactory(), OrganisationFactory()
    MembershipFactory(user=user, organisation=association, role=MemberRole.MEMBER)
    MembershipFactory(user=user, organisation=operator, role=MemberRole.VIEWER)
    asked = list(itertools.product(
        [association.pk, operator.pk, elsewhere.pk, None],
        [None, visibility.WRITERS, [MemberRole.ADMIN], [MemberRole.VIEWER]],
        [None, [OrganisationKind.OPERATOR], [OrganisationKind.OSIM, OrganisationKind.FOSIM]],
    ))
    from_database = [visibility.holds_membership(user, pk, roles=roles, kinds=kinds) for pk, roles, kinds in asked]
    assert any(from_database) and not all(from_database)

    read_by_the_layout(user)
    with CaptureQueriesContext(connection) as queries:
        from_rows = [visibility.holds_membership(user, pk, roles=roles, kinds=kinds) for pk, roles, kinds in asked]
    assert from_rows == from_database
    assert len(queries) == 0


def test_a_membership_changed_during_the_request_is_asked_again():
    user, joined = UserFactory(), OrganisationFactory()
    read_by_the_layout(user)
    assert not visibility.holds_membership(user, joined.pk)

    membership = MembershipFactory(user=user, organisation=joined, role=MemberRole.ADMIN)
    assert visibility.holds_membership(user, joined.pk, roles=[MemberRole.ADMIN])

    read_by_the_layout(user)
    membership.delete()
    assert not visibility.holds_membership(user, joined.pk)
