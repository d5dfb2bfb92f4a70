"""Import of past projects (PRA/OSIM since 2003) from a spreadsheet: check every row, preview, confirm.

Rules (each refusal has a French reason shown on the preview and kept in the import's report):

- required per row: reference, year (2002, FORIM's founding, to this year), title, country (a code
  or a French/English name), and who carried the project (an RNA or an association name);
- a reference appears once: twice in the file, already imported, or a portal dossier's reference
  is a refusal (so importing the same file twice adds nothing);
- amount awarded: optional; when given, a number of euros with at most two decimals, above zero;
- dates: optional, JJ/MM/AAAA or AAAA-MM-JJ; the end may not precede the start;
- sector: optional, our sector code or its label (or its first word: "Santé", "Eau"…);
- "clôturé" and "rapport final reçu": oui/non (empty means non).

Matching an association, in this order: the RNA (when valid and known), then the exact name, then
the name normalised (case, accents, punctuation). A row whose association is not found, or whose
name fits several associations, is **kept unmatched with a note**, not refused: twenty years of
history include associations that never joined the portal, and the laureates map still shows their
projects. An unmatched project counts in no association's track record; staff may attach it later
in the admin.

Confirming writes every valid row in one transaction and records the batch (who, when, how many,
the refused rows and their reasons). Refused rows are never written.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import require_staff
from forim_portal.errors import Conflict, DomainError
from forim_portal.money import parse_amount
from grants.models import Application
from members.choices import Sector
from members.countries import country_code
from members.importer import read_table, slug
from members.models import Organisation
from members.validators import normalise_rna, validate_rna

from .models import HistoryImport, PastProject

FIRST_YEAR = 2002  # FORIM was founded in March 2002; PRA/OSIM funded its first projects in 2003
MAX_ROWS = 5000

# slugged column title -> field
HEADERS = {
    "reference": "reference",
    "ref": "reference",
    "numero": "reference",
    "n_dossier": "reference",
    "numero_de_dossier": "reference",
    "annee": "year",
    "year": "year",
    "annee_d_attribution": "year",
    "titre": "title",
    "titre_du_projet": "title",
    "projet": "title",
    "intitule": "title",
    "association": "organisation_name",
    "nom": "organisation_name",
    "nom_de_l_association": "organisation_name",
    "porteur": "organisation_name",
    "osim": "organisation_name",
    "rna": "rna",
    "numero_rna": "rna",
    "n_rna": "rna",
    "pays": "country",
    "pays_du_projet": "country",
    "pays_d_intervention": "country",
    "secteur": "sector",
    "montant": "amount_awarded",
    "montant_attribue": "amount_awarded",
    "montant_accorde": "amount_awarded",
    "subvention": "amount_awarded",
    "montant_attribue_eur": "amount_awarded",
    "date_de_debut": "start_date",
    "debut": "start_date",
    "date_de_demarrage": "start_date",
    "date_de_fin": "end_date",
    "fin": "end_date",
    "cloture": "closed",
    "clos": "closed",
    "projet_cloture": "closed",
    "rapport_final": "final_report_received",
    "rapport_final_recu": "final_report_received",
}
REQUIRED_COLUMNS = {
    "reference": "Référence",
    "year": "Année",
    "title": "Titre",
    "country": "Pays",
}
# The sample file offered on the page: its titles are the names the importer knows first.
TEMPLATE_HEADER = [
    "Référence",
    "Année",
    "Titre",
    "Association",
    "RNA",
    "Pays",
    "Secteur",
    "Montant attribué",
    "Date de début",
    "Date de fin",
    "Clôturé",
    "Rapport final reçu",
]
TEMPLATE_ROWS = [
    [
        "PRA-2008-014",
        "2008",
        "Adduction d'eau potable à Kanel",
        "Association des ressortissants de Kanel en France",
        "W751000301",
        "Sénégal",
        "Eau",
        "12000,00",
        "01/03/2009",
        "28/02/2010",
        "oui",
        "oui",
    ],
    [
        "PRA-2012-031",
        "2012",
        "Centre de santé maternelle de Jacmel",
        "Plateforme des associations franco-haïtiennes",
        "",
        "Haïti",
        "Santé",
        "15000",
        "15/01/2013",
        "31/12/2013",
        "non",
        "non",
    ],
]
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0", ""}
SECTORS = (
    {slug(code): code for code in Sector.values}
    | {slug(label): code for code, label in Sector.choices}
    | {slug(str(label).split(" ")[0].strip(",")): code for code, label in Sector.choices}
    | {"economie": Sector.ECONOMY, "agriculture": Sector.RURAL, "environnement": Sector.WATER}
)


@dataclass
class RowCheck:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    organisation: Organisation | None = None
    match_note: str = ""

    @property
    def matched(self):
        return self.organisation is not None


def read_file(upload):
    """The rows of an uploaded CSV or XLSX (dicts keyed by field), or a French DomainError about the file."""
    rows = read_table(upload, headers=HEADERS, required=())
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    missing = [label for name, label in REQUIRED_COLUMNS.items() if name not in present]
    if not {"rna", "organisation_name"} & present:
        missing.append(_("Association ou RNA"))
    if missing:
        raise DomainError(
            _(
                "Colonnes obligatoires absentes : %(columns)s. La première ligne doit porter les titres "
                "(téléchargez le modèle)."
            )
            % {"columns": ", ".join(missing)},
            code="missing_columns",
            field="file",
        )
    if not rows:
        raise DomainError(_("Le fichier ne contient aucune ligne de projet."), code="empty_file", field="file")
    if len(rows) > MAX_ROWS:
        raise DomainError(
            _("Trop de lignes : %(max)s au maximum par fichier.") % {"max": MAX_ROWS},
            code="too_many_rows",
            field="file",
        )
    return rows


def _parse_date(value):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


class _Matcher:
    """Finds the association of a row: by RNA, then exact name, then normalised name. Reads them once."""

    def __init__(self, raw_rows):
        rnas = {normalise_rna(row.get("rna")) for row in raw_rows if row.get("rna")}
        self.by_rna = {org.rna: org for org in Organisation.objects.filter(rna__in=rnas)}
        names = {row.get("organisation_name", "") for row in raw_rows} - {""}
        keys = {slug(name) for name in names}
        self.by_name, self.by_slug = {}, {}
        if keys:
            for org in Organisation.objects.only("pk", "name", "acronym", "rna"):
                self.by_name.setdefault(org.name, []).append(org)
                if slug(org.name) in keys:
                    self.by_slug.setdefault(slug(org.name), []).append(org)

    def match(self, rna, name):
        if rna and rna in self.by_rna:
            return self.by_rna[rna], _("rattachée par le RNA")
        for candidates, how in (
            (self.by_name.get(name, []), _("rattachée par le nom exact")),
            (self.by_slug.get(slug(name), []) if name else [], _("rattachée par le nom normalisé")),
        ):
            if len(candidates) > 1:
                return None, _("non rattachée : plusieurs associations portent ce nom")
            if candidates:
                org = candidates[0]
                if rna and org.rna and org.rna != rna:
                    return None, _("non rattachée : « %(name)s » porte le RNA %(other)s, pas %(rna)s") % {
                        "name": org.name,
                        "other": org.rna,
                        "rna": rna,
                    }
                return org, how
        return None, _("non rattachée : association introuvable (ni par RNA ni par nom)")


def _check_reference(check, seen, taken_history, taken_portal):
    reference = check.raw.get("reference", "")
    if not reference:
        check.errors.append(_("La référence manque."))
        return
    if len(reference) > 50:
        check.errors.append(_("Référence trop longue (50 caractères au maximum)."))
    if reference in seen:
        check.errors.append(
            _("Doublon : la référence %(ref)s figure déjà ligne %(line)s.")
            % {"ref": reference, "line": seen[reference]}
        )
    elif reference in taken_history:
        check.errors.append(_("La référence %(ref)s est déjà importée : ligne ignorée.") % {"ref": reference})
    elif reference in taken_portal:
        check.errors.append(_("La référence %(ref)s est celle d'un dossier du portail.") % {"ref": reference})
    seen.setdefault(reference, check.line)
    check.values["reference"] = reference


def _check_year(check, this_year):
    value = check.raw.get("year", "")
    if not value:
        check.errors.append(_("L'année manque."))
        return
    year = int(value) if value.isdigit() else None
    if year is None or not FIRST_YEAR <= year <= this_year:
        check.errors.append(
            _("Année invalide « %(value)s » : un nombre entre %(first)s et %(last)s.")
            % {"value": value, "first": FIRST_YEAR, "last": this_year}
        )
        return
    check.values["year"] = year


def _check_text(check, name, message, max_length=255):
    value = check.raw.get(name, "")
    if not value:
        check.errors.append(message)
    elif len(value) > max_length:
        check.errors.append(
            _("Texte trop long (%(max)s caractères au maximum) : « %(value)s… ».")
            % {"max": max_length, "value": value[:40]}
        )
    check.values[name] = value


def _check_country(check):
    value = check.raw.get("country", "")
    code = country_code(value)
    if not value:
        check.errors.append(_("Le pays du projet manque."))
    elif not code:
        check.errors.append(_("Pays inconnu « %(value)s ».") % {"value": value})
    check.values["country"] = code


def _check_sector(check):
    value = check.raw.get("sector", "")
    code = SECTORS.get(slug(value), "") if value else ""
    if value and not code:
        check.errors.append(
            _("Secteur inconnu « %(value)s » (santé, éducation, eau, économie, rural, social).") % {"value": value}
        )
    check.values["sector"] = code


def _check_amount(check):
    value = check.raw.get("amount_awarded", "")
    check.values["amount_awarded"] = None
    if not value:
        return
    try:
        check.values["amount_awarded"] = parse_amount(value, field="amount_awarded", allow_zero=False)
    except DomainError as refusal:
        check.errors.append(_("Montant « %(value)s » : %(reason)s") % {"value": value, "reason": refusal.message})


def _check_dates(check):
    labels = {"start_date": _("Date de début"), "end_date": _("Date de fin")}
    for name, label in labels.items():
        value = check.raw.get(name, "")
        check.values[name] = _parse_date(value) if value else None
        if value and check.values[name] is None:
            check.errors.append(_("%(label)s illisible « %(value)s » (JJ/MM/AAAA).") % {"label": label, "value": value})
    start, end = check.values["start_date"], check.values["end_date"]
    if start and end and end < start:
        check.errors.append(_("La date de fin précède la date de début."))


def _check_flags(check):
    labels = {"closed": _("Clôturé"), "final_report_received": _("Rapport final reçu")}
    for name, label in labels.items():
        value = slug(check.raw.get(name, ""))
        check.values[name] = value in YES
        if value not in YES | NO:
            check.errors.append(
                _("« %(value)s » non compris pour « %(label)s » : oui ou non.")
                % {"value": check.raw.get(name), "label": label}
            )


def _check_organisation(check, matcher):
    name = check.raw.get("organisation_name", "")
    rna = normalise_rna(check.raw.get("rna"))
    if not name and not rna:
        check.errors.append(_("Ni RNA ni nom d'association : impossible de savoir qui portait le projet."))
        return
    if rna:
        try:
            validate_rna(rna)
        except ValidationError:
            check.match_note = _("RNA illisible « %(value)s », ignoré ; ") % {"value": check.raw.get("rna")}
            rna = ""
    check.organisation, how = matcher.match(rna, name)
    check.match_note += how
    check.values["rna"] = rna or (check.organisation.rna if check.organisation else "")
    check.values["organisation_name"] = name or (check.organisation.name if check.organisation else rna)
    if len(check.values["organisation_name"]) > 255:
        check.errors.append(_("Nom d'association trop long (255 caractères au maximum)."))


def check_rows(raw_rows):
    """Check every row and say which association it is matched to. A few queries, whatever the length."""
    references = {row.get("reference") for row in raw_rows} - {"", None}
    taken_history = set(PastProject.objects.filter(reference__in=references).values_list("reference", flat=True))
    taken_portal = set(Application.objects.filter(reference__in=references).values_list("reference", flat=True))
    matcher = _Matcher(raw_rows)
    this_year = timezone.localdate().year
    seen = {}
    checks = []
    for line, raw in enumerate(raw_rows, start=2):
        check = RowCheck(line=line, raw=raw)
        _check_reference(check, seen, taken_history, taken_portal)
        _check_year(check, this_year)
        _check_text(check, "title", _("Le titre du projet manque."))
        _check_organisation(check, matcher)
        _check_country(check)
        _check_sector(check)
        _check_amount(check)
        _check_dates(check)
        _check_flags(check)
        checks.append(check)
    return checks


def summary(checks):
    valid = [check for check in checks if not check.errors]
    return {
        "valid": len(valid),
        "matched": sum(1 for check in valid if check.matched),
        "unmatched": sum(1 for check in valid if not check.matched),
        "refused": len(checks) - len(valid),
    }


def refusal_report(checks):
    """The refused rows as stored with the batch: line, reference, title, reasons."""
    return [
        {
            "line": check.line,
            "reference": check.raw.get("reference", ""),
            "title": check.raw.get("title", ""),
            "reasons": [str(error) for error in check.errors],
        }
        for check in checks
        if check.errors
    ]


def apply_import(*, raw_rows, file_name, by):
    """Write every valid row in one transaction; refused rows are reported, never written. Returns the batch.

    Staff only (403 otherwise). Nothing valid: a French refusal, nothing written. Someone importing the same
    references at the same moment: a Conflict, nothing written."""
    require_staff(by)
    checks = check_rows(raw_rows)
    counts = summary(checks)
    if not counts["valid"]:
        raise DomainError(
            _("Aucune ligne valide : rien n'a été importé. Corrigez le fichier d'après le rapport."),
            code="no_valid_row",
        )
    try:
        with transaction.atomic():
            batch = HistoryImport.objects.create(
                file_name=file_name[:255],
                imported_by=by,
                created_count=counts["valid"],
                unmatched_count=counts["unmatched"],
                refused_count=counts["refused"],
                refusals=refusal_report(checks),
            )
            PastProject.objects.bulk_create(
                [
                    PastProject(
                        **check.values,
                        organisation=check.organisation,
                        match_note=check.match_note[:255],
                        batch=batch,
                        imported_by=by,
                        source_row=check.line,
                    )
                    for check in checks
                    if not check.errors
                ]
            )
    except IntegrityError:
        raise Conflict(
            _("Ces références viennent d'être importées par quelqu'un d'autre : rechargez la page."),
            code="already_imported",
        ) from None
    return batch
