from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from applicants.models import Applicant


@admin.register(Applicant)
class ApplicantAdmin(SimpleHistoryAdmin):
    list_display = ("name", "id_number", "sex", "birth_date", "phone")
    search_fields = ("name", "id_number", "phone")
    readonly_fields = ("birth_date", "sex")
