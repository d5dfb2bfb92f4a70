"""Real commits (transactional tests): every e-mail leaves through the outbox, one entry per
recipient, and no SMTP call happens inside a database transaction."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from members import services as members
from members.models import MemberRole, OrganisationStatus
from outbox import services
from outbox.models import EntryStatus, OutboxEntry
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.members.test_registration import form_data

from .test_outbox import note, tell

pytestmark = pytest.mark.django_db(transaction=True)


def sent_to(smtp):
    """Recipients in the order the server saw them; fails if one was sent inside a transaction."""
    assert [to for to, inside in smtp.calls if inside] == []
    return [to for to, _inside in smtp.calls]


def retry_failed_now():
    OutboxEntry.objects.filter(status=EntryStatus.FAILED).update(
        claimed_at=timezone.now() - services.RETRY_FAILED_AFTER * 2
    )
    return services.redispatch_pending()


def test_a_failure_at_recipient_2_of_3_resends_only_to_2_and_3(smtp):
    smtp.refused = {"2@example.org", "3@example.org"}  # the server goes down after the first e-mail
    with transaction.atomic():
        note(["1@example.org", "2@example.org", "3@example.org"])
        assert smtp.calls == []  # nothing before commit
    assert sent_to(smtp) == ["1@example.org", "2@example.org", "3@example.org"]
    assert dict(OutboxEntry.objects.values_list("to", "status")) == {
        "1@example.org": EntryStatus.DONE,
        "2@example.org": EntryStatus.FAILED,
        "3@example.org": EntryStatus.FAILED,
    }
    smtp.refused = set()  # back up; the sweep runs
    assert retry_failed_now() == 2
    assert sent_to(smtp)[3:] == ["2@example.org", "3@example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == ["1@example.org", "2@example.org", "3@example.org"]
    assert retry_failed_now() == 0 and len(mail.outbox) == 3


def test_a_task_prepares_its_emails_in_a_transaction_and_they_leave_outside_it(smtp):
    with transaction.atomic():
        task = services.send_after_commit(tell, ["a@example.org", "b@example.org"], "Une note")
    task.refresh_from_db()
    assert task.status == EntryStatus.DONE
    assert sorted(sent_to(smtp)) == ["a@example.org", "b@example.org"]


def mails_of(template_subject):
    return {(m.to[0], m.subject) for m in mail.outbox if template_subject in m.subject}


def test_registration_validation_rejection_and_invitation_emails_go_through_the_outbox(client, smtp):
    client.post(reverse("members:register"), form_data())
    registered = "Inscription reçue : Association Kassoumaï pour le développement (AKD)"
    assert set(OutboxEntry.objects.filter(subject=registered).values_list("to", "status")) == {
        ("awa@example.org", EntryStatus.DONE),
        ("contact@kassoumai.example.org", EntryStatus.DONE),
    }
    assert mails_of("reçue") == {("awa@example.org", registered), ("contact@kassoumai.example.org", registered)}

    staff = UserFactory(role="staff", email="staff@example.org")
    pending = OrganisationFactory(status=OrganisationStatus.PENDING, name="AMF", acronym="", email="asso@example.org")
    admin = MembershipFactory(
        organisation=pending, role=MemberRole.ADMIN, user__email="admin@example.org", user__language="en"
    ).user
    members.reject_organisation(
        organisation=pending, by=staff, reason="Le récépissé est celui d'une autre association."
    )
    members.validate_organisation(organisation=pending, by=staff)
    members.invite_member(organisation=pending, by=admin, email="Secretaire@Example.org")
    assert sorted(OutboxEntry.objects.filter(subject__contains="AMF").values_list("to", "subject", "status")) == [
        ("admin@example.org", "Registration approved: AMF", EntryStatus.DONE),
        ("admin@example.org", "Registration not approved: AMF", EntryStatus.DONE),
        ("asso@example.org", "Inscription non validée : AMF", EntryStatus.DONE),
        ("asso@example.org", "Inscription validée : AMF", EntryStatus.DONE),
        ("secretaire@example.org", "Invitation à rejoindre AMF sur le portail FORIM", EntryStatus.DONE),
    ]
    assert len(mail.outbox) == OutboxEntry.objects.count() == 7
    sent_to(smtp)  # none inside a transaction
