import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianding.models import User
from jianding.roles import STAFF_ROLES


class StaffFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    role = django_filters.ChoiceFilter(
        label=_("role"),
        field_name="groups__name",
        choices=[(role.value, role.label) for role in STAFF_ROLES],
    )
    is_active = django_filters.BooleanFilter(label=_("may sign in"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value) | Q(name__icontains=value) | Q(phone__icontains=value)
        )
