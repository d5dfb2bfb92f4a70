from django.contrib import admin

from .models import HistoryImport, PastProject


@admin.register(PastProject)
class PastProjectAdmin(admin.ModelAdmin):
    """Staff may attach an unmatched project to its association, or complete a date, after the import."""

    list_display = [
        "reference",
        "year",
        "title",
        "organisation_name",
        "organisation",
        "country",
        "amount_awarded",
        "closed",
    ]
    list_filter = ["year", "closed", "final_report_received"]
    search_fields = ["reference", "title", "organisation_name", "rna"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["batch", "imported_at", "imported_by", "source_row"]


@admin.register(HistoryImport)
class HistoryImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "file_name", "imported_by", "created_count", "unmatched_count", "refused_count"]
    readonly_fields = [field.name for field in HistoryImport._meta.fields]

    def has_add_permission(self, request):
        return False
