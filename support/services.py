"""Writes: an operator records its accompaniment agreement and what it did with an association."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError
from members.models import OrganisationKind

from .models import AccompanimentAgreement, SupportKind, SupportLog
from .rules import is_forim_staff, operator_ids

ACCOMPANIED_KINDS = {OrganisationKind.OSIM, OrganisationKind.FOSIM, OrganisationKind.COSIM}


def _check_writer(by, operator):
    if operator.kind != OrganisationKind.OPERATOR:
        raise DomainError(_("%(org)s n'est pas un opérateur d'appui.") % {"org": operator}, code="not_operator", field="operator")
    if not (is_forim_staff(by) or operator.pk in operator_ids(by, writers_only=True)):
        raise DomainError(_("Vous n'agissez pas pour cet opérateur d'appui."), code="forbidden", status=403)


def _full_clean(instance):
    try:
        instance.full_clean(exclude=["file"], validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), code="invalid", field=None if field == "__all__" else field) from None


def add_agreement(*, by, operator, association, signed_on, ends_on=None, file=None):
    """Record a signed accompaniment agreement; the association then appears on the operator's page."""
    _check_writer(by, operator)
    if association.kind not in ACCOMPANIED_KINDS:
        raise DomainError(_("Un opérateur accompagne une association, une fédération ou un collectif."),
                          code="bad_association", field="association")
    if signed_on > timezone.localdate():
        raise DomainError(_("La date de signature ne peut pas être dans le futur."), code="future", field="signed_on")
    agreement = AccompanimentAgreement(operator=operator, association=association, signed_on=signed_on, ends_on=ends_on,
                                       created_by=by)
    _full_clean(agreement)
    try:
        with transaction.atomic():
            if file:
                agreement.file.save(file.name, file, save=False)
            agreement.save()
    except IntegrityError:
        raise DomainError(_("Une convention signée ce jour-là avec cette association est déjà enregistrée."),
                          code="duplicate", field="signed_on") from None
    return agreement


def _check_log(log):
    if log.kind not in SupportKind.values:
        raise DomainError(_("Type d'accompagnement inconnu."), code="bad_kind", field="kind")
    if log.date > timezone.localdate():
        raise DomainError(_("On enregistre ce qui a été fait : la date ne peut pas être dans le futur."), code="future", field="date")
    if log.next_step_on and log.next_step_on < log.date:
        raise DomainError(_("La prochaine étape doit venir après cette date."), code="bad_next_step", field="next_step_on")
    _full_clean(log)


def add_log(*, by, operator, association, date, kind, hours, notes="", next_step="", next_step_on=None):
    """Record what the operator did with an association it accompanies."""
    from .rules import accompanied_by

    _check_writer(by, operator)
    if not accompanied_by([operator.pk]).filter(pk=association.pk).exists():
        raise DomainError(_("%(operator)s n'accompagne pas %(association)s.") % {"operator": operator, "association": association},
                          code="not_accompanied", status=404)
    log = SupportLog(operator=operator, association=association, date=date, kind=kind, hours=hours, notes=notes,
                     next_step=next_step, next_step_on=next_step_on, created_by=by)
    _check_log(log)
    log.save()
    return log


LOG_FIELDS = ("date", "kind", "hours", "notes", "next_step", "next_step_on")


def update_log(*, by, log, **changes):
    """Correct a log (a typo in the hours, a forgotten next step): the operator's writers or FORIM staff; the
    operator and the association stay."""
    _check_writer(by, log.operator)
    unknown = set(changes) - set(LOG_FIELDS)
    if unknown:
        raise DomainError(_("Champ non modifiable : %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="read_only")
    for name, value in changes.items():
        setattr(log, name, value)
    _check_log(log)
    log.save(update_fields=list(changes) or None)
    return log


def delete_log(*, by, log):
    """Remove a log written by mistake: the operator's writers or FORIM staff."""
    _check_writer(by, log.operator)
    log.delete()
