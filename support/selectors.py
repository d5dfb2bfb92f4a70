"""Reads: the operator's one page (every association it accompanies, its dossiers, reports, what is late)
and the activity logs FORIM staff follow. Query counts stay constant with the number of associations."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone

from access import visibility
from awards.selectors import overdue_reports
from grants.models import Application
from grants.states import State

from .models import AccompanimentAgreement, SupportLog
from .rules import accompanied_by

CLOSED_STATES = {State.WITHDRAWN, State.REJECTED, State.INADMISSIBLE, State.CLOSED}
WAITING_ON_ASSOCIATION = {State.DRAFT, State.CORRECTIONS_REQUESTED}


def overdue_reports_by_organisation(applications):
    """Late reports per association (awards.selectors)."""
    late = defaultdict(list)
    for report in overdue_reports(applications):
        late[report.application.organisation_id].append(report)
    return late


def operator_overview(operators, *, today=None):
    """One row per accompanied association: agreement, dossiers, late reports, hours of support, next step."""
    today = today or timezone.localdate()
    logs = SupportLog.objects.filter(operator_id__in=operators)
    associations = list(
        accompanied_by(operators)
        .annotate(
            log_count=Count("support_logs_received", filter=Q(support_logs_received__operator_id__in=operators), distinct=True),
            last_log_on=Max("support_logs_received__date", filter=Q(support_logs_received__operator_id__in=operators)),
        )
        .prefetch_related(
            Prefetch("applications", queryset=Application.objects.select_related("call").order_by("-call__year", "pk"),
                     to_attr="dossiers"),
            Prefetch("accompaniment_agreements_received",
                     queryset=AccompanimentAgreement.objects.filter(operator_id__in=operators).order_by("-signed_on"),
                     to_attr="agreements"),
        )
        .order_by("name")
    )
    hours = dict(logs.values_list("association_id").annotate(total=Sum("hours")).order_by())
    last_logs = {}
    for log in logs.order_by("association_id", "-date", "-pk"):
        last_logs.setdefault(log.association_id, log)
    late_reports = overdue_reports_by_organisation(Application.objects.filter(organisation__in=[a.pk for a in associations]))
    for association in associations:
        association.hours = hours.get(association.pk, Decimal("0"))
        association.last_log = last_logs.get(association.pk)
        association.agreement = association.agreements[0] if association.agreements else None
        association.late_reports = late_reports.get(association.pk, [])
        association.open_dossiers = [d for d in association.dossiers if d.status not in CLOSED_STATES]
        association.late = _late_items(association, today)
    return associations


def _late_items(association, today):
    """Plain-French reasons this association needs attention now."""
    from django.utils.translation import gettext as _

    items = [_("Rapport en retard : %(report)s (attendu le %(due)s)") % {"report": r, "due": r.due_on.strftime("%d/%m/%Y")}
             for r in association.late_reports]
    if association.agreement is None:
        items.append(_("Aucune convention d'accompagnement enregistrée"))
    elif association.agreement.ends_on and association.agreement.ends_on < today:
        items.append(_("Convention échue le %(date)s") % {"date": association.agreement.ends_on.strftime("%d/%m/%Y")})
    log = association.last_log
    if log and log.next_step_on and log.next_step_on < today:
        items.append(_("Prochaine étape dépassée : %(step)s (prévue le %(date)s)")
                     % {"step": log.next_step or "—", "date": log.next_step_on.strftime("%d/%m/%Y")})
    for dossier in association.dossiers:
        if dossier.status == State.CORRECTIONS_REQUESTED:
            items.append(_("Corrections demandées sur le dossier %(ref)s") % {"ref": dossier.reference or dossier.title})
    return items


def activity_logs(user):
    """Support logs this user may see: all for FORIM staff, its own operators' otherwise."""
    return visibility.support_logs(user).select_related("operator", "association", "created_by").order_by("-date", "-pk")


def activity_by_operator(logs):
    """Per operator: number of logs, hours, associations followed."""
    rows = (logs.order_by().values("operator_id", "operator__name")
            .annotate(logs=Count("pk"), hours=Sum("hours"), associations=Count("association", distinct=True))
            .order_by("operator__name"))
    return list(rows)


def association_logs(association, user):
    return activity_logs(user).filter(association=association)


def association_agreements(association, user):
    return visibility.accompaniment_agreements(user).filter(association=association).select_related("operator")


