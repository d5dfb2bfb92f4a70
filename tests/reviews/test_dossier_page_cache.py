"""Issue 15: the staff dossier page keeps its derived lists in Django's cache (the reviewers it may still offer,
the association's earlier projects, the country rule, the files), and every write they come from makes it
read them again: after each write the page shows what a computation from the rows says.

Transactional tests: outside a test transaction, commits happen, `on_commit` bumps run and the cache is
used, as in production.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from awards.models import Report, ReportKind, ReportStatus
from dashboards import cache as dashboard_figures
from grants.eligibility import check_application
from grants.models import Application
from grants.states import State
from members.models import MemberRole, NetworkLink, OrganisationKind
from reviews import services
from reviews.conflicts import FREE_REVIEWERS
from reviews.models import ConflictDeclaration
from tests.conftest import login, with_panels
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, OrganisationFactory, UserFactory

from .test_full_application import attach, vault

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_versions():
    keys = [dashboard_figures.VERSION_KEY, FREE_REVIEWERS.version_key]
    cache.delete_many(keys)  # entries of earlier tests (a shared Redis in CI) become unreachable
    yield
    cache.delete_many(keys)


def page(client, dossier):
    response = client.get(reverse("reviews:application_detail", args=[dossier.pk]))
    assert response.status_code == 200
    return with_panels(response, client)


def offered(html):
    """The reviewers' ids the assign select offers."""
    select = html.split('id="assign-reviewer">', 1)[1].split("</select>", 1)[0]
    values = [chunk.split('"', 1)[0] for chunk in select.split('<option value="')[1:]]
    return {int(value) for value in values if value}  # the first option (empty value) assigns automatically


def free_in_database(dossier):
    """What the list says computed from the rows: active reviewers, less the conflicted and those asked."""
    asked = set(dossier.review_assignments.values_list("reviewer_id", flat=True))
    return set(services.reviewers().values_list("pk", flat=True)) - services.conflicted_reviewer_ids(dossier) - asked


def test_the_reviewers_offered_follow_every_tie_written(client, make, reviewers, staff_user, association):
    dossier = make(State.UNDER_REVIEW)
    login(client, staff_user)
    first, second, third = reviewers
    assert offered(page(client, dossier)) == {r.pk for r in reviewers} == free_in_database(dossier)
    with CaptureQueriesContext(connection) as captured:  # a second look reads the list from the cache
        page(client, dossier)
    assert not [q for q in captured.captured_queries if "reviews_conflictdeclaration" in q["sql"]]

    MembershipFactory(user=first, organisation=association, role=MemberRole.MEMBER)  # acts for the association
    federation = OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération des OSIM du Sahel")
    NetworkLink.objects.create(member=association, network=federation)
    MembershipFactory(user=second, organisation=federation)  # belongs to one of its networks
    assert offered(page(client, dossier)) == {third.pk} == free_in_database(dossier)

    services.declare_conflict(application=dossier, reviewer=third, reason="Je connais le trésorier")
    assert offered(page(client, dossier)) == set() == free_in_database(dossier)
    ConflictDeclaration.objects.filter(reviewer=third).delete()
    NetworkLink.objects.filter(member=association).delete()  # the link ends: the network's members are free again
    assert offered(page(client, dossier)) == {second.pk, third.pk} == free_in_database(dossier)

    third.last_name = "Ndiaye"
    third.save()
    assert f'<option value="{third.pk}">{third.first_name} Ndiaye</option>' in page(client, dossier)
    third.last_name = "<b>Ndiaye</b> & fils"  # kept written in the cache, escaped once when written
    third.save()
    shown = page(client, dossier)
    assert f'<option value="{third.pk}">{third.first_name} &lt;b&gt;Ndiaye&lt;/b&gt; &amp; fils</option>' in shown
    assert "<b>Ndiaye</b>" not in shown
    second.is_active = False
    second.save(update_fields=["is_active"])
    assert offered(page(client, dossier)) == {third.pk} == free_in_database(dossier)

    version = FREE_REVIEWERS.version()
    third.last_login = timezone.now()
    third.save(update_fields=["last_login"])  # a login changes no list
    assert FREE_REVIEWERS.version() == version
    services.assign_reviewer(application=dossier, reviewer=third, by=staff_user)  # asked: left out by the page
    assert offered(page(client, dossier)) == set() == free_in_database(dossier)
    newcomer = UserFactory(role=Role.REVIEWER, email="eval9@example.org", last_name="Eval9")
    assert offered(page(client, dossier)) == {newcomer.pk} == free_in_database(dossier)


def test_the_track_record_and_the_country_rule_follow_the_writes(client, staff_user, association):
    call = CallFactory(track_record_required=True)
    dossier = ApplicationFactory(call=call, organisation=association, status=State.SUBMITTED, reference="PRA-2026-0101")
    dossier.country = "SN"
    dossier.save()
    earlier = ApplicationFactory(
        call=CallFactory(year=2024),
        organisation=association,
        status=State.IN_PROGRESS,
        reference="PRA-2024-0007",
        title="Case de santé à Podor",
        start_date=timezone.localdate() - datetime.timedelta(days=100),
        duration_months=12,
    )

    def rule(code):
        fresh = Application.objects.select_related("call", "organisation").get(pk=dossier.pk)
        return next(result for result in check_application(fresh) if result.code == code)

    assert rule("track_record").ok and rule("country").ok
    login(client, staff_user)
    page(client, dossier)
    with CaptureQueriesContext(connection) as captured:
        page(client, dossier)
    assert not [q for q in captured.captured_queries if "awards_report" in q["sql"] or "grants_countrylist" in q["sql"]]

    report = Report.objects.create(
        application=earlier,
        kind=ReportKind.FINAL,
        due_on=timezone.localdate() - datetime.timedelta(days=10),
        status=ReportStatus.EXPECTED,
    )
    late = rule("track_record")
    assert not late.ok and "PRA-2024-0007" in late.message and "rapport final attendu le" in late.message
    assert "PRA-2024-0007" in page(client, dossier)
    report.status = ReportStatus.SUBMITTED
    report.save()
    assert rule("track_record").ok and "PRA-2024-0007" not in page(client, dossier)

    call.excluded_countries = ["SN"]
    call.save()
    excluded = rule("country")
    assert not excluded.ok and "est exclu de cet appel" in excluded.message
    assert "est exclu de cet appel" in page(client, dossier)


def test_the_files_follow_uploads_and_removals(client, make, staff_user, association):
    dossier = make(State.UNDER_REVIEW)
    login(client, staff_user)
    assert "Aucune pièce que vous puissiez ouvrir pour ce dossier." in page(client, dossier)
    letter = attach(dossier, "partner_letter", "lettre.pdf")
    statutes = vault(association, "statutes", "statuts.pdf")
    html = page(client, dossier)
    assert "lettre.pdf" in html and "statuts.pdf" in html
    assert reverse("grants:document_download", args=[dossier.pk, letter.pk]) in html
    assert reverse("grants:vault_document", args=[dossier.pk, statutes.pk]) in html
    with CaptureQueriesContext(connection) as captured:
        page(client, dossier)
    assert not [q for q in captured.captured_queries if "grants_applicationdocument" in q["sql"]]
    letter.delete()
    statutes.valid_until = timezone.localdate() - datetime.timedelta(days=1)  # no longer current
    statutes.save()
    html = page(client, dossier)
    assert "lettre.pdf" not in html and "statuts.pdf" not in html
