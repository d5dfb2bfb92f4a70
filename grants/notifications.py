"""Who hears about a dossier, and its e-mails' attachments. E-mails go through `outbox.mail.send_mail`."""

from django.contrib.auth import get_user_model

from accounts.models import Role
from outbox.services import send_after_commit


def recipients_for(application, audiences):
    """Active users to tell, by audience ("applicant", "staff", "operator")."""
    User = get_user_model()
    users = User.objects.none()
    if "applicant" in audiences:
        users |= User.objects.filter(memberships__organisation_id=application.organisation_id)
    if "staff" in audiences:
        users |= User.objects.filter(role__in=[Role.STAFF, Role.ADMIN])
    operator_id = application.operator_id or application.organisation.operator_id
    if "operator" in audiences and operator_id:
        users |= User.objects.filter(memberships__organisation_id=operator_id)
    return list(users.filter(is_active=True).distinct())


def receipt_attachment(application_id):
    """The dossier's PDF receipt, built when the e-mail leaves (attachment "grants.receipt")."""
    from .documents import render_receipt
    from .models import Application

    application = (
        Application.objects.select_related("organisation", "call__programme").filter(pk=application_id).first()
    )
    if application is None:
        return None
    filename, content = render_receipt(application)
    return filename, content, "application/pdf"


def queue_transition_emails(record):
    from .tasks import send_transition_emails

    send_after_commit(send_transition_emails, record.pk)
