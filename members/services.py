"""Writes to the registry. Views, the API, admin actions and the import call these, never the models directly."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.languages import current_language
from accounts.models import Role
from forim_portal.errors import DomainError
from lifecycle.engine import fire
from outbox.mail import send_mail

from .models import (
    DocumentType,
    FranceAction,
    Invitation,
    MemberRole,
    Membership,
    NetworkLink,
    Organisation,
    OrganisationDocument,
    OrganisationKind,
    OrganisationStatus,
)
from .organisation_fields import clean_organisation_data
from .rules import can_change_organisation, can_edit_documents, can_edit_for, can_manage_people, is_forim_staff

INVITATION_DAYS = 14


def _require(allowed, message=None):
    if not allowed:
        raise DomainError(message or _("Vous n'avez pas le droit de faire cette action."), code="forbidden", status=403)


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _mail(*, template, to, context):
    """One e-mail per address through the outbox (sent after commit, in each reader's language)."""
    send_mail(to=sorted({address.lower() for address in to if address}), subject_template=f"members/email/{template}_subject.txt",
              body_template=f"members/email/{template}.txt", context=context)


def _with_author(organisation, user):
    """Tell django-simple-history who made the change when it does not come through a request."""
    organisation._history_user = user
    return organisation


def organisation_admin_emails(organisation):
    emails = set(
        organisation.memberships.filter(role=MemberRole.ADMIN).values_list("user__email", flat=True)
    )
    return emails | {organisation.email}


@transaction.atomic
def register_organisation(*, data, statutes, receipt, user=None, account=None):
    """An association signs up: a pending organisation, its first administrator and two documents.

    `data`: organisation fields; `account`: first_name, last_name, email, password when nobody is logged in.
    """
    data = {**clean_organisation_data(data=data), "kind": OrganisationKind.OSIM}
    if user is None:
        User = get_user_model()
        email = account["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise DomainError(
                _("Un compte existe déjà avec l'adresse %(email)s : connectez-vous, puis inscrivez l'association.")
                % {"email": email},
                code="account_exists",
                field="email",
            )
        user = User.objects.create_user(
            email=email, password=account["password"], first_name=account.get("first_name", ""),
            last_name=account.get("last_name", ""), role=Role.APPLICANT, language=current_language(),
        )
    organisation = Organisation(status=OrganisationStatus.PENDING, **data)
    _with_author(organisation, user)
    try:
        organisation.save()
    except IntegrityError as exc:  # two sign-ups with the same RNA at the same moment
        raise DomainError(_("Ce numéro RNA vient d'être enregistré par une autre inscription."), code="duplicate_rna") from exc
    Membership.objects.create(user=user, organisation=organisation, role=MemberRole.ADMIN)
    add_document(organisation=organisation, by=user, doc_type=DocumentType.STATUTES, upload=statutes, check=False)
    add_document(
        organisation=organisation, by=user, doc_type=DocumentType.REGISTRATION_RECEIPT, upload=receipt, check=False
    )
    _mail(
        template="registered",
        to=[user.email, organisation.email],
        context={"organisation": organisation, "user": user},
    )
    return organisation, user


def _decide(*, organisation, by, name, reason=""):
    """Validate or reject a registration through its declared lifecycle (members.machines.ORGANISATION)."""
    _require(is_forim_staff(by), _("Seule l'équipe du FORIM valide les inscriptions."))
    fire(organisation, name, by=by, comment=reason)
    return organisation


@transaction.atomic  # the e-mail is recorded with the decision: a decision rolled back sends nothing
def validate_organisation(*, organisation, by):
    """Staff accept a registration: the association may now apply. Its administrators are told by e-mail."""
    organisation = _decide(
        organisation=organisation, by=by, name="validate",
    )
    _mail(
        template="validated",
        to=organisation_admin_emails(organisation),
        context={"organisation": organisation, "url": _absolute(reverse("members:my_organisation"))},
    )
    return organisation


@transaction.atomic  # the e-mail is recorded with the decision: a decision rolled back sends nothing
def reject_organisation(*, organisation, by, reason):
    """Staff refuse a registration with a reason, which is e-mailed to the association."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif du refus : il est envoyé à l'association."), code="reason_required", field="reason")
    organisation = _decide(
        organisation=organisation, by=by, name="reject", reason=reason,
    )
    _mail(
        template="rejected",
        to=organisation_admin_emails(organisation),
        context={"organisation": organisation, "reason": reason},
    )
    return organisation


def update_organisation(*, organisation, by, data):
    """Save the fields a person changed, each one checked (see `organisation_fields`); the change is recorded
    with its author. Fields left out of `data` are never touched."""
    _require(can_change_organisation(by, organisation))
    data = clean_organisation_data(data=data, instance=organisation, staff=is_forim_staff(by))
    if not data:
        return organisation
    for field, value in data.items():
        setattr(organisation, field, value)
    try:
        with transaction.atomic():
            _with_author(organisation, by).save(update_fields=[*data, "updated_at"])
    except IntegrityError as exc:  # the same RNA saved by someone else at the same moment
        raise DomainError(_("Ce numéro RNA vient d'être enregistré pour une autre organisation."), code="duplicate_rna",
                          field="rna") from exc
    return organisation


def import_organisation(*, by, values, existing=None, networks=()):
    """One row of the members import (staff): the checks of the pages (`clean_organisation_data`), then saved
    with its author and the reason; the federations and collectives named are added, never removed."""
    _require(is_forim_staff(by), _("Seule l'équipe du FORIM importe des listes de membres."))
    data = clean_organisation_data(data=values, instance=existing, staff=True)
    organisation = existing or Organisation(status=OrganisationStatus.VALIDATED, kind=OrganisationKind.OSIM)
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation._change_reason = _("Import de la liste des membres")
    _with_author(organisation, by).save()
    for network in networks:
        NetworkLink.objects.get_or_create(member=organisation, network=network)
    return organisation


def add_network_link(*, organisation, network, by, since=None, until=None):
    _require(can_change_organisation(by, organisation))
    if network.kind not in (OrganisationKind.FOSIM, OrganisationKind.COSIM):
        raise DomainError(_("Une association adhère à une fédération (FOSIM) ou à un collectif (COSIM)."), code="bad_network")
    if network.pk == organisation.pk:
        raise DomainError(_("Une organisation ne peut pas adhérer à elle-même."), code="bad_network")
    if since and until and until < since:
        raise DomainError(_("La date de fin précède la date de début."), code="bad_dates", field="until")
    link, _created = NetworkLink.objects.update_or_create(
        member=organisation, network=network, defaults={"since": since, "until": until}
    )
    return link


def remove_network_link(*, link, by):
    _require(can_change_organisation(by, link.member))
    link.delete()


# --- people -----------------------------------------------------------------------------------------


def invite_member(*, organisation, by, email, role=MemberRole.MEMBER):
    """An administrator invites a colleague; the e-mail carries a single-use link valid 14 days."""
    _require(can_manage_people(by, organisation), _("Seuls les administrateurs de l'association invitent des membres."))
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise DomainError(_("%(email)s agit déjà pour cette organisation.") % {"email": email}, code="already_member", field="email")
    if role not in MemberRole.values:
        raise DomainError(_("Rôle inconnu."), code="bad_role", field="role")
    now = timezone.now()
    earlier = Invitation.objects.filter(organisation=organisation, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
    for previous in earlier:
        fire(previous, "revoke", by=by, comment=_("Remplacée par une nouvelle invitation."))
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, token=secrets.token_urlsafe(32), invited_by=by,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    _mail(
        template="invitation",
        to=[email],
        context={
            "invitation": invitation, "by": by, "days": INVITATION_DAYS,
            "url": _absolute(reverse("members:invitation", args=[invitation.token])),
        },
    )
    return invitation


def open_invitation(token):
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise DomainError(
            _("Ce lien d'invitation n'est plus valable (déjà utilisé, annulé ou expiré). Demandez une nouvelle invitation."),
            code="invitation_closed", status=404,
        )
    return invitation


@transaction.atomic
def accept_invitation(*, token, user=None, account=None):
    """Link the invited e-mail's account (existing, or created from `account`) to the organisation."""
    invitation = open_invitation(token)
    User = get_user_model()
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise DomainError(
                _("Cette invitation est adressée à %(email)s : connectez-vous avec ce compte.") % {"email": invitation.email},
                code="wrong_account", status=403,
            )
    elif User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(
            _("Un compte existe déjà pour %(email)s : connectez-vous pour accepter l'invitation.") % {"email": invitation.email},
            code="login_required", status=403,
        )
    else:
        user = User.objects.create_user(
            email=invitation.email, password=account["password"], first_name=account.get("first_name", ""),
            last_name=account.get("last_name", ""), role=Role.APPLICANT, language=current_language(),
        )
    fire(invitation, "accept", by=user)  # locks the invitation: of two people using the link at once, one gets it
    Membership.objects.get_or_create(user=user, organisation=invitation.organisation, defaults={"role": invitation.role})
    return invitation.organisation, user


def revoke_invitation(*, invitation, by):
    _require(can_manage_people(by, invitation.organisation))
    fire(invitation, "revoke", by=by)


def _keep_an_admin(membership, new_role=None):
    if membership.role == MemberRole.ADMIN and new_role != MemberRole.ADMIN:
        admins = membership.organisation.memberships.filter(role=MemberRole.ADMIN).count()
        if admins <= 1:
            raise DomainError(
                _("L'association doit garder au moins un administrateur : nommez-en un autre d'abord."), code="last_admin"
            )


def change_member_role(*, membership, by, role):
    _require(can_manage_people(by, membership.organisation))
    if role not in MemberRole.values:
        raise DomainError(_("Rôle inconnu."), code="bad_role", field="role")
    _keep_an_admin(membership, role)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership, by):
    _require(can_manage_people(by, membership.organisation))
    _keep_an_admin(membership)
    membership.delete()


# --- document vault ---------------------------------------------------------------------------------


def add_document(*, organisation, by, doc_type, upload, year=None, valid_until=None, title="", check=True):
    """Keep a document in the vault. `upload` was already checked by SafeFileField."""
    if check:
        _require(can_edit_documents(by, organisation))
    if doc_type not in DocumentType.values:
        raise DomainError(_("Type de document inconnu."), code="bad_doc_type", field="doc_type")
    document = OrganisationDocument(
        organisation=organisation, doc_type=doc_type, year=year, valid_until=valid_until, title=title,
        original_name=upload.name[:200], size=upload.size or 0, uploaded_by=by,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    return document


def delete_document(*, document, by):
    _require(can_edit_documents(by, document.organisation))
    document.file.delete(save=False)
    document.delete()


# --- actions in France ------------------------------------------------------------------------------


def save_action(*, organisation, by, data, action=None):
    """Record or edit an action the association runs in France."""
    _require(is_forim_staff(by) or can_edit_for(by, organisation))
    if action is not None and action.organisation_id != organisation.pk:
        raise DomainError(_("Cette action appartient à une autre organisation."), code="forbidden", status=403)
    action = action or FranceAction(organisation=organisation, created_by=by)
    for field, value in data.items():
        setattr(action, field, value)
    if not action.region:
        action.region = organisation.region
    action.save()
    return action


def delete_action(*, action, by):
    _require(is_forim_staff(by) or can_edit_for(by, action.organisation))
    action.delete()
