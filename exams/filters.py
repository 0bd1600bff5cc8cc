import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exams.models import Batch, BatchStatus, Level, Occupation
from jianding.filters import YearFilter


class OccupationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    is_active = django_filters.ChoiceFilter(
        label=_("in use"),
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_active",
        empty_label=_("all"),
    )

    class Meta:
        model = Occupation
        fields = ["q", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "true")


class BatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("status"), choices=BatchStatus.choices, empty_label=_("all"))
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices, empty_label=_("all"))
    year = YearFilter(label=_("year"), field_name="theory_date")

    class Meta:
        model = Batch
        fields = ["q", "status", "level", "year"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(occupation__name__icontains=value) | Q(occupation__code__icontains=value))
