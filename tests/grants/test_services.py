"""Submission, references, versions, corrections, stale saves, messages and visa: outcomes in rows and e-mails."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from forim_portal.errors import Conflict, DomainError
from grants import services
from grants.models import Application, ApplicationVersion, CorrectionRequest, Message, OperatorVisa, Transition
from grants.selectors import diff_versions
from grants.states import State
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory


def test_submit_gives_reference_version_and_receipt_mail(draft, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=draft, by=applicant)
    draft.refresh_from_db()
    assert draft.status == State.SUBMITTED
    assert draft.reference == "PRA-2026-0001"
    version = ApplicationVersion.objects.get(application=draft)
    assert version.number == 1 and version.data["budget_total"] == "20000.00"
    assert len(version.data["budget_lines"]) == 2
    message = next(m for m in mail.outbox if m.to == [applicant.email])
    assert "PRA-2026-0001" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and filename == "accuse-de-depot-PRA-2026-0001.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "PRA-2026-0001" in text and "Association des Marocains en France" in text
    assert "Forage et pompe" in text and "Maroc" in text and "20 000,00 €" in text.replace("\u202f", " ").replace("\u00a0", " ")


def test_references_follow_each_other_per_call(draft, other_draft, applicant, other_applicant):
    services.submit_application(application=draft, by=applicant)
    services.submit_application(application=other_draft, by=other_applicant)
    assert {draft.reference, other_draft.reference} == {"PRA-2026-0001", "PRA-2026-0002"}


def test_double_submit_makes_one_dossier(draft, applicant):
    services.submit_application(application=draft, by=applicant)
    stale = Application.objects.get(pk=draft.pk)
    services.submit_application(application=stale, by=applicant)
    assert Transition.objects.filter(application=draft, name="submit").count() == 1
    assert ApplicationVersion.objects.filter(application=draft).count() == 1
    assert Application.objects.filter(reference__isnull=False).count() == 1


def test_submit_one_second_after_deadline_is_refused(draft, applicant, call):
    call.deadline = timezone.now() - datetime.timedelta(seconds=1)
    call.opens_at = call.deadline - datetime.timedelta(days=10)
    call.save()
    with pytest.raises(DomainError) as error:
        services.submit_application(application=draft, by=applicant)
    assert "date limite" in error.value.message
    draft.refresh_from_db()
    assert draft.status == State.DRAFT and draft.reference is None


def test_submit_refused_while_rules_fail(draft, applicant):
    draft.amount_requested = Decimal("16000.00")
    draft.save()
    with pytest.raises(DomainError) as error:
        services.submit_application(application=draft, by=applicant)
    assert "plafond" in error.value.message
    assert Application.objects.get(pk=draft.pk).status == State.DRAFT


def test_stale_save_is_refused_naming_who_saved(draft, applicant, association):
    colleague = MembershipFactory(organisation=association, user__first_name="Awa", user__last_name="Diop").user
    seen = draft.lock_version
    services.save_step(application=draft, by=colleague, step="project", values={"locality": "Tafraout"}, lock_version=seen)
    with pytest.raises(Conflict) as error:
        services.save_step(application=Application.objects.get(pk=draft.pk), by=applicant, step="project", values={"locality": "Tiznit"}, lock_version=seen)
    assert "Awa Diop" in error.value.message
    assert Application.objects.get(pk=draft.pk).locality == "Tafraout"


def test_submitted_dossier_cannot_be_edited(draft, applicant):
    services.submit_application(application=draft, by=applicant)
    with pytest.raises(DomainError) as error:
        services.save_step(application=draft, by=applicant, step="project", values={"title": "Autre"}, lock_version=draft.lock_version)
    assert error.value.status == 403
    assert Application.objects.get(pk=draft.pk).title == "Adduction d'eau potable à Tafraout"


def test_corrections_open_only_the_asked_steps_then_resubmit_keeps_both_versions(draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le forage est sous-évalué.")
    draft.refresh_from_db()
    assert draft.status == State.CORRECTIONS_REQUESTED
    assert services.editable_steps(draft) == ["budget"]
    with pytest.raises(DomainError):
        services.save_step(application=draft, by=applicant, step="project", values={"title": "Autre"}, lock_version=draft.lock_version)
    line = draft.budget_lines.get(category="investment")
    services.save_step(
        application=draft, by=applicant, step="budget", lock_version=draft.lock_version,
        values={"own_funds": Decimal("5000.00")},
        lines=[{"id": line.pk, "label": "Forage profond et pompe solaire", "category": "investment", "quantity": Decimal("1"), "unit_cost": Decimal("19000.00")},
               {"id": draft.budget_lines.get(category="in_kind").pk, "label": "Main-d'œuvre", "category": "in_kind", "quantity": Decimal("1"), "unit_cost": Decimal("2000.00")}],
    )
    services.submit_application(application=draft, by=applicant)
    draft.refresh_from_db()
    assert draft.status == State.SUBMITTED and draft.reference == "PRA-2026-0001"
    assert CorrectionRequest.objects.get(application=draft).resolved_at is not None
    first, second = ApplicationVersion.objects.filter(application=draft).order_by("number")
    labels = {label for label, _before, _after in diff_versions(first, second)}
    assert labels == {"Fonds propres (€)", "Lignes du budget"}


def test_message_mails_the_other_side_in_its_language(draft, applicant, staff_user, django_capture_on_commit_callbacks):
    staff_user.language = "en"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(application=draft, by=applicant, body="Faut-il un devis pour la pompe ?")
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(application=draft, by=staff_user, body="Oui, joignez le devis.")
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "Oui, joignez le devis." in mail.outbox[0].body
    assert Message.objects.filter(application=draft, from_staff=True).count() == 1


def test_outsider_cannot_post_a_message(draft, other_applicant):
    with pytest.raises(DomainError):
        services.post_message(application=draft, by=other_applicant, body="Bonjour")
    assert not Message.objects.exists()


def test_visa_by_the_accompanying_operator_only(draft, association, operator_org, operator_user, django_capture_on_commit_callbacks):
    stranger = MembershipFactory(organisation__kind="operator", user__role="operator").user
    with pytest.raises(DomainError):
        services.give_visa(application=draft, by=stranger, decision="granted")
    association.operator = operator_org
    association.save()
    draft.refresh_from_db()
    with pytest.raises(DomainError):
        services.give_visa(application=draft, by=operator_user, decision="changes_requested", comment="")
    with django_capture_on_commit_callbacks(execute=True):
        services.give_visa(application=draft, by=operator_user, decision="granted", comment="Bon dossier")
    assert OperatorVisa.objects.get(application=draft).operator == operator_org
    assert len(mail.outbox) == 1


def test_start_application_twice_gives_one_draft(call, association, applicant):
    first = services.start_application(call=call, organisation=association, by=applicant)
    second = services.start_application(call=call, organisation=association, by=applicant)
    assert first.pk == second.pk
    assert Application.objects.filter(organisation=association).count() == 1


def test_viewer_cannot_start_or_edit(call, association):
    viewer = MembershipFactory(organisation=association, role="viewer").user
    with pytest.raises(DomainError):
        services.start_application(call=call, organisation=association, by=viewer)
    application = ApplicationFactory(call=call, organisation=association)
    with pytest.raises(DomainError):
        services.save_step(application=application, by=viewer, step="project", values={"title": "x"})
    assert UserFactory  # factories shared with the other tests


def test_reference_skips_a_number_already_taken(draft, applicant, call):
    ApplicationFactory(call=call, reference="PRA-2026-0001", status=State.CLOSED)
    services.submit_application(application=draft, by=applicant)
    assert draft.reference == "PRA-2026-0002"
