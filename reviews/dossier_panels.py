"""The staff dossier page's lower sections, read in a second request once the page is shown.

The page opens on what an instructor acts on first: the moves, the dossier, admissibility and the lifted
rules. The sections below (the operator's visa and opinions, evaluation and committee decisions, internal
notes and the messages, documents produced and the history) are lists that grow with the dossier's life:
htmx fetches them together as soon as the page has loaded (`hx-trigger="load"`), from a URL that also
answers a whole page without JavaScript (the `<noscript>` links). Their headings are in the page from the
start, so the anchors the forms return to (`#reviews`, `#notes`) are there. The URL is guarded as the page
is (`selectors.staff_applications`). When the note form comes back with an error, the sections are written
into the page itself, so what was typed is shown where it was typed.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentJob
from grants.models import Application
from grants.selectors import thread, with_state_labels

from . import services
from .conflicts import free_reviewer_options
from .forms import NoteForm
from .models import CriterionScore

SCORE_ROW = '<tr><th scope="row">{}</th><td>{}/{}</td><td>{}</td></tr>'


def assignments_and_reviews(application):
    """The dossier's reviewers in the order they were asked, and their reviews in the same order (those of
    `selectors.reviews_of`), each with its scores and their criteria: two queries."""
    assignments = list(application.review_assignments.select_related("reviewer", "review").order_by("assigned_at", "id"))
    reviews = [a.review for a in assignments if hasattr(a, "review")]
    prefetch_related_objects(reviews, Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion")))
    for review in reviews:  # its table of scores, written here in one go rather than by a template loop over each score
        review.score_rows = format_html_join("", SCORE_ROW, (
            (s.criterion.label, localize(s.value), localize(s.criterion.scale_max), s.comment) for s in review.scores.all()
        ))
    return assignments, reviews


def _evaluation(request, application, forms):
    assignments, reviews = assignments_and_reviews(application)
    reviewer_options = ""
    if application.status in services.REVIEWABLE_STATES:  # the only states whose panel offers the choice
        asked = {a.reviewer_id for a in assignments}
        # each option escaped when written (conflicts.free_reviewer_options)
        reviewer_options = mark_safe("".join(option for pk, option in free_reviewer_options(application) if pk not in asked))
    return {
        "assignments": assignments,
        "reviewer_options": reviewer_options,  # the <option>s of the reviewers it may still be given (60 and more)
        "reviews": reviews,
        "spread_flag": services.is_spread_large([r.score for r in reviews if r.is_submitted]),
        "decisions": list(application.committee_decisions.select_related("session", "decided_by")),
    }


def _exchanges(request, application, forms):
    return {
        "notes": list(application.staff_notes.select_related("author")),
        "note_form": forms.get("note_form") or NoteForm(),
        "thread": thread(application),
        # the thread's form returns to the dossier page, not to the panel's URL
        "thread_next": reverse("reviews:application_detail", args=[application.pk]),
    }


def _follow_up(request, application, forms):
    return {
        "history": with_state_labels(application.transitions.select_related("by").order_by("-at", "-id")),
        "document_jobs": list(DocumentJob.objects.filter(
            target_type=ContentType.objects.get_for_model(Application), target_id=application.pk).order_by("kind")),
    }


# What the sections show of the people and organisations they name (their `__str__`): a user's or an
# organisation's other columns stay in the database.
PERSON = ("first_name", "last_name", "email")
NAMED = ("name", "acronym")


def _named(relation, fields):
    return [f"{relation}__{field}" for field in fields]


def _operator(request, application, forms):
    opinions = application.operator_opinions.select_related("author", "operator").only(
        "application_id", "opinion", "text", "created_at", *_named("author", PERSON), *_named("operator", NAMED)
    )
    visas = application.visas.select_related("given_by", "operator").only(
        "application_id", "decision", "comment", "created_at", *_named("given_by", PERSON), *_named("operator", NAMED)
    )
    return {"opinions": list(opinions), "latest_visa": visas.order_by("-created_at", "-pk").first()}


# What the sections read of the dossier itself (`lower_fields`).
LOWER_FIELDS = (
    "reference", "title", "status", "score", "visa_requested_at", "organisation", "operator", "call",
    "call__operator_visa_required", *_named("operator", NAMED), "organisation__operator",
    *_named("organisation__operator", NAMED),
)


def lower_fields(queryset):
    """The staff queryset reading only what the lower sections show of a dossier: its three joined rows
    (call, association, operator) are wide, and reading them whole was a tenth of the request."""
    return queryset.only(*LOWER_FIELDS)


@dataclass(frozen=True)
class Section:
    anchor: str  # the id of its first heading's section, which the forms return to (`#reviews`, `#notes`)
    title: str
    template: str
    read: object  # (request, application, forms) -> its context


SECTIONS = [
    Section("operator", _("Avis de l'opérateur d'appui"), "reviews/panels/operator.html", _operator),
    Section("reviews", _("Évaluation"), "reviews/panels/evaluation.html", _evaluation),
    Section("notes", _("Notes internes et messages"), "reviews/panels/exchanges.html", _exchanges),
    Section("documents", _("Documents produits et historique"), "reviews/panels/follow_up.html", _follow_up),
]
# The sections come in two requests sent at once, each about half the reading: the opinions and the evaluation,
# then the notes, messages, documents and history. Each part is named in its URL.
PARTS = {"avis-evaluation": SECTIONS[:2], "echanges-suivi": SECTIONS[2:]}
WRITTEN_IN_BY = {"note_form"}  # a form of these sections that came back with an error: the sections are in the page


def render_lower(request, application, sections=SECTIONS, forms=None):
    """These sections' HTML, in their order: one template, so the layout's context processors run once."""
    forms = forms or {}
    context = {"application": application, "sections": sections}
    for section in sections:
        context.update(section.read(request, application, forms))
    return render_to_string("reviews/panels/lower.html", context, request)


def lower_part(request, application, forms):
    """What the page shows of the lower sections: their HTML when a form of theirs came back with an error,
    else each part's URL and its sections' headings."""
    written_in = WRITTEN_IN_BY & {name for name, value in forms.items() if value}
    return {
        "html": render_lower(request, application, forms=forms) if written_in else "",
        "parts": [
            {"name": name, "url": reverse("reviews:dossier_lower", args=[application.pk, name]), "sections": sections}
            for name, sections in PARTS.items()
        ],
    }
