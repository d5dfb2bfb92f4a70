"""The declared visibility table: role × object kind × view -> exactly what each role gets.

Built on the security world (world.py) with what it lacks for this table: the CCME partner
cofinances A's funded dossier, a second partner cofinances nothing, A's federation has a
coordinator, and the funded dossier has a private message and an attachment.

Each detail row names the roles that get the object's page (200, with the object's data in
it); every other signed-in role gets 404 (or the 403 named in the row), anonymous visitors
the login page. Each list row names the exact set of objects each role gets.

The partner rows are issue 13's bug: before the fix the partner opened the association's
private dossier, its thread, its receipt and its attachments (404 now; only the follow-up
view of what it cofinances answers).
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from grants.models import ApplicationDocument, Message
from members.models import OrganisationKind
from tests.factories import OrganisationFactory

from .walk import DENIED, HIDDEN, LOGIN, OK, client_for, outcome, request_as
from .world import PDF, build_world, member

pytestmark = pytest.mark.django_db

ROLES = [
    "anon",
    "asso_a",
    "asso_b",
    "operator_1",
    "operator_2",
    "reviewer_1",
    "reviewer_2",
    "partner",
    "partner_other",
    "coordinator_a",
    "coordinator",
    "staff",
    "admin",
]
SECRET = "Notre RIB a changé : merci de verser la tranche sur le nouveau compte."
PRIVATE = {"asso_a", "operator_1", "staff", "admin"}  # the association's own dossier
FOLLOW_UP = PRIVATE | {"partner"}  # + the partner that cofinances it
STAFF = {"staff", "admin"}


@pytest.fixture
def world():
    from awards.models import CofinancingRule, TopUp

    w = build_world()
    dossier = w.awarded_a
    rule = CofinancingRule.objects.create(
        partner=w.partner_org, programme=dossier.call.programme, name="Maroc", rate=Decimal("30.00")
    )
    w.top_up = TopUp.objects.create(
        rule=rule,
        application=dossier,
        base=dossier.awarded_amount,
        computed_amount=Decimal("3600.00"),
        amount=Decimal("3600.00"),
    )
    w.message = Message.objects.create(application=dossier, author=w.users["asso_a"], body=SECRET)
    w.attachment = ApplicationDocument(
        application=dossier, doc_type="budget", original_name="budget-moulin.pdf", size=len(PDF)
    )
    w.attachment.file.save("budget-moulin.pdf", ContentFile(PDF), save=True)
    # A's dossier under review (reviewer 1 assigned, a call that is not anonymous): its files open to the reviewer
    w.reviewed_attachment = ApplicationDocument(
        application=w.app_a, doc_type="accounts", original_name="comptes.pdf", size=len(PDF)
    )
    w.reviewed_attachment.file.save("comptes.pdf", ContentFile(PDF), save=True)
    w.other_partner = OrganisationFactory(
        kind=OrganisationKind.PARTNER, name="Agence française", acronym="AFD", rna=None
    )
    w.users["partner_other"] = member(w.other_partner, "afd@example.org", Role.PARTNER)
    w.users["coordinator_a"] = member(w.link_a.network, "federation@example.org", Role.COORDINATOR)
    w.clients = {role: client_for(w.users.get(role)) for role in ROLES}
    return w


def detail(url, allowed, marker, *, denied=(), anon=LOGIN):
    """A page or download: `allowed` roles get 200 with `marker` in it, `denied` 403, the rest 404."""
    return {"url": url, "allowed": set(allowed), "marker": marker, "denied": set(denied), "anon": anon}


def api(path):
    return lambda w: f"/api/v1/{path(w)}/"


# object kind / purpose / view -> who gets it ---------------------------------------------------
DETAILS = {
    # The association's private dossier: page, thread, receipt, attachments, API.
    "dossier page (private)": detail(
        lambda w: reverse("grants:application_detail", args=[w.awarded_a.pk]), PRIVATE, lambda w: w.awarded_a.reference
    ),
    "dossier receipt PDF": detail(
        lambda w: reverse("grants:receipt", args=[w.awarded_a.pk]), PRIVATE, lambda w: b"%PDF"
    ),
    "dossier attachment": detail(
        lambda w: reverse("grants:document_download", args=[w.awarded_a.pk, w.attachment.pk]), PRIVATE, lambda w: PDF
    ),
    # Issue 14: the reviewer assigned to a dossier opens its files (attachments and the association's vault
    # documents seen from it) to score it; never another reviewer, never a partner.
    "attachment of a dossier under review": detail(
        lambda w: reverse("grants:document_download", args=[w.app_a.pk, w.reviewed_attachment.pk]),
        PRIVATE | {"reviewer_1"},
        lambda w: PDF,
    ),
    "vault document seen from a dossier under review": detail(
        lambda w: reverse("grants:vault_document", args=[w.app_a.pk, w.vault_a.pk]), PRIVATE | {"reviewer_1"}, lambda w: PDF
    ),
    "dossier API": detail(api(lambda w: f"applications/{w.awarded_a.pk}"), PRIVATE, lambda w: w.awarded_a.reference),
    "version diff": detail(lambda w: reverse("grants:version_diff", args=[w.app_a.pk, 1]), set(), None),
    # The follow-up view: the partner too, for what it cofinances.
    "follow-up page": detail(
        lambda w: reverse("awards:detail", args=[w.awarded_a.pk]), FOLLOW_UP, lambda w: w.awarded_a.title
    ),
    "report page": detail(
        lambda w: reverse("awards:report", args=[w.report_a.pk]), PRIVATE, lambda w: w.awarded_a.title
    ),
    "report API": detail(api(lambda w: f"awards/reports/{w.report_a.pk}"), PRIVATE, lambda w: f'"id":{w.report_a.pk}'),
    "tranche API": detail(
        api(lambda w: f"awards/tranches/{w.awarded_a.tranches.order_by('pk').first().pk}"),
        PRIVATE,
        lambda w: f'"application":{w.awarded_a.pk}',
    ),
    "top-up API": detail(api(lambda w: f"awards/top-ups/{w.top_up.pk}"), FOLLOW_UP, lambda w: '"amount":"3600.00"'),
    "diploma (generated document)": detail(
        lambda w: reverse("documents:download", args=[w.job_a.pk]), FOLLOW_UP, lambda w: PDF
    ),
    "diploma job API": detail(api(lambda w: f"documents/jobs/{w.job_a.pk}"), FOLLOW_UP, lambda w: f'"id":{w.job_a.pk}'),
    # The review view: assigned reviewers (the page is the reviewers'; others are refused outright).
    "review page": detail(
        lambda w: reverse("reviews:review", args=[w.assignment_a.pk]),
        {"reviewer_1"},
        lambda w: w.app_a.title,
        denied=set(ROLES) - {"anon", "reviewer_1", "reviewer_2"},
    ),
    "review assignment API": detail(
        api(lambda w: f"review-assignments/{w.assignment_a.pk}"),
        {"reviewer_1"} | STAFF,
        lambda w: f'"id":{w.assignment_a.pk}',
    ),
    "review API": detail(
        api(lambda w: f"reviews/{w.review_a.pk}"), {"reviewer_1"} | STAFF, lambda w: '"score":"15.00"'
    ),
    "instruction page": detail(
        lambda w: reverse("reviews:application_detail", args=[w.app_a.pk]),
        STAFF,
        lambda w: w.app_a.title,
        denied=set(ROLES) - {"anon"} - STAFF,
    ),
    **{
        f"instruction page's lower sections, {part}": detail(
            lambda w, part=part: reverse("reviews:dossier_lower", args=[w.app_a.pk, part]),
            STAFF,
            lambda w: w.app_a.reference,
            denied=set(ROLES) - {"anon"} - STAFF,
        )
        for part in ("avis-evaluation", "echanges-suivi")
    },
    "committee session": detail(
        lambda w: reverse("reviews:committee_detail", args=[w.session.pk]),
        STAFF,
        lambda w: "Paris",
        denied=set(ROLES) - {"anon"} - STAFF,
    ),
    # Organisations: profile (the network's coordinator too), vault documents (not the coordinator).
    "organisation profile": detail(
        lambda w: reverse("members:organisation_detail", args=[w.org_a.pk]),
        PRIVATE | {"coordinator_a"},
        lambda w: w.org_a.name,
    ),
    "organisation API": detail(
        api(lambda w: f"organisations/{w.org_a.pk}"), PRIVATE | {"coordinator_a"}, lambda w: w.org_a.name
    ),
    "vault document": detail(
        lambda w: reverse("members:document_download", args=[w.vault_a.pk]), PRIVATE, lambda w: PDF
    ),
    "France action API": detail(
        api(lambda w: f"france-actions/{w.action_a.pk}"), PRIVATE | {"coordinator_a"}, lambda w: w.action_a.title
    ),
    # Accompaniment: the operators accompanying the association.
    "accompaniment page": detail(
        lambda w: reverse("support:association", args=[w.org_a.pk]), {"operator_1"} | STAFF, lambda w: w.org_a.name
    ),
    "accompaniment agreement file": detail(
        lambda w: reverse("support:agreement_file", args=[w.support_agreement_a.pk]),
        {"operator_1"} | STAFF,
        lambda w: PDF,
    ),
    "support log API": detail(
        api(lambda w: f"support/logs/{w.support_log_a.pk}"),
        {"operator_1"} | STAFF,
        lambda w: f'"id":{w.support_log_a.pk}',
    ),
    # Events: an invited-only ceremony (its guests and FORIM), a registration.
    "ceremony page": detail(
        lambda w: reverse("events:ceremony", args=[w.ceremony.pk]), {"asso_a"} | STAFF, lambda w: w.ceremony.title
    ),
    "registration API": detail(
        api(lambda w: f"event-registrations/{w.registration_a.pk}"), {"asso_a"} | STAFF, lambda w: "Trésorier AMF"
    ),
}


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _has(response, marker):
    body = _body(response)
    return marker in body if isinstance(marker, bytes) else marker in body.decode()


def test_every_detail_answers_each_role_as_declared(world):
    wrong = []
    for kind, row in DETAILS.items():
        url = row["url"](world)
        marker = row["marker"](world) if row["marker"] else None
        for role in ROLES:
            if role == "anon":
                expected = row["anon"]
            else:
                expected = OK if role in row["allowed"] else DENIED if role in row["denied"] else HIDDEN
            response = request_as(world.clients[role], url, "GET")
            got = outcome(response)
            if got == OK and response.status_code != 200:
                got = response.status_code
            if got != expected:
                wrong.append(f"{kind} ({url}) {role}: expected {expected}, got {got}")
            elif got == OK and marker is not None and not _has(response, marker):
                wrong.append(f"{kind} ({url}) {role}: 200 without the object's data ({marker!r})")
    assert not wrong, "\n".join(wrong)


def test_the_private_thread_is_shown_to_the_association_and_staff_only(world):
    url = reverse("grants:application_detail", args=[world.awarded_a.pk])
    shown = {role for role in ROLES if SECRET in _body(request_as(world.clients[role], url, "GET")).decode()}
    assert shown == {"asso_a", "staff", "admin"}
    follow_up = reverse("awards:detail", args=[world.awarded_a.pk])
    page = request_as(world.clients["partner"], follow_up, "GET").content.decode()
    assert SECRET not in page and world.attachment.original_name not in page


def test_the_partner_cannot_write_in_the_private_thread(world):
    response = world.clients["partner"].post(
        reverse("grants:post_message", args=[world.awarded_a.pk]), {"body": "Bonjour"}
    )
    assert response.status_code == 404
    assert not Message.objects.filter(body="Bonjour").exists()


# lists: the exact set each role gets ----------------------------------------------------------


def _ids(response):
    data = response.json()
    return {row["id"] for row in (data["results"] if isinstance(data, dict) else data)}


def _every_page(client, url):
    ids, next_url = set(), url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, (url, response.status_code)
        data = response.json()
        rows = data["results"] if isinstance(data, dict) else data
        ids |= {row["id"] for row in rows}
        next_url = data.get("next") if isinstance(data, dict) else None
    return ids


def test_every_list_holds_exactly_what_each_role_may_see(world):
    w = world
    a_dossiers = {w.draft_a.pk, w.app_a.pk, w.awarded_a.pk}
    from grants.models import Application
    from members.models import Organisation

    lists = {
        "/api/v1/applications/": {
            "asso_a": a_dossiers,
            "operator_1": a_dossiers,
            "asso_b": {w.app_b.pk},
            "operator_2": {w.app_b.pk},
            "partner": set(),
            "partner_other": set(),
            "reviewer_1": set(),
            "coordinator_a": set(),
            "coordinator": set(),
            "staff": set(Application.objects.values_list("pk", flat=True)),
        },
        "/api/v1/organisations/": {
            "asso_a": {w.org_a.pk},
            "operator_1": {w.op_org_1.pk, w.org_a.pk},
            "coordinator_a": {w.link_a.network_id, w.org_a.pk},
            "coordinator": {w.cosim.pk, w.org_b.pk},
            "partner": {w.partner_org.pk},
            "reviewer_1": set(),
            "staff": set(Organisation.objects.values_list("pk", flat=True)),
        },
        "/api/v1/awards/top-ups/": {
            "asso_a": {w.top_up.pk},
            "operator_1": {w.top_up.pk},
            "partner": {w.top_up.pk},
            "partner_other": set(),
            "asso_b": set(),
            "operator_2": set(),
            "coordinator_a": set(),
            "staff": {w.top_up.pk},
        },
        "/api/v1/awards/reports/": {
            "asso_a": set(w.awarded_a.reports.values_list("pk", flat=True)),
            "partner": set(),
            "asso_b": set(),
        },
        "/api/v1/documents/jobs/": {
            "asso_a": {w.job_a.pk},
            "partner": {w.job_a.pk},
            "partner_other": set(),
            "asso_b": set(),
            "operator_2": set(),
            "staff": {w.job_a.pk},
        },
        "/api/v1/review-assignments/": {
            "reviewer_1": {w.assignment_a.pk},
            "reviewer_2": {w.assignment_b.pk},
            "asso_a": set(),
            "partner": set(),
        },
        "/api/v1/support/logs/": {
            "operator_1": {w.support_log_a.pk},
            "operator_2": set(),
            "asso_a": set(),
            "staff": {w.support_log_a.pk},
        },
    }
    wrong = []
    for url, expected in lists.items():
        for role, ids in expected.items():
            got = _every_page(w.clients[role], url)
            if got != ids:
                wrong.append(f"{url} {role}: expected {sorted(ids)}, got {sorted(got)}")
    assert not wrong, "\n".join(wrong)


def test_the_follow_up_export_lists_exactly_the_cofinanced_projects(world):
    url = reverse("awards:followup") + "?format=csv"
    for role, references in {
        "partner": {world.awarded_a.reference},
        "partner_other": set(),
        "asso_b": set(),
        "asso_a": {world.awarded_a.reference},
    }.items():
        content = request_as(world.clients[role], url, "GET").content.decode("utf-8-sig")
        listed = {ref for ref in ("PRA-2024-0001", "PRA-2026-0001", "PRA-2026-0002") if ref in content}
        assert listed == references, role


def test_list_and_detail_agree_for_every_visibility_function(world):
    """Every object a visibility function lists passes its object check, and nothing else does."""
    from access import rules as permissions
    from access import visibility
    from access.visibility import Purpose
    from grants.models import Application

    checks = [
        (lambda u: visibility.applications(u, Purpose.PRIVATE), permissions.can_view_application, Application),
        (lambda u: visibility.applications(u, Purpose.FOLLOW_UP), permissions.can_view_follow_up, Application),
        (lambda u: visibility.applications(u, Purpose.REVIEW), permissions.can_read_for_review, Application),
    ]
    for role, user in world.users.items():
        for listing, predicate, model in checks:
            listed = set(listing(user).values_list("pk", flat=True))
            checked = {obj.pk for obj in model.objects.all() if predicate(user, obj)}
            assert listed == checked, role
