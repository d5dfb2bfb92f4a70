"""Editing any object through its form changes only the fields the user changed.

For every edit page of the portal: sign in as the role that edits, GET the page, read the form back the
way a browser submits it (see `browser_form`), POST it unchanged and check the stored object did not move;
then change one field and check only that field moved.
"""

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from grants.models import BudgetLine
from members.models import FranceAction, MemberRole, OrganisationKind
from tests.conftest import login
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

from .browser_form import find_form

pytestmark = pytest.mark.django_db

# Stamps every save moves, whatever the user typed.
ALWAYS_MOVES = {"updated_at", "lock_version", "last_saved_at", "last_saved_by"}


@dataclasses.dataclass
class Case:
    user: object
    obj: object
    page: str
    field: str  # the form field changed in the second half
    value: object  # what the user types there
    expected: dict  # model field -> stored value once changed
    action: str = ""  # the URL the form posts to, when it is not the page itself
    related: Callable = None  # rows that hang off the object (budget lines), which must not move either


def stored(obj):
    """The object's stored fields, reloaded; countries as codes, stamps left out."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in ALWAYS_MOVES or getattr(field, "auto_now", False):
            continue
        value = getattr(obj, field.attname)
        if field.name.endswith("_countries"):
            value = [country.code for country in value]
        elif isinstance(value, Decimal):
            value = value.normalize()
        values[field.name] = value
    return values


# --- the objects and who edits them -----------------------------------------------------------------


def _rich_association():
    return OrganisationFactory(
        name="Association des Marocains en France",
        acronym="AMF",
        siret="73282932000074",
        created_on=datetime.date(1998, 3, 14),
        published_on=datetime.date(1998, 4, 2),
        address="12 rue de Lancry",
        postcode="75010",
        department="75",
        region="IDF",
        city="Paris",
        website="https://amf.example.org",
        email="contact@amf.example.org",
        phone="01 42 00 00 00",
        diaspora_countries=["MA", "SN"],
        intervention_countries=["MA", "BF"],
        sectors=["water", "health"],
        board_migrant_share=Decimal("62.50"),
        operator=OperatorFactory(name="Migrations & Développement"),
    )


def organisation_by_staff():
    association = _rich_association()
    other_operator = OperatorFactory(name="GRDR")
    return Case(
        user=UserFactory(role=Role.STAFF),
        obj=association,
        page=reverse("members:organisation_edit", args=[association.pk]),
        field="operator",
        value=str(other_operator.pk),
        expected={"operator": other_operator.pk},
    )


def organisation_by_its_admin():
    association = _rich_association()
    admin = MembershipFactory(organisation=association, role=MemberRole.ADMIN).user
    return Case(
        user=admin,
        obj=association,
        page=reverse("members:organisation_edit", args=[association.pk]),
        field="intervention_countries",
        value=["MA", "BF", "ML"],
        expected={"intervention_countries": ["BF", "MA", "ML"]},
    )


def operator_by_staff():
    operator = OperatorFactory(
        label_since=datetime.date(2020, 1, 1),
        label_until=datetime.date(2027, 12, 31),
        covered_regions=["IDF", "BRE"],
        covered_countries=["SN", "ML"],
        postcode="13001",
        department="13",
    )
    return Case(
        user=UserFactory(role=Role.STAFF),
        obj=operator,
        page=reverse("members:organisation_edit", args=[operator.pk]),
        field="label_until",
        value="2028-06-30",
        expected={"label_until": datetime.date(2028, 6, 30)},
    )


def partner_by_staff():
    partner = OrganisationFactory(
        kind=OrganisationKind.PARTNER,
        rna=None,
        name="Conseil de la Communauté Marocaine à l'Étranger",
        acronym="CCME",
        cofinancing_offer="Complément aux projets\nau Maroc",
        cofinancing_rate=Decimal("30.00"),
        intervention_countries=["MA"],
    )
    return Case(
        user=UserFactory(role=Role.STAFF),
        obj=partner,
        page=reverse("members:organisation_edit", args=[partner.pk]),
        field="cofinancing_rate",
        value="25.5",
        expected={"cofinancing_rate": Decimal("25.5")},
    )


def profile():
    user = UserFactory(phone="06 12 34 56 78", language="fr")
    return Case(
        user=user,
        obj=user,
        page=reverse("accounts:profile"),
        field="first_name",
        value="Fatima",
        expected={"first_name": "Fatima"},
    )


def member_role():
    association = OrganisationFactory()
    admin = MembershipFactory(organisation=association, role=MemberRole.ADMIN).user
    colleague = MembershipFactory(organisation=association, role=MemberRole.VIEWER)
    return Case(
        user=admin,
        obj=colleague,
        page=reverse("members:organisation_detail", args=[association.pk]),
        action=reverse("members:member_update", args=[association.pk, colleague.pk]),
        field="role",
        value=MemberRole.MEMBER,
        expected={"role": MemberRole.MEMBER},
    )


def france_action():
    association = OrganisationFactory()
    admin = MembershipFactory(organisation=association, role=MemberRole.ADMIN).user
    action = FranceAction.objects.create(
        organisation=association,
        title="Soutien scolaire à Château-Rouge",
        domain=FranceAction._meta.get_field("domain").choices[0][0],
        objectives="Aider 40 enfants\nen lecture",
        results="Tous passent en 6e",
        audience="Enfants du quartier",
        city="Paris",
        region="IDF",
        in_qpv=True,
        neighbourhood="Château-Rouge",
        year=2024,
    )
    return Case(
        user=admin,
        obj=action,
        page=reverse("members:action_edit", args=[association.pk, action.pk]),
        field="in_qpv",
        value=None,
        expected={"in_qpv": False},
    )


def event():
    from tests.events.factories import EventFactory

    starts = timezone.now().replace(microsecond=123456) + datetime.timedelta(days=12, seconds=37)
    item = EventFactory(
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2, seconds=11),
        registration_deadline=starts - datetime.timedelta(days=2, seconds=5),
        description="Ordre du jour\n1. Budget",
    )
    return Case(
        user=UserFactory(role=Role.STAFF),
        obj=item,
        page=reverse("events:edit", args=[item.pk]),
        field="capacity",
        value="35",
        expected={"capacity": 35},
    )


def call():
    item = CallFactory(tranche_split=[70, 30])
    return Case(
        user=UserFactory(role=Role.STAFF),
        obj=item,
        page=reverse("grants:call_edit", args=[item.pk]),
        field="title",
        value="Appel 2027",
        expected={"title": "Appel 2027"},
    )


def programme():
    item = ProgrammeFactory(code="pra", description="Programme d'appui\naux projets")
    return Case(
        user=UserFactory(role=Role.STAFF),
        obj=item,
        page=reverse("grants:programme_edit", args=[item.pk]),
        field="name",
        value="PRA/OSIM 2",
        expected={"name": "PRA/OSIM 2"},
    )


def cofinancing_rule():
    from awards.services import save_rule

    staff = UserFactory(role=Role.STAFF)
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, rna=None, acronym="CCME")
    rule = save_rule(
        by=staff,
        partner=partner,
        programme=ProgrammeFactory(),
        name="Diaspora marocaine",
        diaspora_country="MA",
        project_country="MA",
        rate=Decimal("30.5"),
        cap=Decimal("5000.00"),
        is_active=True,
    )
    return Case(
        user=staff,
        obj=rule,
        page=reverse("awards:rule_edit", args=[rule.pk]),
        field="name",
        value="Diaspora marocaine, projets au Maroc",
        expected={"name": "Diaspora marocaine, projets au Maroc"},
    )


def _draft():
    from tests.grants.conftest import complete

    association = OrganisationFactory()
    admin = MembershipFactory(organisation=association, role=MemberRole.ADMIN).user
    application = complete(ApplicationFactory(call=CallFactory(), organisation=association, created_by=admin))
    return admin, application


def _budget_lines(application):
    return list(
        BudgetLine.objects.filter(application=application)
        .order_by("pk")
        .values("category", "label", "quantity", "unit_cost", "amount")
    )


def application_step(step, field, value, expected):
    def build():
        admin, application = _draft()
        return Case(
            user=admin,
            obj=application,
            page=reverse("grants:application_edit", args=[application.pk, step]),
            field=field,
            value=value,
            expected=expected,
            related=lambda: _budget_lines(application),
        )

    build.__name__ = f"application_{step}"
    build.changes_a_field = field is not None
    return build


def report_draft():
    from tests.awards.conftest import award

    staff = UserFactory(role=Role.STAFF)
    admin, application = _draft()
    application = award(application, "12000.00", staff=staff, applicant=admin)
    report = application.reports.order_by("due_on").first()
    report.narrative = "Premier semestre :\nforage réalisé"
    report.save()
    return Case(
        user=admin,
        obj=report,
        page=reverse("awards:report", args=[report.pk]),
        field="narrative",
        value="Forage réalisé, château d'eau en cours",
        expected={"narrative": "Forage réalisé, château d'eau en cours"},
    )


CASES = [
    organisation_by_staff,
    organisation_by_its_admin,
    operator_by_staff,
    partner_by_staff,
    profile,
    member_role,
    france_action,
    event,
    programme,
    cofinancing_rule,
    report_draft,
    call,
    application_step("project", "title", "Forage à Tafraout", {"title": "Forage à Tafraout"}),
    application_step("budget", "own_funds", "4500", {"own_funds": Decimal("4500")}),
    application_step("operator", None, None, {}),
    application_step("review", None, None, {}),
]


def _post(client, case, data):
    url = case.action or case.page
    return client.post(url, data)


def _form(client, case):
    response = client.get(case.page)
    assert response.status_code == 200, (case.page, response.status_code)
    return find_form(
        response.content.decode(), page_url=case.page, action_url=case.action or case.page, field=case.field
    )


def _name(build):
    return build.__name__


@pytest.mark.parametrize("build", CASES, ids=_name)
def test_posting_a_form_unchanged_changes_nothing(client, build):
    case = build()
    login(client, case.user)
    before, related_before = stored(case.obj), case.related() if case.related else None
    form = _form(client, case)
    response = _post(client, case, form.data())
    assert response.status_code in (200, 302), (response.status_code, response.content.decode()[:3000])
    assert stored(case.obj) == before
    if case.related:
        assert case.related() == related_before


@pytest.mark.parametrize(
    "build",
    [build for build in CASES if getattr(getattr(build, "values", [build])[0], "changes_a_field", True)],
    ids=_name,
)
def test_changing_one_field_changes_only_that_field(client, build):
    case = build()
    login(client, case.user)
    before = stored(case.obj)
    data = _form(client, case).data()
    if case.value is None:
        data.pop(case.field, None)
    else:
        data[case.field] = case.value
    response = _post(client, case, data)
    assert response.status_code in (200, 302), (response.status_code, response.content.decode()[:3000])
    after = stored(case.obj)
    changed = {name: after[name] for name in after if after[name] != before[name]}
    expected = {
        name: Decimal(value).normalize() if isinstance(value, Decimal) else value
        for name, value in case.expected.items()
    }
    assert changed == expected
