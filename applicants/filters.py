import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicants.models import Applicant, Application, ApplicationStatus, Category
from applicants.selectors import application_search
from jianding.filters import IdFilter, SearchFilterSet


class ReviewFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("name or ID number"), method="filter_q")
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=ApplicationStatus.choices, empty_label=_("all")
    )
    category = django_filters.ChoiceFilter(
        label=_("category"), choices=Category.choices, empty_label=_("all")
    )
    class_name = django_filters.CharFilter(label=_("class or employer"), lookup_expr="icontains")
    batch = IdFilter(label=_("batch"), field_name="batch_id")

    class Meta:
        model = Application
        fields = ["q", "status", "category", "class_name", "batch"]

    def filter_q(self, queryset, name, value):
        return application_search(queryset, value)


class InvitationFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("name or ID number"), method="filter_q")
    employer_or_class = django_filters.CharFilter(label=_("class or employer"), lookup_expr="icontains")

    class Meta:
        model = Applicant
        fields = ["q", "employer_or_class"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(id_number__icontains=value.upper()))


class MyApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=ApplicationStatus.choices, empty_label=_("all")
    )

    class Meta:
        model = Application
        fields = ["status"]
