import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance.models import Expense, ExpenseStatus, FeePlan, FeePlanStatus, LedgerEntry, Subject
from finance.selectors import dues_unpaid, refunds_waiting_for_director
from jianding.filters import SearchFilterSet, YearFilter


class DueFilter(SearchFilterSet):
    """Filters the applications of ``selectors.application_dues``: every filter is declared, no model named."""

    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    paid = django_filters.ChoiceFilter(
        label=pgettext_lazy("payment state", "fee"),
        choices=[
            ("no", _("not paid")),
            ("yes", pgettext_lazy("payment state", "paid")),
            ("deferred", _("deferred")),
            ("refund", _("refund to approve")),
        ],
        method="filter_paid",
        empty_label=_("all"),
    )

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(applicant__name__icontains=value)
            | Q(applicant__id_number__icontains=value)
            | Q(batch__occupation__name__icontains=value)
        )

    def filter_paid(self, queryset, name, value):
        if value == "deferred":
            return queryset.filter(fee_deferral__isnull=False)
        if value == "refund":
            return queryset.filter(pk__in=refunds_waiting_for_director().values("application_id"))
        if value == "yes":
            return queryset.filter(due__isnull=False, paid__gte=F("due"))
        return dues_unpaid(queryset)


class ExpenseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=ExpenseStatus.choices, empty_label=_("all")
    )
    subject = django_filters.ModelChoiceFilter(
        label=_("subject"), queryset=Subject.objects.filter(kind=Subject.Kind.EXPENSE)
    )

    class Meta:
        model = Expense
        fields = ["status", "subject"]


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=LedgerEntry.Kind.choices, empty_label=_("all")
    )
    subject = django_filters.ModelChoiceFilter(label=_("subject"), queryset=Subject.objects.all())
    year = YearFilter(label=_("year"), field_name="date")
    month = django_filters.NumberFilter(
        label=_("month"), field_name="date", lookup_expr="month", min_value=1, max_value=12
    )

    class Meta:
        model = LedgerEntry
        fields = ["kind", "subject", "year", "month"]


class FeePlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=FeePlanStatus.choices, empty_label=_("all")
    )

    class Meta:
        model = FeePlan
        fields = ["status"]
