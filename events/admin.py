from django.contrib import admin

from .models import CeremonyInvitation, Event, Registration


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["name", "email", "organisation", "status", "checked_in_at"]
    raw_id_fields = ["organisation"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organiser", "starts_at", "audience", "capacity"]
    list_filter = ["kind", "audience"]
    search_fields = ["title", "city", "organiser__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser", "call", "created_by"]
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "event", "organisation", "status", "checked_in_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "event__title"]
    raw_id_fields = ["event", "user", "organisation", "checked_in_by"]


@admin.register(CeremonyInvitation)
class CeremonyInvitationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "event", "status", "represented_by", "diploma_handed"]
    list_filter = ["status", "diploma_handed"]
    raw_id_fields = ["event", "application", "organisation", "marked_by"]
