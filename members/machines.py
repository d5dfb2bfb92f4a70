"""Declared lifecycles of the registry: an organisation's validation and a member invitation (see `lifecycle.engine`)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forim_portal.errors import Conflict
from lifecycle.engine import BY, COMMENT, NOW, STAFF, Machine, staff_kinds, transition

from .models import Invitation, Organisation, OrganisationStatus
from .rules import can_manage_people

ALREADY_DECIDED = (_("Cette inscription est déjà « %(state)s » : rechargez la page."), "stale", Conflict)


def _history_author(organisation, spec, by, comment):
    """django-simple-history records who made the change and why."""
    organisation._history_user = by
    organisation._change_reason = comment or _("Inscription validée")
    return []


ORGANISATION = Machine(
    name="organisation_validation",
    label=_("Validation de l'inscription d'une organisation"),
    model=Organisation,
    states=OrganisationStatus,
    initial=[OrganisationStatus.PENDING],
    actor_kinds=staff_kinds,
    stamp=_history_author,
    transitions=[
        transition(
            "validate",
            _("Valider l'inscription"),
            [OrganisationStatus.PENDING, OrganisationStatus.REJECTED],
            OrganisationStatus.VALIDATED,
            [STAFF],
            notify=["organisation"],
            writes={"status_reason": "", "validated_at": NOW, "validated_by": BY},
            refused=ALREADY_DECIDED,
        ),
        transition(
            "reject",
            _("Refuser l'inscription"),
            [OrganisationStatus.PENDING],
            OrganisationStatus.REJECTED,
            [STAFF],
            comment_required=True,
            notify=["organisation"],
            writes={"status_reason": COMMENT, "validated_at": None, "validated_by": None},
            refused=ALREADY_DECIDED,
        ),
    ],
    actor_labels={"organisation": _("Administrateurs de l'organisation")},
    messages={
        "forbidden": _("Seule l'équipe du FORIM valide les inscriptions."),
        "comment_required": _("Indiquez le motif du refus : il est envoyé à l'association."),
        "stale": _(
            "Cette inscription vient d'être traitée par %(who)s : elle est maintenant « %(state)s ». Rechargez la page."
        ),
    },
    description=_(
        "Une association inscrite attend la validation du FORIM avant de pouvoir déposer ; ses administrateurs sont "
        "prévenus par e-mail de la décision. Les organisations importées par le FORIM sont créées validées."
    ),
    position=20,
)


class InvitationState(models.TextChoices):
    """A member invitation's state, read from its dates (the model has no status column)."""

    OPEN = "open", _("Ouverte")
    ACCEPTED = "accepted", _("Acceptée")
    REVOKED = "revoked", _("Annulée")
    EXPIRED = "expired", _("Expirée")


def invitation_state(invitation):
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.OPEN


INVITEE, ORG_ADMIN = "invitee", "organisation_admin"


def invitation_actors(user, invitation):
    kinds = set()
    if (user.email or "").lower() == invitation.email.lower():
        kinds.add(INVITEE)
    if can_manage_people(user, invitation.organisation):
        kinds.add(ORG_ADMIN)
    return kinds


MEMBER_INVITATION = Machine(
    name="member_invitation",
    label=_("Invitation d'un membre dans une organisation"),
    model=Invitation,
    field=None,
    state_of=invitation_state,
    states=InvitationState,
    initial=[InvitationState.OPEN],
    actor_kinds=invitation_actors,
    actor_labels={INVITEE: _("Personne invitée"), ORG_ADMIN: _("Administrateur de l'organisation")},
    transitions=[
        transition(
            "accept",
            _("Accepter l'invitation"),
            [InvitationState.OPEN],
            InvitationState.ACCEPTED,
            [INVITEE],
            writes={"accepted_at": NOW, "accepted_by": BY},
            refused=(_("Cette invitation vient d'être utilisée ou n'est plus valable."), "stale", Conflict),
        ),
        transition(
            "revoke",
            _("Annuler l'invitation"),
            [InvitationState.OPEN, InvitationState.EXPIRED],
            InvitationState.REVOKED,
            [ORG_ADMIN],
            writes={"revoked_at": NOW},
            refused=(
                _("Cette invitation est déjà « %(state)s » : elle ne peut plus être annulée."),
                "invitation_closed",
            ),
        ),
    ],
    messages={
        "forbidden": _("Vous ne pouvez pas faire l'action « %(action)s » sur cette invitation."),
        "stale": _(
            "Cette invitation vient d'être modifiée par %(who)s : elle est maintenant « %(state)s ». Rechargez la page."
        ),
    },
    description=_(
        "Un administrateur invite une adresse e-mail ; le lien vaut 14 jours, une seule fois. Une nouvelle invitation "
        "de la même adresse annule la précédente."
    ),
    position=30,
)
