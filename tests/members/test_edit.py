import pytest
from django.urls import reverse
from django.utils.html import escape

from members.models import NetworkLink, OrganisationKind
from tests.conftest import login
from tests.factories import OperatorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def edit_data(organisation, **overrides):
    data = {"name": organisation.name, "acronym": organisation.acronym, "rna": organisation.rna, "region": "IDF",
            "city": "Paris", "postcode": "75010"}
    data.update(overrides)
    return data


def test_editing_to_a_taken_rna_names_the_other_organisation(client, applicant, association, other_association):
    login(client, applicant)
    response = client.post(
        reverse("members:organisation_edit", args=[association.pk]), edit_data(association, rna=other_association.rna)
    )
    assert response.status_code == 400
    assert escape(str(other_association)) in response.content.decode()
    association.refresh_from_db()
    assert association.rna != other_association.rna


def test_identifiers_typed_with_spaces_are_normalised(client, applicant, association):
    login(client, applicant)
    client.post(
        reverse("members:organisation_edit", args=[association.pk]),
        edit_data(association, rna="w 751 999 999", siret="732 829 320 00074"),
    )
    association.refresh_from_db()
    assert (association.rna, association.siret) == ("W751999999", "73282932000074")


def test_only_staff_assign_the_operator(client, applicant, staff_user, association):
    operator = OperatorFactory()
    login(client, applicant)
    client.post(reverse("members:organisation_edit", args=[association.pk]), edit_data(association, operator=operator.pk))
    association.refresh_from_db()
    assert association.operator_id is None
    login(client, staff_user)
    client.post(
        reverse("members:organisation_edit", args=[association.pk]),
        edit_data(association, operator=operator.pk, kind=OrganisationKind.OSIM),
    )
    association.refresh_from_db()
    assert association.operator == operator
    assert association.history.first().history_user == staff_user


def test_an_administrator_declares_and_removes_a_network_membership(client, applicant, association):
    federation = OrganisationFactory(kind=OrganisationKind.FOSIM, name="FEDIMA")
    login(client, applicant)
    client.post(reverse("members:network_link_add", args=[association.pk]), {"network": federation.pk, "since": "2015-01-01"})
    link = NetworkLink.objects.get(member=association)
    assert link.network == federation and str(link.since) == "2015-01-01"
    response = client.post(
        reverse("members:network_link_add", args=[association.pk]),
        {"network": federation.pk, "since": "2015-01-01", "until": "2010-01-01"},
    )
    assert response.status_code == 400 and "précède" in response.content.decode()
    client.post(reverse("members:network_link_remove", args=[association.pk, link.pk]))
    assert not NetworkLink.objects.exists()


def test_api_rejects_bad_filters_with_a_4xx(client, staff_user):
    login(client, staff_user)
    response = client.get("/api/v1/organisations/?kind=zzz")
    assert response.status_code == 400
