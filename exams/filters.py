import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exams.models import (
    AbsenceStatus,
    AppraisalPlan,
    BankStatus,
    Batch,
    BatchStatus,
    Level,
    Occupation,
    PlanLine,
    PlanStatus,
    ProctorAbsence,
    QuestionBank,
    ScoreSheet,
    SessionRoom,
    SheetStatus,
)
from exams.selectors import BATCH_STEPS, batches_at_step, duties_ahead
from jianding.filters import YES_NO_ALL, YearFilter


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
    step = django_filters.ChoiceFilter(
        label=_("waiting for"),
        choices=[(key, label) for key, (label, _batches) in BATCH_STEPS.items()],
        method="filter_step",
        empty_label=_("all"),
    )

    class Meta:
        model = Batch
        fields = ["q", "status", "level", "year", "step"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(occupation__name__icontains=value) | Q(occupation__code__icontains=value))

    def filter_step(self, queryset, name, value):
        return queryset.filter(pk__in=batches_at_step(actor=self.request.user, step=value).values("pk"))


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=PlanStatus.choices, empty_label=_("all"))

    class Meta:
        model = AppraisalPlan
        fields = ["status"]


class BankFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=BankStatus.choices, empty_label=_("all"))

    class Meta:
        model = QuestionBank
        fields = ["status"]


class AbsenceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=AbsenceStatus.choices, empty_label=_("all")
    )

    class Meta:
        model = ProctorAbsence
        fields = ["status"]


class PlanLineFilter(django_filters.FilterSet):
    without_batch = django_filters.BooleanFilter(
        label=_("no batch created yet"),
        field_name="batches",
        lookup_expr="isnull",
        distinct=True,
        widget=forms.Select(choices=YES_NO_ALL),
    )

    class Meta:
        model = PlanLine
        fields = ["without_batch"]


class SheetFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=SheetStatus.choices, empty_label=_("all"))

    class Meta:
        model = ScoreSheet
        fields = ["status"]


class DutyFilter(django_filters.FilterSet):
    """A proctor's rooms; without a choice, those from today on, as his dashboard card counts."""

    when = django_filters.ChoiceFilter(
        label=_("when"),
        choices=[("ahead", _("from today on")), ("past", _("before today"))],
        method="filter_when",
        empty_label=_("all"),
    )

    class Meta:
        model = SessionRoom
        fields = ["when"]

    def __init__(self, request, *, queryset):
        data = request.GET.copy()
        data.setdefault("when", "ahead")
        super().__init__(data, queryset=queryset, request=request)

    def filter_when(self, queryset, name, value):
        ahead = Q(pk__in=duties_ahead(actor=self.request.user).values("pk"))
        return queryset.filter(ahead if value == "ahead" else ~ahead)
