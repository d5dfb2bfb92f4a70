"""The dossier workflow, declared once, and the one door every state change goes through.

`TRANSITIONS` is data (states, allowed moves, who may fire each, who is told); `fire()`
checks a move, saves it, writes the audit entry and queues the e-mails after commit.
Other apps add conditions (`register_guard`) and consequences (`register_effect`)
instead of changing the status themselves: nothing else writes `Application.status`.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forim_portal.errors import Conflict, DomainError

from .models import Application, Transition
from .rules import edits_for_applicant, is_accompanying_operator
from .states import State

APPLICANT, STAFF, OPERATOR, SYSTEM = "applicant", "staff", "operator", "system"


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str
    sources: frozenset
    target: str
    actors: frozenset
    notify: frozenset = frozenset({APPLICANT})
    comment_required: bool = False


def _spec(name, label, sources, target, actors, **extra):
    return TransitionSpec(name, label, frozenset(sources), target, frozenset(actors), **extra)


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

_guards = defaultdict(list)
_effects = defaultdict(list)


def register_guard(transition_name, guard):
    """`guard(application, user, comment)` raises DomainError to refuse the move."""
    if guard not in _guards[transition_name]:
        _guards[transition_name].append(guard)


def register_effect(transition_name, effect):
    """`effect(application, record)` runs inside the transaction, after the move is saved."""
    if effect not in _effects[transition_name]:
        _effects[transition_name].append(effect)


def actor_kinds(user, application):
    """The workflow roles this user holds on this dossier."""
    if user is None:
        return {SYSTEM}
    kinds = set()
    if user.is_forim_staff:
        kinds.add(STAFF)
    if edits_for_applicant(user, application):
        kinds.add(APPLICANT)
    if is_accompanying_operator(user, application):
        kinds.add(OPERATOR)
    return kinds


def available_transitions(application, user):
    """The moves this user could try now (guards are checked when fired)."""
    kinds = actor_kinds(user, application)
    return [
        spec for spec in TRANSITIONS.values() if application.status in spec.sources and spec.actors & kinds
    ]


def _refuse_illegal(spec, locked, expected_state):
    current = State(locked.status).label
    if expected_state and locked.status != expected_state:
        last = locked.transitions.select_related("by").order_by("-at", "-id").first()
        who = last.by if last and last.by else _("un autre utilisateur")
        raise Conflict(
            _("Ce dossier vient d'être modifié par %(who)s : il est maintenant « %(state)s ». Rechargez la page.")
            % {"who": who, "state": current},
            code="stale_state",
        )
    raise DomainError(
        _("Action « %(action)s » impossible : le dossier est « %(state)s ».") % {"action": spec.label, "state": current},
        code="illegal_transition",
    )


def fire(application, name, *, by, comment="", expected_state=None):
    """Move a dossier through transition `name`. Returns the audit record.

    `by` is the acting user (None for the system). `expected_state` is the state the
    user saw; if someone moved the dossier meanwhile, the second actor gets a Conflict.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise DomainError(_("Action inconnue : %(name)s.") % {"name": name}, code="unknown_transition")
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("organisation", "call").get(pk=application.pk)
        if locked.status not in spec.sources:
            _refuse_illegal(spec, locked, expected_state)
        if not spec.actors & actor_kinds(by, locked):
            raise DomainError(
                _("Vous n'avez pas le droit de faire l'action « %(action)s » sur ce dossier.") % {"action": spec.label},
                code="forbidden_transition",
                status=403,
            )
        if spec.comment_required and not comment:
            raise DomainError(_("Indiquez un motif pour cette action."), code="comment_required", field="comment")
        for guard in _guards[name]:
            guard(locked, by, comment)
        from_state = locked.status
        locked.status = spec.target
        locked.lock_version += 1
        update_fields = ["status", "lock_version", "updated_at"]
        if name in {"submit", "resubmit"}:
            locked.submitted_at = timezone.now()
            update_fields.append("submitted_at")
        locked.save(update_fields=update_fields)
        record = Transition.objects.create(
            application=locked, name=name, from_state=from_state, to_state=spec.target, by=by, comment=comment
        )
        for effect in _effects[name]:
            effect(locked, record)
        from .notifications import queue_transition_emails

        queue_transition_emails(record)
    for field in ("status", "lock_version", "submitted_at", "reference", "awarded_amount", "updated_at"):
        setattr(application, field, getattr(locked, field))
    return record


def graph():
    """States and edges for the workflow page: [(source, target, spec)]."""
    return [(source, spec.target, spec) for spec in TRANSITIONS.values() for source in sorted(spec.sources)]
