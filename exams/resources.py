from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from tablib import Dataset

from exams.models import Level, Occupation


def _whole(number: float) -> int:
    if not number.is_integer():
        raise ValueError(number)
    return int(number)


class LevelListWidget(widgets.Widget):
    """Levels as "5,4,3" in a spreadsheet cell; only the five national levels pass."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("Give at least one level, e.g. 5,4,3."))
        parts = [part.strip() for part in str(value).replace("，", ",").replace("、", ",").split(",")]
        try:
            # A whole number stored by Excel as 5.0 is fine; 4.9 is not a level.
            levels = {int(part) if part.isdigit() else _whole(float(part)) for part in parts if part}
        except ValueError:
            raise ValueError(_("Write levels as digits 1 to 5 separated by commas, e.g. 5,4,3.")) from None
        if not levels or not levels <= set(Level.values):
            raise ValueError(_("Levels are 1 to 5 (5 = 五级/初级工, 1 = 一级/高级技师)."))
        return sorted(levels, reverse=True)

    def render(self, value, obj=None, **kwargs):
        return ",".join(str(level) for level in value or [])


class OccupationResource(resources.ModelResource):
    """The occupation catalogue as a sheet with fixed Chinese headers, import and export alike."""

    code = fields.Field(attribute="code", column_name="职业编码")
    name = fields.Field(attribute="name", column_name="职业名称")
    levels = fields.Field(attribute="levels", column_name="可鉴定等级", widget=LevelListWidget())
    is_active = fields.Field(attribute="is_active", column_name="在用", widget=widgets.BooleanWidget())

    class Meta:
        model = Occupation
        import_id_fields = ("code",)
        fields = ("code", "name", "levels", "is_active")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


def plan_dataset(lines) -> Dataset:
    """The lines of an annual plan as the sheet the departments receive."""
    dataset = Dataset(headers=["月份", "职业编码", "职业（工种）", "等级", "预计人数", "系部"])
    for line in lines:
        dataset.append(
            [
                line.month,
                line.occupation.code,
                line.occupation.name,
                line.get_level_display(),
                line.expected_applicants,
                line.department,
            ]
        )
    return dataset


def statistics_dataset(rows) -> Dataset:
    """Statistics rows (``exams.selectors.statistics_by_month``) as a sheet."""
    dataset = Dataset(headers=["月份", "职业（工种）", "等级", "批次数", "计划人数", "报名人数"])
    for row in rows:
        dataset.append(
            [row.month, row.occupation, str(row.level), row.batches, row.planned_applicants, row.applicants]
        )
    return dataset
