"""After the award, the association's dossier page is its one place: amount, agreement, payments, reports, diploma."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from awards.models import Agreement
from awards.services import mark_agreement_sent, record_payment
from awards.templatetags.awards import euros
from documents.models import DocumentJob
from documents.services import request_document
from forim_portal.errors import DomainError
from grants.models import Application
from grants.selectors import next_step
from grants.services import set_publish_consent
from grants.states import State
from tests.conftest import login

from .test_money import sign

pytestmark = pytest.mark.django_db


def page(client, user, application):
    return login(client, user).get(reverse("grants:application_detail", args=[application.pk]))


def pdf(name="convention-signee.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


def test_home_and_list_lead_to_the_dossier_page_with_the_awarded_amount(client, awarded, applicant):
    login(client, applicant)
    detail = reverse("grants:application_detail", args=[awarded.pk])
    assert detail in client.get("/").content.decode()
    assert detail in client.get(reverse("grants:my_applications")).content.decode()
    html = client.get(detail).content.decode()
    assert "Votre projet lauréat" in html and f"<strong>{euros(awarded.awarded_amount)}</strong>" in html
    assert reverse("awards:detail", args=[awarded.pk]) in html  # the follow-up page stays one link away


def test_the_schedule_shows_each_tranche_amount_status_and_paid_date(client, awarded, applicant, staff_user):
    sign(awarded, staff_user)
    first = awarded.tranches.get(number=1)
    record_payment(
        tranche=first, paid_on=datetime.date(2026, 2, 3), amount=first.amount, reference="VIR-1", by=staff_user
    )
    html = page(client, applicant, awarded).content.decode()
    assert "Tranche 1 (70 %)" in html and "Tranche 2 (30 %)" in html
    assert "Versée</span> le 3 février 2026" in html
    assert "À venir" in html and "après l&#x27;approbation du rapport intermédiaire" in html


def test_reports_due_are_listed_with_dates_and_a_link_to_write_each(client, awarded, applicant):
    html = page(client, applicant, awarded).content.decode()
    for report in awarded.reports.all():
        assert reverse("awards:report", args=[report.pk]) in html
    assert "Rédiger le rapport intermédiaire n°1" in html and "Rédiger le rapport final" in html
    interim = awarded.reports.get(kind="interim")
    assert f"à remettre le {interim.due_on.day} " in html


def test_the_status_follows_what_staff_did_and_the_association_is_told_once(
    client,
    awarded,
    applicant,
    staff_user,
    django_capture_on_commit_callbacks,
):
    assert next_step(awarded)[0].startswith("Félicitations ! Le FORIM va vous envoyer la convention")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(client, staff_user).post(reverse("awards:agreement_sent", args=[awarded.pk]))
    assert [m.to for m in mail.outbox] == [["tresorier@example.org"]]
    assert "convention" in mail.outbox[0].subject.lower()
    assert reverse("grants:application_detail", args=[awarded.pk]) in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        mark_agreement_sent(application=awarded, by=staff_user)  # noted again: no second e-mail
    assert len(mail.outbox) == 1
    client.logout()
    html = page(client, applicant, Application.objects.get(pk=awarded.pk)).content.decode()
    assert "va vous envoyer la convention" not in html
    assert "La convention vous a été envoyée" in html and "Envoyée, en attente de signature" in html


def test_the_association_returns_the_agreement_signed_and_staff_record_it(
    client,
    awarded,
    applicant,
    staff_user,
    django_capture_on_commit_callbacks,
):
    mark_agreement_sent(application=awarded, by=staff_user)
    mail.outbox.clear()
    login(client, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("awards:agreement_return", args=[awarded.pk]), {"signed_file": pdf()})
    assert response.status_code == 302
    agreement = Agreement.objects.get(application=awarded)
    assert agreement.signed_file and agreement.signed_at is None
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    html = client.get(reverse("grants:application_detail", args=[awarded.pk])).content.decode()
    assert "Renvoyée signée, en cours de vérification" in html and "Convention signée reçue" in html
    refused = client.post(
        reverse("awards:agreement_return", args=[awarded.pk]), {"signed_file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert (
        refused.status_code == 400
        and Agreement.objects.get(pk=agreement.pk).signed_file.name == agreement.signed_file.name
    )
    client.logout()
    login(client, staff_user).post(reverse("awards:agreement_signed", args=[awarded.pk]), {"confirm_returned": "1"})
    assert Application.objects.get(pk=awarded.pk).status == State.AGREEMENT_SIGNED
    assert Agreement.objects.get(pk=agreement.pk).signed_at is not None


def test_the_diploma_is_downloaded_never_generated_by_the_association(
    client,
    awarded,
    applicant,
    staff_user,
    django_capture_on_commit_callbacks,
):
    assert "Régénérer" not in page(client, applicant, awarded).content.decode()
    with pytest.raises(DomainError):
        request_document(kind="diploma", target=awarded, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        request_document(kind="diploma", target=awarded, user=staff_user)
    job = DocumentJob.objects.get(kind="diploma")
    html = client.get(reverse("grants:application_detail", args=[awarded.pk])).content.decode()
    assert reverse("documents:download", args=[job.pk]) in html
    assert "Générer : Diplôme" not in html and "Régénérer" not in html
    followup = client.get(reverse("awards:detail", args=[awarded.pk])).content.decode()
    assert "Régénérer" not in followup and "Générer :" not in followup


def test_the_association_changes_its_consent_and_the_public_page_follows(client, awarded, applicant):
    Application.objects.filter(pk=awarded.pk).update(publish_consent=False)
    awarded.call.__class__.objects.filter(pk=awarded.call_id).update(
        deadline=timezone.now() - datetime.timedelta(days=1)
    )
    public = reverse("dashboards:laureates")
    shown = escape(awarded.title)
    assert shown not in client.get(public).content.decode()
    login(client, applicant)
    form_action = f'action="{reverse("grants:publish_consent", args=[awarded.pk])}"'
    assert form_action in client.get(reverse("grants:application_detail", args=[awarded.pk])).content.decode()
    client.post(reverse("grants:publish_consent", args=[awarded.pk]), {"publish_consent": "on"})
    assert Application.objects.get(pk=awarded.pk).publish_consent is True
    client.logout()
    assert shown in client.get(public).content.decode()
    login(client, applicant).post(reverse("grants:publish_consent", args=[awarded.pk]), {})
    assert Application.objects.get(pk=awarded.pk).publish_consent is False


def test_the_consent_is_changed_only_by_the_laureate_and_only_after_the_award(
    awarded, applicant, other_applicant, staff_user, association
):
    from tests.factories import ApplicationFactory

    for outsider in (other_applicant, staff_user):
        with pytest.raises(DomainError, match="Seule l'association"):
            set_publish_consent(application=awarded, consent=True, by=outsider)
    draft = ApplicationFactory(organisation=association, call=awarded.call)
    with pytest.raises(DomainError, match="jusqu'à l'attribution"):
        set_publish_consent(application=draft, consent=True, by=applicant)
    assert Application.objects.get(pk=draft.pk).publish_consent is False


def test_another_association_gets_404_everywhere(client, awarded, other_applicant):
    login(client, other_applicant)
    assert client.get(reverse("grants:application_detail", args=[awarded.pk])).status_code == 404
    assert (
        client.post(reverse("grants:publish_consent", args=[awarded.pk]), {"publish_consent": "on"}).status_code == 404
    )
    assert client.post(reverse("awards:agreement_return", args=[awarded.pk]), {"signed_file": pdf()}).status_code == 404
    assert not Agreement.objects.get(application=awarded).signed_file
    assert Application.objects.get(pk=awarded.pk).publish_consent == awarded.publish_consent


def test_the_partner_sees_the_follow_up_figures_not_the_private_parts(client, awarded, ccme_rule, partner_user):
    login(client, partner_user)
    assert client.get(reverse("grants:application_detail", args=[awarded.pk])).status_code == 404
    html = client.get(reverse("awards:detail", args=[awarded.pk])).content.decode()
    assert euros(Decimal("4500.00")) in html  # its own top-up
    # issue 14: the partner sees where payments and reports stand (the FOLLOW_UP purpose), never the agreement,
    # the transfers' details or the reports themselves
    assert "Versements et rapports" in html and "Rapport intermédiaire" in html
    assert 'id="agreement-title"' not in html and 'id="payments-title"' not in html
    assert all(reverse("awards:report", args=[r.pk]) not in html for r in awarded.reports.all())
    assert client.post(reverse("awards:agreement_return", args=[awarded.pk]), {"signed_file": pdf()}).status_code == 403
    assert not Agreement.objects.get(application=awarded).signed_file
