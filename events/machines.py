"""Declared lifecycles of event registrations and ceremony invitations (see `lifecycle.engine`)."""

from django.utils.translation import gettext_lazy as _

from lifecycle.engine import BY, SYSTEM, Machine, described, transition
from members.rules import can_edit_for

from .models import CeremonyInvitation, InvitationStatus, Registration, RegistrationStatus
from .rules import can_manage_event

PARTICIPANT, ORGANISER = "participant", "organiser"
ACTOR_LABELS = {PARTICIPANT: _("Participant ou son association"), ORGANISER: _("Organisateur de l'événement")}


def registration_actors(user, registration):
    kinds = set()
    if registration.user_id == user.pk or (
        registration.organisation_id and can_edit_for(user, registration.organisation)
    ):
        kinds.add(PARTICIPANT)
    if can_manage_event(user, registration.event):
        kinds.add(ORGANISER)
    return kinds


@described(_("E-mail au participant : une place s'est libérée pour lui."))
def tell_promoted(registration, record):
    from outbox.services import send_after_commit

    from .tasks import send_registration_email

    send_after_commit(send_registration_email, registration.pk, "promoted")


REGISTRATION = Machine(
    name="event_registration",
    label=_("Inscription à un événement"),
    model=Registration,
    states=RegistrationStatus,
    initial=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
    actor_kinds=registration_actors,
    actor_labels=ACTOR_LABELS,
    transitions=[
        transition(
            "cancel",
            _("Annuler l'inscription"),
            [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
            RegistrationStatus.CANCELLED,
            [PARTICIPANT, ORGANISER],
            fields={"cancelled_at"},
            refused=(_("Cette inscription est déjà annulée."), "already_cancelled"),
        ),
        transition(
            "promote",
            _("Sortir de la liste d'attente"),
            [RegistrationStatus.WAITING],
            RegistrationStatus.CONFIRMED,
            [SYSTEM],
            fields={"promoted_at"},
            notices=[tell_promoted],
            notify=[PARTICIPANT],
        ),
    ],
    messages={
        "forbidden": _("Vous ne pouvez pas faire l'action « %(action)s » sur cette inscription."),
        "stale": _(
            "Cette inscription vient d'être modifiée par %(who)s : elle est maintenant « %(state)s ». Rechargez la page."
        ),
    },
    description=_(
        "Créée « inscrit » s'il reste une place, sinon « liste d'attente » ; une place libérée (annulation, places ajoutées) "
        "va à la première personne en attente."
    ),
    position=40,
)

_MARKS = {
    InvitationStatus.INVITED: ("mark_invited", _("Remettre à « invité »")),
    InvitationStatus.PRESENT: ("mark_present", _("Pointer présent")),
    InvitationStatus.REPRESENTED: ("mark_represented", _("Pointer représenté")),
    InvitationStatus.ABSENT: ("mark_absent", _("Pointer absent")),
}
MARK_FOR_STATUS = {status: name for status, (name, _label) in _MARKS.items()}


def invitation_actors(user, invitation):
    return {ORGANISER} if can_manage_event(user, invitation.event) else set()


CEREMONY_INVITATION = Machine(
    name="ceremony_invitation",
    label=_("Invitation d'un lauréat à la cérémonie"),
    model=CeremonyInvitation,
    states=InvitationStatus,
    initial=[InvitationStatus.INVITED],
    actor_kinds=invitation_actors,
    actor_labels=ACTOR_LABELS,
    transitions=[
        transition(
            name,
            label,
            InvitationStatus.values,
            status,
            [ORGANISER],
            writes={"marked_by": BY},
            fields={"represented_by", "diploma_handed", "marked_at"},
        )
        for status, (name, label) in _MARKS.items()
    ],
    messages={
        "forbidden": _("Seul l'organisateur de la cérémonie pointe les présences."),
        "stale": _(
            "Cette présence vient d'être modifiée par %(who)s : elle est maintenant « %(state)s ». Rechargez la page."
        ),
    },
    description=_(
        "Le jour de la cérémonie, l'organisateur pointe chaque lauréat présent, représenté ou absent (et corrige au besoin)."
    ),
    position=50,
)
