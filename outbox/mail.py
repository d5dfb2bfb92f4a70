"""The one way the portal sends an e-mail.

`send_mail` renders the subject and body once per recipient, in that reader's language, and
records one outbox entry per recipient with the caller's transaction: the action rolled back,
nothing leaves; the action committed, each recipient gets its e-mail once (outbox.services).
Attachments are not stored: an entry names a builder and its arguments (`register_attachment`,
filled by the apps in `AppConfig.ready()`), and the file is built when the e-mail leaves.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

ATTACHMENT_BUILDERS = {}


def register_attachment(name, builder):
    """`builder(*args) -> (filename, bytes, mimetype) | None` (None: the object is gone, nothing to attach)."""
    ATTACHMENT_BUILDERS[name] = builder


def _reader(recipient):
    """(address, account or None, language) for a user or a bare address."""
    User = get_user_model()
    if isinstance(recipient, User):
        return recipient.email, recipient, recipient.language or settings.LANGUAGE_CODE
    account = User.objects.filter(email__iexact=recipient).only("language").first()
    return recipient, None, (account.language if account else "") or settings.LANGUAGE_CODE


def render(*, subject_template, body_template, context, language):
    with translation.override(language):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    return subject, body


def send_mail(*, to, subject_template, body_template, context, attachments=()):
    """Record one e-mail per recipient; each leaves after the caller's transaction commits.

    `to`: users and/or addresses (blanks and repeats are dropped); `context` gets `site_url` and
    `user` (the reader's account, if any); `attachments`: (builder name, args) pairs.
    Returns the entries recorded.
    """
    from .services import record

    entries, seen = [], set()
    for recipient in to:
        if not recipient:
            continue
        address, account, language = _reader(recipient)
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        subject, body = render(
            subject_template=subject_template,
            body_template=body_template,
            language=language,
            context={"site_url": settings.SITE_URL, "user": account, **context},
        )
        entries.append(
            record(
                to=address, subject=subject, body=body, attachments=[[name, list(args)] for name, args in attachments]
            )
        )
    return entries


def build_message(entry):
    """The e-mail of an outbox entry, its attachments built now in the reader's language (a PDF too)."""
    message = EmailMessage(entry.subject, entry.body, settings.DEFAULT_FROM_EMAIL, [entry.to])
    language = _reader(entry.to)[2] if entry.attachments else settings.LANGUAGE_CODE
    for name, args in entry.attachments:
        with translation.override(language):
            built = ATTACHMENT_BUILDERS[name](*args)
        if built:
            message.attach(*built)
    return message
