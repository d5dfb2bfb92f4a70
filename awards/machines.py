"""Declared lifecycle of a project report (see `lifecycle.engine`)."""

from django.utils.translation import gettext_lazy as _

from access.rules import is_forim_staff
from lifecycle.engine import BY, COMMENT, NOW, STAFF, Machine, transition

from .models import Report, ReportStatus

APPLICANT = "applicant"


def report_actors(user, report):
    from .rules import can_edit_report

    kinds = {STAFF} if is_forim_staff(user) else set()
    if can_edit_report(user, report.application):
        kinds.add(APPLICANT)
    return kinds


def _tell(event, description):
    def notice(report, record):
        from outbox.services import send_after_commit

        from .tasks import send_report_email

        send_after_commit(send_report_email, report.pk, event)

    notice.description = description
    return notice


def _guard(name):
    """The report guards live with the report rules in awards.services."""
    from . import services

    return getattr(services, name)


REPORT = Machine(
    name="report",
    label=_("Rapport d'un projet financé"),
    model=Report,
    states=ReportStatus,
    initial=[ReportStatus.EXPECTED],
    actor_kinds=report_actors,
    actor_labels={APPLICANT: _("Association porteuse")},
    transitions=[
        transition(
            "submit",
            _("Remettre le rapport"),
            [ReportStatus.EXPECTED, ReportStatus.CHANGES_REQUESTED],
            ReportStatus.SUBMITTED,
            [APPLICANT],
            writes={"submitted_at": NOW, "submitted_by": BY},
            guards=[_guard("check_reportable"), _guard("check_report_complete")],
            notices=[_tell("submitted", _("E-mail à l'équipe FORIM : un rapport est à examiner."))],
            notify=[STAFF],
            refused=(_("Ce rapport a déjà été remis."), "report_locked"),
        ),
        transition(
            "approve",
            _("Approuver le rapport"),
            [ReportStatus.SUBMITTED],
            ReportStatus.APPROVED,
            [STAFF],
            writes={"reviewed_at": NOW, "reviewed_by": BY, "review_comment": COMMENT},
            notices=[_tell("approved", _("E-mail à l'association : rapport approuvé."))],
            notify=[APPLICANT],
            refused=(_("Seul un rapport remis peut être examiné."), "not_submitted"),
        ),
        transition(
            "request_changes",
            _("Demander des compléments"),
            [ReportStatus.SUBMITTED],
            ReportStatus.CHANGES_REQUESTED,
            [STAFF],
            comment_required=True,
            writes={"reviewed_at": NOW, "reviewed_by": BY, "review_comment": COMMENT},
            notices=[_tell("changes_requested", _("E-mail à l'association : compléments demandés, avec le motif."))],
            notify=[APPLICANT],
            refused=(_("Seul un rapport remis peut être examiné."), "not_submitted"),
        ),
    ],
    messages={
        "forbidden": _("Vous ne pouvez pas faire l'action « %(action)s » sur ce rapport."),
        "comment_required": _("Indiquez les compléments attendus."),
        "stale": _("Ce rapport vient d'être modifié par %(who)s : il est maintenant « %(state)s ». Rechargez la page."),
    },
    description=_(
        "Chaque projet lauréat remet ses rapports (intermédiaires, final) ; le FORIM les approuve ou demande des compléments. "
        "Une tranche liée à un rapport n'est versée qu'après son approbation ; le projet n'est clôturé qu'après le rapport final."
    ),
    position=60,
)
