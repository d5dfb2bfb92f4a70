from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, NetworkLink, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class NetworkLinkInline(admin.TabularInline):
    model = NetworkLink
    fk_name = "member"
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "region", "status"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name", "acronym", "rna", "city"]
    inlines = [MembershipInline, NetworkLinkInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
