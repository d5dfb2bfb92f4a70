from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from forim_portal.forms import DomainCheckedForm

from . import services
from .models import Agreement, CofinancingRule, Payment, Report, ReportSpending, TopUp, Tranche


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["application", "sent_at", "signed_at"]
    list_select_related = ["application"]
    readonly_fields = ["application", "created_at", "sent_at", "sent_by", "signed_at", "signed_by", "signed_file"]
    search_fields = ["application__reference", "application__title"]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    readonly_fields = ["paid_on", "amount", "reference", "recorded_by", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # payments go through the follow-up page, which refuses overpaying


@admin.register(Tranche)
class TrancheAdmin(admin.ModelAdmin):
    list_display = ["application", "number", "share", "amount", "requires_report"]
    list_select_related = ["application", "requires_report"]
    readonly_fields = ["application", "number", "share", "amount", "requires_report"]
    inlines = [PaymentInline]
    search_fields = ["application__reference", "application__title"]


class SpendingInline(admin.TabularInline):
    model = ReportSpending
    extra = 0
    readonly_fields = ["budget_line", "actual"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "number", "due_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "application__title"]
    fields = ["application", "kind", "number", "due_on", "status", "narrative", "cash_certificate", "in_kind_certificate",
              "submitted_at", "reviewed_at", "review_comment", "reminders_sent"]
    readonly_fields = ["application", "kind", "number", "status", "narrative", "cash_certificate", "in_kind_certificate",
                       "submitted_at", "reviewed_at", "review_comment", "reminders_sent"]
    inlines = [SpendingInline]


class CofinancingRuleAdminForm(DomainCheckedForm):
    domain_check = staticmethod(services.check_rule)

    class Meta:
        model = CofinancingRule
        fields = "__all__"


@admin.register(CofinancingRule)
class CofinancingRuleAdmin(admin.ModelAdmin):
    """Same rules as the page and the API: `check_rule` refuses in the form, `save_rule` saves and applies."""

    form = CofinancingRuleAdminForm
    list_display = ["name", "partner", "programme", "diaspora_country", "project_country", "rate", "cap", "is_active"]
    list_filter = ["partner", "programme", "is_active"]

    def save_model(self, request, obj, form, change):
        services.save_rule(by=request.user, rule=obj)


@admin.register(TopUp)
class TopUpAdmin(SimpleHistoryAdmin):
    list_display = ["application", "rule", "computed_amount", "amount", "override_reason"]
    list_select_related = ["application", "rule__partner"]
    readonly_fields = ["rule", "application", "base", "computed_amount", "amount", "override_reason", "updated_by", "updated_at"]
    search_fields = ["application__reference", "application__title"]
