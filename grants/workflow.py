"""The dossier workflow, declared once on the lifecycle engine, and its one door.

`TRANSITIONS` is data (states, allowed moves, who may fire each, who is told); `fire()`
checks a move, saves it, writes the audit entry (`grants.Transition`) and queues the e-mails
after commit: it is `lifecycle.engine.Machine.fire`, the door every declared state machine
shares. Other apps add conditions (`register_guard`) and consequences (`register_effect`)
instead of changing the status themselves: nothing else writes `Application.status`.
"""

from django.utils.translation import gettext_lazy

from access.rules import is_forim_staff
from lifecycle.engine import NOW, SYSTEM, Machine, TransitionSpec, described, transition  # noqa: F401  (re-exported)

from .models import Application, Transition
from .rules import edits_for_applicant, is_accompanying_operator
from .states import State

APPLICANT, STAFF, OPERATOR = "applicant", "staff", "operator"


def _spec(name, label, sources, target, actors, **extra):
    extra.setdefault("notify", {APPLICANT})
    if name in {"submit", "resubmit"}:
        extra["writes"] = {"submitted_at": NOW}
    return transition(name, label, sources, target, actors, **extra)


PRE_DECISION = [State.SUBMITTED, State.CORRECTIONS_REQUESTED, State.ADMISSIBLE, State.UNDER_REVIEW]

TRANSITIONS = {
    spec.name: spec
    for spec in [
        _spec("submit", gettext_lazy("Déposer"), [State.DRAFT], State.SUBMITTED, [APPLICANT], notify=frozenset({APPLICANT, STAFF, OPERATOR})),
        _spec(
            "request_corrections", gettext_lazy("Demander des corrections"),
            [State.SUBMITTED, State.ADMISSIBLE, State.UNDER_REVIEW], State.CORRECTIONS_REQUESTED, [STAFF],
            comment_required=True, notify=frozenset({APPLICANT, OPERATOR}),
        ),
        _spec("resubmit", gettext_lazy("Renvoyer le dossier corrigé"), [State.CORRECTIONS_REQUESTED], State.SUBMITTED, [APPLICANT], notify=frozenset({APPLICANT, STAFF})),
        _spec("declare_admissible", gettext_lazy("Déclarer recevable"), [State.SUBMITTED], State.ADMISSIBLE, [STAFF]),
        _spec("declare_inadmissible", gettext_lazy("Déclarer irrecevable"), [State.SUBMITTED], State.INADMISSIBLE, [STAFF], comment_required=True, notify=frozenset({APPLICANT, OPERATOR})),
        _spec("start_review", gettext_lazy("Mettre en évaluation"), [State.ADMISSIBLE], State.UNDER_REVIEW, [STAFF], notify=frozenset()),
        _spec("send_to_committee", gettext_lazy("Inscrire au comité"), [State.UNDER_REVIEW, State.DEFERRED], State.READY_FOR_COMMITTEE, [STAFF], notify=frozenset()),
        _spec("award", gettext_lazy("Attribuer"), [State.READY_FOR_COMMITTEE], State.AWARDED, [STAFF], notify=frozenset({APPLICANT, OPERATOR})),
        _spec("reject", gettext_lazy("Ne pas retenir"), [State.READY_FOR_COMMITTEE], State.REJECTED, [STAFF], comment_required=True, notify=frozenset({APPLICANT, OPERATOR})),
        _spec("defer", gettext_lazy("Ajourner"), [State.READY_FOR_COMMITTEE], State.DEFERRED, [STAFF], comment_required=True, notify=frozenset({APPLICANT, OPERATOR})),
        _spec("withdraw", gettext_lazy("Retirer le dossier"), [State.DRAFT, *PRE_DECISION], State.WITHDRAWN, [APPLICANT], notify=frozenset({APPLICANT, STAFF})),
        _spec("sign_agreement", gettext_lazy("Enregistrer la convention signée"), [State.AWARDED], State.AGREEMENT_SIGNED, [STAFF]),
        _spec("start_project", gettext_lazy("Démarrer le projet (premier versement)"), [State.AGREEMENT_SIGNED], State.IN_PROGRESS, [STAFF, SYSTEM]),
        _spec("close", gettext_lazy("Clôturer le projet"), [State.IN_PROGRESS], State.CLOSED, [STAFF]),
    ]
}


def actor_kinds(user, application):
    """The workflow roles this user holds on this dossier."""
    if user is None:
        return {SYSTEM}
    kinds = set()
    if is_forim_staff(user):
        kinds.add(STAFF)
    if edits_for_applicant(user, application):
        kinds.add(APPLICANT)
    if is_accompanying_operator(user, application):
        kinds.add(OPERATOR)
    return kinds


class TransitionAudit:
    """The dossier's audit trail stays `grants.Transition` (its history page, exports and e-mails read it)."""

    def write(self, machine, application, *, spec, from_state, by, comment, at):
        return Transition.objects.create(
            application=application, name=spec.name, from_state=from_state, to_state=spec.target, by=by, at=at, comment=comment
        )

    def history(self, machine, application):
        return application.transitions.select_related("by").order_by("at", "id")

    def last(self, machine, application):
        return application.transitions.select_related("by").order_by("-at", "-id").first()


def _count_version(application, spec, by, comment):
    application.lock_version += 1
    return ["lock_version", "updated_at"]


@described(gettext_lazy("E-mail aux personnes concernées, chacune dans sa langue, après enregistrement"))
def queue_emails(application, record):
    """E-mail to the audiences of the move, each in their language, after commit."""
    from .notifications import queue_transition_emails

    queue_transition_emails(record)


MACHINE = Machine(
    name="dossier",
    label=gettext_lazy("Dossier de demande de subvention"),
    model=Application,
    states=State,
    transitions=list(TRANSITIONS.values()),
    actor_kinds=actor_kinds,
    actor_labels={APPLICANT: gettext_lazy("Association"), OPERATOR: gettext_lazy("Opérateur d'appui"), STAFF: gettext_lazy("Équipe FORIM")},
    audit=TransitionAudit(),
    notices=[queue_emails],
    stamp=_count_version,
    copy_back=("status", "lock_version", "submitted_at", "reference", "awarded_amount", "updated_at"),
    messages={
        "illegal": gettext_lazy("Action « %(action)s » impossible : le dossier est « %(state)s »."),
        "forbidden": gettext_lazy("Vous n'avez pas le droit de faire l'action « %(action)s » sur ce dossier."),
        "stale": gettext_lazy("Ce dossier vient d'être modifié par %(who)s : il est maintenant « %(state)s ». Rechargez la page."),
    },
    initial=[State.DRAFT],
    position=0,
    description=gettext_lazy("Du brouillon à la clôture du projet : dépôt, recevabilité, évaluation, comité, convention, réalisation."),
)
register_guard = MACHINE.register_guard
register_effect = MACHINE.register_effect
graph = MACHINE.graph


def available_transitions(application, user, *, kinds=None):
    """The moves this user could try now (guards are checked when fired). `kinds`: the user's
    `actor_kinds` on this dossier when the page has already read them (one reading per request)."""
    if kinds is None:
        return MACHINE.available(application, user)
    state = MACHINE.state_of(application)
    return [spec for spec in MACHINE.transitions.values() if state in spec.sources and spec.actors & kinds]


def fire(application, name, *, by, comment="", expected_state=None):
    """Move a dossier through transition `name`. Returns the audit record (`grants.Transition`).

    `by` is the acting user (None for the system). `expected_state` is the state the user saw;
    if someone moved the dossier meanwhile, the second actor gets a Conflict.
    """
    return MACHINE.fire(application, name, by=by, comment=comment, expected_state=expected_state)
