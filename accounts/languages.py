"""The language an account reads: pages, and the e-mails and PDFs sent to it (User.language)."""

from django.conf import settings
from django.utils import translation


def offered(code):
    """`code` reduced to a language the portal offers ("en-gb" → "en"), else the default (French)."""
    code = (code or "").lower().split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def current_language():
    """The language of the page being served: a new account keeps it (a sign-up in English reads English)."""
    return offered(translation.get_language())
