"""Accompaniment pages: the operator's one page, an association's follow-up, the activity for FORIM."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import visibility
from access.permissions import staff_required, visible_or_404
from access.visibility import Purpose
from forim_portal.errors import DomainError
from forim_portal.exports import export_response
from forim_portal.uploads import serve_file
from members.models import Organisation, OrganisationKind

from . import selectors, services
from .filters import ActivityFilter
from .forms import AgreementForm, SupportLogForm
from .rules import operator_ids, operators_of


def _user_operators(request):
    """The operators shown: the active organisation when it is one, else every operator the user acts for."""
    active = request.organisation
    if active is not None and active.kind == OrganisationKind.OPERATOR:
        return [active.pk]
    return sorted(operator_ids(request.user))


def _staff_chosen_operator(request):
    """FORIM staff may open any operator's page with ?operateur=<id> (404 if it is not an operator)."""
    raw = request.GET.get("operateur", "")
    if not raw:
        return []
    operator = Organisation.objects.filter(pk=int(raw) if raw.isdigit() else 0, kind=OrganisationKind.OPERATOR).first()
    if operator is None:
        raise Http404
    return [operator.pk]


@login_required
def operator_home(request):
    staff = visibility.is_staff(request.user)
    operators = _staff_chosen_operator(request) if staff else _user_operators(request)
    if not operators:
        if staff:
            return redirect("support:staff_activity")
        raise PermissionDenied(_("Cette page est réservée aux opérateurs d'appui."))
    associations = selectors.operator_overview(operators)
    return render(request, "support/operator_home.html", {
        "operators": Organisation.objects.filter(pk__in=operators).order_by("name"),
        "associations": associations,
        "late_count": sum(1 for a in associations if a.late),
    })


def _visible_association(request, pk):
    return visible_or_404(visibility.organisations(request.user, Purpose.ACCOMPANIMENT), pk=pk)


def _association_context(request, association, log_form=None, agreement_form=None):
    writers = operators_of(association, operator_ids(request.user, writers_only=True))
    return {
        "association": association,
        "writers": writers,
        "logs": selectors.association_logs(association, request.user),
        "editable_operators": {operator.pk for operator in writers},
        "agreements": selectors.association_agreements(association, request.user),
        "dossiers": visibility.applications(request.user, queryset=association.applications.select_related("call")).order_by("-call__year", "pk"),
        "log_form": log_form or SupportLogForm(),
        "agreement_form": agreement_form or AgreementForm(),
    }


def _writer_operator(request, association):
    """The operator the user writes for (the active one first) among those accompanying the association."""
    writers = operators_of(association, operator_ids(request.user, writers_only=True))
    if not writers:
        raise PermissionDenied(_("Vous ne pouvez écrire que pour un opérateur qui accompagne cette association."))
    active = request.organisation
    return next((o for o in writers if active is not None and o.pk == active.pk), writers[0])


@login_required
def association(request, pk):
    return render(request, "support/association.html", _association_context(request, _visible_association(request, pk)))


@login_required
def log_create(request, pk):
    association = _visible_association(request, pk)
    if request.method != "POST":
        return redirect("support:association", pk=pk)
    operator = _writer_operator(request, association)
    form = SupportLogForm(request.POST)
    if form.is_valid():
        try:
            services.add_log(by=request.user, operator=operator, association=association, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Suivi enregistré."))
            return redirect("support:association", pk=pk)
    return render(request, "support/association.html", _association_context(request, association, log_form=form), status=400)


def _editable_log(request, log_pk):
    """A log the user sees (404 otherwise) and may change: a writer of its operator or FORIM staff (403)."""
    log = visible_or_404(visibility.support_logs(request.user).select_related("operator", "association"), pk=log_pk)
    if not (visibility.is_staff(request.user) or log.operator_id in operator_ids(request.user, writers_only=True)):
        raise PermissionDenied(_("Seul l'opérateur qui a noté ce suivi peut le modifier."))
    return log


@login_required
def log_edit(request, log_pk):
    log = _editable_log(request, log_pk)
    initial = {name: getattr(log, name) for name in services.LOG_FIELDS}
    form = SupportLogForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_log(by=request.user, log=log, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Suivi modifié."))
                return redirect("support:association", pk=log.association_id)
        return render(request, "support/log_edit.html", {"log": log, "form": form}, status=400)
    return render(request, "support/log_edit.html", {"log": log, "form": form})


@login_required
def log_delete(request, log_pk):
    log = _editable_log(request, log_pk)
    if request.method != "POST":
        return redirect("support:log_edit", log_pk=log.pk)
    services.delete_log(by=request.user, log=log)
    messages.success(request, _("Suivi supprimé."))
    return redirect("support:association", pk=log.association_id)


@login_required
def agreement_create(request, pk):
    association = _visible_association(request, pk)
    if request.method != "POST":
        return redirect("support:association", pk=pk)
    operator = _writer_operator(request, association)
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_agreement(by=request.user, operator=operator, association=association, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Convention d'accompagnement enregistrée."))
            return redirect("support:association", pk=pk)
    return render(request, "support/association.html", _association_context(request, association, agreement_form=form),
                  status=400)


@login_required
def agreement_file(request, pk):
    agreement = visible_or_404(visibility.accompaniment_agreements(request.user), pk=pk)
    if not agreement.file:
        raise Http404
    return serve_file(agreement.file)


EXPORT_COLUMNS = [
    (gettext_lazy("Date"), "date"),
    (gettext_lazy("Opérateur"), lambda log: log.operator.name),
    (gettext_lazy("Association"), lambda log: log.association.name),
    (gettext_lazy("Type"), lambda log: log.get_kind_display()),
    (gettext_lazy("Heures"), "hours"),
    (gettext_lazy("Ce qui a été fait"), "notes"),
    (gettext_lazy("Prochaine étape"), "next_step"),
    (gettext_lazy("Prévue le"), "next_step_on"),
    (gettext_lazy("Saisi par"), lambda log: log.created_by.get_full_name() if log.created_by else ""),
]


def _activity(request, template):
    filterset = ActivityFilter(request.GET, queryset=selectors.activity_logs(request.user))
    logs = filterset.qs
    fmt = request.GET.get("format")
    if fmt:
        return export_response(logs, EXPORT_COLUMNS, filename="accompagnement", fmt=fmt, title=_("Accompagnement"))
    return render(request, template, {
        "filter": filterset, "logs": logs[:200], "total": logs.count(), "by_operator": selectors.activity_by_operator(logs),
    })


@staff_required
def staff_activity(request):
    """FORIM staff: every operator's activity, filtered, with CSV/XLSX export."""
    return _activity(request, "support/activity.html")


@login_required
def operator_activity(request):
    """An operator's own activity, to export for FORIM."""
    if not operator_ids(request.user):
        if visibility.is_staff(request.user):
            return redirect("support:staff_activity")
        raise PermissionDenied(_("Cette page est réservée aux opérateurs d'appui."))
    return _activity(request, "support/activity.html")
