"""Import of an existing member list (CSV or XLSX): check every row, preview, then apply all or nothing.

Rows are matched on the RNA number, so importing the same file twice changes nothing.
"""

import contextlib
import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError

from . import services
from .choices import Region
from .countries import country_code
from .models import NetworkLink, Organisation, OrganisationKind
from .organisation_fields import OrganisationInvalid, clean_organisation_data
from .validators import normalise_rna, normalise_siret, validate_rna, validate_siret

MAX_ROWS = 5000

# normalised header -> field
HEADERS = {
    "rna": "rna", "numero_rna": "rna", "n_rna": "rna",
    "nom": "name", "nom_legal": "name", "raison_sociale": "name",
    "sigle": "acronym",
    "type": "kind",
    "region": "region",
    "departement": "department",
    "ville": "city", "commune": "city",
    "code_postal": "postcode", "cp": "postcode",
    "adresse": "address",
    "e_mail": "email", "email": "email", "courriel": "email",
    "telephone": "phone", "tel": "phone",
    "siret": "siret",
    "site_web": "website", "site": "website",
    "date_de_creation": "created_on", "creation": "created_on",
    "pays_d_origine": "diaspora_countries", "pays_origine": "diaspora_countries", "diaspora": "diaspora_countries",
    "pays_d_intervention": "intervention_countries", "pays_intervention": "intervention_countries",
    "reseaux": "networks", "federation": "networks", "collectif": "networks", "federations_collectifs": "networks",
}
REQUIRED = ("rna", "name")
SIMPLE_FIELDS = ("name", "acronym", "city", "postcode", "address", "email", "phone", "department", "website")
KIND_WORDS = {
    "osim": OrganisationKind.OSIM, "association": OrganisationKind.OSIM,
    "fosim": OrganisationKind.FOSIM, "federation": OrganisationKind.FOSIM,
    "cosim": OrganisationKind.COSIM, "collectif": OrganisationKind.COSIM,
    "opap": OrganisationKind.OPERATOR, "operateur": OrganisationKind.OPERATOR, "operateur_d_appui": OrganisationKind.OPERATOR,
    "partenaire": OrganisationKind.PARTNER,
}


def slug(value):
    value = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", value).strip("_")


REGIONS = {slug(code): code for code in Region.values} | {slug(label): code for code, label in Region.choices}


@dataclass
class RowCheck:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    networks: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    action: str = ""  # create, update, unchanged
    existing: Organisation | None = None

    @property
    def action_label(self):
        return {"create": _("Nouvelle"), "update": _("Mise à jour"), "unchanged": _("Inchangée")}.get(self.action, "")


def read_table(upload, *, headers=HEADERS, required=REQUIRED):
    """Rows of the file as dicts keyed by normalised headers (strings only).

    `headers` maps a slugged column title to a field (the member list's by default; the history import
    passes its own); `required` are the fields whose column must be there."""
    name = (upload.name or "").lower()
    upload.seek(0)
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise DomainError(_("Ce fichier XLSX ne peut pas être lu."), code="bad_file") from exc
        rows = [[_cell(value) for value in row] for row in workbook.active.iter_rows(values_only=True)]
    else:
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [row for row in rows if any((cell or "").strip() for cell in row)]
    if not rows:
        raise DomainError(_("Le fichier est vide."), code="empty_file")
    columns = [headers.get(slug(header), "") for header in rows[0]]
    missing = [column for column in required if column not in columns]
    if missing:
        raise DomainError(
            _("Colonnes obligatoires absentes : %(columns)s. La première ligne doit porter les titres (RNA, Nom, …).")
            % {"columns": ", ".join(missing)},
            code="missing_columns",
        )
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError(_("Trop de lignes : %(max)s au maximum par fichier.") % {"max": MAX_ROWS}, code="too_many_rows")
    return [
        {header: (cell or "").strip() for header, cell in zip(columns, row, strict=False) if header}
        for row in rows[1:]
    ]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_date(value):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _parse_countries(value, errors, label):
    codes = []
    for part in re.split(r"[;,/]", value):
        part = part.strip()
        if not part:
            continue
        code = country_code(part)
        if not code:
            errors.append(_("%(label)s : pays inconnu « %(value)s ».") % {"label": label, "value": part})
        else:
            codes.append(code)
    return codes


def _network_index():
    index = {}
    for network in Organisation.objects.filter(kind__in=[OrganisationKind.FOSIM, OrganisationKind.COSIM]):
        for key in (network.acronym, network.name, network.rna):
            if key:
                index[slug(key)] = network
    return index


def check_rows(raw_rows):
    """Check every row; say what would happen to it. Reads the existing organisations once."""
    rnas = {normalise_rna(row.get("rna")) for row in raw_rows}
    existing = {organisation.rna: organisation for organisation in Organisation.objects.filter(rna__in=rnas)}
    networks = _network_index()
    current_links = set(
        NetworkLink.objects.filter(member__rna__in=rnas).values_list("member__rna", "network_id")
    )
    seen = {}
    checks = []
    for line, raw in enumerate(raw_rows, start=2):
        check = RowCheck(line=line, raw=raw)
        errors = check.errors
        values = check.values
        rna = normalise_rna(raw.get("rna"))
        try:
            validate_rna(rna)
        except ValidationError as exc:
            errors.append(exc.messages[0])
        if rna in seen:
            errors.append(_("Doublon : le RNA %(rna)s figure déjà ligne %(line)s.") % {"rna": rna, "line": seen[rna]})
        seen.setdefault(rna, line)
        values["rna"] = rna
        if not raw.get("name"):
            errors.append(_("Le nom de l'organisation manque."))
        for name in SIMPLE_FIELDS:
            if name in raw:
                values[name] = raw[name]
        if raw.get("kind"):
            kind = KIND_WORDS.get(slug(raw["kind"]))
            if kind is None:
                errors.append(_("Type inconnu « %(value)s » (OSIM, FOSIM, COSIM, opérateur, partenaire).") % {"value": raw["kind"]})
            values["kind"] = kind or OrganisationKind.OSIM
        if raw.get("region"):
            region = REGIONS.get(slug(raw["region"]))
            if region is None:
                errors.append(_("Région inconnue « %(value)s ».") % {"value": raw["region"]})
            values["region"] = region or ""
        if raw.get("siret"):
            values["siret"] = normalise_siret(raw["siret"])
            try:
                validate_siret(values["siret"])
            except ValidationError as exc:
                errors.append(exc.messages[0])
        if raw.get("email"):
            try:
                validate_email(raw["email"])
            except ValidationError:
                errors.append(_("Adresse e-mail invalide « %(value)s ».") % {"value": raw["email"]})
        if raw.get("created_on"):
            values["created_on"] = _parse_date(raw["created_on"])
            if values["created_on"] is None:
                errors.append(_("Date de création illisible « %(value)s » (JJ/MM/AAAA).") % {"value": raw["created_on"]})
        for name, label in (("diaspora_countries", _("Pays d'origine")), ("intervention_countries", _("Pays d'intervention"))):
            if raw.get(name):
                values[name] = _parse_countries(raw[name], errors, label)
        for part in re.split(r"[;,]", raw.get("networks", "")):
            if part.strip():
                network = networks.get(slug(part))
                if network is None:
                    errors.append(_("Fédération ou collectif inconnu « %(value)s ».") % {"value": part.strip()})
                else:
                    check.networks.append(network)
        check.existing = existing.get(rna)
        if not errors:
            errors.extend(_registry_errors(values, check.existing))
        if not errors:
            check.action = _plan(check, current_links)
        checks.append(check)
    return checks


def _registry_errors(values, existing):
    """What the registry's own checks (the pages' ones) refuse in this row, shown in the preview."""
    try:
        clean_organisation_data(data=values, instance=existing, staff=True)
    except OrganisationInvalid as refusal:
        return list(refusal.errors.values())
    except DomainError as refusal:
        return [refusal.message]
    return []


def _differs(organisation, name, value):
    current = getattr(organisation, name)
    if name.endswith("_countries"):
        return sorted(country.code for country in current) != sorted(value)
    return (current or "") != (value or "")


def _plan(check, current_links):
    if check.existing is None:
        return "create"
    changed = any(_differs(check.existing, name, value) for name, value in check.values.items())
    new_links = any((check.existing.rna, network.pk) not in current_links for network in check.networks)
    return "update" if changed or new_links else "unchanged"


def summary(checks):
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    for check in checks:
        counts["error" if check.errors else check.action] += 1
    return counts


@transaction.atomic
def apply_import(*, raw_rows, by, allow_partial=False):
    """Create or update the organisations of a checked file. Refuses if any row is wrong, unless `allow_partial`."""
    from .rules import is_forim_staff

    if not is_forim_staff(by):
        raise DomainError(_("Seule l'équipe du FORIM importe des listes de membres."), code="forbidden", status=403)
    checks = check_rows(raw_rows)
    counts = summary(checks)
    if counts["error"] and not allow_partial:
        raise DomainError(
            _("%(n)s ligne(s) comportent des erreurs : rien n'a été importé. Corrigez le fichier ou cochez « importer "
              "seulement les lignes valides ».") % {"n": counts["error"]},
            code="rows_invalid",
        )
    for check in checks:
        if check.errors or check.action == "unchanged":
            continue
        try:  # the same checks as the pages, through the registry's service
            services.import_organisation(by=by, values=check.values, existing=check.existing, networks=check.networks)
        except DomainError as refusal:
            raise DomainError(
                _("Ligne %(line)s : %(message)s Rien n'a été importé.") % {"line": check.line, "message": refusal.message},
                code=refusal.code, status=refusal.status,
            ) from None
    return counts
