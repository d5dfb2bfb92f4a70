"""Playwright driving Debian's chromium (never a downloaded browser)."""

import base64
import os
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in the test thread; Django's ORM would
# otherwise refuse to run next to it. Set for the browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("FORIM_REQUIRE_BROWSER"):
            pytest.fail(f"FORIM_REQUIRE_BROWSER is set but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A volunteer on a phone: small screen, touch."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name):
    """Keep a picture of a step (CI artefact, folder named in the README)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, email, password):
    """Sign in as a person would; staff then give their second factor (enrolling the first time)."""
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/compte/double-authentification/activer/" in page.url:
        key = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
        page.get_by_role("textbox", name="Code de vérification").fill(_app_code(base64.b32decode(key + "=" * (-len(key) % 8))))
        page.get_by_role("button", name="Activer").click()
        page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    elif "/compte/double-authentification/" in page.url:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_role("textbox", name="Code de vérification").fill(_app_code(device.bin_key, after=device.last_t))
        page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()


def _app_code(key, after=-1):
    """What the authentication app shows: the current code, or the next one if this one was used."""
    now = int(time.time()) // 30
    return f"{totp(key, drift=max(0, after + 1 - now)):06d}"


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def fill_registration(page, *, rna, password):
    """The public registration form, filled as Awa Diatta of AKD (Rennes) would, statutes and receipt attached."""
    page.goto("/reseau/inscription/")
    page.fill("[name=org-name]", "Association Kassoumaï pour le développement")
    page.fill("[name=org-acronym]", "AKD")
    page.fill("[name=org-rna]", rna)
    page.fill("[name=org-postcode]", "35200")
    page.fill("[name=org-city]", "Rennes")
    page.select_option("[name=org-region]", "BRE")
    page.select_option("[name=org-diaspora_countries]", ["SN"])
    page.fill("[name=account-first_name]", "Awa")
    page.fill("[name=account-last_name]", "Diatta")
    page.fill("[name=account-account_email]", "awa@example.org")
    page.fill("[name=account-password]", password)
    page.fill("[name=account-password_again]", password)
    page.set_input_files("[name=docs-statutes]", pdf_file("statuts.pdf"))
    page.set_input_files("[name=docs-receipt]", pdf_file("recepisse.pdf"))
    page.check("[name=docs-board_declaration]")
