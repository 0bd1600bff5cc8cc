"""Django's admin for the center's IT staff: no one enters it on a password alone.

The admin shows every record whole (full ID numbers among them), so besides
is_staff it asks for a session verified with a second factor. Whether it
answers at all, and to which addresses, is ``jianding.middleware.AdminGateMiddleware``.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class JiandingAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()


class JiandingAdminConfig(AdminConfig):
    default_site = "jianding.admin_site.JiandingAdminSite"
