"""Follow-up pages: the staff list, a funded dossier, its reports, cofinancing rules, partners."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import check_staff, has_perm, require, staff_required, visible_or_404
from forim_portal.errors import DomainError
from forim_portal.exports import export_response
from forim_portal.options import read_for_form
from forim_portal.paging import CountedPaginator
from forim_portal.rows import pk_url
from forim_portal.uploads import serve_file
from grants.models import Call
from grants.states import State
from members.models import Organisation

from . import services
from .filters import FollowUpFilter
from .forms import (
    CofinancingRuleForm,
    PaymentForm,
    ReportForm,
    ReportReviewForm,
    SignedAgreementForm,
    TopUpOverrideForm,
)
from .models import ZERO, CofinancingRule, Report, ReportKind, ReportStatus, TopUp, Tranche
from .selectors import (
    cofinancing_totals,
    follow_up_applications,
    follow_up_count,
    follow_up_page,
    in_batches,
    overdue_reports,
    partner_top_ups,
    schedule,
)

PAGE_SIZE = 50
OVERDUE_SHOWN = 20  # the oldest late reports; the badge counts them all


def _visible_application(request, pk):
    """A funded dossier this user may follow (the partner's view included), or 404."""
    return visible_or_404(follow_up_applications(request.user), pk=pk)


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


EXPORT_COLUMNS = [
    (gettext_lazy("Référence"), "reference"),
    (gettext_lazy("Association"), lambda a: a.organisation.name),
    (gettext_lazy("Projet"), "title"),
    (gettext_lazy("Appel"), lambda a: a.call.title),
    (gettext_lazy("Statut"), lambda a: a.get_status_display()),
    (gettext_lazy("Montant attribué (€)"), "awarded_amount"),
    (gettext_lazy("Versé (€)"), "paid_total"),
    (gettext_lazy("Compléments (€)"), "top_up_total"),
    (gettext_lazy("Prochain rapport"), "next_report_due"),
]


@login_required
def followup(request):
    """Every funded dossier the user may follow, with money paid and reports due or late."""
    applications = follow_up_applications(request.user)
    filterset = FollowUpFilter(request.GET, queryset=applications)
    rows = filterset.qs
    fmt = request.GET.get("format")
    if fmt:
        return export_response(in_batches(rows), EXPORT_COLUMNS, filename="suivi-projets", fmt=fmt, title=_("Suivi"))
    count = follow_up_count(request.user, request.GET)
    page = CountedPaginator(rows.values_list("pk", flat=True), PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    page.object_list = follow_up_page(page.object_list)  # the page cut on ids, then its rows and their figures
    detail_url = pk_url("awards:detail")
    for row in page.object_list:
        row.detail_url = detail_url(row.pk)
    query = request.GET.copy()
    query.pop("page", None)
    read_for_form(filterset.form)  # the call select: from the cache until a call changes
    # What the box shows of each report (its name, status, date, the dossier's title and association) only
    overdue = overdue_reports(applications).select_related(None).select_related("application__organisation").only(
        "kind", "number", "status", "due_on", "application__title", "application__organisation__name",
        "application__organisation__acronym",
    )
    shown = list(overdue[:OVERDUE_SHOWN])
    return render(request, "awards/followup.html", {
        "filter": filterset, "page": page, "applications": page.object_list, "query": query.urlencode(),
        "overdue": shown, "overdue_count": overdue.count() if len(shown) == OVERDUE_SHOWN else len(shown),
    })


def _detail_context(request, application, **forms):
    private = has_perm(request.user, "awards.view_private", application)
    tranches = schedule(application) if private else []
    staff = visibility.is_staff(request.user)
    return {
        "application": application,
        "private": private,
        "staff": staff,
        "agreement": getattr(application, "agreement", None),
        "tranches": tranches,
        "reports": list(application.reports.all()) if private else [],
        "top_ups": list(visibility.top_ups(request.user).filter(application=application).select_related("rule__partner")),
        "signed_form": forms.get("signed_form") or SignedAgreementForm(),
        "payment_form": forms.get("payment_form"),
        "payment_tranche": forms.get("payment_tranche"),
        "override_form": forms.get("override_form"),
        "override_top_up": forms.get("override_top_up"),
        "can_close": staff and application.status == State.IN_PROGRESS,
        "funded": application.status != State.AWARDED or application.awarded_amount is not None,
        # a cofinancing partner (not the association's side): the statuses its follow-up view allows
        "partner_status": None if private or staff else follow_up_statuses(request.user, [application.pk]).get(application.pk),
    }


@login_required
def detail(request, pk):
    application = _visible_application(request, pk)
    if visibility.is_staff(request.user):
        services.ensure_follow_up(application=application)
    return render(request, "awards/detail.html", _detail_context(request, application))


@login_required
@require_POST
def agreement_sent(request, pk):
    application = _visible_application(request, pk)
    check_staff(request.user)
    services.mark_agreement_sent(application=application, by=request.user)
    messages.success(request, _("Envoi de la convention enregistré."))
    return redirect("awards:detail", pk=pk)


@login_required
@require_POST
def agreement_signed(request, pk):
    application = _visible_application(request, pk)
    check_staff(request.user)
    if "confirm_returned" in request.POST:  # the copy the association returned is the signed one
        services.record_signed_agreement(application=application, signed_file=None, by=request.user)
        messages.success(request, _("Convention signée enregistrée : les versements peuvent commencer."))
        return redirect("awards:detail", pk=pk)
    form = SignedAgreementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_signed_agreement(application=application, signed_file=form.cleaned_data["signed_file"], by=request.user)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Convention signée enregistrée : les versements peuvent commencer."))
            return redirect("awards:detail", pk=pk)
    return render(request, "awards/detail.html", _detail_context(request, application, signed_form=form), status=400)


@login_required
@require_POST
def agreement_return(request, pk):
    """The association returns its agreement signed, from its dossier page."""
    application = _visible_application(request, pk)
    # Who may return it is asked before the file is read: a refused upload must not hide a refusal.
    require(request.user, "grants.change_application", application, _("Seule l'association porteuse peut renvoyer la convention signée."))
    form = SignedAgreementForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(" ".join(form.errors.get("signed_file", [])) or _("Joignez la convention signée (PDF)."),
                          code="file_required", field="signed_file")
    services.return_signed_agreement(application=application, signed_file=form.cleaned_data["signed_file"], by=request.user)
    messages.success(request, _("Convention signée envoyée au FORIM : il la vérifie avant le premier versement."))
    return redirect("grants:application_detail", pk=pk)


@login_required
def agreement_file(request, pk):
    application = _visible_application(request, pk)
    agreement = getattr(application, "agreement", None)
    if not has_perm(request.user, "awards.view_private", application) or agreement is None or not agreement.signed_file:
        raise Http404
    return serve_file(agreement.signed_file)


@login_required
@require_POST
def payment_create(request, pk):
    application = _visible_application(request, pk)
    check_staff(request.user)
    form = PaymentForm(request.POST)
    tranche = None
    if form.is_valid():
        tranche = Tranche.objects.filter(pk=form.cleaned_data["tranche"], application=application).first()
        if tranche is None:
            raise Http404
        try:
            services.record_payment(tranche=tranche, by=request.user, **{k: form.cleaned_data[k] for k in ("paid_on", "amount", "reference")})
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Versement enregistré."))
            return redirect("awards:detail", pk=pk)
    tranche_id = tranche.pk if tranche else form.data.get("tranche")
    return render(request, "awards/detail.html", _detail_context(
        request, application, payment_form=form, payment_tranche=str(tranche_id)), status=400)


@login_required
@require_POST
def top_up_override(request, pk):
    application = _visible_application(request, pk)
    check_staff(request.user)
    form = TopUpOverrideForm(request.POST)
    top_up = None
    if form.is_valid():
        top_up = get_object_or_404(TopUp, pk=form.cleaned_data["top_up"], application=application)
        try:
            services.override_top_up(top_up=top_up, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], by=request.user)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Complément corrigé ; l'ancien montant reste dans l'historique."))
            return redirect("awards:detail", pk=pk)
    return render(request, "awards/detail.html", _detail_context(
        request, application, override_form=form, override_top_up=str(top_up.pk if top_up else form.data.get("top_up"))), status=400)


@login_required
@require_POST
def close(request, pk):
    application = _visible_application(request, pk)
    check_staff(request.user)
    try:
        services.close_project(application=application, by=request.user, comment=request.POST.get("comment", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Projet clôturé."))
    return redirect("awards:detail", pk=pk)


def _visible_report(request, pk):
    """A report of a private dossier (never the partner's view), or 404."""
    report = visible_or_404(visibility.reports(request.user), pk=pk)
    report.application = _visible_application(request, report.application_id)
    return report


@login_required
def report(request, pk):
    """The association fills in and hands in its report; staff approve it or ask for more."""
    report = _visible_report(request, pk)
    application = report.application
    editable = has_perm(request.user, "awards.edit_report", application) and report.is_open
    form = ReportForm(report=report) if editable else None
    review_form = ReportReviewForm() if visibility.is_staff(request.user) and report.status == ReportStatus.SUBMITTED else None
    status = 200
    if request.method == "POST" and editable and "review" not in request.POST:
        form = ReportForm(request.POST, request.FILES, report=report)
        if form.is_valid():
            try:
                services.save_report(
                    report=report, by=request.user, narrative=form.cleaned_data["narrative"], actuals=form.actuals(),
                    cash_certificate=form.cleaned_data["cash_certificate"], in_kind_certificate=form.cleaned_data["in_kind_certificate"],
                )
                if "submit" in request.POST:
                    services.submit_report(report=report, by=request.user)
                    messages.success(request, _("Rapport remis au FORIM. Merci !"))
                else:
                    messages.success(request, _("Rapport enregistré. Vous pouvez le compléter plus tard."))
                return redirect("awards:report", pk=pk)
            except DomainError as error:
                _form_error(form, error)
        status = 400
    elif request.method == "POST" and review_form is not None and "review" in request.POST:
        review_form = ReportReviewForm(request.POST)
        if review_form.is_valid():
            try:
                services.review_report(report=report, by=request.user, approve=request.POST["review"] == "approve",
                                       comment=review_form.cleaned_data["comment"])
                messages.success(request, _("Décision enregistrée et envoyée à l'association."))
                return redirect("awards:report", pk=pk)
            except DomainError as error:
                _form_error(review_form, error)
        status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce rapport."))
    spending = [(s.budget_line, s.actual) for s in report.spending.select_related("budget_line")]
    return render(request, "awards/report.html", {
        "report": report, "application": application, "form": form, "review_form": review_form, "spending": spending,
        "is_final": report.kind == ReportKind.FINAL,
    }, status=status)


@login_required
def report_file(request, pk, field):
    report = _visible_report(request, pk)
    if field not in {"cash_certificate", "in_kind_certificate"} or not getattr(report, field):
        raise Http404
    return serve_file(getattr(report, field))


@staff_required
def rules(request):
    rules_list = CofinancingRule.objects.select_related("partner", "programme")
    return render(request, "awards/rules.html", {"rules": rules_list})


@staff_required
def rule_edit(request, pk=None):
    rule = get_object_or_404(CofinancingRule, pk=pk) if pk else None
    form = CofinancingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(by=request.user, rule=rule, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Règle enregistrée et appliquée aux dossiers lauréats du programme."))
            return redirect("awards:rules")
    return render(request, "awards/rule_form.html", {"form": form, "rule": rule}, status=400 if form.errors else 200)


@staff_required
def call_documents(request, pk):
    """Staff: a call's diplomas (one PDF, a ZIP) and each partner's cofinancing report."""
    call = get_object_or_404(Call.objects.select_related("programme"), pk=pk)
    partners = Organisation.objects.filter(cofinancing_rules__programme=call.programme_id).distinct()
    laureates = follow_up_applications(request.user).filter(call=call)
    return render(request, "awards/call_documents.html", {
        "call": call, "partners": partners, "laureates": laureates, "variant_pdf": f"{call.pk}-pdf", "variant_xlsx": f"{call.pk}-xlsx",
    })


def follow_up_statuses(user, application_ids):
    """{dossier id: paid so far, tranches paid / scheduled, reports (kind, due date, status)} for the funded
    dossiers among these that the user may follow (the FOLLOW_UP purpose: amounts, tranche and report status)."""
    followed = visibility.follow_ups(user).filter(pk__in=application_ids).values("pk")
    statuses = {pk: {"paid": ZERO, "tranches": 0, "tranches_paid": 0, "reports": []} for pk in followed.values_list("pk", flat=True)}
    for tranche in Tranche.objects.filter(application_id__in=followed).annotate(paid=Sum("payments__amount")):
        row = statuses[tranche.application_id]
        row["tranches"] += 1
        row["paid"] += tranche.paid or ZERO
        row["tranches_paid"] += 1 if (tranche.paid or ZERO) >= tranche.amount else 0
    for report in Report.objects.filter(application_id__in=followed).order_by("due_on", "pk"):
        statuses[report.application_id]["reports"].append(report)
    return statuses


@login_required
def partner_home(request):
    """A partner's projects, by call, with its top-ups, totals and reports to download."""
    partners = Organisation.objects.filter(pk__in=visibility.partners_of(request.user))
    if not visibility.is_staff(request.user) and not partners.exists():
        raise PermissionDenied(_("Cette page est réservée aux partenaires cofinanceurs."))
    sections = []
    for partner in partners:
        top_ups = list(partner_top_ups(partner))
        statuses = follow_up_statuses(request.user, [t.application_id for t in top_ups])
        for top_up in top_ups:
            top_up.follow_up = statuses.get(top_up.application_id)
        calls = {}
        for top_up in top_ups:
            calls.setdefault(top_up.application.call, []).append(top_up)
        sections.append({"partner": partner, "calls": [
            {"call": call, "top_ups": rows, "totals": cofinancing_totals(rows), "variant_pdf": f"{call.pk}-pdf",
             "variant_xlsx": f"{call.pk}-xlsx"} for call, rows in calls.items()
        ]})
    return render(request, "awards/partner_home.html", {"sections": sections})
