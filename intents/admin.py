from django.contrib import admin

from .models import StatementOfIntent


@admin.register(StatementOfIntent)
class StatementOfIntentAdmin(admin.ModelAdmin):
    """Read-only here: statements move through the pages and the API (intents.services, audited)."""

    list_display = ["title", "organisation", "call", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "organisation__name", "organisation__acronym"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
