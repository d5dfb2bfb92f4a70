"""E-mails about a dossier, sent by a task after commit, each in its reader's language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

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


def send_in_language(user, *, subject_template, body_template, context, attachments=()):
    """One e-mail in the reader's language; `attachments` are (filename, bytes, mimetype)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, {"site_url": settings.SITE_URL, **context, "user": user})
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    for filename, content, mimetype in attachments:
        email.attach(filename, content, mimetype)
    email.send()


def queue_transition_emails(record):
    from .tasks import send_transition_emails

    send_after_commit(send_transition_emails, record.pk)
