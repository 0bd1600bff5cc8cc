from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from jianding.models import User
from jianding.roles import Role


def role_labels(user: User) -> str:
    """Name the roles of ``user`` as a clerk would, chief examiner included."""
    held = {group.name for group in user.groups.all()}
    names = [str(role.label) for role in Role if role.value in held]
    profile = getattr(user, "examiner_profile", None)
    if profile is not None and profile.is_chief_examiner:
        names.append(str(_("chief examiner")))
    return "、".join(names)


class StaffResource(resources.ModelResource):
    username = fields.Field(attribute="username", column_name=_("login name"))
    name = fields.Field(attribute="name", column_name=_("name"))
    phone = fields.Field(attribute="phone", column_name=_("phone"))
    role = fields.Field(column_name=_("roles"))
    is_active = fields.Field(column_name=_("may sign in"))

    class Meta:
        model = User
        fields = ("username", "name", "phone", "role", "is_active")

    def dehydrate_role(self, user):
        return role_labels(user)

    def dehydrate_is_active(self, user):
        return str(_("yes") if user.is_active else _("no"))
