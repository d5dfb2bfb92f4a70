from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import EntryStatus, OutboxEntry


class PendingFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", _("En attente")), ("done", _("Exécutée"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.exclude(status=EntryStatus.DONE)
        if self.value() == "done":
            return queryset.filter(status=EntryStatus.DONE)
        return queryset


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Operators see what is waiting (and why) and can send it again by hand."""

    list_display = [
        "__str__",
        "status",
        "created_at",
        "attempts",
        "dispatched_at",
        "claimed_at",
        "done_at",
        "last_error",
    ]
    list_filter = [PendingFilter, "status", "task_name"]
    search_fields = ["to", "subject", "task_name"]
    readonly_fields = [f.name for f in OutboxEntry._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Envoyer à nouveau au broker"))
    def send_again(self, request, queryset):
        sent = [services.dispatch(entry.pk) for entry in queryset.exclude(status=EntryStatus.DONE)]
        self.message_user(
            request,
            _("%(accepted)d envoi(s) accepté(s) par le broker sur %(total)d.")
            % {"accepted": sum(sent), "total": len(sent)},
            messages.SUCCESS if all(sent) else messages.WARNING,
        )
