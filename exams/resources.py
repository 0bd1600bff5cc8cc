from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from tablib import Dataset

from exams.models import CandidateCode, ExamSession, Level, Occupation, TheoryMark
from jianding.clock import local_text
from jianding.privacy import Where, id_number_shown


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


def rooms_dataset(rooms) -> Dataset:
    dataset = Dataset(headers=["考场", "楼宇", "类型", "座位/工位数", "设备要求", "在用"])
    for room in rooms:
        dataset.append(
            [
                room.name,
                room.building,
                room.get_kind_display(),
                room.capacity,
                room.equipment,
                "是" if room.is_active else "否",
            ]
        )
    return dataset


def arrangement_dataset(seats) -> Dataset:
    """The exam-room arrangement (考场安排表): every seat of a session with its candidate."""
    dataset = Dataset(headers=["考场", "座位号", "准考证号", "姓名", "班级/单位", "入场时间"])
    for seat in seats:
        ticket = getattr(seat.application, "ticket", None)
        dataset.append(
            [
                str(seat.session_room.room),
                seat.number,
                ticket.number if ticket else "",
                seat.application.applicant.name,
                seat.application.class_name,
                local_text(seat.checked_in_at, "%H:%M") if seat.checked_in_at else "",
            ]
        )
    return dataset


def schedule_dataset(rows) -> Dataset:
    """The implementation schedule (实施安排表) of a batch."""
    dataset = Dataset(headers=["科目", "场次", "日期", "时间", "地点", "考场", "人数", "监考人员"])
    for row in rows:
        session = row.session
        dataset.append(
            [
                session.get_part_display(),
                session.sitting,
                f"{session.date:%Y-%m-%d}",
                f"{session.starts_at:%H:%M}–{session.ends_at:%H:%M}",
                session.place,
                row.rooms,
                row.candidates,
                row.proctors,
            ]
        )
    return dataset


REGISTER_PARTS = (("theory", "理论"), ("skill", "技能"), ("review", "综合评审"))


def register_dataset(rows, *, viewer) -> Dataset:
    """The score register (成绩登记表) as the city center takes it."""
    headers = ["序号", "准考证号", "姓名", "身份证号", "班级/单位"]
    for _part, label in REGISTER_PARTS:
        headers += [f"{label}成绩", f"{label}结果"]
    dataset = Dataset(headers=[*headers, "是否合格"])
    for number, row in enumerate(rows, start=1):
        application = row.application
        ticket = getattr(application, "ticket", None)
        line = [
            number,
            ticket.number if ticket else "",
            application.applicant.name,
            id_number_shown(application.applicant.id_number, viewer, Where.REGISTER),
            application.class_name,
        ]
        for part, _label in REGISTER_PARTS:
            result = row.parts.get(part)
            # A part kept from an earlier batch reads as such ("已合格，免考").
            kept = getattr(application, f"{part}_attempt", "") == "kept"
            outcome = result.get_outcome_display() if result else ""
            if kept:
                outcome = str(getattr(application, f"get_{part}_attempt_display")())
            line += [result.points if result and result.points is not None else "", outcome]
        dataset.append([*line, "合格" if row.qualified else "不合格"])
    return dataset


class CodeWidget(widgets.Widget):
    """考生代码: an anonymous code of the session, however the cell spells its case and spaces."""

    def __init__(self, codes: dict[str, CandidateCode]):
        super().__init__()
        self.codes = codes

    def clean(self, value, row=None, **kwargs):
        code = "".join(str(value if value is not None else "").split()).upper()
        if code not in self.codes:
            raise ValueError(_("No candidate of this session has this code."))
        return self.codes[code]


class MarkWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        try:
            points = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValueError(_("Write the points as a number from 0 to 100.")) from None
        if not Decimal(0) <= points <= Decimal(100) or (points * 2) % 1:
            raise ValueError(_("Write the points as a number from 0 to 100, in half points."))
        return points


class TheoryMarkResource(resources.ModelResource):
    """Theory marks (考生代码, 分数) of one session, marked by hand or by a machine.

    A code seen before in the file is refused; a code already imported is
    updated, its history keeping the earlier points.
    """

    class Meta:
        model = TheoryMark
        import_id_fields = ("code",)
        fields = ("code", "points")
        skip_diff = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, session):
        self.session_pk = session.pk
        self.codes = {code.code: code for code in session.codes.all()}
        super().__init__()
        self.fields["code"] = fields.Field(
            attribute="code", column_name="考生代码", widget=CodeWidget(self.codes)
        )
        self.fields["points"] = fields.Field(attribute="points", column_name="分数", widget=MarkWidget())

    def before_import(self, dataset, **kwargs):
        self.actor = kwargs.get("user")
        self.first_row = {}
        # Inside the import's transaction: a tally committed meanwhile is seen, and waits for us.
        session = ExamSession.objects.select_for_update().get(pk=self.session_pk)
        if session.tallied_at is not None:
            raise ValueError(_("This session is tallied already."))

    def get_instance(self, instance_loader, row):
        try:
            code = self.fields["code"].clean(row)
        except ValueError:
            return None
        return TheoryMark.objects.filter(code=code).first()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        earlier = self.first_row.setdefault(instance.code_id, kwargs["row_number"])
        if earlier != kwargs["row_number"]:
            raise ValidationError({"code": [_("The same code is on row %(row)d.") % {"row": earlier + 1}]})
        instance.imported_by = self.actor


def code_list_dataset(codes) -> Dataset:
    """The codes to write on the theory papers, by room and seat (staff only: it joins code and seat)."""
    dataset = Dataset(headers=["考场", "座号", "准考证号", "考生代码", "分数"])
    for code in codes:
        seat = code.seat
        dataset.append(
            [seat.session_room.room.name, seat.number, seat.application.ticket.number, code.code, ""]
        )
    return dataset


def qualified_dataset(batch, rows, *, viewer) -> Dataset:
    """Those qualified (报名与合格人员登记表, its second half) as the city center takes them."""
    headers = ["序号", "姓名", "性别", "身份证号", "文化程度", "职业（工种）", "等级", "班级/单位"]
    dataset = Dataset(headers=[*headers, *(f"{label}成绩" for _part, label in REGISTER_PARTS)])
    for number, row in enumerate(rows, start=1):
        application = row.application
        applicant = application.applicant
        line = [
            number,
            applicant.name,
            applicant.get_sex_display(),
            id_number_shown(applicant.id_number, viewer, Where.REGISTER),
            applicant.get_education_display(),
            batch.occupation.name,
            batch.get_level_display(),
            application.class_name,
        ]
        for part, _label in REGISTER_PARTS:
            result = row.parts.get(part)
            line.append(result.points if result and result.points is not None else "")
        dataset.append(line)
    return dataset


def result_statistics_dataset(statistics) -> Dataset:
    """Pass rates by occupation and level, class and category, then the examiners, on one sheet.

    For an examiner the count is of his signed sheets, and those reaching the pass mark.
    """
    dataset = Dataset(
        headers=["分组", "项目", "人数（评分表数）", "合格人数", "合格率（%）", "平均分", "偏离"]
    )
    for group, rows in (
        ("职业与等级", statistics.by_occupation),
        ("班级/单位", statistics.by_class),
        ("类别", statistics.by_category),
    ):
        for row in rows:
            dataset.append([group, row.label, row.candidates, row.qualified, row.rate, "", ""])
    for row in statistics.examiners:
        dataset.append(
            ["考评员", row.examiner, row.sheets, row.passed, row.rate, row.mean_total, row.deviation]
        )
    return dataset
