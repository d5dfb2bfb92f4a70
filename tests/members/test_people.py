import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from members.models import Invitation, MemberRole, Membership
from tests.conftest import login
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, organisation, email, role="member", capture=None):
    with capture(execute=True):
        return client.post(reverse("members:invite", args=[organisation.pk]), {"email": email, "role": role})


def link_in(message):
    return re.search(r"http\S+/reseau/invitation/\S+/", message.body).group(0)


def test_an_admin_invites_a_newcomer_who_creates_an_account(client, applicant, association, django_capture_on_commit_callbacks):
    login(client, applicant)
    invite(client, association, "Secretaire@Example.org", "member", django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["secretaire@example.org"]
    url = link_in(mail.outbox[-1]).split("8000", 1)[-1]
    client.logout()
    page = client.get(url)
    assert "Créer mon compte" in page.content.decode()
    response = client.post(url, {"first_name": "Salif", "last_name": "Keita", "password": "court"})
    assert response.status_code == 200 and not User.objects.filter(email="secretaire@example.org").exists()
    client.post(url, {"first_name": "Salif", "last_name": "Keita", "password": "un-mot-de-passe-solide-42"})
    user = User.objects.get(email="secretaire@example.org")
    assert Membership.objects.get(user=user).organisation == association
    assert Membership.objects.get(user=user).role == MemberRole.MEMBER
    # The link is single use.
    assert client.get(url).status_code == 404


def test_an_existing_account_accepts_after_logging_in(client, applicant, association, other_applicant, django_capture_on_commit_callbacks):
    login(client, applicant)
    invite(client, association, other_applicant.email, "viewer", django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[-1]).split("8000", 1)[-1]
    # Someone else logged in cannot use it.
    assert client.post(url).status_code == 403
    client.logout()
    assert "Se connecter pour accepter" in client.get(url).content.decode()
    login(client, other_applicant)
    client.post(url)
    assert set(other_applicant.memberships.values_list("organisation_id", "role")) >= {(association.pk, MemberRole.VIEWER)}
    # It may now switch between its two organisations.
    response = client.post(reverse("accounts:switch_organisation"), {"organisation": association.pk})
    assert response.status_code == 302
    assert client.get(reverse("members:my_organisation")).context["organisation"] == association


def test_revoked_or_expired_invitations_are_closed(client, applicant, association, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    login(client, applicant)
    invite(client, association, "a@example.org", "member", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(email="a@example.org")
    client.post(reverse("members:invitation_revoke", args=[association.pk, invitation.pk]))
    assert client.get(reverse("members:invitation", args=[invitation.token])).status_code == 404
    invite(client, association, "b@example.org", "member", django_capture_on_commit_callbacks)
    Invitation.objects.filter(email="b@example.org").update(expires_at=timezone.now() - datetime.timedelta(days=1))
    token = Invitation.objects.get(email="b@example.org").token
    assert "plus valable" in client.get(reverse("members:invitation", args=[token])).content.decode()
    assert client.get(reverse("members:invitation", args=["devine"])).status_code == 404


def test_inviting_a_current_member_is_refused(client, applicant, association, django_capture_on_commit_callbacks):
    login(client, applicant)
    invite(client, association, applicant.email, "member", django_capture_on_commit_callbacks)
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_roles_change_and_the_last_admin_stays(client, applicant, association):
    colleague = MembershipFactory(organisation=association, role=MemberRole.MEMBER, user=UserFactory())
    mine = Membership.objects.get(user=applicant)
    login(client, applicant)
    client.post(reverse("members:member_update", args=[association.pk, mine.pk]), {"role": "viewer"})
    mine.refresh_from_db()
    assert mine.role == MemberRole.ADMIN  # the last administrator cannot step down
    client.post(reverse("members:member_update", args=[association.pk, colleague.pk]), {"role": "admin"})
    colleague.refresh_from_db()
    assert colleague.role == MemberRole.ADMIN
    client.post(reverse("members:member_update", args=[association.pk, colleague.pk]), {"remove": "1"})
    assert not Membership.objects.filter(pk=colleague.pk).exists()


def test_a_member_cannot_manage_people(client, association):
    member = MembershipFactory(organisation=association, role=MemberRole.MEMBER).user
    admin = MembershipFactory(organisation=association, role=MemberRole.ADMIN)
    login(client, member)
    response = client.post(reverse("members:member_update", args=[association.pk, admin.pk]), {"remove": "1"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=admin.pk).exists()
