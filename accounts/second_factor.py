"""Two-factor sign-in (TOTP with recovery codes, through django-otp).

Required for FORIM staff and administrators, who decide on public money and see every
association's bank details; optional for everyone else, and enforced for anyone who enrolled.
Until the second step is done, `SecondFactorMiddleware` lets such a session reach only the
second-factor pages and logging out: no staff page, no admin, no API call. A failed code
counts as a failed login for django-axes, so the lock-out after five failures covers both steps,
and django-otp's own throttle slows repeated guesses on a device.
"""

import secrets
from base64 import b32encode

import qrcode
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from forim_portal.errors import DomainError

RECOVERY_CODES = 10
DEVICE_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
ENROLLED_SESSION_KEY = "second_factor_enrolled"
OPEN_PATHS = ("/static/", "/healthz", "/i18n/", "/compte/double-authentification/")


def requires_second_factor(user):
    """Staff and administrators must use a second factor; anyone who enrolled must too."""
    return bool(user and user.is_authenticated) and (user.is_forim_staff or has_second_factor(user))


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user):
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def pending_device(user):
    """The device being enrolled: created once, shown as a QR code until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_svg(device):
    """The device's otpauth:// URL as an inline SVG (made here, never fetched)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def readable_key(device):
    """The secret in base32 groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _clean(code):
    return "".join((code or "").split()).lower()


def _count_failure(request, user):
    """A wrong or throttled code counts as a failed login: django-axes locks both steps alike."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)


def _refuse_throttled(request, user):
    _count_failure(request, user)
    raise DomainError(
        _("Trop d'essais : patientez quelques secondes avant de réessayer."), code="throttled", field="code", status=429
    )


def _refuse(request, user):
    _count_failure(request, user)
    raise DomainError(
        _("Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et réessayez."), code="bad_code", field="code"
    )


def _throttled(device):
    allowed, _details = device.verify_is_allowed()
    return not allowed


@transaction.atomic
def confirm_enrolment(*, request, device, code, keep_tokens=False):
    """Confirm the device with a first code; returns the recovery codes, shown once.

    Tokens created before enrolment keep working only if the user says so (`keep_tokens`);
    otherwise they are revoked, since they were made with a password alone.
    """
    user = request.user
    _refuse_if_locked_out(request, user)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if _throttled(device):
        _refuse_throttled(request, user)
    if not device.verify_token(_clean(code)):
        _refuse(request, user)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # a replaced phone stops working
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    now = timezone.now()
    tokens = user.api_tokens.filter(revoked_at__isnull=True)
    if keep_tokens:
        tokens.update(second_factor_ok=True)
    else:
        tokens.update(revoked_at=now)
    codes = new_recovery_codes(user)
    otp_login(request, device)
    return codes


def new_recovery_codes(user):
    """Replace the user's recovery codes with ten new single-use ones; returns them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code.replace("-", "")) for code in codes])
    return codes


def _refuse_if_locked_out(request, user):
    if AxesProxyHandler.is_locked(request, credentials={"username": user.email}):
        raise DomainError(
            _("Trop d'essais infructueux : ce compte est bloqué pendant 15 minutes. Réessayez plus tard."),
            code="locked_out",
            field="code",
            status=429,
        )


def verify_second_step(*, request, code):
    """Check a code from the app or a recovery code (used once); marks the session verified."""
    user = request.user
    _refuse_if_locked_out(request, user)
    code = _clean(code).replace("-", "")
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    if devices and all(_throttled(device) for device in devices):
        _refuse_throttled(request, user)
    for device in devices:
        if not _throttled(device) and device.verify_token(code):
            otp_login(request, device)
            return device
    _refuse(request, user)


def reset_second_factor(*, user):
    """The administrator's answer to a lost phone: the user enrols again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def token_allowed(token):
    """An API token stands in for a full sign-in only if it was made (or kept) with the second factor."""
    return token.second_factor_ok or not requires_second_factor(token.user)


class SecondFactorMiddleware:
    """Sessions that owe a second factor reach only its pages (and logging out) until it is given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not is_verified(user) and self._owed(request, user):
            path = request.path_info
            if not path.startswith(OPEN_PATHS) and path != reverse("accounts:logout"):
                message = _("Double authentification requise : saisissez le code de votre application.")
                if path.startswith("/api/"):
                    return JsonResponse({"detail": message, "code": "second_factor_required"}, status=403)
                target = "accounts:second_factor" if has_second_factor(user) else "accounts:second_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _owed(request, user):
        """Staff always owe it; others if they enrolled, looked up once per session (no query per page)."""
        if user.is_forim_staff:
            return True
        if ENROLLED_SESSION_KEY not in request.session:
            request.session[ENROLLED_SESSION_KEY] = has_second_factor(user)
        return request.session[ENROLLED_SESSION_KEY]
