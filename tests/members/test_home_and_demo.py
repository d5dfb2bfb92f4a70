import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts import demo as accounts_demo
from members import demo, home
from members.models import FranceAction, Organisation, OrganisationDocument, OrganisationStatus
from members.selectors import can_apply, current_documents
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def request_for(user, organisation=None):
    request = RequestFactory().get("/")
    request.user = user
    request.organisation = organisation
    return request


def render(section):
    return render_to_string(section["template"], {"section": section})


def test_staff_home_lists_pending_registrations_with_links(staff_user):
    pending = OrganisationFactory(name="Association en attente", status=OrganisationStatus.PENDING)
    OrganisationFactory(name="Association validée")
    section = home.staff_section(request_for(staff_user))
    html = render(section)
    assert section["pending_count"] == 1
    assert f"/reseau/organisations/{pending.pk}/" in html and "Association en attente" in html
    assert "Association (OSIM) : 1" in html


def test_coordinator_home_lists_its_associations_only(coordinator, collective, network_member, association):
    section = home.coordinator_section(request_for(coordinator, collective))
    assert section["organisations"] == [network_member]
    assert f"/reseau/organisations/{network_member.pk}/" in render(section)


def test_demo_is_idempotent_and_keeps_the_keys_others_rely_on():
    accounts_demo.load()
    demo.load()
    counts = (Organisation.objects.count(), FranceAction.objects.count(), OrganisationDocument.objects.count())
    demo.load()
    assert counts == (Organisation.objects.count(), FranceAction.objects.count(), OrganisationDocument.objects.count())
    amf = Organisation.objects.get(rna="W751000201")
    assert amf.acronym == "AMF" and amf.operator.name == "Migrations & Développement"
    assert can_apply(amf) == (True, "")
    assert {"statutes", "registration_receipt", "accounts", "bank_details", "general_assembly"} <= set(current_documents(amf))
    assert FranceAction.objects.filter(in_qpv=True).count() >= 5
    assert FranceAction.objects.filter(organisation__acronym="COSIM-ARA", title__icontains="10 mythes").exists()


def test_only_network_associations_may_apply(operator_org):
    allowed, reason = can_apply(operator_org)
    assert not allowed and "OSIM" in reason
    assert can_apply(None)[0] is False


def test_api_detail_gives_french_country_names(client, applicant, association):
    from tests.conftest import login

    association.diaspora_countries = ["SN", "ML"]
    association.save()
    login(client, applicant)
    data = client.get(f"/api/v1/organisations/{association.pk}/").json()
    assert data["diaspora_countries"] == [{"code": "ML", "name": "Mali"}, {"code": "SN", "name": "Sénégal"}]
    assert data["status"] == "validated" and data["kind_label"] == "Association (OSIM)"
