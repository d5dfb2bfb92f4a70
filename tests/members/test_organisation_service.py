"""Organisations are written only through `members.services`, which checks every field, whatever the interface."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from forim_portal.errors import DomainError
from members import services
from members.models import Organisation, OrganisationKind
from tests.conftest import login
from tests.factories import OperatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.STAFF)


@pytest.fixture
def rich(db):
    return OrganisationFactory(
        diaspora_countries=["MA", "SN"],
        intervention_countries=["MA", "BF"],
        sectors=["water", "health"],
        board_migrant_share=Decimal("62.50"),
    )


def test_staff_setting_only_the_operator_keeps_the_countries(client, staff, rich):
    """The issue's case: the page posts what it shows, the countries are shown selected, nothing is lost."""
    operator = OperatorFactory()
    login(client, staff)
    page = client.get(reverse("members:organisation_edit", args=[rich.pk])).content.decode()
    assert '<option value="MA" selected>' in page and '<option value="BF" selected>' in page
    services.update_organisation(organisation=rich, by=staff, data={"operator": operator})
    rich.refresh_from_db()
    assert rich.operator == operator
    assert [c.code for c in rich.diaspora_countries] == ["MA", "SN"]
    assert [c.code for c in rich.intervention_countries] == ["BF", "MA"]
    assert rich.sectors == ["water", "health"]


def test_an_update_writes_only_the_fields_given(staff, rich):
    Organisation.objects.filter(pk=rich.pk).update(city="Lyon")  # someone else's change, not in this edit
    services.update_organisation(organisation=rich, by=staff, data={"acronym": "AMF2"})
    rich.refresh_from_db()
    assert (rich.acronym, rich.city) == ("AMF2", "Lyon")


def test_the_department_follows_the_postcode_when_left_empty(staff, rich):
    services.update_organisation(organisation=rich, by=staff, data={"postcode": "20167", "department": ""})
    rich.refresh_from_db()
    assert rich.department == "2A"


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"rna": "W12"}, "rna", "W suivi de 9 chiffres"),
        ({"rna": ""}, "rna", "obligatoire"),
        ({"siret": "73282932000075"}, "siret", "clé de contrôle"),
        ({"diaspora_countries": ["MA", "XX"]}, "diaspora_countries", "n'est pas dans la liste"),
        ({"intervention_countries": 12}, "intervention_countries", "une liste est attendue"),
        ({"sectors": ["piracy"]}, "sectors", "n'est pas dans la liste"),
        ({"board_migrant_share": "NaN"}, "board_migrant_share", "entre 0 et 100"),
        ({"board_migrant_share": "1e999"}, "board_migrant_share", "entre 0 et 100"),
        ({"board_migrant_share": "150"}, "board_migrant_share", "entre 0 et 100"),
        ({"board_migrant_share": "50.005"}, "board_migrant_share", "deux décimales au plus"),
        ({"board_migrant_share": "abc"}, "board_migrant_share", "entre 0 et 100"),
        ({"kind": "pirate"}, "kind", "Type d'organisation inconnu"),
        ({"created_on": "31/02/2020"}, "created_on", "date invalide"),
        ({"name": ""}, "name", "vide"),
        ({"name": "x" * 300}, "name", "255"),
        ({"name": "AMF\x00"}, "name", "caractère invalide"),
        ({"website": "pas un site"}, "website", "URL"),
        ({"email": "pas-un-mail"}, "email", "adresse e-mail valide"),
        ({"status": "validated"}, "status", "ne peut pas être modifié ici"),
    ],
)
def test_every_field_is_checked_in_french(staff, rich, data, field, words):
    before = Organisation.objects.filter(pk=rich.pk).values().get()
    with pytest.raises(DomainError) as refused:
        services.update_organisation(organisation=rich, by=staff, data=data)
    assert refused.value.field == field and refused.value.status == 400
    assert words in str(refused.value.errors[field] if hasattr(refused.value, "errors") else refused.value.message)
    assert Organisation.objects.filter(pk=rich.pk).values().get() == before


def test_the_operator_must_be_an_operator(staff, rich):
    with pytest.raises(DomainError, match="pas un opérateur d'appui") as refused:
        services.update_organisation(organisation=rich, by=staff, data={"operator": OrganisationFactory()})
    assert refused.value.field == "operator"
    with pytest.raises(DomainError, match="pas un opérateur d'appui"):
        services.update_organisation(organisation=rich, by=staff, data={"operator": 999999})
    rich.refresh_from_db()
    assert rich.operator is None


def test_an_operators_label_cannot_end_before_it_starts(staff):
    operator = OperatorFactory(label_since=datetime.date(2024, 1, 1))
    with pytest.raises(DomainError, match="précède") as refused:
        services.update_organisation(organisation=operator, by=staff, data={"label_until": datetime.date(2023, 1, 1)})
    assert refused.value.field == "label_until"


def test_the_rna_stays_unique_naming_its_owner(staff, rich, other_association):
    with pytest.raises(DomainError, match=str(other_association.name)) as refused:
        services.update_organisation(organisation=rich, by=staff, data={"rna": other_association.rna.lower()})
    assert refused.value.code == "duplicate_rna"


def test_only_staff_change_the_kind_or_the_operator(applicant, association):
    with pytest.raises(DomainError) as refused:
        services.update_organisation(organisation=association, by=applicant, data={"operator": OperatorFactory()})
    assert refused.value.status == 403
    with pytest.raises(DomainError) as refused:
        services.update_organisation(organisation=association, by=applicant, data={"kind": OrganisationKind.PARTNER})
    assert refused.value.status == 403
    association.refresh_from_db()
    assert (association.kind, association.operator) == (OrganisationKind.OSIM, None)


def test_a_page_shows_every_refused_field_and_keeps_what_was_typed(client, staff, rich):
    login(client, staff)
    response = client.post(
        reverse("members:organisation_edit", args=[rich.pk]),
        {
            "name": "Nouveau nom tapé",
            "rna": rich.rna,
            "kind": "osim",
            "board_migrant_share": "150",
            "diaspora_countries": ["MA"],
            "siret": "73282932000075",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "entre 0 et 100" in body and "clé de contrôle" in body
    assert 'value="Nouveau nom tapé"' in body
    rich.refresh_from_db()
    assert rich.name != "Nouveau nom tapé"


def test_a_sign_up_is_checked_the_same_way(db):
    with pytest.raises(DomainError) as refused:
        services.register_organisation(
            data={"name": "Kassoumaï", "rna": "W352000205", "diaspora_countries": ["ZZ"]},
            statutes=None,
            receipt=None,
            account={"email": "awa@example.org", "password": "x"},
        )
    assert refused.value.field == "diaspora_countries"
    with pytest.raises(DomainError) as refused:
        services.register_organisation(
            data={"name": "Kassoumaï", "rna": "W352000205", "operator": OperatorFactory()},
            statutes=None,
            receipt=None,
            account={"email": "awa@example.org", "password": "x"},
        )
    assert refused.value.status == 403
    assert not Organisation.objects.filter(rna="W352000205").exists()
