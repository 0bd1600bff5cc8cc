import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jianding.models import User
from jianding.resources import role_labels


class StaffTable(tables.Table):
    username = tables.LinkColumn("accounts:edit_staff", args=[tables.A("pk")], verbose_name=_("login name"))
    role = tables.Column(verbose_name=_("roles"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("may sign in"))

    class Meta:
        model = User
        fields = ("username", "name", "phone", "role", "is_active", "last_login")
        attrs = {"class": "table table-hover align-middle"}

    def render_role(self, record):
        return role_labels(record)
