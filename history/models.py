"""Projects funded before the portal (PRA/OSIM since 2003), imported from FORIM's spreadsheets.

A past project is a fact of the programme's history, not a dossier: it has no workflow and
no state machine (`closed` and `final_report_received` are what the spreadsheet says, as it
was on the day of the import). An import batch records who imported what, when, and the
rows it refused.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.models import Organisation


class HistoryImport(models.Model):
    """One confirmed import: who, when, from which file, how many rows kept and refused (with why)."""

    file_name = models.CharField(_("fichier"), max_length=255)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    created_count = models.PositiveIntegerField(_("projets importés"), default=0)
    unmatched_count = models.PositiveIntegerField(_("projets sans association rattachée"), default=0)
    refused_count = models.PositiveIntegerField(_("lignes refusées"), default=0)
    refusals = models.JSONField(_("lignes refusées et motifs"), default=list, blank=True)

    class Meta:
        verbose_name = _("import de l'historique")
        verbose_name_plural = _("imports de l'historique")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.created_count})"


class PastProjectQuerySet(models.QuerySet):
    def unsettled(self, today):
        """Past their end date and not closed, or without their final report: what the track record counts.

        A project without an end date never counts: nothing says it is overdue (old spreadsheets often
        lack the date; staff complete it in the admin when they know it)."""
        return self.filter(end_date__lt=today).filter(models.Q(closed=False) | models.Q(final_report_received=False))


class PastProject(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="past_projects",
    )
    organisation_name = models.CharField(_("association (telle qu'écrite dans le fichier)"), max_length=255)
    rna = models.CharField(_("RNA"), max_length=10, blank=True)
    reference = models.CharField(_("référence"), max_length=50, unique=True)
    year = models.PositiveSmallIntegerField(_("année"), db_index=True)
    title = models.CharField(_("titre du projet"), max_length=255)
    country = CountryField(_("pays du projet"), db_index=True)
    sector = models.CharField(_("secteur"), max_length=20, blank=True)
    amount_awarded = models.DecimalField(
        _("montant attribué (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("date de démarrage"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    closed = models.BooleanField(_("clôturé"), default=False)
    final_report_received = models.BooleanField(_("rapport final reçu"), default=False)
    match_note = models.CharField(_("rattachement"), max_length=255, blank=True)
    batch = models.ForeignKey(HistoryImport, on_delete=models.PROTECT, null=True, blank=True, related_name="projects")
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source_row = models.PositiveIntegerField(_("ligne du fichier"))

    objects = PastProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet passé")
        verbose_name_plural = _("projets passés")
        ordering = ["-year", "organisation_name", "title"]

    def __str__(self):
        return f"{self.reference} — {self.title}"
