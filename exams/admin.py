from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from exams.models import (
    AppraisalPlan,
    Batch,
    ExaminerProfile,
    Occupation,
    PlanLine,
    QuestionBank,
    QuestionBankDownload,
)
from exams.resources import OccupationResource


@admin.register(Occupation)
class OccupationAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [OccupationResource]
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")
    list_filter = ("is_active",)


@admin.register(ExaminerProfile)
class ExaminerProfileAdmin(SimpleHistoryAdmin):
    list_display = ("user", "is_chief_examiner")
    list_filter = ("is_chief_examiner",)
    search_fields = ("user__username", "user__name")


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    extra = 0


@admin.register(AppraisalPlan)
class AppraisalPlanAdmin(SimpleHistoryAdmin):
    list_display = ("year", "revision", "status", "decided_by", "decided_at")
    list_filter = ("status", "year")
    inlines = [PlanLineInline]


@admin.register(PlanLine)
class PlanLineAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "month", "occupation", "level", "expected_applicants", "department")
    list_filter = ("plan__year",)


@admin.register(Batch)
class BatchAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "status", "registration_opens", "registration_closes", "theory_date")
    list_filter = ("status", "level")
    search_fields = ("occupation__name", "occupation__code")


@admin.register(QuestionBank)
class QuestionBankAdmin(SimpleHistoryAdmin):
    list_display = ("occupation", "level", "title", "status", "uploaded_by", "uploaded_at")
    list_filter = ("status",)


@admin.register(QuestionBankDownload)
class QuestionBankDownloadAdmin(admin.ModelAdmin):
    list_display = ("bank", "user", "at", "ip_address")
    readonly_fields = ("bank", "user", "at", "ip_address")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
