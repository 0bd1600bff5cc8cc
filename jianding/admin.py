from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from jianding.models import Consultation, Disclosure, Download, Job, Notice, PasswordResetRequest, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "name", "phone", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    search_fields = ("username", "name", "phone")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser", "groups")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "password1", "password2")}),
    )


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "publish_at", "created_by")
    search_fields = ("title",)


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ("asker_name", "asked_at", "is_published", "answered_by")
    list_filter = ("is_published",)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "requested_by", "created_at", "status", "done", "total")
    list_filter = ("status",)
    readonly_fields = (
        "title",
        "requested_by",
        "status",
        "total",
        "done",
        "error",
        "file",
        "filename",
        "finished_at",
    )


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "ip_address", "filename")
    search_fields = ("user__username", "filename", "path")
    date_hierarchy = "at"


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "ip_address", "kind", "object_pk")
    search_fields = ("user__username", "kind")
    date_hierarchy = "at"


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(admin.ModelAdmin):
    list_display = ("at", "email", "ip_address")
    search_fields = ("email",)
