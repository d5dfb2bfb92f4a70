"""Who sees which organisation, its people and its documents: by page, by API and by guessing ids."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from members import services
from members.models import DocumentType
from members.selectors import visible_organisations
from tests.conftest import login
from tests.factories import OrganisationFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def vault(association, other_association, applicant, other_applicant):
    mine = services.add_document(organisation=association, by=applicant, doc_type=DocumentType.STATUTES, upload=pdf())
    theirs = services.add_document(
        organisation=other_association, by=other_applicant, doc_type=DocumentType.BANK_DETAILS, upload=pdf("rib.pdf")
    )
    return mine, theirs


def test_an_applicant_never_reaches_another_association(client, applicant, association, other_association, vault):
    mine, theirs = vault
    login(client, applicant)
    assert client.get(reverse("members:organisation_detail", args=[association.pk])).status_code == 200
    for name, args in [
        ("members:organisation_detail", [other_association.pk]),
        ("members:organisation_edit", [other_association.pk]),
        ("members:document_add", [other_association.pk]),
        ("members:action_add", [other_association.pk]),
        ("members:document_download", [theirs.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, args in [
        ("members:invite", [other_association.pk]),
        ("members:document_delete", [theirs.pk]),
        ("members:organisation_validate", [other_association.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"email": "x@example.org"}).status_code == 404, name
    assert client.get(f"/api/v1/organisations/{other_association.pk}/").status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/organisations/").json()["results"]}
    assert listed == {association.pk}
    # Its own document downloads, with the original bytes.
    response = client.get(reverse("members:document_download", args=[mine.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    # The directory is for staff and coordinators.
    assert client.get(reverse("members:directory")).status_code == 403
    assert client.get(reverse("members:actions")).status_code == 403
    assert client.get(reverse("members:import")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, association, vault):
    for url in [
        reverse("members:organisation_detail", args=[association.pk]),
        reverse("members:document_download", args=[vault[0].pk]),
        reverse("members:directory"),
    ]:
        assert client.get(url).status_code == 302
    assert client.get("/api/v1/organisations/").status_code in (401, 403)


def test_a_viewer_reads_but_does_not_write(client, association):
    from members.models import MemberRole
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(organisation=association, role=MemberRole.VIEWER).user
    login(client, viewer)
    page = client.get(reverse("members:organisation_detail", args=[association.pk])).content.decode()
    assert "Ajouter un document" not in page and "Inviter une personne" not in page
    assert client.get(reverse("members:document_add", args=[association.pk])).status_code == 403
    assert client.get(reverse("members:organisation_edit", args=[association.pk])).status_code == 403
    assert client.post(reverse("members:invite", args=[association.pk]), {"email": "a@example.org", "role": "admin"}).status_code == 403


def test_a_coordinator_sees_only_its_network(client, coordinator, collective, network_member, association, vault):
    import datetime

    from members.models import NetworkLink

    former = OrganisationFactory(name="Ancien membre")
    NetworkLink.objects.create(member=former, network=collective, until=datetime.date(2020, 12, 31))
    login(client, coordinator)
    assert set(visible_organisations(coordinator)) == {collective, network_member}
    page = client.get(reverse("members:directory")).content.decode()
    assert escape(network_member.name) in page and escape(association.name) not in page and "Ancien membre" not in page
    assert client.get(reverse("members:organisation_detail", args=[network_member.pk])).status_code == 200
    assert client.get(reverse("members:organisation_detail", args=[association.pk])).status_code == 404
    assert client.get(reverse("members:organisation_detail", args=[former.pk])).status_code == 404
    assert client.get(reverse("members:document_download", args=[vault[0].pk])).status_code == 404
    assert {row["id"] for row in client.get("/api/v1/organisations/").json()["results"]} == {collective.pk, network_member.pk}
    # It sees the association's page, not its people nor its documents.
    page = client.get(reverse("members:organisation_detail", args=[network_member.pk])).content.decode()
    assert "Personnes qui agissent" not in page and "Coffre-fort" not in page


def test_an_operator_sees_the_associations_it_accompanies(client, operator_user, operator_org, association, other_association, vault):
    association.operator = operator_org
    association.save()
    login(client, operator_user)
    assert set(visible_organisations(operator_user)) == {operator_org, association}
    assert client.get(reverse("members:document_download", args=[vault[0].pk])).status_code == 200
    assert client.get(reverse("members:document_download", args=[vault[1].pk])).status_code == 404
    assert client.get(reverse("members:directory")).status_code == 403


def test_staff_see_everything(client, staff_user, association, other_association, vault):
    login(client, staff_user)
    assert client.get(reverse("members:document_download", args=[vault[1].pk])).status_code == 200
    page = client.get(reverse("members:organisation_detail", args=[other_association.pk])).content.decode()
    assert "autre@example.org" in page and "Historique des modifications" in page


@pytest.mark.parametrize("count", [3, 30])
def test_organisation_page_query_count_does_not_grow(client, staff_user, association, django_assert_max_num_queries, count):
    from members.models import FranceAction
    from tests.factories import MembershipFactory

    for index in range(count):
        MembershipFactory(organisation=association)
        services.add_document(organisation=association, by=staff_user, doc_type=DocumentType.ACCOUNTS, upload=pdf(), year=2000 + index)
        FranceAction.objects.create(organisation=association, title=f"Action {index}", domain="culture")
    login(client, staff_user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("members:organisation_detail", args=[association.pk]))
    assert len(response.context["documents"]) == count
