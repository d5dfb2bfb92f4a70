"""Declared state machines, and the one door every state change goes through.

A `Machine` is data: the model, its state field, its states and its transitions (sources,
target, who may fire it, whether a reason is required, its guards, effects and e-mails,
each with a one-line description the workflow page shows). `Machine.fire()` (or the
module's `fire()`, which finds the machine of an object) is the only code that writes a
machine's state field: it locks the row, checks the move, saves the changed fields only,
writes the audit row (who, when, from, to, why), runs the effects and queues the e-mails,
which leave after commit through the outbox. `tests/lifecycle/test_source_scan.py` fails
if any other code assigns or bulk-updates a declared state field.

Each app declares its machines in `<app>/machines.py`; `LifecycleConfig.ready()` imports
them all, so `machines()` lists every machine once the apps are ready.
"""

import inspect
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forim_portal.errors import Conflict, DomainError

STAFF, SYSTEM = "staff", "system"
COMMON_ACTOR_LABELS = {STAFF: gettext_lazy("Équipe FORIM"), SYSTEM: gettext_lazy("Automatique")}


def staff_kinds(user, obj):
    """Actor kinds of machines only FORIM staff move by hand."""
    return {STAFF} if getattr(user, "is_forim_staff", False) else set()


class _Value:
    """A value known only when the move is fired (`NOW`, `BY`, `COMMENT`)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


NOW, BY, COMMENT = _Value("NOW"), _Value("BY"), _Value("COMMENT")

DEFAULT_MESSAGES = {
    "illegal": gettext_lazy("Action « %(action)s » impossible : l'état actuel est « %(state)s »."),
    "forbidden": gettext_lazy("Vous n'avez pas le droit de faire l'action « %(action)s »."),
    "stale": gettext_lazy(
        "Cet élément vient d'être modifié par %(who)s : il est maintenant « %(state)s ». Rechargez la page."
    ),
    "comment_required": gettext_lazy("Indiquez un motif pour cette action."),
}


def describe(func):
    """A guard's, effect's or notice's one-line description: its `description`, else its docstring's first line."""
    text = getattr(func, "description", None)
    if text:
        return str(text)
    doc = inspect.getdoc(func) or ""
    return doc.splitlines()[0] if doc else func.__name__.replace("_", " ")


def described(description):
    """Decorator: give a guard, an effect or a notice its one-line description for the workflow page."""

    def decorate(func):
        func.description = description
        return func

    return decorate


@dataclass(frozen=True)
class TransitionSpec:
    """One allowed move. `actors`: the actor kinds that may fire it; `notify`: the audiences told
    (shown on the page; the notices do the telling); `writes`: fields set with the move
    ({field: NOW | BY | COMMENT | a constant}); `fields`: the values a caller may pass with it;
    `refused`: (message, code[, error class]) when the current state does not allow the move."""

    name: str
    label: str
    sources: frozenset
    target: str
    actors: frozenset
    notify: frozenset = frozenset()
    comment_required: bool = False
    guards: tuple = ()
    effects: tuple = ()
    notices: tuple = ()
    writes: tuple = ()
    fields: frozenset = frozenset()
    refused: tuple = ()


def transition(
    name,
    label,
    sources,
    target,
    actors,
    *,
    writes=None,
    fields=(),
    guards=(),
    effects=(),
    notices=(),
    notify=(),
    **extra,
):
    return TransitionSpec(
        name,
        label,
        frozenset(sources),
        target,
        frozenset(actors),
        notify=frozenset(notify),
        guards=tuple(guards),
        effects=tuple(effects),
        notices=tuple(notices),
        writes=tuple((writes or {}).items()),
        fields=frozenset(fields),
        **extra,
    )


class StateChangeAudit:
    """The default audit trail: one `lifecycle.StateChange` row per move."""

    def _where(self, machine, obj):
        from django.contrib.contenttypes.models import ContentType

        return {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk, "machine": machine.name}

    def write(self, machine, obj, *, spec, from_state, by, comment, at):
        from .models import StateChange

        return StateChange.objects.create(
            **self._where(machine, obj),
            transition=spec.name,
            from_state=from_state,
            to_state=spec.target,
            by=by,
            at=at,
            comment=comment,
        )

    def history(self, machine, obj):
        from .models import StateChange

        return StateChange.objects.filter(**self._where(machine, obj)).select_related("by").order_by("at", "id")

    def last(self, machine, obj):
        return self.history(machine, obj).order_by("-at", "-id").first()


_MACHINES = {}


class Machine:
    """A model's states and moves, declared as data, with its one door `fire()`."""

    def __init__(
        self,
        *,
        name,
        label,
        model,
        states,
        transitions,
        actor_kinds,
        actor_labels=None,
        field="status",
        state_of=None,
        audit=None,
        notices=(),
        stamp=None,
        copy_back=(),
        messages=None,
        initial=(),
        position=100,
        description="",
    ):
        self.name = name
        self.label = label
        self._model = model
        self.states = states
        self.field = field
        self._state_of = state_of
        self.transitions = {spec.name: spec for spec in transitions}
        self._actor_kinds = actor_kinds
        self.actor_labels = {**COMMON_ACTOR_LABELS, **(actor_labels or {})}
        self.audit = audit or StateChangeAudit()
        self.notices = tuple(notices)
        self.stamp = stamp  # stamp(obj, spec, by, comment) -> extra fields saved with every move
        self.copy_back = tuple(copy_back)
        self.messages = {**DEFAULT_MESSAGES, **(messages or {})}
        self.initial = tuple(initial) or (states.values[0],)
        self.position = position
        self.description = description
        self._guards = defaultdict(list, {spec.name: list(spec.guards) for spec in transitions})
        self._effects = defaultdict(list, {spec.name: list(spec.effects) for spec in transitions})
        for spec in transitions:
            unknown = {*spec.sources, spec.target} - set(states.values)
            if unknown:
                raise ValueError(f"{name}.{spec.name}: unknown states {sorted(unknown)}")
        _MACHINES[name] = self

    def __repr__(self):
        return f"<Machine {self.name}>"

    @property
    def model(self):
        return apps.get_model(self._model) if isinstance(self._model, str) else self._model

    @property
    def state_fields(self):
        """The fields only `fire()` may write: the state field, or what a derived state is read from."""
        written = {field for spec in self.transitions.values() for field, _value in spec.writes}
        return ({self.field} if self.field else set()) | (set() if self.field else written)

    # --- reading ---------------------------------------------------------------------------

    def state_of(self, obj):
        return self._state_of(obj) if self._state_of else getattr(obj, self.field)

    def state_label(self, value):
        try:
            return self.states(value).label
        except ValueError:
            return value

    def actor_kinds(self, user, obj):
        return {SYSTEM} if user is None else set(self._actor_kinds(user, obj))

    def available(self, obj, user):
        """The moves this user could try now (guards are checked when fired)."""
        state, kinds = self.state_of(obj), self.actor_kinds(user, obj)
        return [spec for spec in self.transitions.values() if state in spec.sources and spec.actors & kinds]

    def graph(self):
        """[(source, target, spec)] for drawing."""
        return [(source, spec.target, spec) for spec in self.transitions.values() for source in sorted(spec.sources)]

    def history(self, obj):
        return self.audit.history(self, obj)

    # --- extending -------------------------------------------------------------------------

    def register_guard(self, transition_name, guard):
        """`guard(obj, user, comment)` raises DomainError to refuse the move."""
        self._check_name(transition_name)
        if guard not in self._guards[transition_name]:
            self._guards[transition_name].append(guard)

    def register_effect(self, transition_name, effect):
        """`effect(obj, record)` runs inside the transaction, after the move is saved."""
        self._check_name(transition_name)
        if effect not in self._effects[transition_name]:
            self._effects[transition_name].append(effect)

    def guards(self, transition_name):
        return list(self._guards[transition_name])

    def effects(self, transition_name):
        return list(self._effects[transition_name])

    def _check_name(self, transition_name):
        if transition_name not in self.transitions:
            raise KeyError(f"{self.name} has no transition {transition_name!r}")

    # --- the door --------------------------------------------------------------------------

    def fire(self, obj, name, *, by, comment="", expected_state=None, values=None):
        """Move `obj` through transition `name`; returns the audit row.

        `by` is the acting user (None: the system). `expected_state` is the state the user saw:
        if someone moved the object meanwhile and the move is no longer possible, they get a
        Conflict naming who. `values` are the fields the transition lets a caller set with it.
        """
        spec = self.transitions.get(name)
        if spec is None:
            raise DomainError(_("Action inconnue : %(name)s.") % {"name": name}, code="unknown_transition")
        comment = (comment or "").strip()
        values = dict(values or {})
        if set(values) - spec.fields:
            raise TypeError(f"{self.name}.{name} does not take {sorted(set(values) - spec.fields)}")
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
            current = self.state_of(locked)
            if current not in spec.sources:
                self._refuse(spec, locked, current, expected_state)
            if not spec.actors & self.actor_kinds(by, locked):
                raise DomainError(
                    self.messages["forbidden"] % {"action": spec.label}, code="forbidden_transition", status=403
                )
            if spec.comment_required and not comment:
                raise DomainError(str(self.messages["comment_required"]), code="comment_required", field="comment")
            for field, value in values.items():
                setattr(locked, field, value)
            for guard in self.guards(name):
                guard(locked, by, comment)
            now = timezone.now()
            update_fields = [*values, *self._write(locked, spec, by=by, comment=comment, now=now)]
            locked.save(update_fields=list(dict.fromkeys(update_fields)))
            record = self.audit.write(self, locked, spec=spec, from_state=current, by=by, comment=comment, at=now)
            for effect in self.effects(name):
                effect(locked, record)
            for notice in (*self.notices, *spec.notices):
                notice(locked, record)
        for field in dict.fromkeys([*update_fields, *self.copy_back]):
            setattr(obj, field, getattr(locked, field))
        return record

    def _write(self, locked, spec, *, by, comment, now):
        fields = []
        if self.field:
            setattr(locked, self.field, spec.target)
            fields.append(self.field)
        for field, value in spec.writes:
            setattr(
                locked,
                field,
                {NOW: now, BY: by, COMMENT: comment}.get(value, value) if isinstance(value, _Value) else value,
            )
            fields.append(field)
        if self.stamp:
            fields.extend(self.stamp(locked, spec, by, comment))
        return fields

    def _refuse(self, spec, locked, current, expected_state):
        state = self.state_label(current)
        if expected_state and current != expected_state:
            last = self.audit.last(self, locked)
            who = last.by if last is not None and last.by else _("un autre utilisateur")
            raise Conflict(self.messages["stale"] % {"who": who, "state": state}, code="stale_state")
        if spec.refused:
            message, code, *error_class = spec.refused
            raise (error_class[0] if error_class else DomainError)(
                message % {"state": state, "action": spec.label}, code=code
            )
        raise DomainError(self.messages["illegal"] % {"action": spec.label, "state": state}, code="illegal_transition")


def machines():
    """Every declared machine, the dossier's first."""
    return sorted(_MACHINES.values(), key=lambda machine: (machine.position, str(machine.label)))


def machine(name):
    return _MACHINES[name]


def machine_for(obj):
    """The machine of a model instance (or class)."""
    model = obj if isinstance(obj, type) else type(obj)
    found = [
        m
        for m in _MACHINES.values()
        if issubclass(model, m.model) or m.model._meta.concrete_model is model._meta.concrete_model
    ]
    if len(found) != 1:
        raise LookupError(f"{len(found)} machines for {model.__name__}")
    return found[0]


def fire(obj, name, *, by, comment="", expected_state=None, values=None):
    """The one door: fire transition `name` of the machine declared for `obj`'s model."""
    return machine_for(obj).fire(obj, name, by=by, comment=comment, expected_state=expected_state, values=values)
