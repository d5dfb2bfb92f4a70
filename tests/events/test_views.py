"""Pages: public agenda and .ics, registration, organiser's list and exports, check-in, sign-in sheet, figures, access."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from documents.models import DocumentJob, JobStatus
from documents.services import request_document
from events.models import Audience, Event, Registration, RegistrationStatus
from events.views import AGENDA_PAGE_SIZE
from forim_portal.errors import DomainError
from tests.conftest import login
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(forim, cosim):
    now = timezone.now()
    return {
        "open": EventFactory(organiser=forim, title="Journée internationale des migrant·e·s", kind="jim"),
        "members": EventFactory(organiser=cosim, title="Atelier d'écriture de projet", audience=Audience.MEMBERS),
        "invited": EventFactory(organiser=forim, title="Réunion des partenaires", audience=Audience.INVITED),
        "past": EventFactory(organiser=forim, title="Webinaire passé", starts_at=now - datetime.timedelta(days=3)),
    }


def _titles(response):
    return {event.title for event in response.context["events"]}


def test_anonymous_agenda_shows_only_upcoming_open_events(client, events):
    response = client.get("/evenements/")
    assert response.status_code == 200
    assert _titles(response) == {"Journée internationale des migrant·e·s"}
    assert client.get(f"/evenements/{events['open'].pk}/").status_code == 200
    assert client.get(f"/evenements/{events['members'].pk}/").status_code == 404
    assert client.get(f"/evenements/{events['invited'].pk}/").status_code == 404


def test_agenda_per_user(client, events, applicant, cosim_user, staff_user):
    login(client, applicant)
    assert _titles(client.get("/evenements/")) == {"Journée internationale des migrant·e·s", "Atelier d'écriture de projet"}
    login(client, staff_user)
    assert _titles(client.get("/evenements/")) == {"Journée internationale des migrant·e·s", "Atelier d'écriture de projet",
                                                   "Réunion des partenaires"}
    assert _titles(client.get("/evenements/?type=jim")) == {"Journée internationale des migrant·e·s"}


def test_agenda_queries_do_not_grow_with_events(client, forim, applicant, django_assert_max_num_queries):
    login(client, applicant)
    EventFactory.create_batch(3, organiser=forim)
    with django_assert_max_num_queries(14) as captured:  # the page's count, its rows, their registrations counted
        client.get("/evenements/")
    few = len(captured)
    EventFactory.create_batch(30, organiser=forim)
    with django_assert_max_num_queries(few):
        response = client.get("/evenements/")
    assert len(response.context["events"]) == AGENDA_PAGE_SIZE  # a page of the 33 upcoming events
    assert response.context["page"].paginator.count == 33


def _card(html, title):
    """The agenda card of the event titled `title` (as the page writes it, escaped)."""
    return next(card for card in html.split("<article") if f">{title}</a></h2>" in card)


def test_agenda_cards_show_kind_audience_dates_place_and_places(client, forim, cosim, staff_user):
    """The cards are written from texts made once a page (issue 15): each still says what, when, where, how full."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    starts = datetime.datetime(2031, 3, 4, 9, 30, tzinfo=paris)
    full = EventFactory(organiser=forim, title="Complet", capacity=1, starts_at=starts)
    RegistrationFactory(event=full)
    RegistrationFactory(event=full, status=RegistrationStatus.WAITING)
    online = EventFactory(organiser=cosim, title="En visio <b>", audience=Audience.MEMBERS, place="", capacity=None,
                          online_url="https://visio.example.org/x", starts_at=starts + datetime.timedelta(days=1),
                          ends_at=starts + datetime.timedelta(days=3), kind="jim")
    EventFactory(organiser=forim, title="Sans lieu", audience=Audience.INVITED, place="", city="", capacity=5,
                 starts_at=starts + datetime.timedelta(days=2))
    login(client, staff_user)
    html = client.get("/evenements/").content.decode()
    card = _card(html, "Complet")
    assert f'<a href="/evenements/{full.pk}/">' in card
    assert '<span class="badge">Formation</span> <span class="badge badge-danger">Complet : liste d\'attente</span>' in card
    assert '<p class="event-when">mardi 4 mars 2031, 09:30 – 12:30</p>' in card
    assert "21 rue Hénard, Paris · organisé par FORIM\n   · 1 inscrit sur 1 places</p>" in card
    card = _card(html, "En visio &lt;b&gt;")
    assert '<span class="badge">Journée internationale des migrant·e·s</span> ' \
           '<span class="badge badge-warning">Réservé aux membres du réseau</span>\n' in card
    assert f'<a href="/evenements/{online.pk}/">' in card
    assert '<p class="event-when">mercredi 5 mars 2031, 09:30 – vendredi 7 mars 2031, 09:30</p>' in card
    assert "En ligne · organisé par COSIM Bretagne\n  </p>" in card
    card = _card(html, "Sans lieu")
    assert '<span class="badge badge-warning">Sur invitation</span>\n' in card and "badge-danger" not in card
    assert '<p class="muted"> · organisé par FORIM\n   · 0 inscrits sur 5 places</p>' in card


def test_ics_of_the_agenda_and_of_one_event(client, events):
    response = client.get("/evenements/agenda.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Journée internationale des migrant·e·s" in body
    one = client.get(f"/evenements/{events['open'].pk}.ics").content.decode()
    start = events["open"].starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in one
    assert all(len(line.encode()) <= 75 for line in one.split("\r\n"))
    assert client.get(f"/evenements/{events['members'].pk}.ics").status_code == 404


def test_register_from_the_page_then_twice(client, event, applicant, django_capture_on_commit_callbacks):
    login(client, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evenements/{event.pk}/inscription/", {}, follow=True)
    assert "Inscription confirmée" in response.content.decode()
    assert len(mail.outbox) == 1
    response = client.post(f"/evenements/{event.pk}/inscription/", {"name": "Karim B.", "email": "tresorier@example.org"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "tresorier@example.org est déjà inscrit à cet événement." in page
    assert 'value="Karim B."' in page  # nothing typed is lost
    assert Registration.objects.count() == 1


def test_register_on_behalf_of_active_association(client, event, applicant, association):
    login(client, applicant)
    client.post(f"/evenements/{event.pk}/inscription/", {"on_behalf": "on", "name": "Aminata Diallo", "email": "aminata@example.org"})
    registration = Registration.objects.get()
    assert (registration.organisation, registration.name) == (association, "Aminata Diallo")


def test_full_event_puts_on_waiting_list_with_a_message(client, event, applicant):
    RegistrationFactory.create_batch(2, event=event)
    login(client, applicant)
    response = client.post(f"/evenements/{event.pk}/inscription/", {}, follow=True)
    assert "liste d'attente" in response.content.decode()
    assert Registration.objects.get(email="tresorier@example.org").status == RegistrationStatus.WAITING


def test_past_deadline_message(client, event, applicant):
    event.registration_deadline = timezone.now() - datetime.timedelta(minutes=5)
    event.save()
    login(client, applicant)
    response = client.post(f"/evenements/{event.pk}/inscription/", {"name": "Karim"})
    assert response.status_code == 400
    assert "Les inscriptions sont closes depuis le" in response.content.decode()
    assert not Registration.objects.exists()


def test_cancel_from_the_page_and_not_someone_elses(client, event, applicant, other_applicant):
    registration = RegistrationFactory(event=event, user=applicant, email="tresorier@example.org")
    login(client, other_applicant)
    assert client.post(f"/evenements/inscriptions/{registration.pk}/annuler/").status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED
    login(client, applicant)
    client.post(f"/evenements/inscriptions/{registration.pk}/annuler/")
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED


def test_event_form_ending_before_start_keeps_input(client, staff_user, forim):
    login(client, staff_user)
    data = {"kind": "training", "title": "Formation gestion financière", "organiser": forim.pk,
            "starts_at": "2027-03-10T14:00", "ends_at": "2027-03-10T10:00", "audience": "open", "place": "Paris"}
    response = client.post("/evenements/nouveau/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "La fin doit être après le début de l&#x27;événement." in page
    assert 'value="Formation gestion financière"' in page and 'value="2027-03-10T10:00"' in page
    assert not Event.objects.exists()
    data["ends_at"] = "2027-03-10T17:00"
    response = client.post("/evenements/nouveau/", data)
    event = Event.objects.get()
    assert response.status_code == 302
    assert timezone.localtime(event.starts_at).hour == 14  # Paris time


def test_applicant_cannot_create_or_edit(client, applicant, event):
    login(client, applicant)
    assert client.get("/evenements/nouveau/").status_code == 403
    assert client.get(f"/evenements/{event.pk}/modifier/").status_code == 404


def test_organiser_list_and_exports(client, cosim, cosim_user, association):
    event = EventFactory(organiser=cosim, capacity=None)
    RegistrationFactory(event=event, name="Awa Sy", organisation=association)
    RegistrationFactory(event=event, name="=HYPERLINK(\"x\")")
    login(client, cosim_user)
    page = client.get(f"/evenements/{event.pk}/inscrits/").content.decode()
    assert "Awa Sy" in page
    csv = client.get(f"/evenements/{event.pk}/inscrits/?format=csv").content.decode("utf-8-sig")
    assert "Awa Sy;" in csv and "'=HYPERLINK" in csv
    xlsx = client.get(f"/evenements/{event.pk}/inscrits/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"Awa Sy", "=HYPERLINK(\"x\")"}
    assert client.get(f"/evenements/{event.pk}/inscrits/?format=docx").status_code == 400


def test_list_export_checkin_are_404_for_others(client, event, applicant, cosim_user):
    RegistrationFactory(event=event)
    for user in (applicant, cosim_user):
        login(client, user)
        for url in (f"/evenements/{event.pk}/inscrits/", f"/evenements/{event.pk}/inscrits/?format=csv",
                    f"/evenements/{event.pk}/pointage/"):
            assert client.get(url).status_code == 404, url


def test_registrations_list_queries_constant(client, event, staff_user, association, django_assert_max_num_queries):
    event.capacity = None
    event.save()
    login(client, staff_user)
    RegistrationFactory.create_batch(3, event=event, organisation=association)
    with django_assert_max_num_queries(20) as captured:
        client.get(f"/evenements/{event.pk}/inscrits/")
    few = len(captured)
    RegistrationFactory.create_batch(40, event=event, organisation=OrganisationFactory())
    with django_assert_max_num_queries(few):
        client.get(f"/evenements/{event.pk}/inscrits/")


def test_checkin_search_and_tick_by_htmx(client, event, staff_user):
    event.capacity = None
    event.save()
    awa = RegistrationFactory(event=event, name="Awa Sy")
    RegistrationFactory(event=event, name="Moussa Traoré")
    RegistrationFactory(event=event, name="Awa Diop", status=RegistrationStatus.WAITING)
    login(client, staff_user)
    response = client.get(f"/evenements/{event.pk}/pointage/?q=awa", HTTP_HX_REQUEST="true")
    assert [r.name for r in response.context["registrations"]] == ["Awa Sy"]
    assert "<html" not in response.content.decode()
    response = client.post(f"/evenements/{event.pk}/pointage/{awa.pk}/", {"present": "1"}, HTTP_HX_REQUEST="true")
    assert "Présent" in response.content.decode()
    awa.refresh_from_db()
    assert awa.checked_in_at is not None and awa.checked_in_by == staff_user
    client.post(f"/evenements/{event.pk}/pointage/{awa.pk}/", {"present": "0"}, HTTP_HX_REQUEST="true")
    awa.refresh_from_db()
    assert awa.checked_in_at is None


def test_checkin_of_another_events_registration_is_404(client, event, forim, staff_user):
    other = RegistrationFactory(event=EventFactory(organiser=forim))
    login(client, staff_user)
    assert client.post(f"/evenements/{event.pk}/pointage/{other.pk}/", {"present": "1"}).status_code == 404


def test_attendance_figures_per_event_organisation_region(client, event, staff_user, association, cosim):
    now = timezone.now()
    RegistrationFactory(event=event, organisation=association, checked_in_at=now)
    RegistrationFactory(event=event, organisation=cosim, checked_in_at=now)
    RegistrationFactory(event=event, organisation=cosim)
    login(client, staff_user)
    context = client.get("/evenements/frequentation/").context
    row = next(e for e in context["by_event"] if e.pk == event.pk)
    assert (row.confirmed_count, row.present_count) == (3, 2)
    by_org = {r["organisation__name"]: (r["registered"], r["present"]) for r in context["by_organisation"]}
    assert by_org == {association.name: (1, 1), cosim.name: (2, 1)}
    by_region = {r["label"]: (r["registered"], r["present"]) for r in context["by_region"]}
    assert by_region == {"Île-de-France": (1, 1), "Bretagne": (2, 1)}


def test_attendance_is_only_for_organisers(client, applicant, cosim_user, cosim, event):
    EventFactory(organiser=cosim)
    login(client, applicant)
    assert client.get("/evenements/frequentation/").status_code == 403
    login(client, cosim_user)
    titles = {e.title for e in client.get("/evenements/frequentation/").context["by_event"]}
    assert event.title not in titles and len(titles) == 1


def test_sign_in_sheet_pdf(event, staff_user, association, applicant, django_capture_on_commit_callbacks, client):
    RegistrationFactory(event=event, name="Awa Sy", organisation=association)
    RegistrationFactory(event=event, name="Jean Waiting", status=RegistrationStatus.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="sign_in_sheet", target=event, user=staff_user)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    with job.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Feuille d'émargement" in text and "Awa Sy" in text and "AMF" in text
    assert "Jean Waiting" not in text
    with pytest.raises(DomainError):
        request_document(kind="sign_in_sheet", target=event, user=applicant)
    login(client, applicant)
    assert client.get(f"/documents/{job.pk}/telecharger/").status_code in (403, 404)
    assert DocumentJob.objects.count() == 1


def test_home_shows_upcoming_events(client, applicant, events):
    login(client, applicant)
    page = client.get("/").content.decode()
    assert "Journée internationale des migrant·e·s" in page
    assert "Réunion des partenaires" not in page and "Webinaire passé" not in page


def test_members_only_event_page_register_for_viewer_of_pending_org(client, events):
    pending = MembershipFactory(organisation__status="pending").user
    login(client, pending)
    assert client.get(f"/evenements/{events['members'].pk}/").status_code == 404


def test_another_organiser_cannot_edit_check_in_or_export(client, cosim, forim, staff_user):
    from tests.factories import OperatorFactory

    event = EventFactory(organiser=cosim, audience=Audience.OPEN)
    registration = RegistrationFactory(event=event)
    operator_admin = MembershipFactory(organisation=OperatorFactory()).user
    login(client, operator_admin)
    assert client.get(f"/evenements/{event.pk}/").status_code == 200  # open: visible
    assert client.get(f"/evenements/{event.pk}/modifier/").status_code == 404
    assert client.post(f"/evenements/{event.pk}/modifier/", {"title": "Piraté"}).status_code == 404
    assert client.post(f"/evenements/{event.pk}/pointage/{registration.pk}/", {"present": "1"}).status_code == 404
    assert client.get(f"/evenements/{event.pk}/inscrits/?format=xlsx").status_code == 404
    event.refresh_from_db()
    registration.refresh_from_db()
    assert event.title != "Piraté" and registration.checked_in_at is None


def test_invited_only_event_refuses_registration_of_the_uninvited_by_api(forim, applicant):
    from rest_framework.test import APIClient

    event = EventFactory(organiser=forim, audience=Audience.INVITED)
    api = APIClient()
    api.force_authenticate(applicant)
    assert api.post(f"/api/v1/events/{event.pk}/register/", {}, format="json").status_code == 404
    assert not Registration.objects.exists()


def test_checkin_and_attendance_queries_constant(client, event, staff_user, django_assert_max_num_queries):
    event.capacity = None
    event.save()
    login(client, staff_user)
    RegistrationFactory.create_batch(2, event=event, organisation=OrganisationFactory())
    counts = {}
    for url in (f"/evenements/{event.pk}/pointage/", "/evenements/frequentation/"):
        with django_assert_max_num_queries(20) as captured:
            client.get(url)
        counts[url] = len(captured)
    for _ in range(30):
        RegistrationFactory(event=event, organisation=OrganisationFactory(), checked_in_at=timezone.now())
    EventFactory.create_batch(5, organiser=event.organiser)
    for url, few in counts.items():
        with django_assert_max_num_queries(few):
            client.get(url)


def test_closed_registration_shows_why_instead_of_the_form(client, event, applicant):
    event.registration_deadline = timezone.now() - datetime.timedelta(hours=2)
    event.save()
    login(client, applicant)
    page = client.get(f"/evenements/{event.pk}/").content.decode()
    assert "Les inscriptions sont closes depuis le" in page
    assert "S&#x27;inscrire" not in page and "S'inscrire" not in page


def test_an_organiser_without_events_yet_gets_an_empty_attendance_page(client, cosim_user, cosim):
    """The agenda offers "Fréquentation" to whoever may create events: the link never leads to a 403."""
    login(client, cosim_user)
    agenda = client.get("/evenements/").content.decode()
    assert "/evenements/frequentation/" in agenda
    response = client.get("/evenements/frequentation/")
    assert response.status_code == 200 and list(response.context["by_event"]) == []
