from django.contrib import admin

from .models import AccompanimentAgreement, SupportLog


@admin.register(AccompanimentAgreement)
class AccompanimentAgreementAdmin(admin.ModelAdmin):
    list_display = ["operator", "association", "signed_on", "ends_on"]
    search_fields = ["operator__name", "association__name"]
    raw_id_fields = ["operator", "association", "created_by"]


@admin.register(SupportLog)
class SupportLogAdmin(admin.ModelAdmin):
    list_display = ["date", "operator", "association", "kind", "hours", "next_step"]
    list_filter = ["kind"]
    search_fields = ["operator__name", "association__name", "notes"]
    date_hierarchy = "date"
    raw_id_fields = ["operator", "association", "created_by"]
