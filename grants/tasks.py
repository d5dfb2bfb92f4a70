from celery import shared_task

from outbox.mail import send_mail

from .models import Application, CorrectionRequest, Message, OperatorVisa, Transition
from .notifications import recipients_for
from .workflow import APPLICANT, TRANSITIONS


@shared_task
def send_transition_emails(transition_id):
    """Tell the people concerned that a dossier changed state. Quiet if the row is gone.

    On (re)submission the association's e-mail carries the PDF receipt of its dossier,
    built when that e-mail leaves so it never waits for another job.
    """
    record = Transition.objects.select_related("application__organisation", "application__call__programme", "by").filter(pk=transition_id).first()
    if record is None:
        return 0
    spec = TRANSITIONS[record.name]
    application = record.application
    applicants = set()
    if record.name in {"submit", "resubmit"} and APPLICANT in spec.notify:
        applicants = {user.pk for user in recipients_for(application, {APPLICANT})}
    correction = application.correction_requests.order_by("-created_at").first() if record.name == "request_corrections" else None
    users = recipients_for(application, spec.notify)
    for with_receipt in (True, False):
        send_mail(
            to=[user for user in users if (user.pk in applicants) == with_receipt],
            subject_template="grants/email/transition_subject.txt",
            body_template="grants/email/transition_body.txt",
            context={"record": record, "application": application, "spec": spec, "with_receipt": with_receipt, "correction": correction},
            attachments=[("grants.receipt", [application.pk])] if with_receipt else (),
        )
    return len(users)


@shared_task
def send_message_emails(message_id):
    """A message from FORIM goes to the association's members; one from the association to FORIM staff."""
    message = Message.objects.select_related("application__organisation", "author").filter(pk=message_id).first()
    if message is None:
        return 0
    audience = {"applicant"} if message.from_staff else {"staff"}
    users = [user for user in recipients_for(message.application, audience) if user.pk != message.author_id]
    send_mail(
        to=users, subject_template="grants/email/message_subject.txt", body_template="grants/email/message_body.txt",
        context={"message": message, "application": message.application},
    )
    return len(users)


@shared_task
def send_visa_emails(visa_id):
    visa = OperatorVisa.objects.select_related("application__organisation", "operator").filter(pk=visa_id).first()
    if visa is None:
        return 0
    users = recipients_for(visa.application, {"applicant"})
    send_mail(
        to=users, subject_template="grants/email/visa_subject.txt", body_template="grants/email/visa_body.txt",
        context={"visa": visa, "application": visa.application},
    )
    return len(users)


@shared_task
def send_visa_request_emails(application_id, note=""):
    """The association asks its support operator for a visa on its draft: the operator's members are told."""
    application = Application.objects.select_related("organisation", "operator", "call").filter(pk=application_id).first()
    if application is None:
        return 0
    users = recipients_for(application, {"operator"})
    send_mail(
        to=users, subject_template="grants/email/visa_request_subject.txt", body_template="grants/email/visa_request_body.txt",
        context={"application": application, "note": note},
    )
    return len(users)


@shared_task
def send_correction_reminder_email(correction_id):
    """Two days before the date: the corrections FORIM asked for are still awaited."""
    correction = CorrectionRequest.objects.select_related("application__organisation").filter(pk=correction_id).first()
    if correction is None or correction.resolved_at is not None:
        return 0
    users = recipients_for(correction.application, {"applicant"})
    send_mail(
        to=users, subject_template="grants/email/correction_reminder_subject.txt",
        body_template="grants/email/correction_reminder_body.txt",
        context={"correction": correction, "application": correction.application},
    )
    return len(users)


@shared_task
def remind_corrections():
    """Every 6 hours (beat): reminders for corrections due within two days."""
    from .services import send_correction_reminders

    return send_correction_reminders()
