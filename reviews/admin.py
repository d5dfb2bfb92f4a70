from django.contrib import admin

from .models import (
    ChecklistItem,
    CommitteeDecision,
    CommitteeSession,
    ConflictDeclaration,
    CriterionScore,
    OperatorOpinion,
    Review,
    ReviewAssignment,
    StaffNote,
)


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["assignment", "score", "recommendation", "submitted_at", "shared_with_applicant"]
    list_filter = ["recommendation", "shared_with_applicant"]
    inlines = [CriterionScoreInline]
    list_select_related = ["assignment__application", "assignment__reviewer"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["application", "reviewer", "assigned_at"]
    list_select_related = ["application", "reviewer"]
    raw_id_fields = ["application"]


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "place", "status"]
    list_filter = ["status", "call"]


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are recorded in a session, through the workflow."""

    list_display = ["application", "session", "outcome", "amount", "decided_by", "decided_at"]
    list_select_related = ["application", "session__call", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(ChecklistItem)
admin.site.register(OperatorOpinion)
admin.site.register(ConflictDeclaration)
admin.site.register(StaffNote)
