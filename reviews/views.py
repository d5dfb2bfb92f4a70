"""Staff instruction pages, the reviewer's pages, the operator's opinion and the committee."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import has_perm, staff_required, visible_or_404
from accounts.models import User
from dashboards.cache import figures as dashboard_figures
from forim_portal.errors import DomainError
from forim_portal.exports import export_response
from forim_portal.options import read_for_form
from forim_portal.paging import CountedPaginator
from grants import workflow
from grants.eligibility import waiver_box
from grants.forms import CorrectionDueField, RuleWaiverForm
from grants.models import Application
from grants.selectors import dossier_files, with_budget_totals
from grants.services import default_correction_due_on
from grants.states import State
from grants.workflow import APPLICANT, OPERATOR, STAFF, SYSTEM, TRANSITIONS

from . import dossier_panels, exports, selectors, services, table
from .conflicts import reviewer_option
from .criteria import sections_for
from .diagram import every_machine
from .filters import ApplicationFilter
from .forms import AdmissibilityForm, ConflictForm, DecisionForm, NoteForm, OpinionForm, SessionForm
from .models import CommitteeSession, Recommendation, Review, ReviewAssignment
from .rules import is_reviewer

PAGE_SIZE = 25
ACTOR_LABELS = {STAFF: _("Équipe FORIM"), APPLICANT: _("Association"), OPERATOR: _("Opérateur d'appui"), SYSTEM: _("Automatique")}


staff_only = staff_required


def _staff_application(request, pk):
    return get_object_or_404(selectors.staff_applications(request.user), pk=pk)


# --- workflow -----------------------------------------------------------------------------

@staff_only
def workflow_page(request):
    """Every declared state machine (the dossier's first), drawn and listed: who may fire each move, its guards and effects."""
    return render(request, "reviews/workflow.html", {"machines": every_machine()})


# --- staff dossier table -------------------------------------------------------------------

EXPORT_COLUMNS = [
    (_("Référence"), "reference"),
    (_("Appel"), lambda a: a.call.title),
    (_("Association"), lambda a: a.organisation.name),
    (_("Titre du projet"), "title"),
    (_("Pays"), lambda a: a.country.name if a.country else ""),
    (_("Secteur"), "sector"),
    (_("Région"), lambda a: a.organisation.get_region_display()),
    (_("Opérateur d'appui"), lambda a: str(a.operator or a.organisation.operator or "")),
    (_("Statut"), lambda a: a.get_status_display()),
    (_("Montant demandé (€)"), "amount_requested"),
    (_("Devise du budget"), "budget_currency"),
    (_("Taux appliqué (unités pour 1 €)"), lambda a: f"{a.budget_units_per_euro.normalize():f}" if a.budget_units_per_euro else ""),
    (_("Date du taux"), "budget_rate_date"),
    (_("Total des dépenses (devise du budget)"), "budget_local"),
    (_("Total des dépenses (€)"), "budget_euros"),
    (_("Note /20"), "score"),
    (_("Évaluations reçues"), "reviews_done"),
    (_("Montant attribué (€)"), "awarded_amount"),
    (_("Déposé le"), "submitted_at"),
]


def _filtered(request, data=None):
    return ApplicationFilter(data if data is not None else request.GET, queryset=selectors.staff_applications(request.user), request=request)


@staff_only
def application_list(request):
    """Every dossier, filtered, sorted, paged; exported as CSV/XLSX; bulk actions by POST."""
    if request.method == "POST":
        return _bulk_action(request)
    filterset = _filtered(request)
    export = request.GET.get("export")
    if export:
        if not filterset.is_valid():
            raise DomainError(_("Filtres invalides : corrigez-les avant d'exporter."), code="bad_filters")
        return exports.respond(request, filterset.qs, fmt=export)  # streamed, or a document job above a size
    rows = selectors.table_rows(filterset.qs) if filterset.is_valid() else selectors.staff_applications(request.user).none()
    known = selectors.staff_table_count(request.user, request.GET) if filterset.is_valid() else None
    page = CountedPaginator(rows, PAGE_SIZE, count=known).get_page(request.GET.get("page"))
    page.object_list = selectors.with_review_figures(page.object_list)  # for these 25 rows only
    query = request.GET.copy()
    query.pop("page", None)
    bulk_transitions = [spec for spec in TRANSITIONS.values() if STAFF in spec.actors and spec.name not in {"award", "reject", "defer", "request_corrections"}]
    active_filters = sum(1 for name, value in request.GET.items() if value and name in filterset.form.fields and name not in {"q", "sort"})
    # The lists read from the database (calls, networks, operators, reviewers): from the cache until one changes.
    read = read_for_form(filterset.form, reviewers=lambda: str(_reviewer_options()))
    return render(request, "reviews/application_list.html", {
        "filter": filterset, "page": page, "rows": table.rows_html(page.object_list),
        "filter_fields": table.fields_html(filterset.form, skip={"q"}), "active_filters": active_filters,
        "query": query.urlencode(), "reviewer_options": mark_safe(read["reviewers"]), "bulk_transitions": bulk_transitions,  # escaped when written
    })


def _reviewer_options():
    """The active reviewers as `<option>`s, written here in one go rather than by a template loop over 60 users
    and more."""
    reviewers = services.reviewers().only("first_name", "last_name", "email")
    return mark_safe("".join(reviewer_option(r) for r in reviewers))  # each escaped by reviewer_option


def _bulk_action(request):
    ids = [value for value in request.POST.getlist("ids") if value.isdigit()]
    selected = list(selectors.staff_applications(request.user).filter(pk__in=ids).order_by("pk"))
    action = request.POST.get("action")
    back = f"{reverse('reviews:applications')}?{request.POST.get('query', '')}"
    if not selected:
        messages.error(request, _("Cochez au moins un dossier."))
        return redirect(back)
    if action in {"csv", "xlsx"}:
        rows = with_budget_totals(selectors.with_review_figures(selected))
        return export_response(rows, EXPORT_COLUMNS, filename="dossiers-selection", fmt=action, title=_("Dossiers"))
    if action == "assign":
        reviewer_id = request.POST.get("reviewer")
        pool = services.reviewers().filter(pk=reviewer_id) if reviewer_id else None
        created, short = services.spread_reviewers(applications=selected, by=request.user, reviewer_pool=pool)
        messages.success(request, ngettext("%(n)s attribution faite.", "%(n)s attributions faites.", len(created)) % {"n": len(created)})
        if short:
            messages.warning(request, _("Sans assez d'évaluateurs possibles (état ou conflit d'intérêts) : %(list)s.") % {
                "list": ", ".join(a.reference or str(a.pk) for a in short)})
    elif action == "move":
        moved, refused = services.bulk_fire(applications=selected, by=request.user, name=request.POST.get("transition", ""), comment=request.POST.get("comment", ""))
        if moved:
            messages.success(request, ngettext("%(n)s dossier déplacé.", "%(n)s dossiers déplacés.", len(moved)) % {"n": len(moved)})
        for application, message in refused:
            messages.error(request, f"{application.reference or application.pk} : {message}")
    else:
        messages.error(request, _("Choisissez une action."))
    return redirect(back)


# --- staff dossier page -------------------------------------------------------------------

def _staff_files(user, application):
    """The dossier's files as staff see them. Found in `staff_applications`, the dossier is one staff see as private,
    so they open every file of it (no second check) and the list is the same for each of them: kept in the cache
    per dossier, day and language under the dashboards' version, which every write to a dossier's files or to the
    association's vault bumps (dashboards.cache)."""
    if not visibility.sees_every_application(user):
        return dossier_files(user, application)
    return dashboard_figures(["staff-dossier-files", application.pk], lambda: dossier_files(user, application, private=True))


def _detail_context(request, application, **forms):
    """The staff dossier page, each fact read once: the budget lines (table, ceiling, the call's rules), the call's
    rules (the admissibility box and the lifted rules box), the files. The lower panels (evaluation, notes and
    messages, documents and history) are read by their own requests (`reviews.dossier_panels`)."""
    prefetch_related_objects([application], "budget_lines")
    hidden = {"award", "reject", "defer"}  # decided in a committee session
    if application.status == State.SUBMITTED:
        hidden |= set(services.ADMISSIBILITY_OUTCOMES)  # the admissibility form below handles them
    # The applicant and operator roles are read from the layout's memberships (access.visibility.holds_membership).
    transitions = [spec for spec in workflow.available_transitions(application, request.user) if spec.name not in hidden]
    automatic_checks = services.automatic_checks(application)
    return {
        "application": application,
        "automatic_checks": automatic_checks,
        "waivers_box": waiver_box(application, RuleWaiverForm(), results=automatic_checks),
        "files": _staff_files(request.user, application),
        "checklist": services.checklist(application),
        "corrections": list(application.correction_requests.all()[:5]),
        "transitions": transitions,
        "admissibility_form": forms.get("admissibility_form") or AdmissibilityForm(),
        "transition_error": forms.get("transition_error"),
        "transition_comment": forms.get("transition_comment", ""),
        "transition_name": forms.get("transition_name", ""),
        "correction_due_on": default_correction_due_on(),
        "ceiling": services.award_ceiling(application),
        "lower": dossier_panels.lower_part(request, application, forms),
    }


def _render_detail(request, application, status=200, **forms):
    return render(request, "reviews/application_detail.html", _detail_context(request, application, **forms), status=status)


@staff_only
def application_detail(request, pk):
    return _render_detail(request, _staff_application(request, pk))


@staff_only
def dossier_lower(request, pk, part):
    """One part of the staff dossier page's lower sections (reviews.dossier_panels): the fragment htmx puts in
    the page, or, asked without JavaScript, a page of its own with a way back to the dossier."""
    application = get_object_or_404(dossier_panels.lower_fields(selectors.staff_applications(request.user)), pk=pk)
    sections = dossier_panels.PARTS.get(part)
    if sections is None:
        raise Http404
    html = dossier_panels.render_lower(request, application, sections)
    if request.htmx:
        return HttpResponse(html)
    return render(request, "reviews/dossier_lower.html", {"application": application, "lower_html": html})


def _correction_due_on(value):
    try:
        return CorrectionDueField().clean(value)
    except ValidationError as error:
        raise DomainError(error.messages[0], code="bad_due_on", field="due_on") from error


@staff_only
@require_POST
def transition(request, pk):
    """The one view every transition form on the dossier page posts to."""
    application = _staff_application(request, pk)
    comment = request.POST.get("comment", "")
    try:
        services.fire_transition(
            application=application, by=request.user, name=request.POST.get("name", ""), comment=comment,
            expected_state=request.POST.get("expected_state") or None, sections=request.POST.getlist("sections"),
            due_on=_correction_due_on(request.POST.get("due_on")),
        )
    except DomainError as error:
        application.refresh_from_db()
        return _render_detail(request, application, status=error.status, transition_error=error.message, transition_comment=comment,
                              transition_name=request.POST.get("name", ""))
    messages.success(request, _("Le dossier est maintenant « %(state)s ».") % {"state": application.get_status_display()})
    return redirect("reviews:application_detail", pk=pk)


@staff_only
@require_POST
def save_checklist(request, pk):
    application = _staff_application(request, pk)
    notes = {key.removeprefix("note_"): value for key, value in request.POST.items() if key.startswith("note_")}
    services.save_checklist(application=application, by=request.user, checked_codes=set(request.POST.getlist("checked")), notes=notes)
    messages.success(request, _("Vérifications enregistrées."))
    return redirect(f"{reverse('reviews:application_detail', args=[pk])}#admissibility")


@staff_only
@require_POST
def admissibility(request, pk):
    application = _staff_application(request, pk)
    form = AdmissibilityForm(request.POST)
    if form.is_valid():
        try:
            services.decide_admissibility(
                application=application, by=request.user, outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"], sections=form.cleaned_data["sections"], due_on=form.cleaned_data["due_on"],
                expected_state=request.POST.get("expected_state") or None,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            application.refresh_from_db()
            return _render_detail(request, application, status=error.status, admissibility_form=form)
        messages.success(request, _("Recevabilité enregistrée : le dossier est « %(state)s ».") % {"state": application.get_status_display()})
        return redirect("reviews:application_detail", pk=pk)
    return _render_detail(request, application, status=400, admissibility_form=form)


@staff_only
@require_POST
def assign(request, pk):
    application = _staff_application(request, pk)
    reviewer_id = request.POST.get("reviewer")
    try:
        if reviewer_id:
            reviewer = get_object_or_404(User, pk=reviewer_id) if reviewer_id.isdigit() else None
            if reviewer is None:
                raise Http404
            services.assign_reviewer(application=application, reviewer=reviewer, by=request.user)
            messages.success(request, _("%(user)s évaluera ce dossier.") % {"user": reviewer})
        else:
            created, short = services.spread_reviewers(applications=[application], by=request.user)
            if created:
                messages.success(request, ngettext("%(n)s évaluateur attribué automatiquement.", "%(n)s évaluateurs attribués automatiquement.", len(created)) % {"n": len(created)})
            if short:
                messages.warning(request, _("Pas assez d'évaluateurs sans conflit d'intérêts pour ce dossier."))
            elif not created:  # nothing to do: say so rather than "0 évaluateurs attribués"
                messages.info(request, _("Le dossier a déjà tous ses évaluateurs : choisissez-en un dans la liste pour en ajouter."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('reviews:application_detail', args=[pk])}#reviews")


@staff_only
@require_POST
def unassign(request, pk):
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("review"), pk=pk)
    try:
        services.unassign_reviewer(assignment=assignment, by=request.user)
        messages.success(request, _("Attribution retirée."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('reviews:application_detail', args=[assignment.application_id])}#reviews")


@staff_only
@require_POST
def share_review(request, pk):
    review = get_object_or_404(Review.objects.select_related("assignment"), pk=pk)
    try:
        services.share_review(review=review, by=request.user, shared=request.POST.get("shared") == "1")
        messages.success(request, _("Partage de l'évaluation mis à jour."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('reviews:application_detail', args=[review.assignment.application_id])}#reviews")


@staff_only
@require_POST
def add_note(request, pk):
    application = _staff_application(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(application=application, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Note ajoutée."))
        return redirect(f"{reverse('reviews:application_detail', args=[pk])}#notes")
    return _render_detail(request, application, status=400, note_form=form)


# --- operator opinion -----------------------------------------------------------------------

@login_required
def operator_opinion(request, pk):
    """The accompanying operator's written opinion on a submitted dossier."""
    application = visible_or_404(visibility.applications(request.user).select_related("organisation", "call"), pk=pk)
    if not has_perm(request.user, "reviews.give_opinion", application):
        raise Http404  # only the accompanying operator has this page
    form = OpinionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.give_operator_opinion(application=application, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("Votre avis est transmis au FORIM."))
            return redirect("reviews:operator_opinion", pk=pk)
    elif request.method == "POST":
        status = 400
    opinions = application.operator_opinions.select_related("author")
    return render(request, "reviews/operator_opinion.html", {
        "application": application, "form": form, "opinions": opinions,
        "can_give": application.status in services.OPINION_STATES,
        "latest_visa": application.visas.order_by("-created_at", "-pk").first(),
    }, status=status)


# --- reviewers --------------------------------------------------------------------------------

def reviewer_only(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise PermissionDenied(_("Réservé aux évaluateurs."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@reviewer_only
def reviewer_home(request):
    assignments = list(selectors.reviewer_assignments(request.user))
    return render(request, "reviews/reviewer_home.html", {
        "to_do": [a for a in assignments if not (hasattr(a, "review") and a.review.is_submitted)],
        "done": [a for a in assignments if hasattr(a, "review") and a.review.is_submitted],
    })


def _grid(application, review, posted=None):
    """The scoring grid with what the reviewer entered (saved or just posted)."""
    saved = {score.criterion_id: score for score in review.scores.all()} if review else {}
    rows = []
    for criterion in application.call.criteria.all():
        if posted is not None:
            value, comment = posted.get(f"score_{criterion.pk}", ""), posted.get(f"comment_{criterion.pk}", "")
        else:
            score = saved.get(criterion.pk)
            value, comment = (str(score.value), score.comment) if score else ("", "")
        rows.append({"criterion": criterion, "value": value, "comment": comment, "choices": [str(n) for n in range(criterion.scale_max + 1)],
                     "sections": sections_for(criterion.label)})
    return rows


@reviewer_only
def review_form(request, pk):
    """A reviewer reads their assigned dossier and scores it (other reviews only after sending theirs)."""
    assignment = visible_or_404(
        visibility.review_assignments(request.user).filter(reviewer=request.user)
        .select_related("application__call", "application__organisation").prefetch_related(Prefetch("application__budget_lines")),
        pk=pk,
    )
    application = assignment.application
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    error, status, posted = None, 200, None
    if request.method == "POST":
        posted = request.POST
        scores = {c.pk: (posted.get(f"score_{c.pk}"), posted.get(f"comment_{c.pk}", "")) for c in application.call.criteria.all()}
        try:
            review = services.save_review(
                assignment=assignment, by=request.user, scores=scores, recommendation=posted.get("recommendation", ""),
                comment=posted.get("comment", ""), submit="submit" in posted,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Évaluation envoyée : merci !") if review.is_submitted else _("Brouillon enregistré."))
            return redirect("reviews:review", pk=pk)
    others = [r for r in selectors.visible_reviews(request.user, application) if r.assignment_id != assignment.pk]
    return render(request, "reviews/review_form.html", {
        "assignment": assignment, "application": application, "review": review,
        "anonymous": application.call.anonymous_review, "grid": _grid(application, review, posted),
        "recommendations": Recommendation.choices,
        "recommendation": posted.get("recommendation", "") if posted else (review.recommendation if review else ""),
        "comment": posted.get("comment", "") if posted else (review.comment if review else ""),
        "others": others, "error": error, "conflict_form": ConflictForm(),
    }, status=status)


@reviewer_only
@require_POST
def declare_conflict(request, pk):
    assignment = visible_or_404(visibility.review_assignments(request.user).filter(reviewer=request.user).select_related("application"), pk=pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Expliquez en quelques mots le conflit d'intérêts."))
        return redirect("reviews:review", pk=pk)
    try:
        services.declare_conflict(application=assignment.application, reviewer=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reviews:review", pk=pk)
    messages.success(request, _("Conflit d'intérêts enregistré : ce dossier vous est retiré."))
    return redirect("reviews:reviewer_home")


# --- reviews shared with the association --------------------------------------------------------

@login_required
def shared_reviews(request, pk):
    """The reviews FORIM chose to share, for the association (and anyone who may see the dossier)."""
    application = visible_or_404(visibility.applications(request.user).select_related("call", "organisation"), pk=pk)
    reviews = [r for r in selectors.reviews_of(application) if r.is_submitted and r.shared_with_applicant]
    return render(request, "reviews/shared_reviews.html", {"application": application, "reviews": reviews})


# --- committee ------------------------------------------------------------------------------

@staff_only
def committee_list(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.open_session(by=request.user, **form.cleaned_data)
        messages.success(request, _("Séance ouverte."))
        return redirect("reviews:committee_detail", pk=session.pk)
    sessions = CommitteeSession.objects.select_related("call")
    return render(request, "reviews/committee_list.html", {"sessions": sessions, "form": form}, status=400 if form.errors else 200)


def _committee_context(session, forms=None, error_for=None):
    applications = list(selectors.agenda(session))
    forms = forms or {}
    for application in applications:
        application.decision = application.session_decisions[0] if application.session_decisions else None
        application.form = forms.get(application.pk) or DecisionForm(
            prefix=f"d{application.pk}", initial={"amount": min(application.amount_requested, services.award_ceiling(application))}
        )
    summary = services.envelope_summary(session.call)
    candidates = list(selectors.agenda_candidates(session)) if session.is_open else []
    return {"session": session, "applications": applications, "summary": summary, "error_for": error_for, "candidates": candidates}


@staff_only
def committee_detail(request, pk):
    session = get_object_or_404(CommitteeSession.objects.select_related("call"), pk=pk)
    if request.method == "POST" and request.POST.get("close"):
        try:
            services.close_session(session=session, by=request.user)
            messages.success(request, _("Séance clôturée : le procès-verbal est en préparation."))
        except DomainError as error:  # refused (already closed): the page again, with the message and a 4xx
            messages.error(request, error.message)
            return render(request, "reviews/committee_detail.html", _committee_context(session), status=error.status)
        return redirect("reviews:committee_detail", pk=pk)
    return render(request, "reviews/committee_detail.html", _committee_context(session))


@staff_only
@require_POST
def committee_add(request, pk):
    """Put the ticked dossiers of the session's call on its agenda (the workflow's "Inscrire au comité")."""
    session = get_object_or_404(CommitteeSession.objects.select_related("call"), pk=pk)
    if not session.is_open:
        messages.error(request, _("Cette séance est clôturée : aucun dossier ne peut y être ajouté."))
        return render(request, "reviews/committee_detail.html", _committee_context(session), status=409)
    chosen = [int(value) for value in request.POST.getlist("applications") if value.isdigit()]
    if not chosen:
        messages.error(request, _("Cochez au moins un dossier à inscrire."))
        return render(request, "reviews/committee_detail.html", _committee_context(session), status=400)
    applications = selectors.agenda_candidates(session).filter(pk__in=chosen)
    moved, refused = services.bulk_fire(applications=list(applications), by=request.user, name="send_to_committee")
    if moved:
        messages.success(request, ngettext("%(count)s dossier inscrit à l'ordre du jour.", "%(count)s dossiers inscrits à l'ordre du jour.",
                                           len(moved)) % {"count": len(moved)})
    for application, message in refused:
        messages.error(request, f"{application.reference or application.pk} : {message}")
    return redirect("reviews:committee_detail", pk=pk)


@staff_only
@require_POST
def decide(request, pk, application_pk):
    session = get_object_or_404(CommitteeSession.objects.select_related("call"), pk=pk)
    application = get_object_or_404(Application.objects.select_related("call", "organisation"), pk=application_pk, call=session.call)
    form = DecisionForm(request.POST, prefix=f"d{application.pk}")
    if form.is_valid():
        try:
            services.record_decision(session=session, application=application, by=request.user, **form.cleaned_data,
                                     expected_state=request.POST.get("expected_state") or None)
        except DomainError as error:
            form.add_error(None, error.message)
            status, error_message = error.status, error.message
        else:
            messages.success(request, _("Décision enregistrée pour %(ref)s ; l'association est prévenue.") % {"ref": application.reference})
            return redirect(f"{reverse('reviews:committee_detail', args=[pk])}#a{application.pk}")
    else:
        status, error_message = 400, _("Vérifiez la décision de %(ref)s.") % {"ref": application.reference or application.pk}
    context = _committee_context(session, forms={application.pk: form}, error_for=application.pk)
    context["error_message"] = error_message
    return render(request, "reviews/committee_detail.html", context, status=status)
