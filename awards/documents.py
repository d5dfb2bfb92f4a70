"""The documents this app generates: agreement, diploma, a call's diplomas, a partner's report."""

import io
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader, PdfWriter

from access import visibility
from access.rules import is_forim_staff
from documents.pdf import html_to_pdf
from documents.registry import DocumentKind, register
from forim_portal.errors import DomainError
from forim_portal.exports import xlsx_bytes
from grants.models import Application, Transition
from grants.states import FUNDED_STATES, State

from .selectors import cofinancing_totals, partner_top_ups
from .services import ensure_follow_up

DIPLOMAS_PER_CHUNK = 20



def check_funded(application):
    if application.status not in FUNDED_STATES:
        raise DomainError(
            _("Pas de diplôme ni de convention pour ce dossier : il n'est pas lauréat (statut « %(state)s »).")
            % {"state": State(application.status).label},
            code="not_awarded",
        )
    if application.awarded_amount is None:
        raise DomainError(_("Le montant attribué n'est pas encore saisi."), code="no_amount")


def laureates(call):
    return list(
        Application.objects.filter(call=call, status__in=FUNDED_STATES, awarded_amount__isnull=False)
        .select_related("organisation", "call__programme").order_by("organisation__name", "pk")
    )


def award_dates(applications):
    """The day each dossier was awarded (one query for all)."""
    rows = Transition.objects.filter(application__in=applications, name="award").values_list("application_id", "at")
    return {application_id: timezone.localdate(at) for application_id, at in rows}


def diploma_context(application, awarded_on=None):
    return {
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "programme": application.call.programme,
        "awarded_on": awarded_on or timezone.localdate(),
    }


def diplomas_html(applications):
    dates = award_dates(applications)
    diplomas = [diploma_context(app, dates.get(app.pk)) for app in applications]
    return render_to_string("awards/pdf/diploma.html", {"diplomas": diplomas})


def _file_stem(application):
    return slugify(f"{application.reference or application.pk}-{application.organisation.acronym or application.organisation.name}")[:80]


def render_diploma(application, progress, variant=""):
    check_funded(application)
    progress(0, 1)
    content = html_to_pdf(diplomas_html([application]))
    progress(1, 1)
    return f"diplome-{_file_stem(application)}.pdf", content


def _rendered_chunks(applications, progress):
    """Diplomas rendered by chunks (one WeasyPrint run each: its fixed cost dominates small runs), with progress after each."""
    total = len(applications)
    for start in range(0, total, DIPLOMAS_PER_CHUNK):
        chunk = applications[start:start + DIPLOMAS_PER_CHUNK]
        yield chunk, PdfReader(io.BytesIO(html_to_pdf(diplomas_html(chunk))))
        progress(start + len(chunk), total)


def render_call_diplomas(call, progress, variant=""):
    """All the call's laureates: one PDF, or a ZIP of one PDF each (pages split from the same renders)."""
    applications = laureates(call)
    if not applications:
        raise DomainError(_("Cet appel n'a encore aucun lauréat."), code="no_laureate")
    progress(0, len(applications))
    stem = slugify(f"diplomes-{call.programme.code}-{call.year}-{call.pk}")
    buffer = io.BytesIO()
    if variant == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for chunk, reader in _rendered_chunks(applications, progress):
                for application, page in zip(chunk, reader.pages, strict=True):  # a diploma is one page
                    single = PdfWriter()
                    single.add_page(page)
                    page_buffer = io.BytesIO()
                    single.write(page_buffer)
                    archive.writestr(f"diplome-{_file_stem(application)}.pdf", page_buffer.getvalue())
        return f"{stem}.zip", buffer.getvalue()
    writer = PdfWriter()
    for _chunk, reader in _rendered_chunks(applications, progress):
        writer.append(reader)
    writer.write(buffer)
    return f"{stem}.pdf", buffer.getvalue()


def check_call_variant(call, variant):
    if variant not in {"pdf", "zip"}:
        raise DomainError(_("Format inconnu : choisissez PDF ou ZIP."), code="bad_variant")


def render_agreement(application, progress, variant=""):
    check_funded(application)
    ensure_follow_up(application=application)
    progress(0, 1)
    context = {
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "tranches": list(application.tranches.select_related("requires_report")),
        "reports": list(application.reports.all()),
        "top_ups": list(application.top_ups.select_related("rule__partner")),
        "budget_lines": list(application.budget_lines.all()),
        "today": timezone.localdate(),
    }
    content = html_to_pdf(render_to_string("awards/pdf/agreement.html", context))
    progress(1, 1)
    return f"convention-{_file_stem(application)}.pdf", content


# The partner's report for one call: target the partner, variant "<call id>-pdf" or "<call id>-xlsx".

def parse_partner_variant(variant):
    from grants.models import Call

    call_id, _sep, fmt = (variant or "").partition("-")
    if fmt not in {"pdf", "xlsx"} or not call_id.isdigit():
        raise DomainError(_("Variante inconnue : indiquez l'appel et le format (ex. 12-pdf)."), code="bad_variant")
    call = Call.objects.filter(pk=int(call_id)).select_related("programme").first()
    if call is None:
        raise DomainError(_("Appel introuvable."), code="bad_variant", status=404)
    return call, fmt


def check_partner_variant(partner, variant):
    parse_partner_variant(variant)


def partner_report_rows(partner, call):
    top_ups = list(partner_top_ups(partner, call=call))
    return top_ups, cofinancing_totals(top_ups)


def render_partner_report(partner, progress, variant=""):
    call, fmt = parse_partner_variant(variant)
    progress(0, 1)
    top_ups, totals = partner_report_rows(partner, call)
    stem = slugify(f"cofinancement-{partner.acronym or partner.name}-{call.programme.code}-{call.year}")
    if fmt == "xlsx":
        columns = [
            (_("Référence"), lambda t: t.application.reference if t else _("TOTAL")),
            (_("Association"), lambda t: t.application.organisation.name if t else ""),
            (_("Projet"), lambda t: t.application.title if t else f"{totals['count']} " + _("projets")),
            (_("Pays"), lambda t: t.application.country.name if t else ""),
            (_("Montant attribué (€)"), lambda t: t.application.awarded_amount if t else totals["awarded"]),
            (_("Taux (%)"), lambda t: t.rule.rate if t else ""),
            (_("Complément (€)"), lambda t: t.amount if t else totals["top_ups"]),
            (_("Motif de correction"), lambda t: t.override_reason if t else ""),
        ]
        content = xlsx_bytes([*top_ups, None], columns, title=_("Cofinancement"))
    else:
        context = {"partner": partner, "call": call, "top_ups": top_ups, "totals": totals, "today": timezone.localdate()}
        content = html_to_pdf(render_to_string("awards/pdf/partner_report.html", context))
    progress(1, 1)
    return f"{stem}.{fmt}", content


def register_kinds():
    register(DocumentKind(
        code="agreement", label=gettext_lazy("Convention"), model="grants.Application", render=render_agreement,
        readable=visibility.applications, can_request=is_forim_staff, check=check_funded,
    ))
    register(DocumentKind(
        code="diploma", label=gettext_lazy("Diplôme de lauréat"), model="grants.Application", render=render_diploma,
        readable=visibility.follow_ups, can_request=is_forim_staff, check=check_funded,  # made by FORIM, read by the laureate
    ))
    register(DocumentKind(
        code="call_diplomas", label=gettext_lazy("Diplômes de l'appel"), model="grants.Call", render=render_call_diplomas,
        readable=visibility.staff_calls, check_variant=check_call_variant,
    ))
    register(DocumentKind(
        code="partner_report", label=gettext_lazy("Rapport de cofinancement"), model="members.Organisation",
        render=render_partner_report, readable=visibility.partners, check_variant=check_partner_variant,
    ))
