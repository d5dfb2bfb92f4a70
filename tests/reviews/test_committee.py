import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from awards.documents import award_dates
from documents.models import DocumentJob, JobStatus
from forim_portal.errors import Conflict, DomainError
from grants import workflow
from grants.models import Application
from grants.states import State
from reviews import services
from reviews.models import CommitteeDecision
from tests.conftest import login
from tests.factories import ApplicationFactory
from tests.reviews.conftest import score_and_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(call, staff_user):
    return services.open_session(call=call, date=datetime.date(2026, 12, 10), place="Paris, 4 rue Euryale Dehaynin", by=staff_user)


def test_deciding_outside_a_committee_is_refused(make, staff_user):
    application = make(State.READY_FOR_COMMITTEE)
    for name in ("award", "reject", "defer"):
        with pytest.raises(DomainError, match="se prend en comité"):
            workflow.fire(application, name, by=staff_user, comment="motif")
    application.refresh_from_db()
    assert application.status == State.READY_FOR_COMMITTEE


def test_awarding_a_draft_is_refused_with_a_message(call, association, staff_user, session, client):
    from tests.factories import ApplicationFactory

    draft = ApplicationFactory(call=call, organisation=association)
    with pytest.raises(DomainError, match="impossible"):
        services.record_decision(session=session, application=draft, by=staff_user, outcome="award", amount="1000", reason="Bien")
    login(client, staff_user)
    response = client.post(reverse("reviews:decide", args=[session.pk, draft.pk]), {
        f"d{draft.pk}-outcome": "award", f"d{draft.pk}-amount": "1000", f"d{draft.pk}-reason": "Bien"})
    assert response.status_code == 400
    assert "impossible" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == State.DRAFT and draft.awarded_amount is None
    assert not CommitteeDecision.objects.exists()


def test_award_within_the_rules_notifies_the_association(make, staff_user, applicant, session, client, django_capture_on_commit_callbacks):
    application = make(State.READY_FOR_COMMITTEE, amount_requested=Decimal("10000.00"), own_funds=Decimal("5000.00"))
    # total cost 15 000 €: at most 70 % = 10 500 € and at most the 15 000 € ceiling
    with pytest.raises(DomainError, match="règles de l'appel"):
        services.record_decision(session=session, application=application, by=staff_user, outcome="award", amount="10500.01", reason="x")
    application.refresh_from_db()
    assert application.awarded_amount is None and application.status == State.READY_FOR_COMMITTEE
    login(client, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:decide", args=[session.pk, application.pk]), {
            f"d{application.pk}-outcome": "award", f"d{application.pk}-amount": "10500", f"d{application.pk}-reason": "Projet solide",
            "expected_state": "ready_for_committee"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == State.AWARDED and application.awarded_amount == Decimal("10500.00")
    assert application.transitions.last().comment == "Projet solide"
    assert applicant.email in [m.to[0] for m in mail.outbox]
    page = client.get(reverse("reviews:committee_detail", args=[session.pk])).content.decode()
    envelope = page[page.index("Déjà attribué"):page.index("Déjà attribué") + 120].replace("\xa0", " ").replace("\u202f", " ")
    assert "10 500,00 €" in envelope and "19 500,00 €" in envelope  # running total and what is left of 30 000 €


def test_the_envelope_cannot_be_exceeded(make, call, staff_user, session):
    call.envelope = Decimal("15000.00")
    call.save()
    first = make(State.READY_FOR_COMMITTEE)
    second = make(State.READY_FOR_COMMITTEE)
    services.record_decision(session=session, application=first, by=staff_user, outcome="award", amount="10000", reason="ok")
    with pytest.raises(DomainError, match="enveloppe"):
        services.record_decision(session=session, application=second, by=staff_user, outcome="award", amount="5000.01", reason="ok")
    assert services.envelope_summary(call) == {"envelope": Decimal("15000.00"), "awarded": Decimal("10000.00"), "remaining": Decimal("5000.00")}


def test_two_staff_deciding_the_same_dossier_one_wins_the_other_is_told(make, staff_user, admin_user, session):
    application = make(State.READY_FOR_COMMITTEE)
    seen_by_second = Application.objects.get(pk=application.pk)
    services.record_decision(session=session, application=application, by=staff_user, outcome="reject", reason="Budget irréaliste")
    with pytest.raises(Conflict, match="vient d'être modifié"):
        services.record_decision(session=session, application=seen_by_second, by=admin_user, outcome="award", amount="5000", reason="Bien")
    application.refresh_from_db()
    assert application.status == State.REJECTED and application.awarded_amount is None
    assert list(CommitteeDecision.objects.values_list("outcome", flat=True)) == ["reject"]


def test_a_closed_session_takes_no_decision(make, staff_user, session):
    application = make(State.READY_FOR_COMMITTEE)
    session.status = "closed"
    session.save()
    with pytest.raises(DomainError, match="clôturée"):
        services.record_decision(session=session, application=application, by=staff_user, outcome="defer", reason="Attendre")


def test_agenda_is_ranked_and_the_minutes_pdf_lists_decisions(make, staff_user, session, client, django_capture_on_commit_callbacks):
    low = make(State.READY_FOR_COMMITTEE, title="Projet moyen")
    high = make(State.READY_FOR_COMMITTEE, title="Projet excellent")
    Application.objects.filter(pk=low.pk).update(score=Decimal("11.00"))
    Application.objects.filter(pk=high.pk).update(score=Decimal("17.50"))
    login(client, staff_user)
    page = client.get(reverse("reviews:committee_detail", args=[session.pk])).content.decode()
    assert page.index("Projet excellent") < page.index("Projet moyen")
    services.record_decision(session=session, application=high, by=staff_user, outcome="award", amount="9000", reason="Très pertinent")
    services.record_decision(session=session, application=low, by=staff_user, outcome="defer", reason="Préciser le budget")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:committee_detail", args=[session.pk]), {"close": "1"})
    session.refresh_from_db()
    assert session.status == "closed"
    job = DocumentJob.objects.get(kind="minutes")
    assert job.status == JobStatus.DONE
    with job.file.open("rb") as handle:
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages).split())
    assert "Procès-verbal" in text and "Très pertinent" in text and "Préciser le budget" in text and high.reference in text


def test_committee_pages_are_staff_only(session, applicant, reviewer, client):
    for user in (applicant, reviewer):
        login(client, user)
        assert client.get(reverse("reviews:committee_list")).status_code == 403
        assert client.get(reverse("reviews:committee_detail", args=[session.pk])).status_code == 403


@pytest.mark.parametrize("count", [3, 25])
def test_the_agenda_query_count_does_not_grow_with_dossiers(make, staff_user, session, client, count, django_assert_max_num_queries):
    for _ in range(count):
        make(State.READY_FOR_COMMITTEE)
        make(State.UNDER_REVIEW)  # a candidate the page offers to put on the agenda
    login(client, staff_user)
    with django_assert_max_num_queries(13):  # incl. the second-factor device, the candidates and (first request of a process) the content type
        page = client.get(reverse("reviews:committee_detail", args=[session.pk]))
    assert page.content.decode().count("Enregistrer la décision") == count
    assert page.content.decode().count('name="applications"') == count


def test_an_award_needs_no_reason_but_a_refusal_does(session, staff_user):
    """Awarding tells the association the amount; only "ne pas retenir" and "ajourner" must be explained."""
    awarded, refused = (ApplicationFactory(call=session.call, status=State.READY_FOR_COMMITTEE) for _ in range(2))
    decision = services.record_decision(session=session, application=awarded, by=staff_user, outcome="award", amount="5000", reason="")
    awarded.refresh_from_db()
    assert (decision.reason, awarded.status, awarded.awarded_amount) == ("", State.AWARDED, Decimal("5000.00"))
    with pytest.raises(DomainError) as error:
        services.record_decision(session=session, application=refused, by=staff_user, outcome="reject", reason="  ")
    assert error.value.code == "comment_required" and "motif" in error.value.message
    refused.refresh_from_db()
    assert refused.status == State.READY_FOR_COMMITTEE


def test_staff_put_dossiers_on_the_agenda_from_the_committee_page(client, session, staff_user, make, reviewers):
    under_review = make(State.UNDER_REVIEW, title="Forage de Kayes")
    unscored = make(State.UNDER_REVIEW, title="Sans évaluation")
    score_and_submit(services.assign_reviewer(application=under_review, reviewer=reviewers[0], by=staff_user), [4, 3])
    draft = ApplicationFactory(call=session.call, status=State.DRAFT, title="Brouillon")
    login(client, staff_user)
    page = client.get(reverse("reviews:committee_detail", args=[session.pk])).content.decode()
    assert "Forage de Kayes" in page and "Brouillon" not in page
    url = reverse("reviews:committee_add", args=[session.pk])
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"applications": [under_review.pk, unscored.pk, draft.pk]}, follow=True)
    assert "Aucune évaluation envoyée" in response.content.decode()  # the refused one is named, the others go through
    for application in (under_review, unscored, draft):
        application.refresh_from_db()
    assert (under_review.status, unscored.status, draft.status) == (State.READY_FOR_COMMITTEE, State.UNDER_REVIEW, State.DRAFT)
    assert under_review.transitions.filter(name="send_to_committee", by=staff_user).exists()
    agenda = client.get(reverse("reviews:committee_detail", args=[session.pk])).context["applications"]
    assert [a.pk for a in agenda] == [under_review.pk]


def test_the_diploma_is_dated_on_the_committee_sitting(session, staff_user, make):
    application = make(State.READY_FOR_COMMITTEE)
    services.record_decision(session=session, application=application, by=staff_user, outcome="award", amount="5000", reason="")
    assert award_dates([application]) == {application.pk: session.date}
