"""The laureates' ceremony: invitations from the call's funded dossiers, marking on the day, the figures."""

import pytest
from django.core import mail

from events import services
from events.models import CeremonyInvitation, EventKind, InvitationStatus
from events.selectors import ceremony_figures
from forim_portal.errors import DomainError
from grants.states import State
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return CallFactory(title="Appel à projets PRA/OSIM 2026")


@pytest.fixture
def ceremony(forim, call):
    return EventFactory(organiser=forim, kind=EventKind.CEREMONY, call=call, capacity=250, title="Cérémonie des lauréats")


@pytest.fixture
def laureates(call, association):
    funded = [ApplicationFactory(call=call, organisation=association, status=State.AWARDED)]
    funded += [ApplicationFactory(call=call, status=state) for state in (State.AGREEMENT_SIGNED, State.IN_PROGRESS, State.CLOSED)]
    ApplicationFactory(call=call, status=State.REJECTED)
    ApplicationFactory(call=call, status=State.UNDER_REVIEW)
    ApplicationFactory(status=State.AWARDED)  # another call
    return funded


def test_invite_laureates_creates_one_invitation_each_and_emails_them(ceremony, laureates, applicant, staff_user,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_laureates(event=ceremony, by=staff_user) == 4
    assert set(ceremony.invitations.values_list("application_id", flat=True)) == {a.pk for a in laureates}
    recipients = {address for message in mail.outbox for address in message.to}
    assert "tresorier@example.org" in recipients
    amf_mail = next(m for m in mail.outbox if m.to == ["tresorier@example.org"])
    assert "Invitation" in amf_mail.subject and laureates[0].title in amf_mail.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_laureates(event=ceremony, by=staff_user) == 0
    assert mail.outbox == []
    assert ceremony.invitations.count() == 4


def test_marking_the_day_and_the_figures(ceremony, laureates, staff_user):
    services.invite_laureates(event=ceremony, by=staff_user)
    first, second, third, _fourth = ceremony.invitations.order_by("pk")
    services.mark_invitation(invitation=first, by=staff_user, status=InvitationStatus.PRESENT, diploma_handed=True)
    services.mark_invitation(invitation=second, by=staff_user, status=InvitationStatus.REPRESENTED,
                             represented_by="Moussa Traoré, trésorier", diploma_handed=True)
    services.mark_invitation(invitation=third, by=staff_user, status=InvitationStatus.ABSENT)
    figures = ceremony_figures(ceremony)
    assert figures == {"total": 4, "attended": 2, "present": 1, "represented": 1, "absent": 1, "unmarked": 1, "diplomas": 2}
    assert CeremonyInvitation.objects.get(pk=second.pk).represented_by == "Moussa Traoré, trésorier"


def test_represented_needs_a_name_and_absent_gets_no_diploma(ceremony, laureates, staff_user):
    services.invite_laureates(event=ceremony, by=staff_user)
    invitation = ceremony.invitations.first()
    with pytest.raises(DomainError, match="qui représente"):
        services.mark_invitation(invitation=invitation, by=staff_user, status=InvitationStatus.REPRESENTED)
    with pytest.raises(DomainError, match="présent ou représenté"):
        services.mark_invitation(invitation=invitation, by=staff_user, status=InvitationStatus.ABSENT, diploma_handed=True)
    assert CeremonyInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.INVITED


def test_only_the_organiser_invites(ceremony, laureates, applicant):
    with pytest.raises(DomainError) as error:
        services.invite_laureates(event=ceremony, by=applicant)
    assert error.value.status == 403
    assert not CeremonyInvitation.objects.exists()


def test_ceremony_page_shows_42_of_53(client, ceremony, call, staff_user):
    applications = ApplicationFactory.create_batch(53, call=call, status=State.AWARDED)
    services.invite_laureates(event=ceremony, by=staff_user)
    invitations = list(ceremony.invitations.order_by("pk"))
    for invitation in invitations[:30]:
        services.mark_invitation(invitation=invitation, by=staff_user, status="present", diploma_handed=True)
    for invitation in invitations[30:42]:
        services.mark_invitation(invitation=invitation, by=staff_user, status="represented", represented_by="Un proche")
    for invitation in invitations[42:]:
        services.mark_invitation(invitation=invitation, by=staff_user, status="absent")
    assert len(applications) == 53
    login(client, staff_user)
    page = client.get(f"/evenements/{ceremony.pk}/ceremonie/").content.decode()
    assert "Lauréats présents ou représentés : 42 sur 53" in page
    assert "30 diplômes remis" in page


def test_ceremony_marking_by_htmx_keeps_what_was_typed_on_error(client, ceremony, laureates, staff_user):
    services.invite_laureates(event=ceremony, by=staff_user)
    invitation = ceremony.invitations.first()
    login(client, staff_user)
    url = f"/evenements/{ceremony.pk}/ceremonie/{invitation.pk}/"
    response = client.post(url, {"status": "represented", "represented_by": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "Indiquez qui représente" in response.content.decode()
    assert CeremonyInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.INVITED
    response = client.post(url, {"status": "represented", "represented_by": "Awa Sy", "diploma_handed": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'value="Awa Sy"' in response.content.decode()
    assert "Lauréats présents ou représentés : 1 sur 4" in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.represented_by, invitation.diploma_handed) == ("represented", "Awa Sy", True)


def test_laureate_sees_the_ceremony_but_not_the_list_nor_the_marking(client, ceremony, laureates, applicant, staff_user):
    services.invite_laureates(event=ceremony, by=staff_user)
    invitation = ceremony.invitations.exclude(organisation__memberships__user=applicant).first()
    login(client, applicant)
    page = client.get(f"/evenements/{ceremony.pk}/ceremonie/").content.decode()
    assert "présents ou représentés" in page and invitation.application.title not in page
    response = client.post(f"/evenements/{ceremony.pk}/ceremonie/{invitation.pk}/", {"status": "absent"})
    assert response.status_code == 404
    assert CeremonyInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.INVITED


def test_invited_only_ceremony_is_hidden_from_those_not_invited(client, ceremony, laureates, staff_user):
    ceremony.audience = "invited"
    ceremony.save()
    services.invite_laureates(event=ceremony, by=staff_user)
    outsider = MembershipFactory(user__email="autre-asso@example.org").user
    login(client, outsider)
    assert client.get(f"/evenements/{ceremony.pk}/").status_code == 404
    assert client.get(f"/evenements/{ceremony.pk}.ics").status_code == 404
    laureate_user = MembershipFactory(organisation=laureates[1].organisation, user__email="laureat@example.org").user
    login(client, laureate_user)
    assert client.get(f"/evenements/{ceremony.pk}/").status_code == 200
    response = client.post(f"/evenements/{ceremony.pk}/inscription/", {"on_behalf": "on"})
    assert response.status_code == 302
    assert ceremony.registrations.get().organisation == laureates[1].organisation


def test_invitation_of_another_ceremony_is_404(client, ceremony, laureates, forim, staff_user):
    from tests.factories import CallFactory

    services.invite_laureates(event=ceremony, by=staff_user)
    other = EventFactory(organiser=forim, kind=EventKind.CEREMONY, call=CallFactory())
    invitation = ceremony.invitations.first()
    login(client, staff_user)
    response = client.post(f"/evenements/{other.pk}/ceremonie/{invitation.pk}/", {"status": "absent"})
    assert response.status_code == 404
    assert CeremonyInvitation.objects.get(pk=invitation.pk).status == InvitationStatus.INVITED


def test_ceremony_page_of_an_event_that_is_not_a_ceremony_is_404(client, event, staff_user):
    login(client, staff_user)
    assert client.get(f"/evenements/{event.pk}/ceremonie/").status_code == 404
    with pytest.raises(DomainError, match="pas une cérémonie"):
        services.invite_laureates(event=event, by=staff_user)
