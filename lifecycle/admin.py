from django.contrib import admin

from .models import StateChange


@admin.register(StateChange)
class StateChangeAdmin(admin.ModelAdmin):
    """Read-only: rows are written by `lifecycle.engine` only."""

    list_display = ["at", "machine", "object_id", "transition", "from_state", "to_state", "by"]
    list_filter = ["machine", "transition"]
    search_fields = ["comment"]
    readonly_fields = [field.name for field in StateChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
