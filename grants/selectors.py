"""Reads on dossiers: what an association sees next, open calls, frozen copies and their differences."""

from decimal import Decimal
from itertools import batched

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from access import visibility
from forim_portal.rows import choice_labels

from .currencies import EURO, format_local
from .eligibility import budget_total, document_label
from .models import Application, BudgetCategory, BudgetLine, Call, CorrectionRequest
from .states import State
from .steps import FUNDING_FIELDS, PROJECT_FIELDS


def open_calls(*, at=None):
    at = at or timezone.now()
    return Call.objects.filter(opens_at__lte=at, deadline__gt=at, programme__is_active=True).select_related("programme").order_by("deadline")


# What the association's lists (its page and its home section) show of a dossier, `next_step` included
APPLICANT_LIST_COLUMNS = (
    "title", "reference", "status", "call__title", "call__deadline", "agreement__sent_at", "agreement__signed_file",
)


def applications_of(*, organisation):
    """An association's dossiers with what the list shows, in a constant number of queries."""
    if organisation is None:
        return Application.objects.none()
    open_requests = CorrectionRequest.objects.filter(resolved_at__isnull=True).only(
        "application_id", "message", "due_on", "resolved_at"
    )
    return (
        Application.objects.filter(organisation=organisation)
        .select_related("call", "agreement")
        .only(*APPLICANT_LIST_COLUMNS)
        .prefetch_related(Prefetch("correction_requests", queryset=open_requests, to_attr="open_requests"))
        .annotate(unread=Count("messages", filter=Q(messages__from_staff=True, messages__read_at__isnull=True)))
        .order_by("-updated_at")
    )


def next_step(application):
    """(what is expected of the association now, by when) in plain French."""
    status = application.status
    call = application.call
    if status == State.DRAFT:
        if timezone.now() >= call.deadline:
            return _("La date limite est passée : ce brouillon ne peut plus être déposé."), None
        return _("Complétez le dossier puis déposez-le avant la date limite."), call.deadline
    if status == State.CORRECTIONS_REQUESTED:
        return _("Corrigez les étapes demandées par le FORIM puis renvoyez le dossier."), None
    if status == State.AWARDED:
        return _awarded_step(application), None
    messages = {
        State.SUBMITTED: _("Rien à faire : le FORIM vérifie la recevabilité de votre dossier."),
        State.ADMISSIBLE: _("Rien à faire : votre dossier est recevable et va être évalué."),
        State.UNDER_REVIEW: _("Rien à faire : votre dossier est en cours d'évaluation."),
        State.READY_FOR_COMMITTEE: _("Rien à faire : votre dossier sera examiné par le comité (CEP)."),
        State.AGREEMENT_SIGNED: _("Le premier versement va être effectué."),
        State.IN_PROGRESS: _("Réalisez le projet et préparez vos rapports."),
        State.DEFERRED: _("Votre dossier a été ajourné : il sera réexaminé à un prochain comité."),
    }
    return messages.get(status, _("Ce dossier est terminé.")), None


def _awarded_step(application):
    """What the laureate does next, from its agreement's real state (the `awards` app's `Agreement`)."""
    agreement = getattr(application, "agreement", None)  # reverse one-to-one: no import of the app above
    if agreement is None or (agreement.sent_at is None and not agreement.signed_file):
        return _("Félicitations ! Le FORIM va vous envoyer la convention à signer.")
    if not agreement.signed_file:
        return _("La convention vous a été envoyée : téléchargez-la, signez-la et renvoyez-la signée depuis ce dossier.")
    return _("Convention signée reçue : le FORIM la vérifie avant le premier versement.")


def operator_drafts(*, user):
    """Drafts of the associations this operator accompanies, waiting for its visa or not."""
    return (
        visibility.applications(user)
        .filter(status__in=[State.DRAFT, State.CORRECTIONS_REQUESTED])
        .exclude(organisation_id__in=_own_ids(user))
        .select_related("organisation", "call__programme")
        .prefetch_related("visas")
        .order_by("call__deadline", "organisation__name")
    )


def _own_ids(user):
    return visibility.organisation_ids(user) - visibility.organisation_ids(user, kinds=[visibility.OrganisationKind.OPERATOR])


def thread(application):
    return list(application.messages.select_related("author").order_by("created_at", "id"))


def with_budget_totals(applications, size=1000):
    """These dossiers (an export's rows), each given `budget_euros` (its expense total in euros) and
    `budget_local` (in its budget currency, None for a budget in euros): one grouped query per `size` rows."""
    for batch in batched(applications, size):
        grouped = (
            BudgetLine.objects.filter(application_id__in=[application.pk for application in batch])
            .values("application_id").order_by().annotate(euros=Sum("amount"), local=Sum("local_amount"))
        )
        totals = {row["application_id"]: row for row in grouped}
        for application in batch:
            figures = totals.get(application.pk, {})
            application.budget_euros = figures.get("euros") or Decimal("0.00")
            converted = application.budget_currency != EURO
            application.budget_local = (figures.get("local") or Decimal("0.00")) if converted else None
            yield application


def snapshot(application):
    """Everything that was submitted, as plain JSON."""
    data = {name: _plain(getattr(application, name)) for name in PROJECT_FIELDS + FUNDING_FIELDS}
    data["country"] = application.country.code if application.country else ""
    data["reference"] = application.reference or ""
    data["organisation"] = str(application.organisation)
    data["operator"] = str(application.operator) if application.operator_id else ""
    data["budget_lines"] = [
        {"category": line.category, "label": line.label, "quantity": str(line.quantity), "unit_cost": str(line.unit_cost), "amount": str(line.amount),
         "currency": line.currency, "local_unit_cost": _plain(line.local_unit_cost), "local_amount": _plain(line.local_amount)}
        for line in application.budget_lines.all()
    ]
    data["budget_units_per_euro"] = _plain(application.budget_units_per_euro)
    data["budget_rate_date"] = _plain(application.budget_rate_date)
    data["budget_total"] = str(budget_total(application))
    data["documents"] = [
        {"doc_type": doc.doc_type, "name": doc.display_name}
        for doc in application.documents.select_related("vault_document")
    ]
    return data


def _plain(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _field_label(name):
    return str(Application._meta.get_field(name).verbose_name).capitalize()


def _line_text(line):
    category = dict(BudgetCategory.choices).get(line["category"], line["category"])
    from forim_portal.formats import format_amount

    local = f" ({format_local(line['local_amount'], line['currency'])})" if line.get("local_amount") else ""
    return f"{category} — {line['label']} : {format_amount(line['amount'])}{local}"


def diff_versions(older, newer):
    """[(label, before, after)] for what changed between two submitted versions."""
    before, after = older.data, newer.data
    changes = []
    for name in PROJECT_FIELDS + FUNDING_FIELDS:
        if before.get(name, "") != after.get(name, ""):
            changes.append((_field_label(name), before.get(name, ""), after.get(name, "")))
    old_lines = [_line_text(line) for line in before.get("budget_lines", [])]
    new_lines = [_line_text(line) for line in after.get("budget_lines", [])]
    if old_lines != new_lines:
        changes.append((_("Lignes du budget"), "\n".join(old_lines), "\n".join(new_lines)))
    old_docs = [f"{document_label(d['doc_type'])} : {d['name']}" for d in before.get("documents", [])]
    new_docs = [f"{document_label(d['doc_type'])} : {d['name']}" for d in after.get("documents", [])]
    if sorted(old_docs) != sorted(new_docs):
        changes.append((_("Pièces"), "\n".join(sorted(old_docs)), "\n".join(sorted(new_docs))))
    return changes


def rows_by_dossier(queryset, *, application_ids, columns):
    """{dossier id: [its rows as dicts, in the queryset's order]} for a page of dossiers, in one query and
    without a model instance a row (the API list reads the budget lines and the correction requests so)."""
    grouped = {pk: [] for pk in application_ids}
    for row in queryset.filter(application_id__in=application_ids).values("application_id", *columns):
        grouped[row.pop("application_id")].append(row)
    return grouped


def dossier_files(user, application, *, private=None):
    """The files box of grants/includes/application_full.html (`files.list`, `files.masked`), read once by a
    dossier page; `private` as in grants.attachments.dossier_files (True when the page found the dossier in
    `visibility.applications(user)`)."""
    from .attachments import dossier_files as files_of

    attachments, masked = files_of(user, application, private=private)
    return {"list": attachments, "masked": masked}


def with_state_labels(transitions):
    """A dossier's moves (`grants.Transition`), each given `from_label` and `to_label`, its states in words:
    each state translated once for the page, where `get_to_state_display` translates every state a row."""
    states = choice_labels(State.choices)
    rows = list(transitions)
    for row in rows:
        row.from_label = states.get(row.from_state, row.from_state)
        row.to_label = states.get(row.to_state, row.to_state)
    return rows
