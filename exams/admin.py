from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from exams.models import (
    AppraisalPlan,
    Batch,
    CandidateCode,
    ExaminerAssignment,
    ExaminerProfile,
    ExaminerRelation,
    ExamSession,
    Incident,
    ItemDecision,
    ItemScore,
    Objection,
    Occupation,
    PaperHandover,
    PartResult,
    PatrolVisit,
    PlanLine,
    ProctorAbsence,
    QuestionBank,
    QuestionBankDownload,
    Recusal,
    Room,
    RoomRecord,
    RoomRecordSignature,
    ScoreSheet,
    ScoringStandard,
    Seat,
    SessionRoom,
    StandardItem,
    TheoryMark,
    Ticket,
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


@admin.register(Room)
class RoomAdmin(SimpleHistoryAdmin):
    list_display = ("name", "building", "kind", "capacity", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "building")


@admin.register(ExamSession)
class ExamSessionAdmin(SimpleHistoryAdmin):
    list_display = ("batch", "part", "sitting", "date", "starts_at", "status")
    list_filter = ("part", "status")


@admin.register(SessionRoom)
class SessionRoomAdmin(SimpleHistoryAdmin):
    list_display = ("session", "room", "order")
    filter_horizontal = ("proctors",)


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ("session", "session_room", "number", "application", "checked_in_at")
    raw_id_fields = ("application",)


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    list_display = ("number", "application", "issued_at", "issued_by")
    search_fields = ("number",)
    raw_id_fields = ("application",)


@admin.register(RoomRecord)
class RoomRecordAdmin(SimpleHistoryAdmin):
    list_display = ("session_room", "signed_at")


@admin.register(RoomRecordSignature)
class RoomRecordSignatureAdmin(SimpleHistoryAdmin):
    list_display = ("record", "proctor", "signed_at")


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ("record", "kind", "seat", "recorded_by", "recorded_at")
    list_filter = ("kind",)


@admin.register(PaperHandover)
class PaperHandoverAdmin(SimpleHistoryAdmin):
    list_display = ("session_room", "direction", "count", "sealed", "given_by", "received_by", "at")


@admin.register(PatrolVisit)
class PatrolVisitAdmin(SimpleHistoryAdmin):
    list_display = ("session_room", "patroller", "at", "checked")


@admin.register(ProctorAbsence)
class ProctorAbsenceAdmin(SimpleHistoryAdmin):
    list_display = ("proctor", "kind", "session_room", "status", "decided_by", "replacement")
    list_filter = ("kind", "status")


@admin.register(ExaminerRelation)
class ExaminerRelationAdmin(SimpleHistoryAdmin):
    list_display = ("examiner", "kind", "declared_at")


@admin.register(ExaminerAssignment)
class ExaminerAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("session", "examiner", "assigned_by", "assigned_at")


@admin.register(Recusal)
class RecusalAdmin(SimpleHistoryAdmin):
    list_display = ("session", "examiner", "found_at")


class StandardItemInline(admin.TabularInline):
    model = StandardItem
    extra = 0


@admin.register(ScoringStandard)
class ScoringStandardAdmin(SimpleHistoryAdmin):
    list_display = ("occupation", "level", "part", "version", "effective_from", "combine_rule")
    list_filter = ("part", "level")
    inlines = [StandardItemInline]


@admin.register(StandardItem)
class StandardItemAdmin(admin.ModelAdmin):
    list_display = ("standard", "order", "title", "max_points", "is_subjective")


@admin.register(CandidateCode)
class CandidateCodeAdmin(admin.ModelAdmin):
    list_display = ("session", "code", "seat")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(SimpleHistoryAdmin):
    list_display = ("session", "code", "examiner", "status", "signed_at")
    list_filter = ("status",)


@admin.register(ItemScore)
class ItemScoreAdmin(SimpleHistoryAdmin):
    list_display = ("sheet", "item", "points")


@admin.register(PartResult)
class PartResultAdmin(SimpleHistoryAdmin):
    list_display = ("session", "application", "points", "outcome")
    list_filter = ("outcome",)


@admin.register(ItemDecision)
class ItemDecisionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "item", "points", "decided_by", "decided_at")


@admin.register(TheoryMark)
class TheoryMarkAdmin(SimpleHistoryAdmin):
    list_display = ("code", "points", "imported_by", "imported_at")


@admin.register(Objection)
class ObjectionAdmin(SimpleHistoryAdmin):
    list_display = ("batch", "raised_by", "raised_at", "answered_by", "answered_at")
    search_fields = ("raised_by", "text")
