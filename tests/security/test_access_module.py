"""The access module itself: one place for permissions, one staff guard, lists in one query."""

import html
import pathlib

import pytest
import rules
from django.urls import reverse
from rest_framework.test import APIClient

from access import visibility
from access.permissions import has_perm
from access.rules import PERMISSIONS
from access.visibility import Purpose
from accounts.models import Role
from grants.states import State
from tests.factories import ApplicationFactory, MembershipFactory, OperatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(__file__).resolve().parents[2]
STAFF_ONLY = "Réservé à l'équipe du FORIM."


def test_every_permission_is_registered_once_in_access():
    assert all(rules.perm_exists(name) for name in PERMISSIONS)
    sources = [p for p in ROOT.glob("*/**/*.py") if ".venv" not in p.parts and "tests" not in p.parts]
    registering = sorted(str(p.relative_to(ROOT)) for p in sources if "add_perm(" in p.read_text(encoding="utf-8"))
    assert registering == ["access/rules.py"]


def test_the_staff_guard_answers_403_in_french_on_pages_and_api(client):
    user = MembershipFactory(user__role=Role.APPLICANT).user
    client.force_login(user)
    page = client.get(reverse("grants:call_create"))
    assert page.status_code == 403 and STAFF_ONLY in html.unescape(page.content.decode())
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get("/api/v1/instruction/applications/")
    assert answer.status_code == 403 and answer.json()["detail"] == STAFF_ONLY


def test_an_administrator_gets_staff_permissions_not_a_blanket_yes():
    admin = UserFactory(role=Role.ADMIN, is_superuser=True)
    dossier = ApplicationFactory()
    assert has_perm(admin, "grants.view_application", dossier)
    assert not has_perm(admin, "grants.change_application", dossier)  # only the association edits its dossier


def test_a_list_is_one_query_whatever_its_length(django_assert_num_queries):
    operator = OperatorFactory()
    user = MembershipFactory(organisation=operator, user__role=Role.OPERATOR).user
    for n in range(6):
        association = OrganisationFactory(name=f"Association {n}", operator=operator)
        ApplicationFactory(organisation=association, status=State.AWARDED if n % 2 else State.DRAFT)
    ApplicationFactory()  # another operator's
    for purpose in (Purpose.PRIVATE, Purpose.FOLLOW_UP, Purpose.STATISTICS):
        with django_assert_num_queries(1):
            listed = list(visibility.applications(user, purpose))
        assert len(listed) == (6 if purpose != Purpose.FOLLOW_UP else 3)


def test_the_class_view_mixin_answers_404_for_the_unseen_and_403_for_the_forbidden(rf):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.views.generic import DetailView

    from access.permissions import PermissionRequiredMixin

    class DossierEditPage(PermissionRequiredMixin, DetailView):
        permission_required = "grants.change_application"
        template_name = "grants/application_detail.html"

        def visible(self, user):
            return visibility.applications(user)

    operator = OperatorFactory()
    association = OrganisationFactory(operator=operator)
    dossier = ApplicationFactory(organisation=association)
    writer = MembershipFactory(organisation=association).user
    operator_user = MembershipFactory(organisation=operator, user__role=Role.OPERATOR).user
    outsider = MembershipFactory().user
    view = DossierEditPage.as_view()

    def get(user):
        request = rf.get("/")
        request.user = user
        return view(request, pk=dossier.pk)

    assert get(writer).context_data["object"] == dossier
    with pytest.raises(PermissionDenied):
        get(operator_user)  # sees the dossier, may not change it
    with pytest.raises(Http404):
        get(outsider)  # does not learn it exists


def test_the_thread_check_answers_as_the_thread_list_for_every_user_and_dossier():
    """`grants.read_thread` reads the request's memberships instead of the database: it gives the list's answer."""
    from grants.models import Application
    from tests.accounts.test_memberships_read import read_by_the_layout

    from .world import build_world

    world = build_world()
    dossiers = list(Application.objects.all())
    for name, user in world.users.items():
        listed = set(visibility.threads(user).values_list("pk", flat=True))
        assert {d.pk for d in dossiers if has_perm(user, "grants.read_thread", d)} == listed, name
        read_by_the_layout(user)
        assert {d.pk for d in dossiers if has_perm(user, "grants.read_thread", d)} == listed, name
