from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from exams.models import Level, Occupation


class LevelListWidget(widgets.Widget):
    """Levels as "5,4,3" in a spreadsheet cell; only the five national levels pass."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("Give at least one level, e.g. 5,4,3."))
        parts = [part.strip() for part in str(value).replace("，", ",").replace("、", ",").split(",")]
        try:
            levels = {int(float(part)) for part in parts if part}
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
