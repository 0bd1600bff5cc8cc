from import_export import fields, resources, widgets

from exams.models import Level, Occupation


class LevelListWidget(widgets.Widget):
    """Levels as "5,4,3" in a spreadsheet cell; only the five national levels pass."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        levels = sorted(
            {int(part) for part in str(value).replace("，", ",").split(",") if part.strip()}, reverse=True
        )
        unknown = [level for level in levels if level not in Level.values]
        if unknown:
            raise ValueError(f"levels must be among 1-5, not {unknown}")
        return levels

    def render(self, value, obj=None, **kwargs):
        return ",".join(str(level) for level in value or [])


class OccupationResource(resources.ModelResource):
    levels = fields.Field(attribute="levels", column_name="levels", widget=LevelListWidget())

    class Meta:
        model = Occupation
        import_id_fields = ("code",)
        fields = ("code", "name", "levels", "is_active")
        skip_unchanged = True
        report_skipped = True
