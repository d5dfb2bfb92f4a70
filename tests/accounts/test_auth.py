import html
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role
from tests.conftest import login
from tests.factories import PASSWORD, CallFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_lands_on_home(client, applicant):
    response = client.post(reverse("accounts:login"), {"username": applicant.email.upper(), "password": PASSWORD}, follow=True)
    assert response.wsgi_request.user == applicant
    assert response.redirect_chain[-1][0] == reverse("accounts:home")


def test_wrong_password_gets_a_clear_french_message(client, applicant):
    response = client.post(reverse("accounts:login"), {"username": applicant.email, "password": "faux"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_login_is_throttled_after_five_failures(client, applicant):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": applicant.email, "password": "faux"})
    response = client.post(reverse("accounts:login"), {"username": applicant.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_password_reset_does_not_reveal_unknown_accounts(client, applicant):
    known = client.post(reverse("accounts:password_reset"), {"email": applicant.email}, follow=True)
    unknown = client.post(reverse("accounts:password_reset"), {"email": "inconnu@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]


def test_password_reset_link_sets_a_new_password(client, applicant):
    client.post(reverse("accounts:password_reset"), {"email": applicant.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "Un-nouveau-mot-2026", "new_password2": "Un-nouveau-mot-2026"}, follow=True)
    assert "Mot de passe enregistré" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.check_password("Un-nouveau-mot-2026")


def test_expired_or_used_reset_link_is_explained(client, applicant):
    uid = urlsafe_base64_encode(force_bytes(applicant.pk))
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, "mauvais-jeton"]))
    assert response.status_code == 200
    assert "Lien expiré ou déjà utilisé" in response.content.decode()
    token = default_token_generator.make_token(applicant)
    applicant.set_password("change-entre-temps-99")
    applicant.save()
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    assert "Lien expiré ou déjà utilisé" in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_a_home_page_with_an_empty_state(client, role):
    user = UserFactory(role=role)
    response = login(client, user).get(reverse("accounts:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert html.escape(str(role.label)) in body
    assert 'class="empty"' in body or "<table" in body


def test_a_visitor_gets_a_public_home_with_the_open_calls_and_a_way_in(client):
    call = CallFactory(title="PRA/OSIM 2027")
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "PRA/OSIM 2027" in page and call.programme.name in page
    assert reverse("accounts:login") in page and reverse("members:register") in page
    assert 'name="language"' in page  # the language switch is there, outside any menu to open
    calls = client.get(reverse("grants:call_list"))
    assert calls.status_code == 200 and "PRA/OSIM 2027" in calls.content.decode()
    assert "Se connecter pour déposer une demande" in calls.content.decode()


def test_profile_changes_language(client, applicant):
    login(client, applicant)
    response = client.post(reverse("accounts:profile"), {"first_name": "Karim", "last_name": "Benali", "phone": "", "language": "en"}, follow=True)
    applicant.refresh_from_db()
    assert applicant.language == "en"
    assert "Your profile has been saved." in response.content.decode()


def test_switching_to_an_organisation_one_does_not_act_for_is_refused(client, applicant, other_association):
    login(client, applicant)
    response = client.post(reverse("accounts:switch_organisation"), {"organisation": other_association.pk}, follow=True)
    assert html.escape("Vous n'agissez pas pour cette organisation.") in response.content.decode()
    assert response.wsgi_request.organisation != other_association


def test_a_member_of_two_associations_switches_from_the_layout(client, applicant, other_association):
    from members.models import Membership

    Membership.objects.create(user=applicant, organisation=other_association)
    first = login(client, applicant).get(reverse("accounts:home"))
    switch = re.search(r'<select id="org-switch".*?</select>', first.content.decode(), re.S).group(0)
    options = re.findall(r'<option value="(\d+)"( selected)?>', switch)
    assert {int(pk) for pk, _ in options} == set(Membership.objects.filter(user=applicant).values_list("organisation_id", flat=True))
    assert [int(pk) for pk, chosen in options if chosen] == [first.wsgi_request.organisation.pk]
    after = client.post(reverse("accounts:switch_organisation"), {"organisation": other_association.pk}, follow=True)
    assert after.wsgi_request.organisation == other_association
    assert f'<option value="{other_association.pk}" selected>' in after.content.decode()


def test_django_admin_is_for_forim_admins_only(client, staff_user, admin_user):
    assert login(client, staff_user).get("/admin/").status_code == 302
    assert login(client, admin_user).get("/admin/").status_code == 200


def test_language_switch_serves_english(client, applicant):
    login(client, applicant)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:home"))
    assert '<html lang="en">' in response.content.decode()
    assert "Hello" in response.content.decode()
