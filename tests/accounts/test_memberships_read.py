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


def test_every_visibility_list_gives_the_same_rows_from_the_rows_read_as_from_the_database():
    """`acting_for` gives the ids read by the layout instead of a subquery: every list of the visibility
    module, for every user of the security world and every purpose, holds the same rows either way."""
    import inspect

    from events.models import Event
    from tests.security.world import build_world

    world = build_world()
    lists = []
    for name, function in inspect.getmembers(visibility, inspect.isfunction):
        parameters = list(inspect.signature(function).parameters)
        if function.__module__ != visibility.__name__ or parameters[:1] != ["user"] or "queryset" not in parameters:
            continue
        if "purpose" in parameters:
            lists += [(f"{name}/{purpose}", function, {"purpose": purpose}) for purpose in visibility.Purpose]
        elif parameters[1] == "queryset":
            lists.append((name, function, {}))
    assert {"applications/private", "organisations/profile", "events", "registrations", "support_logs"} <= {n for n, _f, _k in lists}

    def rows(user):
        found = {}
        for name, function, kwargs in lists:
            try:
                found[name] = set(function(user, **kwargs).values_list("pk", flat=True))
            except ValueError:  # a purpose that does not apply to that kind of object
                continue
        return found

    viewer = UserFactory()  # a viewer of an operator and of an association: the roles matter (writers only)
    MembershipFactory(user=viewer, organisation=world.op_org_1, role=MemberRole.VIEWER)
    MembershipFactory(user=viewer, organisation=world.org_b, role=MemberRole.VIEWER)
    Event.objects.create(  # the viewer runs it only if a writer
        kind="workshop", title="Assemblée générale de la PAFHA", starts_at=world.event.starts_at,
        ends_at=world.event.ends_at, place="Paris", city="Paris", region="IDF", organiser=world.org_b,
        created_by=world.users["staff"],
    )
    for who, user in [*world.users.items(), ("viewer", viewer)]:
        from_database = rows(user)
        read_by_the_layout(user)
        assert rows(user) == from_database, who


def test_the_request_holds_the_user_itself_and_a_lazy_one_is_forgotten_too():
    """The middleware replaces the two lazy wrappers (authentication, second factor) by the user; a membership
    saved with a still-wrapped user (code that ran before the middleware) forgets the rows read all the same."""
    from django.utils.functional import SimpleLazyObject

    from accounts.middleware import resolved

    user, joined = UserFactory(), OrganisationFactory()
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: SimpleLazyObject(lambda: user))
    request.session = {}
    ActiveOrganisationMiddleware(lambda request: None)(request)
    assert request.user is user and resolved(request.user) is user
    assert not visibility.holds_membership(user, joined.pk)

    MembershipFactory(user=SimpleLazyObject(lambda: SimpleLazyObject(lambda: user)), organisation=joined)
    assert visibility.holds_membership(user, joined.pk)
