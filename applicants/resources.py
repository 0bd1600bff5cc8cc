"""The sheets of the applicants app: the class list it imports, the declaration list and the roster."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from simple_history.utils import bulk_update_with_history
from tablib import Dataset

from applicants.models import Applicant, Education
from applicants.services.accounts import applicants_create_bulk
from jianding.identity import ResidentId, resident_id_parse
from jianding.imports import FormulaWithoutValue
from jianding.models import User
from jianding.phones import phone_assign, phone_normalise
from jianding.privacy import Where, id_number_shown, phone_shown


def _row(number, application, viewer):
    applicant = application.applicant
    return [
        number,
        applicant.name,
        applicant.get_sex_display(),
        id_number_shown(applicant.id_number, viewer, Where.REGISTER),
        applicant.get_education_display(),
        application.batch.occupation.name,
        application.batch.get_level_display(),
        application.get_category_display(),
        application.class_name,
        application.get_theory_attempt_display(),
        application.get_skill_attempt_display(),
        phone_shown(applicant.phone, viewer, Where.REGISTER),
    ]


HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "文化程度",
    "职业（工种）",
    "等级",
    "类别",
    "班级/单位",
    "理论",
    "技能",
    "联系电话",
]


def applications_dataset(applications, *, viewer) -> Dataset:
    """Applications in the layout the city center takes (申报名单, 花名册)."""
    dataset = Dataset(headers=HEADERS)
    for number, application in enumerate(applications, start=1):
        dataset.append(_row(number, application, viewer))
    return dataset


def _cell_text(value) -> str:
    """A cell as text: Excel stores a long number typed without a leading ' as a number."""
    if isinstance(value, FormulaWithoutValue):
        raise ValueError(_("This cell holds a formula without a saved value; type the value itself."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value if value is not None else "").split())


class TextWidget(widgets.Widget):
    def __init__(self, *, max_length: int, required: bool = True):
        super().__init__()
        self.max_length, self.required = max_length, required

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if self.required and not text:
            raise ValueError(_("This cell is empty."))
        if len(text) > self.max_length:
            raise ValueError(_("At most %(limit)d characters.") % {"limit": self.max_length})
        return text


class ResidentIdWidget(widgets.Widget):
    """The checked ID number; each cell is parsed once per import however often it is read."""

    def __init__(self):
        super().__init__()
        self.parsed: dict[object, ResidentId | str] = {}

    def parse(self, value) -> ResidentId:
        key = (type(value), value)  # a formula without a value equals "", but is told apart
        if key not in self.parsed:
            self.parsed[key] = self._parse(value)
        result = self.parsed[key]
        if isinstance(result, str):
            raise ValueError(result)
        return result

    @staticmethod
    def _parse(value) -> ResidentId | str:
        if isinstance(value, float) and value >= 1e15:
            # 18 digits do not survive as a number: the last ones are already lost.
            return _(
                "Excel stored this ID number as a number and lost its last digits; format the column as text and type it again."
            )
        try:
            return resident_id_parse(_cell_text(value))
        except ValidationError as error:
            return " ".join(error.messages)
        except ValueError as error:
            return str(error)

    def clean(self, value, row=None, **kwargs):
        return self.parse(value).number


class PhoneWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        try:
            return phone_normalise(_cell_text(value))
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None


class EducationWidget(widgets.Widget):
    """文化程度 by its Chinese label (初中, 高中, 中专 …); an empty cell leaves it unknown."""

    # The words clerks write besides the labels themselves.
    ALIASES = {
        "初中": Education.JUNIOR_HIGH,
        "高中": Education.SENIOR_HIGH,
        "中专": Education.VOCATIONAL,
        "职高": Education.VOCATIONAL,
        "技校": Education.VOCATIONAL,
        "中职": Education.VOCATIONAL,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "本科": Education.BACHELOR,
        "硕士": Education.BACHELOR,
        "研究生": Education.BACHELOR,
        "博士": Education.BACHELOR,
    }

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if not text:
            return ""
        by_label = {str(label): code for code, label in Education.choices}
        code = by_label.get(text) or self.ALIASES.get(text)
        if code is None:
            raise ValueError(_("Write one of: %(labels)s.") % {"labels": "、".join(self.ALIASES)})
        return code

    def render(self, value, obj=None, **kwargs):
        return str(Education(value).label) if value else ""


class ClassListResource(resources.ModelResource):
    """A class list (姓名, 身份证号, 手机号, 班级, 文化程度) imported as applicant accounts.

    Known ID numbers update the phone, class and education of that applicant;
    new ones become accounts waiting for their invitation. Existing records
    are loaded once per import, not once per row, and rows are written in bulk.
    """

    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget(max_length=50))
    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=ResidentIdWidget())
    phone = fields.Field(attribute="phone", column_name="手机号", widget=PhoneWidget())
    employer_or_class = fields.Field(
        attribute="employer_or_class", column_name="班级", widget=TextWidget(max_length=60)
    )
    education = fields.Field(attribute="education", column_name="文化程度", widget=EducationWidget())

    UPDATED_FIELDS = ("phone", "employer_or_class", "education")
    # The page says 文化程度 may be left out; a sheet without the column imports as if it were empty.
    OPTIONAL_COLUMNS = ("文化程度",)

    class Meta:
        model = Applicant
        import_id_fields = ("id_number",)
        fields = ("name", "id_number", "phone", "employer_or_class", "education")
        use_bulk = True
        batch_size = None
        skip_diff = True
        report_skipped = True
        clean_model_instances = False

    def before_import(self, dataset, **kwargs):
        self.actor = kwargs.get("user")
        field = self.fields["id_number"]
        field.widget.parsed.clear()
        numbers = set()
        for value in dataset[field.column_name] if field.column_name in (dataset.headers or []) else []:
            try:
                numbers.add(field.widget.parse(value).number)
            except ValueError:
                continue
        self.existing = {
            applicant.id_number: applicant for applicant in Applicant.objects.filter(id_number__in=numbers)
        }
        self.originals = {
            number: (applicant.name, *(getattr(applicant, name) for name in self.UPDATED_FIELDS))
            for number, applicant in self.existing.items()
        }
        self.other_accounts = set(
            User.objects.filter(username__in=numbers - self.existing.keys()).values_list(
                "username", flat=True
            )
        )
        self.first_row = {}

    def get_instance(self, instance_loader, row):
        try:
            number = self.fields["id_number"].clean(row)
        except ValueError:
            return None
        return self.existing.get(number)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        number = instance.id_number
        if "id_number" not in errors and number:
            earlier = self.first_row.setdefault(number, kwargs["row_number"])
            if earlier != kwargs["row_number"]:
                errors["id_number"] = [_("The same ID number is on row %(row)d.") % {"row": earlier + 1}]
            elif number in self.other_accounts:
                errors["id_number"] = [_("A staff account uses this number as its login name.")]
            elif instance.pk is None:
                resident = self.fields["id_number"].widget.parse(row[self.fields["id_number"].column_name])
                instance.birth_date, instance.sex = resident.birth_date, resident.sex
            elif not instance.education:
                # An empty cell keeps what the applicant already recorded.
                instance.education = self.originals[number][3]
            if (
                instance.pk is not None
                and "name" not in errors
                and instance.name != self.originals[number][0]
            ):
                errors["name"] = [
                    _("This ID number is registered for “%(name)s”; check the name and the number.")
                    % {"name": self.originals[number][0]}
                ]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        now = (instance.name, *(getattr(instance, name) for name in self.UPDATED_FIELDS))
        return now == self.originals[instance.id_number]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                applicants_create_bulk(
                    actor=self.actor, applicants=self.create_instances, reason=_("Imported from a class list")
                )
            except Exception as error:  # reported on the result, as import-export does
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_with_history(
                    self.update_instances,
                    Applicant,
                    list(self.UPDATED_FIELDS),
                    default_user=self.actor,
                    default_change_reason=_("Imported from a class list"),
                )
                self._account_phones_follow()
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def _account_phones_follow(self) -> None:
        """Give the accounts of applicants whose phone the list changed the new number, unverified:
        text messages go to the account's phone, never to the number he left."""
        changed = {
            applicant.user_id: applicant.phone
            for applicant in self.update_instances
            if applicant.user_id and applicant.phone != self.originals[applicant.id_number][1]
        }
        accounts = [
            user for user in User.objects.filter(pk__in=changed) if phone_assign(user, changed[user.pk])
        ]
        if accounts:
            bulk_update_with_history(
                accounts,
                User,
                ["phone", "phone_verified_at"],
                default_user=self.actor,
                default_change_reason=_("Imported from a class list"),
            )
