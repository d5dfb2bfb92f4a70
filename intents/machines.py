"""The lifecycle of a statement of intent, declared on `lifecycle.engine` (audited in `lifecycle.StateChange`).

Draft → submitted (the association, before the call's intent deadline, every rule of the call met)
→ pre-selected or not pre-selected (FORIM staff; a reason is required to decline), each decision
e-mailed to the association after commit. The association may withdraw a draft or a statement
awaiting the decision. Only a pre-selected association then starts the full dossier
(`grants.services.start_application`, gate `intents.services.admit_to_full_dossier`).
"""

from django.utils.translation import gettext_lazy as _

from access.rules import can_edit_for, is_forim_staff
from lifecycle.engine import BY, COMMENT, NOW, STAFF, Machine, described, transition

from .models import IntentStatus, StatementOfIntent
from .services import refuse_after_intent_deadline, refuse_failed_rules

APPLICANT = "applicant"
DECIDED = (
    _("Seule une manifestation d'intérêt déposée reçoit une décision ; celle-ci est « %(state)s »."),
    "not_submitted",
)


def statement_actors(user, statement):
    kinds = {STAFF} if is_forim_staff(user) else set()
    if can_edit_for(user, statement.organisation):
        kinds.add(APPLICANT)
    return kinds


@described(_("E-mail à l'association : la décision et son motif"))
def tell_decision(statement, record):
    from outbox.services import send_after_commit

    from .tasks import send_decision_email

    send_after_commit(send_decision_email, record.pk)


DECISION_WRITES = {"decided_at": NOW, "decided_by": BY, "decision_reason": COMMENT}

STATEMENT = Machine(
    name="statement_of_intent",
    label=_("Manifestation d'intérêt (appel en deux étapes)"),
    model=StatementOfIntent,
    states=IntentStatus,
    initial=[IntentStatus.DRAFT],
    actor_kinds=statement_actors,
    actor_labels={APPLICANT: _("Association")},
    transitions=[
        transition(
            "submit",
            _("Déposer la manifestation d'intérêt"),
            [IntentStatus.DRAFT],
            IntentStatus.SUBMITTED,
            [APPLICANT],
            writes={"submitted_at": NOW},
            guards=[refuse_after_intent_deadline, refuse_failed_rules],
            refused=(_("Cette manifestation d'intérêt est déjà « %(state)s »."), "not_draft"),
        ),
        transition(
            "preselect",
            _("Présélectionner"),
            [IntentStatus.SUBMITTED],
            IntentStatus.PRESELECTED,
            [STAFF],
            writes=DECISION_WRITES,
            notices=[tell_decision],
            notify=[APPLICANT],
            refused=DECIDED,
        ),
        transition(
            "decline",
            _("Ne pas présélectionner"),
            [IntentStatus.SUBMITTED],
            IntentStatus.NOT_PRESELECTED,
            [STAFF],
            comment_required=True,
            writes=DECISION_WRITES,
            notices=[tell_decision],
            notify=[APPLICANT],
            refused=DECIDED,
        ),
        transition(
            "withdraw",
            _("Retirer la manifestation d'intérêt"),
            [IntentStatus.DRAFT, IntentStatus.SUBMITTED],
            IntentStatus.WITHDRAWN,
            [APPLICANT],
            refused=(_("Une manifestation d'intérêt « %(state)s » ne peut plus être retirée."), "not_withdrawable"),
        ),
    ],
    messages={
        "forbidden": _("Vous ne pouvez pas faire l'action « %(action)s » sur cette manifestation d'intérêt."),
        "comment_required": _("Indiquez le motif : il est envoyé à l'association."),
        "stale": _(
            "Cette manifestation d'intérêt vient d'être traitée par %(who)s : elle est maintenant « %(state)s ». "
            "Rechargez la page."
        ),
    },
    description=_(
        "Premier temps d'un appel en deux étapes (Mésoprojets) : l'association dépose une manifestation d'intérêt "
        "avant la date limite ; le FORIM la présélectionne ou non, avec un motif envoyé par e-mail. Seules les "
        "associations présélectionnées déposent ensuite le dossier complet, prérempli."
    ),
    position=5,
)
