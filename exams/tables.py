import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from exams.models import AppraisalPlan, Batch, Occupation


class OccupationTable(tables.Table):
    code = tables.LinkColumn("exams:edit_occupation", args=[tables.A("pk")], verbose_name=_("national code"))
    levels = tables.Column(verbose_name=_("licensed levels"), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("in use"))

    class Meta:
        model = Occupation
        fields = ("code", "name", "levels", "is_active")
        attrs = {"class": "table table-hover align-middle"}

    def render_levels(self, record):
        return "、".join(str(label) for label in record.level_labels())


class PlanTable(tables.Table):
    plan = tables.LinkColumn(
        "exams:view_plan", args=[tables.A("pk")], text=str, accessor="pk", verbose_name=_("plan")
    )
    line_count = tables.Column(verbose_name=_("lines"))
    expected_total = tables.Column(verbose_name=_("expected applicants"))

    class Meta:
        model = AppraisalPlan
        fields = ("plan", "status", "line_count", "expected_total", "created_by", "decided_by", "decided_at")
        attrs = {"class": "table table-hover align-middle"}


class BatchTable(tables.Table):
    batch = tables.LinkColumn(
        "exams:view_batch", args=[tables.A("pk")], text=str, accessor="pk", verbose_name=_("batch")
    )
    fee = tables.Column(verbose_name=_("appraisal fee (yuan)"))

    class Meta:
        model = Batch
        fields = (
            "batch",
            "status",
            "registration_opens",
            "registration_closes",
            "theory_date",
            "skill_date",
            "fee",
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_fee(self, value):
        return f"{value:.2f}"  # SQLite drops the trailing zeros of an annotation
