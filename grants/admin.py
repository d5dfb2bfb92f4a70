from django.contrib import admin

from forim_portal.forms import DomainCheckedForm

from . import services
from .currencies import check_rate
from .models import (
    Application,
    ApplicationDocument,
    ApplicationVersion,
    BudgetLine,
    Call,
    CallCurrencyRate,
    CorrectionRequest,
    CountryList,
    Criterion,
    Message,
    OperatorVisa,
    Programme,
    RuleWaiver,
    Transition,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]

    def save_model(self, request, obj, form, change):
        services.save_programme(by=request.user, programme=obj)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class CallCurrencyRateForm(DomainCheckedForm):
    domain_check = staticmethod(check_rate)

    class Meta:
        model = CallCurrencyRate
        fields = ["currency", "units_per_euro", "rate_date"]


class CallCurrencyRateInline(admin.TabularInline):
    """A call's exchange rates, checked as on the staff page and the API (grants.currencies.check_rate)."""

    model = CallCurrencyRate
    form = CallCurrencyRateForm
    extra = 0


class CallAdminForm(DomainCheckedForm):
    domain_check = staticmethod(services.check_call)

    class Meta:
        model = Call
        fields = "__all__"


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Same rules as the staff page and the API: `services.check_call` in the form, `services.save_call` to save."""

    form = CallAdminForm
    list_display = ["title", "programme", "year", "opens_at", "deadline", "envelope"]
    list_filter = ["programme", "year"]
    inlines = [CriterionInline, CallCurrencyRateInline]

    def save_model(self, request, obj, form, change):
        services.save_call(by=request.user, call=obj)


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["name", "from_state", "to_state", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-mostly: the status changes only through the workflow, never by editing here."""

    list_display = ["reference", "title", "organisation", "call", "status", "amount_requested"]
    list_filter = ["status", "call"]
    search_fields = ["reference", "title", "organisation__name"]
    # the awarded amount and the score are set by the committee and the reviews (envelope, rules), never here
    # in_kind is the sum of the budget's lines « en nature » (grants.services._save_budget)
    readonly_fields = ["status", "reference", "lock_version", "submitted_at", "awarded_amount", "score", "in_kind"]
    inlines = [BudgetLineInline, TransitionInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Kept for the record: made by the portal's services, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApplicationVersion)
class ApplicationVersionAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "created_at", "created_by"]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "sections", "requested_by", "created_at", "resolved_at"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["application", "author", "from_staff", "created_at", "read_at"]


@admin.register(OperatorVisa)
class OperatorVisaAdmin(ReadOnlyAdmin):
    list_display = ["application", "operator", "decision", "given_by", "created_at"]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ReadOnlyAdmin):
    list_display = ["application", "doc_type", "original_name", "uploaded_by", "uploaded_at"]


@admin.register(CountryList)
class CountryListAdmin(ReadOnlyAdmin):
    """Loaded from its data file by `manage.py load_dac_list` (grants.countries), not typed here."""

    list_display = ["name", "year", "is_default", "loaded_at"]


@admin.register(RuleWaiver)
class RuleWaiverAdmin(ReadOnlyAdmin):
    """Written by `services.lift_rule` (the staff dossier page, the API): the audit of who lifted which rule, when, why."""

    list_display = ["application", "rule", "by", "at", "reason"]
