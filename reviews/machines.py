"""The committee session's life: open, then closed (its minutes generated). Declared for `lifecycle`."""

from django.utils.translation import gettext_lazy as _

from lifecycle.engine import NOW, STAFF, Machine, described, staff_kinds, transition

from .models import CommitteeSession, SessionStatus


@described(_("Le procès-verbal de la séance est généré (PDF)."))
def _request_minutes(session, record):
    from documents.services import request_document

    request_document(kind="minutes", target=session, user=record.by)


SESSION = Machine(
    name="committee_session",
    label=_("Séance du comité (CEP)"),
    model=CommitteeSession,
    states=SessionStatus,
    initial=[SessionStatus.OPEN],
    actor_kinds=staff_kinds,
    transitions=[
        transition(
            "close",
            _("Clôturer la séance"),
            [SessionStatus.OPEN],
            SessionStatus.CLOSED,
            [STAFF],
            writes={"closed_at": NOW},
            effects=[_request_minutes],
            refused=(_("Cette séance est déjà clôturée."), "closed"),
        ),
    ],
    messages={
        "forbidden": _("Seule l'équipe du FORIM peut faire l'action « %(action)s » sur une séance du comité."),
        "stale": _(
            "Cette séance vient d'être modifiée par %(who)s : elle est maintenant « %(state)s ». Rechargez la page."
        ),
    },
    description=_("Une séance est créée ouverte ; les décisions s'y enregistrent jusqu'à sa clôture."),
    position=10,
)
