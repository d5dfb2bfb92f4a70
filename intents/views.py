"""Pages of statements of intent. Views parse input and render; every write goes through intents.services;
every statement is found through access.visibility.statements (404 outside it); staff pages are guarded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.permissions import has_perm, require, staff_required, visible_or_404
from forim_portal.errors import DomainError
from grants.models import Call
from lifecycle.engine import machine_for

from . import services
from .eligibility import check_statement
from .filters import CallStatementFilter
from .forms import DecisionForm, StatementForm, WithdrawForm
from .models import IntentStatus
from .selectors import counts_by_status, dossier_of, statements_queryset


def _visible(request, pk):
    return visible_or_404(statements_queryset(request.user), pk=pk)


@login_required
@require_POST
def start(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise DomainError(_("Votre compte n'est rattaché à aucune association."), code="no_organisation", status=403)
    statement = services.start_statement(call=call, organisation=organisation, by=request.user)
    return redirect("intents:edit", pk=statement.pk)


def _history(statement):
    """The audit trail (lifecycle.StateChange): who, when, which action, to which state, why."""
    machine = machine_for(statement)
    return [
        {
            "at": row.at,
            "by": row.by,
            "action": machine.transitions[row.transition].label,
            "state": machine.state_label(row.to_state),
            "comment": row.comment,
        }
        for row in machine.history(statement)
    ]


def _detail(request, statement, *, decision_form=None, withdraw_form=None, error=None, status=200):
    user = request.user
    can_edit = has_perm(user, "intents.change_statement", statement)
    staff = has_perm(user, "intents.decide_statement", statement)
    context = {
        "statement": statement,
        "call": statement.call,
        "results": check_statement(statement) if statement.status == IntentStatus.DRAFT else [],
        "can_edit": can_edit and statement.status == IntentStatus.DRAFT and statement.call.intents_open(),
        "can_withdraw": can_edit and statement.status in (IntentStatus.DRAFT, IntentStatus.SUBMITTED),
        "can_start_dossier": can_edit and statement.status == IntentStatus.PRESELECTED and statement.call.is_open(),
        "can_decide": staff and statement.status == IntentStatus.SUBMITTED,
        "dossier": dossier_of(statement),
        "history": _history(statement),
        "decision_form": decision_form or DecisionForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "error": error,
    }
    return render(request, "intents/detail.html", context, status=status)


@login_required
def detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
def edit(request, pk):
    statement = _visible(request, pk)
    require(
        request.user, "intents.change_statement", statement, _("Seule l'association écrit sa manifestation d'intérêt.")
    )
    initial = {name: getattr(statement, name) for name in services.STATEMENT_FIELDS}
    initial["country"] = statement.country.code if statement.country else ""
    form = StatementForm(request.POST or None, initial=initial, call=statement.call)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_statement(statement=statement, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Manifestation d'intérêt enregistrée."))
            return redirect("intents:detail", pk=statement.pk)
    return render(
        request,
        "intents/form.html",
        {"form": form, "statement": statement, "call": statement.call},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def submit(request, pk):
    statement = _visible(request, pk)
    try:
        services.submit_statement(statement=statement, by=request.user)
    except DomainError as error:
        return _detail(request, statement, error=error.message, status=error.status)
    messages.success(
        request, _("Manifestation d'intérêt déposée : le FORIM vous dira par e-mail si elle est présélectionnée.")
    )
    return redirect("intents:detail", pk=statement.pk)


@login_required
@require_POST
def withdraw(request, pk):
    statement = _visible(request, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.withdraw_statement(statement=statement, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except DomainError as error:
        return _detail(request, statement, withdraw_form=form, error=error.message, status=error.status)
    messages.success(request, _("Manifestation d'intérêt retirée."))
    return redirect("intents:detail", pk=statement.pk)


@staff_required
@require_POST
def decide(request, pk):
    statement = _visible(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, statement, decision_form=form, error=_("Choisissez une décision."), status=400)
    try:
        services.decide_statement(
            statement=statement,
            by=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            expected_state=IntentStatus.SUBMITTED,
        )
    except DomainError as error:
        if error.field in form.fields or error.field == "comment":
            form.add_error("reason" if error.field == "comment" else error.field, error.message)
        return _detail(request, statement, decision_form=form, error=error.message, status=error.status)
    messages.success(
        request,
        _("« %(title)s » : %(state)s. L'association est prévenue par e-mail.")
        % {"title": statement.title, "state": statement.get_status_display()},
    )
    return redirect("intents:call_statements", call_pk=statement.call_id)


@staff_required
def call_statements(request, call_pk):
    """Staff: a call's statements, filtered, each submitted one with its decision buttons."""
    call = get_object_or_404(Call.objects.select_related("programme"), pk=call_pk)
    base = statements_queryset(request.user).filter(call=call)
    filterset = CallStatementFilter(request.GET, queryset=base)
    rows = list(filterset.qs) if filterset.is_valid() else []
    return render(
        request,
        "intents/call_statements.html",
        {
            "call": call,
            "filter": filterset,
            "rows": rows,
            "counts": counts_by_status(base),
            "decision_form": DecisionForm(),
        },
        status=200 if filterset.is_valid() else 400,
    )
