"""Registration rules, capacity and the waiting list, reminders, check-in, event validation."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Audience, Event, EventKind, Registration, RegistrationStatus
from forim_portal.errors import DomainError
from members.models import OrganisationStatus
from tests.factories import MembershipFactory, UserFactory

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _register(event, user, captured, **kwargs):
    with captured(execute=True):
        return services.register(event=event, by=user, **kwargs)


def test_register_confirms_and_sends_confirmation_with_calendar(event, applicant, django_capture_on_commit_callbacks):
    registration = _register(event, applicant, django_capture_on_commit_callbacks)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "tresorier@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tresorier@example.org"]
    assert "Inscription confirmée" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert (filename.endswith(".ics"), mimetype) == (True, "text/calendar")
    assert "SUMMARY:Formation" in (content.decode() if isinstance(content, bytes) else content)


def test_register_on_behalf_of_association(event, applicant, association, django_capture_on_commit_callbacks):
    registration = _register(event, applicant, django_capture_on_commit_callbacks, organisation=association,
                             name="Aminata Diallo", email="Aminata@Example.org")
    assert (registration.organisation, registration.name, registration.email) == (association, "Aminata Diallo", "aminata@example.org")
    assert registration.user == applicant
    assert mail.outbox[0].to == ["aminata@example.org"]


def test_register_on_behalf_of_someone_elses_association_is_refused(event, applicant, other_association):
    with pytest.raises(DomainError) as error:
        services.register(event=event, by=applicant, organisation=other_association)
    assert error.value.status == 403
    assert not Registration.objects.exists()


def test_registering_twice_is_refused_clearly(event, applicant, django_capture_on_commit_callbacks):
    _register(event, applicant, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as error:
        services.register(event=event, by=applicant, email="TRESORIER@example.org")
    assert error.value.code == "already_registered"
    assert "déjà inscrit" in error.value.message
    assert Registration.objects.filter(event=event).count() == 1


def test_registration_past_the_deadline_is_refused(event, applicant):
    event.registration_deadline = timezone.now() - datetime.timedelta(hours=1)
    event.save()
    with pytest.raises(DomainError) as error:
        services.register(event=event, by=applicant)
    assert error.value.code == "closed"
    assert "closes" in error.value.message
    assert not Registration.objects.exists()


def test_last_place_taken_twice_one_gets_it_the_other_waits(event, django_capture_on_commit_callbacks):
    """Capacity 2: the second and third people take the 'last place' one after the other under the row lock."""
    first, second, third = (UserFactory(email=f"p{i}@example.org") for i in range(3))
    _register(event, first, django_capture_on_commit_callbacks)
    got_it = _register(event, second, django_capture_on_commit_callbacks)
    waits = _register(event, third, django_capture_on_commit_callbacks)
    assert got_it.status == RegistrationStatus.CONFIRMED
    assert waits.status == RegistrationStatus.WAITING
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 2
    assert "Liste d'attente" in mail.outbox[-1].subject
    assert mail.outbox[-1].attachments == []


def test_cancellation_promotes_the_waiting_list_in_order_with_an_email(event, django_capture_on_commit_callbacks):
    users = [UserFactory(email=f"p{i}@example.org") for i in range(5)]
    registrations = [_register(event, user, django_capture_on_commit_callbacks) for user in users]
    assert [r.status for r in registrations] == ["confirmed", "confirmed", "waiting", "waiting", "waiting"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled, promoted = services.cancel_registration(registration=registrations[0], by=users[0])
    assert cancelled.status == RegistrationStatus.CANCELLED
    assert promoted == [registrations[2]]
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {"p0@example.org": "cancelled", "p1@example.org": "confirmed", "p2@example.org": "confirmed",
                        "p3@example.org": "waiting", "p4@example.org": "waiting"}
    assert [m.to for m in mail.outbox] == [["p2@example.org"]]
    assert "place s'est libérée" in mail.outbox[0].subject
    # cancelling a waiting place frees nothing
    with django_capture_on_commit_callbacks(execute=True):
        _cancelled, promoted = services.cancel_registration(registration=registrations[4], by=users[4])
    assert promoted == []
    # cancelling twice says so
    with pytest.raises(DomainError, match="déjà annulée"):
        services.cancel_registration(registration=registrations[0], by=users[0])


def test_cancelled_person_may_register_again(event, applicant, django_capture_on_commit_callbacks):
    registration = _register(event, applicant, django_capture_on_commit_callbacks)
    services.cancel_registration(registration=registration, by=applicant)
    again = _register(event, applicant, django_capture_on_commit_callbacks)
    assert again.status == RegistrationStatus.CONFIRMED


def test_someone_else_cannot_cancel(event, applicant, other_applicant, django_capture_on_commit_callbacks):
    registration = _register(event, applicant, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as error:
        services.cancel_registration(registration=registration, by=other_applicant)
    assert error.value.status == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_more_places_promote_the_waiting_list(event, staff_user, django_capture_on_commit_callbacks):
    for i in range(4):
        RegistrationFactory(event=event, status="confirmed" if i < 2 else "waiting")
    with django_capture_on_commit_callbacks(execute=True):
        services.save_event(event=event, by=staff_user, capacity=3)
    assert event.registrations.filter(status="confirmed").count() == 3
    assert len(mail.outbox) == 1 and "place s'est libérée" in mail.outbox[0].subject


def test_members_only_event_refuses_people_outside_the_network(forim, applicant, association):
    event = EventFactory(organiser=forim, audience=Audience.MEMBERS)
    outsider = UserFactory(email="curieux@example.org")
    with pytest.raises(DomainError) as error:
        services.register(event=event, by=outsider)
    assert error.value.status == 404  # not even visible
    pending = MembershipFactory(organisation__status=OrganisationStatus.PENDING).user
    with pytest.raises(DomainError):
        services.register(event=event, by=pending)
    assert services.register(event=event, by=applicant).status == RegistrationStatus.CONFIRMED


def test_reminders_are_sent_once_in_the_two_days_before(forim, django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = EventFactory(organiser=forim, starts_at=now + datetime.timedelta(hours=30))
    later = EventFactory(organiser=forim, starts_at=now + datetime.timedelta(days=5))
    RegistrationFactory(event=soon, email="a@example.org")
    RegistrationFactory(event=soon, email="b@example.org", status=RegistrationStatus.WAITING)
    RegistrationFactory(event=later, email="c@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=now) == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "Rappel" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=now) == 0
    assert len(mail.outbox) == 1


def test_reminder_task_runs(forim):
    from events.tasks import send_event_reminders

    soon = EventFactory(organiser=forim, starts_at=timezone.now() + datetime.timedelta(hours=3))
    RegistrationFactory(event=soon, email="a@example.org")
    assert send_event_reminders.delay().get() == 1


def test_check_in_ticks_and_unticks(event, staff_user):
    registration = RegistrationFactory(event=event)
    services.check_in(registration=registration, by=staff_user)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None
    services.check_in(registration=registration, by=staff_user, present=False)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    with pytest.raises(DomainError, match="pas de place confirmée"):
        services.check_in(registration=waiting, by=staff_user)


def test_check_in_by_someone_not_organising_is_refused(event, applicant):
    registration = RegistrationFactory(event=event)
    with pytest.raises(DomainError):
        services.check_in(registration=registration, by=applicant)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_event_ending_before_it_starts_is_refused_in_french(forim, staff_user):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(DomainError) as error:
        services.save_event(by=staff_user, kind=EventKind.WEBINAR, title="Webinaire", organiser=forim,
                            starts_at=starts, ends_at=starts - datetime.timedelta(hours=1), online_url="https://visio.example.org/x")
    assert error.value.field == "ends_at"
    assert error.value.message == "La fin doit être après le début de l'événement."
    assert not Event.objects.exists()


def test_ceremony_needs_its_call(forim, staff_user):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(DomainError) as error:
        services.save_event(by=staff_user, kind=EventKind.CEREMONY, title="Cérémonie", organiser=forim,
                            starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    assert error.value.field == "call"


def test_cosim_organises_only_in_its_own_name(cosim, cosim_user, forim):
    starts = timezone.now() + datetime.timedelta(days=3)
    values = {"kind": EventKind.WORKSHOP, "title": "Atelier", "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=2)}
    event = services.save_event(by=cosim_user, organiser=cosim, **values)
    assert event.organiser == cosim
    with pytest.raises(DomainError) as error:
        services.save_event(by=cosim_user, organiser=forim, **values)
    assert error.value.status == 403
    assert Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_at_once_on_the_last_place_on_postgresql(forim):
    """Real concurrency needs row locks: SQLite serialises writers anyway, PostgreSQL runs this for real."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are checked on PostgreSQL (CI)")
    event = EventFactory(organiser=forim, capacity=1)
    users = [UserFactory(email=f"p{i}@example.org") for i in range(2)]
    barrier = threading.Barrier(2)

    def take(user):
        barrier.wait()
        try:
            services.register(event=event, by=user)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(Registration.objects.values_list("status", flat=True)) == ["confirmed", "waiting"]
