"""Pages of the grants app: calls, the multi-step application with autosave, the dossier, its thread and visa.

Views parse input and render; every write goes through grants.services; every object is
looked up through access.visibility.applications (404 for what a user may not see); staff pages
are guarded by access.permissions.staff_required.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import has_perm, staff_required, visible_or_404
from forim_portal.errors import Conflict, DomainError
from forim_portal.money import half_up_cents
from members.models import OrganisationDocument

from . import currencies, selectors, services
from .attachments import open_file
from .eligibility import (
    budget_balance,
    check_application,
    document_label,
    failures_by_field,
    grant_ceiling,
    present_document_types,
    waiver_box,
)
from .forms import (
    STEP_FORMS,
    BudgetLineFormSet,
    CallForm,
    CorrectionForm,
    CriterionFormSet,
    CurrencyRateForm,
    DocumentForm,
    MessageForm,
    ProgrammeForm,
    PublishConsentForm,
    RuleWaiverForm,
    VisaForm,
    WithdrawForm,
    budget_rows,
    rate_formset,
)
from .models import Application, Call, Programme
from .panels import panels_for
from .rules import edits_for_applicant
from .states import EDITABLE_STATES, FUNDED_STATES, State
from .steps import STEP_CODES, STEP_LABELS, STEPS, step_of_field
from .workflow import APPLICANT, OPERATOR, actor_kinds, available_transitions


def _visible(request, pk):
    """The association's private dossier (never the partner's follow-up view), or 404."""
    queryset = visibility.applications(request.user).select_related("call__programme", "organisation", "operator", "last_saved_by")
    return visible_or_404(queryset, pk=pk)


# Calls -----------------------------------------------------------------------------------------

def call_list(request):
    """Staff: every programme and call, to configure. Others, visitors included: the calls open now, with their
    conditions, so an association knows before it starts (starting needs a signed-in association)."""
    if visibility.is_staff(request.user):
        calls = Call.objects.select_related("programme").annotate(n_applications=Count("applications")).order_by("-year", "programme__name")
        return render(request, "grants/call_list_staff.html", {"calls": calls, "programmes": Programme.objects.all()})
    organisation = getattr(request, "organisation", None)
    drafts = {}
    if organisation:
        drafts = set(Application.objects.filter(organisation=organisation, status=State.DRAFT).values_list("call_id", flat=True))
    return render(request, "grants/call_list.html", {"calls": selectors.open_calls(), "drafts": drafts, "organisation": organisation})


@staff_required
def call_edit(request, pk=None):
    call = get_object_or_404(Call, pk=pk) if pk else None
    form = CallForm(request.POST or None, instance=call)
    criteria = CriterionFormSet(request.POST or None, instance=call, prefix="criteria")
    rates = rate_formset(call, request.POST if "rates-TOTAL_FORMS" in request.POST else None)  # absent: rates unchanged
    if request.method == "POST" and form.is_valid() and criteria.is_valid() and (not rates.is_bound or rates.is_valid()):
        try:
            with transaction.atomic():
                call = services.save_call(by=request.user, call=form.instance)
                criteria.instance = call
                criteria.save()
                if rates.is_bound:
                    currencies.set_call_rates(call=call, by=request.user, rates=[row for row in map(CurrencyRateForm.row, rates) if row])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("L'appel « %(title)s » est enregistré.") % {"title": call.title})
            return redirect("grants:call_list")
    context = {"form": form, "criteria": criteria, "rates": rates, "fixed_parities": currencies.fixed_parities(), "call": call}
    return render(request, "grants/call_form.html", context, status=_refused(request))


@staff_required
def programme_edit(request, pk=None):
    programme = get_object_or_404(Programme, pk=pk) if pk else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.save_programme(by=request.user, programme=form.instance)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Le programme « %(name)s » est enregistré.") % {"name": programme.name})
            return redirect("grants:call_list")
    return render(request, "grants/programme_form.html", {"form": form, "programme": programme}, status=_refused(request))


def _refused(request):
    """A form shown again after a POST was refused (it did not redirect): 400, else 200."""
    return 400 if request.method == "POST" else 200


@login_required
@require_POST
def start_application(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise DomainError(_("Votre compte n'est rattaché à aucune association."), code="no_organisation", status=403)
    application = services.start_application(call=call, organisation=organisation, by=request.user)
    return redirect("grants:application_edit", pk=application.pk, step="project")


# Applicant's list and dossier ------------------------------------------------------------------

@login_required
def my_applications(request):
    organisation = getattr(request, "organisation", None)
    applications = list(selectors.applications_of(organisation=organisation))
    for application in applications:
        application.next_text, application.next_deadline = selectors.next_step(application)
    return render(request, "grants/my_applications.html", {
        "applications": applications, "organisation": organisation, "calls": selectors.open_calls(),
        "drafts": {a.call_id for a in applications if a.status == State.DRAFT},
    })


def _detail_context(request, application):
    """What the dossier page shows, each fact read once: the budget lines (table, totals, rules) in one
    query, the user's workflow roles on the dossier (edit, withdraw, operator, consent) in one reading."""
    prefetch_related_objects([application], "budget_lines")
    results = check_application(application) if application.status in EDITABLE_STATES else []
    kinds = actor_kinds(request.user, application)
    may_edit = APPLICANT in kinds  # access.rules.edits_for_applicant, as read by actor_kinds
    next_text, next_deadline = selectors.next_step(application)
    return {
        "application": application,
        "next_text": next_text, "next_deadline": next_deadline,
        "failed": [r for r in results if not r.ok],
        "corrections": list(services.open_corrections(application).select_related("requested_by")),
        "versions": list(application.versions.only("application_id", "number", "created_at")),  # shown: number and date
        "transitions": selectors.with_state_labels(application.transitions.all()),  # the page shows no author: no join
        "can_edit": may_edit and application.status in EDITABLE_STATES,
        "can_withdraw": any(spec.name == "withdraw" for spec in available_transitions(application, request.user, kinds=kinds)),
        "is_operator": OPERATOR in kinds,  # access.rules.is_accompanying_operator
        "can_read_thread": has_perm(request.user, "grants.read_thread", application),
        "withdraw_form": WithdrawForm(),
        "visa_form": VisaForm(),
        "panels": panels_for(request, application),
        "consent_form": (
            PublishConsentForm(initial={"publish_consent": application.publish_consent})
            if application.status in FUNDED_STATES and may_edit
            else None
        ),
        "shared_reviews_count": application.review_assignments.filter(
            review__submitted_at__isnull=False, review__shared_with_applicant=True
        ).count(),
        # found in visibility.applications(user): the reader of the private dossier opens all its files
        "files": selectors.dossier_files(request.user, application, private=True),
    }


def _read_thread(user, application):
    """The thread as its reader sees it, the other side's new messages marked read (grants.services.mark_thread_read)
    first: the check and the write only when the thread holds some, so a page with nothing new reads it once."""
    thread = selectors.thread(application)
    from_other_side = not visibility.is_staff(user)
    if any(m.from_staff == from_other_side and m.read_at is None for m in thread):
        services.mark_thread_read(application=application, reader=user)
        thread = selectors.thread(application)
    return thread


@login_required
def application_detail(request, pk):
    # one row by its key: no ordering to write (the default one cost a millisecond here)
    queryset = visibility.applications(request.user).select_related("call", "organisation__operator", "operator").order_by()
    application = visible_or_404(queryset, pk=pk)
    context = _detail_context(request, application)
    if context["can_read_thread"]:  # the readers mark_thread_read marks for: staff and the association's members
        context["thread"] = _read_thread(request.user, application)
    return render(request, "grants/application_detail.html", context)


# The steps --------------------------------------------------------------------------------------

def _unit_cost(line):
    """Lines entered as a lump sum (no unit cost) show their amount as the unit cost, so a resave keeps it.

    A line typed in another currency shows its unit cost in that currency (the service converts it)."""
    if line.is_converted:
        return line.local_unit_cost
    if not line.unit_cost and line.amount and line.quantity:
        return half_up_cents(line.amount / line.quantity)
    return line.unit_cost


def _budget_formset(application, data=None, extra=1):
    initial = [
        {"id": line.pk, "category": line.category, "label": line.label, "quantity": line.quantity, "unit_cost": _unit_cost(line)}
        for line in application.budget_lines.all()
    ]
    initial += [{"category": "", "quantity": 1}] * extra
    currency = _typed_currency(application, data or {})
    return BudgetLineFormSet(data, initial=None if data else initial, prefix="lines", form_kwargs={"currency": currency})


def _step_forms(application, step, data=None, extra=1):
    form_class = STEP_FORMS.get(step)
    kwargs = {"call": application.call} if step in ("project", "budget") else {}
    form = form_class(data, instance=application, **kwargs) if form_class else None
    formset = _budget_formset(application, data, extra) if step == "budget" else None
    return form, formset


def _has_value(bound):
    """Whether the association has put something in this field (an amount of zero counts as nothing)."""
    value = bound.value()
    if value in (None, "", [], ()):
        return False
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", "")) != 0
    except ArithmeticError:
        return True


def _rule_feedback(application, step, form, results, *, attempted):
    """The call's rules shown at each field and at the top of a step, GOV.UK-style: only after an attempt.

    Before the association presses "Enregistrer" or "Étape suivante", a rule speaks only at a field it has filled
    in (and the step's own rules, such as the balanced budget, once the budget has a line), never on an untouched
    form. The review step lists every rule anyway."""
    by_field = failures_by_field(results)
    started = attempted or (step == "budget" and application.budget_lines.exists())
    fields = [(bound, by_field.get(bound.name, []) if attempted or _has_value(bound) else []) for bound in form] if form is not None else []
    step_failures = [
        r for r in results
        if not r.ok and step_of_field(r.field) == step and (form is None or r.field not in form.fields) and (started or form is None)
    ]
    return fields, step_failures


def _step_context(request, application, step, form=None, formset=None, conflict=None, lock_version=None, attempted=None):
    results = check_application(application)
    if attempted is None:
        attempted = request.method == "POST" or request.GET.get("verifier") == "1"
    fields, step_failures = _rule_feedback(application, step, form, results, attempted=attempted)
    editable = step in services.editable_steps(application) and edits_for_applicant(request.user, application)
    if form is not None and not editable:
        for field in form.fields.values():
            field.disabled = True
    index = STEP_CODES.index(step)
    context = {
        "application": application, "call": application.call, "step": step, "step_label": STEP_LABELS[step],
        "steps": [(code, label, code in services.editable_steps(application) or code in ("association", "review")) for code, label in STEPS],
        "previous_step": STEP_CODES[index - 1] if index else None,
        "next_step": STEP_CODES[index + 1] if index + 1 < len(STEP_CODES) else None,
        "form": form, "formset": formset, "editable": editable,
        "fields": fields,
        "step_failures": step_failures,
        "results": results, "failed": [r for r in results if not r.ok],
        "conflict": conflict, "lock_version": application.lock_version if lock_version is None else lock_version,
        "corrections": list(services.open_corrections(application)),
        "now": timezone.now(),
    }
    if step == "budget":
        context.update(_budget_totals(application))
        lines = {line.pk: line for line in application.budget_lines.all()}
        context["budget_rows"] = [(row, lines.get(_row_id(row))) for row in formset]
        context["empty_row"] = formset.empty_form  # the row "+ Ajouter une ligne" copies in the page (static/js/budget.js)
    if step == "documents":
        context.update(_documents_context(application))
    if step == "operator":
        context["visas"] = list(application.visas.select_related("given_by", "operator"))
    if step == "association":
        try:
            context["registry_url"] = reverse("members:my_organisation")
        except NoReverseMatch:
            context["registry_url"] = ""
    return context


def _typed_currency(application, values):
    """The currency the budget lines of this post are typed in: the one chosen with them, else the dossier's."""
    return str(values.get("budget_currency") or application.budget_currency).strip().upper()


def _row_id(row):
    value = row.initial.get("id") or (row.data.get(row.add_prefix("id")) if row.is_bound else None)
    return int(value) if str(value or "").isdigit() else None


def _budget_totals(application):
    total, funding, balanced = budget_balance(application)  # the same reading as the rule « Budget équilibré »
    return {
        "budget_total": total, "funding_total": funding, "gap": total - funding, "balanced": balanced,
        "in_kind_total": application.in_kind,
        "local_total": currencies.local_total(application), "currency": application.budget_currency,
        "conversion_note": currencies.budget_sentence(application),
        "grant_ceiling": grant_ceiling(application.call, total),
    }


def _vault_documents(application):
    today = timezone.localdate()
    return list(
        OrganisationDocument.objects.filter(organisation=application.organisation_id).exclude(valid_until__lt=today)
        .order_by("doc_type", "-uploaded_at")
    )


def _documents_context(application):
    vault = _vault_documents(application)
    attached = list(application.documents.select_related("vault_document"))
    present = present_document_types(application)
    required = [
        {"code": code, "label": document_label(code), "present": code in present,
         "attached": [doc for doc in attached if doc.doc_type == code],
         "vault": [doc for doc in vault if doc.doc_type == code]}
        for code in application.call.required_documents
    ]
    others = [doc for doc in attached if doc.doc_type not in application.call.required_documents]
    return {"required_documents": required, "other_documents": others, "document_form": DocumentForm(vault=vault)}


@login_required
def application_edit(request, pk, step):
    application = _visible(request, pk)
    if step not in STEP_CODES:
        raise Http404
    if not has_perm(request.user, "grants.act_for_applicant", application):
        return redirect("grants:application_detail", pk=pk)
    extra = int(request.GET["lignes"]) if request.GET.get("lignes", "").isdigit() else 1
    extra = min(max(extra, 1), 20)
    if request.method != "POST":
        form, formset = _step_forms(application, step, extra=extra)
        return render(request, "grants/application_step.html", _step_context(request, application, step, form, formset))
    form, formset = _step_forms(application, step, request.POST)
    lock_version = request.POST.get("overwrite_version") or request.POST.get("lock_version")
    values = form.valid_values() if form is not None else {}
    rows = None
    if formset is not None:
        if not formset.is_valid() and formset.non_form_errors():
            raise DomainError(_("Le formulaire du budget est incomplet : rechargez la page."), code="bad_formset")
        rows = budget_rows(formset, _typed_currency(application, values))
        remove = request.POST.get("remove_line")
        for row in rows:
            if remove is not None and str(row["index"]) == remove:
                row["delete"] = True
    try:
        services.save_step(application=application, by=request.user, step=step, values=values, lock_version=lock_version, lines=rows)
    except Conflict as conflict:
        application.refresh_from_db()  # the rules and totals of what is stored; the forms keep what was typed
        context = _step_context(request, application, step, form, formset, conflict=conflict.message, lock_version=application.lock_version)
        return render(request, "grants/application_step.html", context, status=409)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        application.refresh_from_db()
        return render(request, "grants/application_step.html", _step_context(request, application, step, form, formset), status=refusal.status)
    has_errors = (form is not None and form.errors) or (formset is not None and any(f.errors for f in formset.forms))
    if has_errors:
        # the valid fields are saved; the refused ones come back with their message, and the answer says so (400)
        messages.warning(request, _("Enregistré, sauf les champs signalés en rouge : corrigez-les."))
        if step == "budget":
            form, formset = form, _budget_formset(application, request.POST)
            formset.is_valid()
        return render(request, "grants/application_step.html", _step_context(request, application, step, form, formset), status=400)
    url = reverse("grants:application_edit", args=[pk, step])
    if "add_line" in request.POST:
        return redirect(f"{url}?lignes=1#budget-lines")
    if "remove_line" in request.POST:
        return redirect(f"{url}#budget-lines")
    messages.success(request, _("Enregistré à %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")})
    if "next" in request.POST:
        index = STEP_CODES.index(step)
        return redirect("grants:application_edit", pk=pk, step=STEP_CODES[min(index + 1, len(STEP_CODES) - 1)])
    return redirect(f"{url}?verifier=1")  # saved on purpose: what the rules say now shows at every field


@require_POST
def autosave(request, pk, step):
    """htmx: save what is valid of a step, answer with the saved state and the checks at each field.

    Refusals answer a fragment in place of the saved state (never a redirect swapped into
    the page), so what the user typed stays in the form.
    """
    if not request.user.is_authenticated:
        message = _("Votre session a expiré : vos saisies sont toujours dans la page. Reconnectez-vous dans un autre onglet, puis cliquez sur « Enregistrer ».")
        return render(request, "grants/includes/save_conflict.html", {"message": message}, status=401)
    application = _visible(request, pk)
    try:
        return _autosave(request, application, step)
    except Conflict as conflict:
        current = Application.objects.get(pk=application.pk).lock_version
        return render(request, "grants/includes/save_conflict.html", {"message": conflict.message, "current": current}, status=409)
    except DomainError as refusal:
        return render(request, "grants/includes/save_conflict.html", {"message": refusal.message}, status=refusal.status)


def _autosave(request, application, step):
    if step not in STEP_FORMS:
        raise Http404
    form, formset = _step_forms(application, step, request.POST)
    values = form.valid_values()
    rows = None
    if formset is not None:
        formset.is_valid()
        if not formset.non_form_errors():
            rows = budget_rows(formset, _typed_currency(application, values))
    kept = services.save_step(
        application=application, by=request.user, step=step, values=values,
        lock_version=request.POST.get("lock_version"), lines=rows,
    )
    # No refresh_from_db: save_step copied the stored row onto `application` (grants.services.update_draft), and a
    # refresh would also drop the call and the organisation read with it, two more queries per autosave.
    prefetch_related_objects([application], "budget_lines")  # read once: the lines shown and the budget's rules
    lines = {line.pk: line for line in application.budget_lines.all()}
    results = check_application(application)
    fields, step_failures = _rule_feedback(application, step, form, results, attempted=False)
    context = {
        "application": application, "step": step,
        "fields": fields,
        "step_failures": step_failures,
        "failed": [r for r in results if not r.ok],
        "saved_at": application.last_saved_at, "has_errors": bool(form.errors) or bool(formset and any(f.errors for f in formset.forms)),
        "kept_lines": [(index, line_id, lines.get(line_id)) for index, line_id in kept.items()],
    }
    if step == "budget":
        context.update(_budget_totals(application))
        context["row_errors"] = [
            (index, [f"{row.fields[name].label} : {error}" for name, errors in row.errors.items() for error in errors])
            for index, row in enumerate(formset.forms)
        ]
    return render(request, "grants/includes/autosave_result.html", context)


# Documents ------------------------------------------------------------------------------------

@login_required
@require_POST
def document_add(request, pk):
    application = _visible(request, pk)
    form = DocumentForm(request.POST, request.FILES, vault=_vault_documents(application))
    if form.is_valid():
        services.add_document(
            application=application, by=request.user, doc_type=form.cleaned_data["doc_type"],
            upload=form.cleaned_data.get("file"), vault_document=form.cleaned_data.get("vault_document"),
        )
        messages.success(request, _("Pièce ajoutée au dossier."))
        return redirect("grants:application_edit", pk=pk, step="documents")
    context = _step_context(request, application, "documents")
    context["document_form"] = form
    return render(request, "grants/application_step.html", context, status=400)


@login_required
@require_POST
def document_remove(request, pk, document_pk):
    application = _visible(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    services.remove_document(application=application, by=request.user, document=document)
    messages.success(request, _("Pièce retirée du dossier."))
    return redirect("grants:application_edit", pk=pk, step="documents")


@login_required
def document_download(request, pk, document_pk):
    attachments = visibility.application_documents(request.user).filter(application_id=pk).select_related("vault_document")
    document = visible_or_404(attachments, pk=document_pk)
    return open_file(request, document.stored_file, document.display_name)


@login_required
def vault_document(request, pk, document_pk):
    """A vault document of the dossier's association (statutes, receipt…), opened from the dossier."""
    application = get_object_or_404(Application.objects.only("pk", "organisation_id"), pk=pk)
    document = visible_or_404(visibility.dossier_vault_documents(request.user, application), pk=document_pk)
    return open_file(request, document.file, document.original_name or None)


# Submission, withdrawal, receipt, versions -----------------------------------------------------

@login_required
@require_POST
def submit(request, pk):
    application = _visible(request, pk)
    was_resubmission = application.status == State.CORRECTIONS_REQUESTED
    already = application.status == State.SUBMITTED
    services.submit_application(application=application, by=request.user, changes=request.POST.get("changes", ""))
    if already:
        messages.info(request, _("Ce dossier est déjà déposé (référence %(ref)s).") % {"ref": application.reference})
    elif was_resubmission:
        messages.success(request, _("Votre dossier corrigé est renvoyé au FORIM."))
    else:
        messages.success(request, _("Votre dossier est déposé sous la référence %(ref)s. Un accusé de dépôt vous est envoyé par e-mail.") % {"ref": application.reference})
    return redirect("grants:application_detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk):
    application = _visible(request, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    services.withdraw_application(application=application, by=request.user, comment=form.cleaned_data.get("comment", ""))
    messages.success(request, _("Le dossier est retiré."))
    return redirect("grants:my_applications")


@login_required
def receipt(request, pk):
    application = visible_or_404(visibility.receipts(request.user), pk=pk)
    from .documents import render_receipt

    filename, content = render_receipt(application)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def version_diff(request, pk, number):
    application = _visible(request, pk)
    versions = {v.number: v for v in application.versions.filter(number__in=[number - 1, number]).select_related("created_by")}
    if number not in versions or number - 1 not in versions:
        raise Http404
    changes = selectors.diff_versions(versions[number - 1], versions[number])
    return render(request, "grants/version_diff.html", {
        "application": application, "older": versions[number - 1], "newer": versions[number], "changes": changes,
    })


# Corrections (staff side; the review app may call the service directly) -----------------------

@staff_required
def corrections(request, pk):
    application = _visible(request, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_corrections(application=application, by=request.user, **form.cleaned_data)
        messages.success(request, _("La demande de corrections est envoyée à l'association."))
        return redirect("grants:application_detail", pk=pk)
    return render(request, "grants/corrections_form.html", {"application": application, "form": form})


# Thread and visa -----------------------------------------------------------------------------

@login_required
@require_POST
def post_message(request, pk):
    application = _visible(request, pk)
    form = MessageForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Écrivez votre message avant de l'envoyer."), code="empty", field="body")
        services.post_message(application=application, by=request.user, body=form.cleaned_data["body"])
    except DomainError as error:
        if not request.htmx:
            raise
        # the thread comes back with the message and what was typed (base.html lets htmx swap 4xx)
        return render(request, "grants/includes/thread.html", {
            "application": application, "thread_error": error.message, "thread_body": request.POST.get("body", ""),
        }, status=error.status)
    if request.htmx:
        return render(request, "grants/includes/thread.html", {"application": application, "message_form": MessageForm()})
    messages.success(request, _("Message envoyé."))
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/") else reverse("grants:application_detail", args=[pk]))


@login_required
def operator_drafts(request):
    drafts = list(selectors.operator_drafts(user=request.user))
    for draft in drafts:
        visas = sorted(draft.visas.all(), key=lambda v: (v.created_at, v.pk), reverse=True)
        draft.latest_visa = visas[0] if visas else None
    return render(request, "grants/operator_drafts.html", {"drafts": drafts})


@login_required
@require_POST
def visa(request, pk):
    application = _visible(request, pk)
    form = VisaForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Choisissez votre avis : visa accordé ou modifications demandées."), code="bad_decision", field="decision")
        services.give_visa(application=application, by=request.user, **form.cleaned_data)
    except DomainError as refusal:
        # the dossier again, with the operator's comment as typed and the reason at its field
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        context = {**_detail_context(request, application), "visa_form": form}
        return render(request, "grants/application_detail.html", context, status=refusal.status)
    messages.success(request, _("Votre avis est transmis à l'association."))
    return redirect("grants:operator_drafts")


@login_required
@require_POST
def visa_request(request, pk):
    """The association asks its support operator for the visa (the operator's members are e-mailed)."""
    application = _visible(request, pk)
    services.request_visa(application=application, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Votre opérateur d'appui est prévenu par e-mail : son avis apparaîtra ici."))
    return redirect("grants:application_edit", pk=pk, step="operator")


@login_required
@require_POST
def publish_consent(request, pk):
    """The association changes its laureates-page consent after the award (only that field)."""
    application = _visible(request, pk)
    form = PublishConsentForm(request.POST)
    form.is_valid()  # a checkbox: absent means no
    services.set_publish_consent(
        application=application, by=request.user, consent=form.cleaned_data.get("publish_consent", False)
    )
    if application.publish_consent:
        messages.success(request, _("Votre projet sera présenté parmi les lauréats."))
    else:
        messages.success(request, _("Votre projet ne sera plus présenté parmi les lauréats."))
    return redirect("grants:application_detail", pk=pk)


@staff_required
def lift_rule(request, pk):
    """Staff: lift a rule of the call for this dossier, with a reason (who, when, why are kept)."""
    application = _visible(request, pk)
    form = RuleWaiverForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.lift_rule(application=application, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("La règle est levée pour ce dossier."))
                page = "grants:application_detail" if application.status == State.DRAFT else "reviews:application_detail"
                return redirect(f"{reverse(page, args=[pk])}#waivers")
    return render(request, "grants/rule_waiver.html", {"application": application, "box": waiver_box(application, form)}, status=status)
