"""Is an association up to date with its earlier projects? What is still unsettled, project by project.

A condition of eligibility of PRA/OSIM (`Call.track_record_required`): no overdue final report on an
earlier grant, and no funded project left unclosed after its end date. `unsettled_projects` is a
plain function returning small records, so other sources of earlier projects (imported history)
can add theirs to the same list.
"""

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.utils import formats
from django.utils.translation import gettext as _

from .models import Application
from .states import FUNDED_STATES, State

# Funded and not closed: the project still owes its closure.
OPEN_FUNDED_STATES = sorted(FUNDED_STATES - {State.CLOSED})


@dataclass(frozen=True)
class Unsettled:
    """An earlier project still unsettled: its reference, its title and why (in French)."""

    reference: str
    title: str
    reason: str


def project_end(application):
    """The day a project ends: its start date plus its duration; None when either is unknown."""
    if not application.start_date or not application.duration_months:
        return None
    return application.start_date + relativedelta(months=application.duration_months)


def _day(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _overdue_final_reports(organisation, today, exclude):
    # awards builds on grants: its model is read through the app registry, never imported at load time
    report_model = apps.get_model("awards", "Report")
    reports = (
        report_model.objects.filter(
            application__organisation=organisation,
            kind="final",
            due_on__lt=today,
            status__in=["expected", "changes_requested"],
        )
        .exclude(application_id=exclude)
        .select_related("application")
        .order_by("due_on", "id")
    )
    return [
        Unsettled(
            reference=report.application.reference or "",
            title=report.application.title,
            reason=_("rapport final attendu le %(date)s, non remis") % {"date": _day(report.due_on)},
        )
        for report in reports
    ]


def _unclosed_past_end(organisation, today, exclude):
    projects = (
        Application.objects.filter(
            organisation=organisation, status__in=OPEN_FUNDED_STATES, start_date__isnull=False, duration_months__gt=0
        )
        .exclude(pk=exclude)
        .order_by("start_date", "id")
    )
    found = []
    for project in projects:
        end = project_end(project)
        if end < today:
            found.append(
                Unsettled(
                    reference=project.reference or "",
                    title=project.title,
                    reason=_("projet terminé le %(date)s et non clôturé") % {"date": _day(end)},
                )
            )
    return found


def _unsettled_history(organisation, today):
    """Imported past projects (history app) past their end date, not closed or without their final report."""
    # history builds on grants: its model is read through the app registry, never imported at load time
    past_projects = apps.get_model("history", "PastProject").objects.filter(organisation=organisation)
    found = []
    for project in past_projects.unsettled(today).order_by("end_date", "reference"):
        if not project.closed and not project.final_report_received:
            reason = _("projet de l'historique terminé le %(date)s, non clôturé et sans rapport final")
        elif not project.closed:
            reason = _("projet de l'historique terminé le %(date)s et non clôturé")
        else:
            reason = _("projet de l'historique terminé le %(date)s, rapport final non reçu")
        found.append(
            Unsettled(
                reference=project.reference, title=project.title, reason=reason % {"date": _day(project.end_date)}
            )
        )
    return found


def unsettled_projects(organisation, *, today, exclude=None):
    """The earlier projects of `organisation` that are not settled on `today` (a date), oldest first.

    `exclude` is the pk of the dossier being checked (never its own earlier project).
    """
    if organisation is None:
        return []
    return (
        _overdue_final_reports(organisation, today, exclude)
        + _unclosed_past_end(organisation, today, exclude)
        + _unsettled_history(organisation, today)
    )


def describe(unsettled):
    """One line per project for a message: « PRA-2024-003 — Titre : rapport final attendu le …, non remis »."""
    return " ; ".join(
        _("%(reference)s « %(title)s » : %(reason)s")
        % {"reference": item.reference or _("dossier sans référence"), "title": item.title, "reason": item.reason}
        for item in unsettled
    )
