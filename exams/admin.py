from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from exams.models import ExaminerProfile, Occupation
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
