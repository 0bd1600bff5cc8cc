import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from jianding.forms import ID_MAX, YEAR_MAX, YEAR_MIN
from jianding.models import User
from jianding.roles import STAFF_ROLES
from jianding.searches import search_data

YES_NO_ALL = [("", _("all")), ("true", _("yes")), ("false", _("no"))]


class YearFilter(django_filters.NumberFilter):
    """The year of a date field; one out of range is refused by the form, never sent to the database."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(lookup_expr="year", min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An object's id; a number the database cannot hold is refused by the form."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """The filter of a list whose search box may take a whole ID number or login name.

    Its form posts (``includes/filter_form.html``), and it reads the search back from the
    session, so the text never shows in the list's address (``jianding.searches``). ``params``
    stand for the request's own when the list's filters were carried to another page.
    """

    posts_search = True

    def __init__(self, request, *, queryset, params: QueryDict | None = None):
        super().__init__(search_data(request, params), queryset=queryset, request=request)


class StaffFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    role = django_filters.ChoiceFilter(
        label=_("role"),
        field_name="groups__name",
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        empty_label=_("all roles"),
    )
    is_active = django_filters.BooleanFilter(label=_("may sign in"), widget=forms.Select(choices=YES_NO_ALL))
    taken_over = django_filters.BooleanFilter(
        label=_("password chosen by the holder"),
        field_name="must_change_password",
        exclude=True,
        widget=forms.Select(choices=YES_NO_ALL),
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active", "taken_over"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value) | Q(name__icontains=value) | Q(phone__icontains=value)
        )
