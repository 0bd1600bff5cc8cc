from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from applicants.models import Applicant, Application, ApplicationDocument, Declaration, SignUpAttempt


@admin.register(Applicant)
class ApplicantAdmin(SimpleHistoryAdmin):
    list_display = ("name", "id_number", "sex", "birth_date", "phone")
    search_fields = ("name", "id_number", "phone")
    readonly_fields = ("birth_date", "sex")


class ApplicationDocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    readonly_fields = ("kind", "file", "content_type", "size", "sha256", "uploaded_at", "confirmed")


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("applicant", "batch", "category", "status", "submitted_at")
    list_filter = ("status", "category")
    search_fields = ("applicant__name", "applicant__id_number")
    inlines = [ApplicationDocumentInline]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("application", "kind", "content_type", "size", "uploaded_at")


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ("batch", "declared_at", "declared_by", "city_document_number", "city_approved_on")


@admin.register(SignUpAttempt)
class SignUpAttemptAdmin(admin.ModelAdmin):
    list_display = ("at", "ip_address")
    search_fields = ("ip_address",)
    date_hierarchy = "at"
