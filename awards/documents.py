"""The documents this app generates: agreement, diploma, a call's diplomas, a partner's report."""

import io
import zipfile

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import visibility
from access.rules import is_forim_staff
from documents.models import DocumentJob
from documents.pdf import html_to_document, html_to_pdf, split_pages
from documents.registry import DocumentKind, register
from documents.services import job_language, mark_failed, store_result
from forim_portal.errors import DomainError
from forim_portal.exports import xlsx_bytes
from grants.models import Application, Transition
from grants.states import FUNDED_STATES, State
from reviews.models import CommitteeDecision, Outcome

from .selectors import cofinancing_totals, partner_top_ups
from .services import ensure_follow_up


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
    """The day each dossier was awarded: its committee's sitting (CEP) when a session decided it, else the day the
    award was recorded (two queries for all)."""
    rows = Transition.objects.filter(application__in=applications, name="award").values_list("application_id", "at")
    dates = {application_id: timezone.localdate(at) for application_id, at in rows}
    sittings = CommitteeDecision.objects.filter(application__in=applications, outcome=Outcome.AWARD).order_by("decided_at")
    dates.update(sittings.values_list("application_id", "session__date"))
    return dates


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


# A call's diplomas cost one WeasyPrint layout of the batch, written once as one PDF: the PDF variant
# is that file; the ZIP cuts the same file into one PDF per page with qpdf (`documents.pdf.split_pages`,
# a few milliseconds a page), each page keeping only the fonts, forms and patterns its content names
# (WeasyPrint writes one resources dictionary shared by all pages). So the ZIP costs one bare render
# plus the cut, never a second layout; writing each page apart (`Document.copy([page]).write_pdf()`)
# painted it and subset its fonts again, about 1.5 whole writes. Above PARALLEL_ABOVE laureates, when
# a worker runs the job, the ZIP is cut into parts of PART_SIZE laureates rendered by a Celery chord
# (one task per part, on any worker, each a layout, a write and a cut of its part); its callback
# gathers the parts' files into the ZIP and stores it. The one-PDF variant stays one layout.
PARALLEL_ABOVE = 40
PART_SIZE = 30


def _call_stem(call):
    return slugify(f"diplomes-{call.programme.code}-{call.year}-{call.pk}")


def _call_laureates(call):
    applications = laureates(call)
    if not applications:
        raise DomainError(_("Cet appel n'a encore aucun lauréat."), code="no_laureate")
    return applications


def _one_pdf_each(applications):
    """(file name, one-page PDF) per laureate, cut from one layout of the batch written once."""
    document = html_to_document(diplomas_html(applications))
    if len(document.pages) != len(applications):  # a diploma is one page; anything else would mislabel the files
        raise DomainError(_("Le nombre de pages ne correspond pas au nombre de lauréats."), code="diploma_pages")
    pdf = document.write_pdf()
    del document  # the layout's boxes, freed before the cut
    for application, page in zip(applications, split_pages(pdf), strict=True):
        yield f"diplome-{_file_stem(application)}.pdf", page


def _zip(files):
    """A ZIP of (name, bytes). Stored, not deflated: a PDF's streams are compressed already."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def render_call_diplomas(call, progress, variant=""):
    """All the call's laureates in this process: one PDF, or a ZIP of one PDF each (pages of the same layout)."""
    applications = _call_laureates(call)
    progress(0, len(applications))
    if variant == "zip":
        filename, content = f"{_call_stem(call)}.zip", _zip(_one_pdf_each(applications))
    else:
        filename, content = f"{_call_stem(call)}.pdf", html_to_pdf(diplomas_html(applications))
    progress(len(applications), len(applications))
    return filename, content


def fan_out_call_diplomas(job, call):
    """Send a large call's ZIP to the workers in parts (a chord); False to render it here instead:
    the one-PDF variant, few laureates, or no worker (tasks run in this process, where parts only add layouts)."""
    from celery import chord, current_app

    if job.variant != "zip" or current_app.conf.task_always_eager:
        return False
    ids = [application.pk for application in _call_laureates(call)]
    if len(ids) <= PARALLEL_ABOVE:
        return False
    DocumentJob.objects.filter(pk=job.pk).update(progress_done=0, progress_total=len(ids))
    parts = [render_diploma_part.s(job.pk, ids[start:start + PART_SIZE]) for start in range(0, len(ids), PART_SIZE)]
    chord(parts)(assemble_call_diplomas.s(job.pk).on_error(call_diplomas_failed.s(job.pk)))
    return True


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def render_diploma_part(job_id, application_ids):
    """One part of a call's ZIP: its laureates laid out once, one PDF each, stored as a partial ZIP
    whose name goes to the chord's callback."""
    job = DocumentJob.objects.get(pk=job_id)
    by_id = Application.objects.select_related("organisation", "call__programme").in_bulk(application_ids)
    with translation.override(job_language(job)):
        content = _zip(_one_pdf_each([by_id[pk] for pk in application_ids]))
    name = default_storage.save(f"generated/parts/diplomes-{job_id}-{application_ids[0]}.zip", ContentFile(content))
    DocumentJob.objects.filter(pk=job_id).update(progress_done=F("progress_done") + len(application_ids))
    return name


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def assemble_call_diplomas(part_names, job_id):
    """The chord's callback: the parts' files (in the laureates' order) gathered into the call's ZIP, stored as the job's file."""
    job = DocumentJob.objects.get(pk=job_id)

    def files():
        for name in part_names:
            with default_storage.open(name, "rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as part:
                for entry in part.namelist():
                    yield entry, part.read(entry)

    store_result(job_id, f"{_call_stem(job.target)}.zip", _zip(files()))
    for name in part_names:
        default_storage.delete(name)
    return job_id


@shared_task
def call_diplomas_failed(request, exc, traceback, job_id):
    """A part failed: the job says why (and can be asked again)."""
    mark_failed(job_id, f"{exc.__class__.__name__}: {exc}")


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
        readable=visibility.staff_calls, check_variant=check_call_variant, fan_out=fan_out_call_diplomas,
    ))
    register(DocumentKind(
        code="partner_report", label=gettext_lazy("Rapport de cofinancement"), model="members.Organisation",
        render=render_partner_report, readable=visibility.partners, check_variant=check_partner_variant,
    ))
