"""What an organisation's details may hold: every write (sign-up, edit) is checked here, whatever the interface.

`clean_organisation_data` takes the fields a person changed, checks each one and returns them normalised,
or raises a `DomainError` naming the field, in French. Forms only translate input and show that message.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries

from forim_portal.errors import DomainError
from forim_portal.money import parse_percent

from .choices import Region, Sector
from .models import Organisation, OrganisationKind
from .validators import normalise_rna, normalise_siret

COMMON_FIELDS = [
    "name",
    "acronym",
    "rna",
    "siret",
    "created_on",
    "published_on",
    "address",
    "postcode",
    "city",
    "region",
    "department",
    "website",
    "email",
    "phone",
]
KIND_FIELDS = {
    OrganisationKind.OSIM: ["diaspora_countries", "intervention_countries", "sectors", "board_migrant_share"],
    OrganisationKind.FOSIM: ["diaspora_countries", "intervention_countries", "sectors"],
    OrganisationKind.COSIM: ["intervention_countries"],
    OrganisationKind.OPERATOR: ["label_since", "label_until", "covered_regions", "covered_countries"],
    OrganisationKind.PARTNER: ["cofinancing_offer", "cofinancing_rate", "intervention_countries"],
    OrganisationKind.FORIM: [],
}
STAFF_FIELDS = ["kind", "operator"]
EDITABLE_FIELDS = set(COMMON_FIELDS) | {name for names in KIND_FIELDS.values() for name in names} | set(STAFF_FIELDS)
ASSOCIATION_KINDS = (OrganisationKind.OSIM, OrganisationKind.FOSIM, OrganisationKind.COSIM)
COUNTRY_FIELDS = ("diaspora_countries", "intervention_countries", "covered_countries")
PERCENT_FIELDS = ("board_migrant_share", "cofinancing_rate")
DATE_FIELDS = ("created_on", "published_on", "label_since", "label_until")


def fields_for(kind, *, staff):
    """The fields a person sees and may change for an organisation of this kind."""
    return COMMON_FIELDS + KIND_FIELDS.get(kind, []) + (STAFF_FIELDS if staff else [])


def department_from_postcode(postcode):
    postcode = (postcode or "").strip()
    if len(postcode) != 5 or not postcode.isdigit():
        return ""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]


class OrganisationInvalid(DomainError):
    """Several fields are refused at once: `errors` maps each field to its French message."""

    def __init__(self, errors):
        field, message = next(iter(errors.items()))
        super().__init__(message, code="invalid", field=field)
        self.errors = errors


def _refuse(field, message, code="invalid"):
    raise DomainError(message, code=code, field=field)


def _codes(field, value, allowed, label):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple, set)) and not hasattr(value, "__iter__"):
        _refuse(field, _("%(label)s : une liste est attendue.") % {"label": label})
    codes = []
    for item in value:
        code = str(getattr(item, "code", item)).strip()
        if field in COUNTRY_FIELDS:
            code = code.upper()
        if code not in allowed:
            _refuse(
                field, _("%(label)s : « %(value)s » n'est pas dans la liste.") % {"label": label, "value": code[:50]}
            )
        if code not in codes:
            codes.append(code)
    return codes


def _percent(field, value, label):
    """Empty, or a percentage read by the portal's one number reader (forim_portal.money)."""
    return None if value in (None, "") else parse_percent(value, field=field, label=label)


def _date(field, value, label):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        _refuse(field, _("%(label)s : date invalide (attendu : AAAA-MM-JJ).") % {"label": label})


def _operator(value, instance):
    if value in (None, ""):
        return None
    if not isinstance(value, Organisation):
        try:
            value = Organisation.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            value = None
    if value is None or value.kind != OrganisationKind.OPERATOR:
        _refuse("operator", _("L'accompagnateur choisi n'est pas un opérateur d'appui du réseau."), "bad_operator")
    if instance is not None and value.pk == instance.pk:
        _refuse("operator", _("Une organisation ne peut pas s'accompagner elle-même."), "bad_operator")
    return value


def _label(name):
    return capfirst(str(Organisation._meta.get_field(name).verbose_name))  # "Numéro RNA", not "Numéro rna"


def _clean_value(name, value, instance):
    label = _label(name)
    if name in COUNTRY_FIELDS:
        return _codes(name, value, countries, label)
    if name == "sectors":
        return _codes(name, value, Sector.values, label)
    if name == "covered_regions":
        return _codes(name, value, Region.values, label)
    if name in PERCENT_FIELDS:
        return _percent(name, value, label)
    if name in DATE_FIELDS:
        return _date(name, value, label)
    if name == "operator":
        return _operator(value, instance)
    if name == "kind":
        if value not in OrganisationKind.values:
            _refuse("kind", _("Type d'organisation inconnu."), "bad_kind")
        return value
    if value is None:
        value = ""
    if not isinstance(value, str):
        _refuse(name, _("%(label)s : un texte est attendu.") % {"label": label})
    value = value.strip()
    if "\x00" in value:
        _refuse(name, _("%(label)s : caractère invalide.") % {"label": label})
    if name == "rna":
        return normalise_rna(value) or None
    if name == "siret":
        return normalise_siret(value)
    return value


def _check_rna_free(rna, instance):
    queryset = Organisation.objects.filter(rna=rna)
    if instance is not None and instance.pk:
        queryset = queryset.exclude(pk=instance.pk)
    owner = queryset.first()
    if owner:
        raise DomainError(
            _(
                "Le numéro RNA %(rna)s est déjà celui de l'organisation « %(name)s ». Si c'est la vôtre, "
                "demandez à son administrateur de vous inviter."
            )
            % {"rna": rna, "name": owner},
            code="duplicate_rna",
            field="rna",
        )


def clean_organisation_data(*, data, instance=None, staff=False):
    """Check the changed fields of an organisation and return them normalised; refuse in French otherwise.

    `instance` is the organisation being edited (None for a sign-up); `staff` whether FORIM staff write.
    The checks run on the organisation as it would be saved, so a rule that ties two fields (label dates,
    an association's RNA) holds whichever field changed.
    """
    if not isinstance(data, dict):
        raise DomainError(_("Les informations de l'organisation sont illisibles."), code="invalid")
    unknown = sorted(set(data) - EDITABLE_FIELDS)
    if unknown:
        _refuse(
            unknown[0], _("Ce champ ne peut pas être modifié ici : %(name)s.") % {"name": unknown[0]}, "unknown_field"
        )
    if not staff and set(data) & set(STAFF_FIELDS):
        raise DomainError(
            _("Seule l'équipe du FORIM change le type d'une organisation ou son opérateur d'appui."),
            code="forbidden",
            field=sorted(set(data) & set(STAFF_FIELDS))[0],
            status=403,
        )
    cleaned, errors = {}, {}
    for name, value in data.items():
        try:
            cleaned[name] = _clean_value(name, value, instance)
        except DomainError as error:
            errors[name] = error.message
    draft = _draft(instance, cleaned)
    errors.update(_model_errors(draft, cleaned))
    errors.update(_tied_fields_errors(draft, cleaned, instance) if not errors else {})
    if errors:
        raise OrganisationInvalid(errors)
    if cleaned.get("rna"):
        _check_rna_free(cleaned["rna"], instance)
    return cleaned


def _draft(instance, cleaned):
    """The organisation as it would be saved, without touching `instance`."""
    if instance is None:
        draft = Organisation(kind=OrganisationKind.OSIM)
    else:
        draft = Organisation(
            **{field.attname: getattr(instance, field.attname) for field in Organisation._meta.concrete_fields}
        )
    for name, value in cleaned.items():
        setattr(draft, name, value)
    if ("postcode" in cleaned or "department" in cleaned) and not draft.department:
        draft.department = cleaned["department"] = department_from_postcode(draft.postcode)
    return draft


def _model_errors(draft, cleaned):
    """The model's own checks (lengths, e-mail, web address, RNA and SIRET formats) on the changed fields."""
    checked = [name for name in cleaned if name not in ("operator", "kind")]
    try:
        draft.full_clean(
            exclude=[field.name for field in Organisation._meta.fields if field.name not in checked],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return {
            field: _named(field, messages[0]) if field in cleaned else messages[0]
            for field, messages in error.message_dict.items()
        }
    return {}


def _named(field, message):
    """The message with its field's name in front, unless it names the field already ("Numéro RNA invalide…")."""
    label = _label(field)
    return message if label.lower() in message.lower() else f"{label} : {message}"


def _tied_fields_errors(draft, cleaned, instance):
    errors = {}
    if draft.kind in ASSOCIATION_KINDS and not draft.rna and (instance is None or {"rna", "kind"} & set(cleaned)):
        errors["rna"] = _("Le numéro RNA est obligatoire pour une association, une fédération ou un collectif.")
    if draft.label_since and draft.label_until and draft.label_until < draft.label_since:
        errors["label_until"] = _("La fin du label précède son début.")
    return errors
