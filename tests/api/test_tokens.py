"""Personal API tokens: created and revoked on the profile page, used as `Authorization: Bearer`."""

import hashlib
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from accounts.models import ApiToken
from accounts.tokens import MAX_ACTIVE_TOKENS, create_token
from tests.conftest import login

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def create_on_profile(client, name):
    response = client.post(reverse("accounts:create_api_token"), {"name": name}, follow=True)
    match = re.search(r'value="(forim_[^"]+)"', response.content.decode())
    return response, match.group(1) if match else None


def test_user_creates_named_tokens_and_sees_the_key_once(client, applicant):
    login(client, applicant)
    response, key = create_on_profile(client, "Tableur de la trésorerie")
    assert key
    assert "ne sera plus jamais affichée" in response.content.decode()
    _response, second_key = create_on_profile(client, "Logiciel de compta")
    assert second_key != key
    tokens = list(applicant.api_tokens.order_by("created_at"))
    assert [token.name for token in tokens] == ["Tableur de la trésorerie", "Logiciel de compta"]
    # Only the hash is kept, and the key is not shown again.
    assert tokens[0].key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert key not in client.get(reverse("accounts:profile")).content.decode()


def test_token_authenticates_as_its_user(applicant, association):
    _token, key = create_token(user=applicant, name="outil")
    response = bearer(key).get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == applicant.email
    assert [m["organisation"] for m in response.json()["memberships"]] == [association.pk]
    assert applicant.api_tokens.get().last_used_at is not None
    legacy = APIClient()
    legacy.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert legacy.get(ME).json()["id"] == applicant.pk


def test_revoked_token_gets_a_401_json_while_others_still_work(client, applicant):
    login(client, applicant)
    _response, revoked_key = create_on_profile(client, "ancien")
    _response, kept_key = create_on_profile(client, "nouveau")
    token = applicant.api_tokens.get(name="ancien")
    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]), follow=True)
    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = bearer(revoked_key).get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Ce jeton d'API a été révoqué."}
    assert bearer(kept_key).get(ME).status_code == 200


@pytest.mark.parametrize("header", ["Bearer forim_pas-une-vraie-cle", "Bearer", "Bearer a b", "Token inconnu"])
def test_unknown_or_malformed_key_is_a_401_json(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_nobody_can_revoke_someone_elses_token(client, applicant, other_applicant):
    token, key = create_token(user=other_applicant, name="à moi")
    response = login(client, applicant).post(reverse("accounts:revoke_api_token", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(key).get(ME).json()["email"] == other_applicant.email


def test_profile_lists_only_my_tokens(client, applicant, other_applicant):
    create_token(user=other_applicant, name="Jeton de PAFHA")
    create_token(user=applicant, name="Jeton AMF")
    html = login(client, applicant).get(reverse("accounts:profile")).content.decode()
    assert "Jeton AMF" in html and "Jeton de PAFHA" not in html


@pytest.mark.parametrize("name, message", [("", "Ce champ est obligatoire"), ("   ", "Ce champ est obligatoire"),
                                           ("x" * 101, "100 caractères")])
def test_bad_token_name_is_a_clear_message(client, applicant, name, message):
    response = login(client, applicant).post(reverse("accounts:create_api_token"), {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not applicant.api_tokens.exists()


def test_duplicate_and_too_many_tokens_are_refused(client, applicant):
    login(client, applicant)
    create_token(user=applicant, name="outil")
    response = client.post(reverse("accounts:create_api_token"), {"name": "Outil"})
    assert "déjà un jeton actif de ce nom" in response.content.decode()
    for number in range(MAX_ACTIVE_TOKENS - 1):
        create_token(user=applicant, name=f"outil {number}")
    response = client.post(reverse("accounts:create_api_token"), {"name": "un de trop"})
    assert response.status_code == 400 and "révoquez-en un" in response.content.decode()
    assert applicant.api_tokens.count() == MAX_ACTIVE_TOKENS


def test_profile_actions_need_login_and_post(client, applicant):
    assert client.post(reverse("accounts:create_api_token"), {"name": "x"}).status_code == 302
    assert login(client, applicant).get(reverse("accounts:create_api_token")).status_code == 405
    assert not ApiToken.objects.exists()


def test_throttling_counts_per_user(monkeypatch, applicant, other_applicant):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    _token, key = create_token(user=applicant, name="boucle")
    _token, other_key = create_token(user=other_applicant, name="voisin")
    client = bearer(key)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(ME)
    assert response.status_code == 429
    assert response.json()["detail"]
    assert bearer(other_key).get(ME).status_code == 200


def test_session_authenticates_the_api_too(client, applicant):
    response = login(client, applicant).get(ME)
    assert response.status_code == 200 and response.json()["email"] == applicant.email


def test_token_of_a_deactivated_user_is_refused(applicant):
    _token, key = create_token(user=applicant, name="outil")
    applicant.is_active = False
    applicant.save()
    response = bearer(key).get(ME)
    assert response.status_code == 401 and response.json() == {"detail": "Ce compte est désactivé."}
