"""Two-factor sign-in: required for staff and administrators, optional for the others."""

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.second_factor import has_second_factor
from accounts.tokens import create_token
from tests.conftest import login

pytestmark = pytest.mark.django_db

SETUP = "/compte/double-authentification/activer/"
VERIFY = "/compte/double-authentification/"


def _code(device, drift=0):
    """The app's code now (`drift=1`: the next one, since a code is accepted only once)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _pages_without_arguments():
    """Every page whose URL takes no argument: what a signed-in session could reach first."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route and "^" not in route:
                yield "/" + route.lstrip("/")

    return sorted(set(walk(get_resolver().url_patterns)))


def _enrol(client, *, keep_tokens=False):
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    data = {"code": _code(device), "next": "/"}
    if keep_tokens:
        data["keep_tokens"] = "on"
    response = client.post(SETUP, data, follow=True)
    return device, response


def test_staff_reach_no_page_and_no_api_with_a_password_alone(client, staff_user):
    login(client, staff_user, second_factor=False)
    open_prefixes = ("/compte/double-authentification/", "/static/", "/healthz", "/i18n/", "/deconnexion/")
    reached = []
    for url in _pages_without_arguments():
        if url.startswith(open_prefixes):
            continue
        response = client.get(url)
        if url.startswith("/api/"):
            if response.status_code != 403 or "Double authentification requise" not in response.json()["detail"]:
                reached.append((url, response.status_code))
        elif response.status_code != 302 or not response["Location"].startswith(SETUP):
            reached.append((url, response.status_code))
    assert reached == []
    assert client.get("/instruction/dossiers/")["Location"] == f"{SETUP}?next=%2Finstruction%2Fdossiers%2F"


def test_enrolment_shows_a_qr_code_refuses_a_wrong_code_and_gives_recovery_codes(client, staff_user):
    login(client, staff_user, second_factor=False)
    page = client.get(SETUP)
    assert "<svg" in page.text and "FreeOTP" in page.text
    wrong = client.post(SETUP, {"code": "000000"})
    assert wrong.status_code == 400 and "Code incorrect ou expiré" in wrong.text
    device, response = _enrol(client)
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "ne seront plus jamais affichés" in response.text
    device.refresh_from_db()
    assert device.confirmed and has_second_factor(staff_user)
    assert client.get("/instruction/dossiers/").status_code == 200
    assert client.get(reverse("accounts:second_factor_codes")).status_code == 302, "the codes are shown once"


def test_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(client, staff_user):
    login(client, staff_user, second_factor=False)
    device, response = _enrol(client)
    recovery = response.context["codes"][0]
    client.logout()

    login(client, staff_user, second_factor=False)
    assert client.get("/instruction/dossiers/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": _code(device, drift=1), "next": "/instruction/dossiers/"})["Location"] == "/instruction/dossiers/"
    client.logout()

    login(client, staff_user, second_factor=False)
    assert client.post(VERIFY, {"code": recovery, "next": "/"}).status_code == 302
    client.logout()
    login(client, staff_user, second_factor=False)
    again = client.post(VERIFY, {"code": recovery, "next": "/"})
    assert again.status_code == 400 and "Code incorrect" in again.text
    assert StaticToken.objects.count() == 9


def test_the_second_step_is_throttled_like_the_password(client, staff_user, settings):
    login(client, staff_user, second_factor=False)
    device, _response = _enrol(client)
    client.logout()
    login(client, staff_user, second_factor=False)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(VERIFY, {"code": "123456"})
    locked = client.post(VERIFY, {"code": _code(device, drift=1)})
    assert locked.status_code == 429 and "bloqué pendant 15 minutes" in locked.text
    assert client.get("/instruction/dossiers/").status_code == 302


def test_a_token_made_before_enrolment_works_only_if_the_user_keeps_it(client, staff_user):
    _legacy, kept_key = create_token(user=staff_user, name="Tableur")
    api = "/api/v1/me/"
    assert client.get(api, headers={"authorization": f"Bearer {kept_key}"}).status_code == 401, "a password-only token"

    login(client, staff_user, second_factor=False)
    _enrol(client, keep_tokens=True)
    client.logout()
    assert client.get(api, headers={"authorization": f"Bearer {kept_key}"}).status_code == 200

    _other, dropped_key = create_token(user=staff_user, name="Ancien script")
    ApiToken.objects.filter(name="Ancien script").update(second_factor_ok=False)
    TOTPDevice.objects.all().delete()
    login(client, staff_user, second_factor=False)
    _enrol(client, keep_tokens=False)
    client.logout()
    assert client.get(api, headers={"authorization": f"Bearer {dropped_key}"}).status_code == 401
    assert ApiToken.objects.get(name="Ancien script").revoked_at is not None


def test_a_token_created_after_the_second_factor_works(client, staff_user):
    login(client, staff_user)
    client.post(reverse("accounts:create_api_token"), {"name": "Tableau de bord"})
    key = client.get(reverse("accounts:profile")).context["new_token_key"]
    client.logout()
    assert client.get("/api/v1/me/", headers={"authorization": f"Bearer {key}"}).status_code == 200


def test_an_administrator_resets_a_lost_phone(client, admin_user, staff_user):
    login(client, staff_user, second_factor=False)
    _enrol(client)
    client.logout()
    login(client, admin_user)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [staff_user.pk]}, follow=True
    )
    assert "1 compte devra activer de nouveau la double authentification." in response.text
    assert not has_second_factor(staff_user)
    client.logout()
    login(client, staff_user, second_factor=False)
    assert client.get("/")["Location"].startswith(SETUP)


def test_other_roles_may_enrol_and_are_then_asked_for_the_code(client, applicant):
    login(client, applicant)
    assert client.get("/").status_code == 200, "optional for associations"
    profile = client.get(reverse("accounts:profile"))
    assert "Activer la double authentification" in profile.text
    _enrol(client)
    client.logout()
    login(client, applicant, second_factor=False)
    assert client.get("/")["Location"].startswith(VERIFY)
    assert not mail.outbox
