from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from forim_portal.errors import DomainError

from . import services
from .models import FranceAction, Invitation, Membership, NetworkLink, Organisation, OrganisationDocument


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
    actions = ["validate"]

    @admin.action(description=_("Valider les inscriptions sélectionnées"))
    def validate(self, request, queryset):
        done = 0
        for organisation in queryset:
            try:
                services.validate_organisation(organisation=organisation, by=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{organisation} : {error.message}", messages.WARNING)
        self.message_user(request, _("%(n)s inscription(s) validée(s).") % {"n": done})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organisation__name"]
    exclude = ["token"]
    readonly_fields = ["accepted_by", "invited_by"]


@admin.register(OrganisationDocument)
class OrganisationDocumentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "doc_type", "year", "valid_until", "uploaded_at"]
    list_filter = ["doc_type"]
    search_fields = ["organisation__name"]


@admin.register(FranceAction)
class FranceActionAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "domain", "city", "in_qpv", "year"]
    list_filter = ["domain", "in_qpv", "region"]
    search_fields = ["title", "organisation__name", "city"]
