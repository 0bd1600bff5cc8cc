from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exams.models import (
    AbsenceKind,
    CombineRule,
    ExaminerProfile,
    ExaminerState,
    IncidentKind,
    Level,
    Occupation,
    PlanLine,
    RelationKind,
    Room,
    RoomKind,
    SessionPart,
    SessionRoom,
    default_social_documents,
    default_student_documents,
    usual_documents,
)
from finance.selectors import fee_items_in_approved_plans
from jianding.documents import DocumentKind
from jianding.forms import DateInput, FormHelperMixin, ModelChoicesField
from jianding.models import User
from jianding.roles import PROCTORING_ROLES


class OccupationForm(FormHelperMixin, forms.Form):
    code = forms.CharField(
        label=_("national code"), max_length=12, validators=Occupation._meta.get_field("code").validators
    )
    name = forms.CharField(label=_("occupation name"), max_length=60)
    levels = forms.TypedMultipleChoiceField(
        label=_("licensed levels"), choices=Level.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("in use"), required=False, initial=True)


class PlanCreateForm(FormHelperMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    basis = forms.CharField(
        label=_("basis and changes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PlanLineForm(FormHelperMixin, forms.Form):
    occupation = forms.ModelChoiceField(
        label=_("occupation"), queryset=Occupation.objects.filter(is_active=True)
    )
    level = forms.TypedChoiceField(label=_("level"), choices=Level.choices, coerce=int)
    month = forms.TypedChoiceField(
        label=_("month"), choices=[(month, f"{month} 月") for month in range(1, 13)], coerce=int
    )
    expected_applicants = forms.IntegerField(label=_("expected applicants"), min_value=1, max_value=5000)
    department = forms.CharField(label=_("department"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new line is most often for the month ahead (in Shanghai).
        self.fields["month"].initial = timezone.localdate().month % 12 + 1


class BatchForm(FormHelperMixin, forms.Form):
    plan_line = forms.ModelChoiceField(
        label=_("plan line"),
        queryset=PlanLine.objects.none(),
        required=False,
        help_text=_("Leave empty for a batch outside the plan; the director then approves it."),
    )
    occupation = forms.ModelChoiceField(
        label=_("occupation"), queryset=Occupation.objects.filter(is_active=True)
    )
    level = forms.TypedChoiceField(label=_("level"), choices=Level.choices, coerce=int)
    registration_opens = forms.DateField(label=_("registration opens"), widget=DateInput)
    registration_closes = forms.DateField(label=_("registration closes"), widget=DateInput)
    theory_date = forms.DateField(label=_("theory exam date"), widget=DateInput)
    skill_date = forms.DateField(label=_("skill assessment date"), widget=DateInput)
    fee_item = forms.ModelChoiceField(
        label=_("fee item"),
        queryset=fee_items_in_approved_plans(),
        required=False,
        help_text=_(
            "From the approved fee plan of the year registration opens; registration cannot open without it."
        ),
    )
    min_age = forms.IntegerField(label=_("minimum age"), min_value=14, max_value=70, initial=16)
    eligibility = forms.CharField(
        label=_("eligibility requirements"), widget=forms.Textarea(attrs={"rows": 4})
    )
    student_documents = forms.MultipleChoiceField(
        label=_("documents for students"),
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=default_student_documents,
    )
    social_documents = forms.MultipleChoiceField(
        label=_("documents for social applicants"),
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=default_social_documents,
    )
    scheme = forms.CharField(label=_("implementation scheme"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, plan_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan_lines is not None:
            self.fields["plan_line"].queryset = plan_lines
            self.fields["plan_line"].label_from_instance = lambda line: f"{line.plan.year} 年 {line}"
        today = timezone.localdate()
        self.fields["registration_opens"].initial = today
        # A batch of a known level (from its plan line) asks for what that level usually needs.
        level = self.initial.get("level")
        if level is not None and not {"student_documents", "social_documents"} & set(self.initial):
            student, social = usual_documents(level)
            self.fields["student_documents"].initial = student
            self.fields["social_documents"].initial = social


class BankUploadForm(FormHelperMixin, forms.Form):
    occupation = forms.ModelChoiceField(
        label=_("occupation"), queryset=Occupation.objects.filter(is_active=True)
    )
    level = forms.TypedChoiceField(label=_("level"), choices=Level.choices, coerce=int)
    title = forms.CharField(label=_("title"), max_length=100)
    file = forms.FileField(label=_("file (PDF)"))


class RoomForm(FormHelperMixin, forms.Form):
    name = forms.CharField(label=_("room"), max_length=40)
    building = forms.CharField(label=_("building"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=_("seats or stations"), min_value=1, max_value=99)
    equipment = forms.CharField(
        label=_("equipment the stations need"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Workshops: one item per line."),
    )
    is_active = forms.BooleanField(label=_("in use"), required=False, initial=True)


class SessionForm(FormHelperMixin, forms.Form):
    part = forms.ChoiceField(label=_("part"), choices=SessionPart.choices)
    sitting = forms.IntegerField(
        label=_("sitting"),
        min_value=1,
        max_value=9,
        initial=1,
        help_text=_("2, 3 … when one sitting is not enough."),
    )
    date = forms.DateField(label=_("date"), widget=DateInput)
    starts_at = forms.TimeField(label=_("starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("place"), max_length=100, required=False)
    late_entry_minutes = forms.IntegerField(
        label=_("latest entry (minutes after the start)"), min_value=0, max_value=60, initial=15
    )
    technician = forms.CharField(
        label=_("technician on site"),
        max_length=50,
        required=False,
        help_text=_("Skill assessment: who keeps the equipment running."),
    )
    rooms = ModelChoicesField(
        label=_("rooms (seated by building and name)"),
        queryset=Room.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )


def proctoring_staff():
    """Everyone who may be named a room's proctor: proctors, examiners and exam staff [考评组 §2, 考务组 §5]."""
    return (
        User.objects.filter(groups__name__in=[role.value for role in PROCTORING_ROLES], is_active=True)
        .distinct()
        .order_by("name")
    )


class ProctorsForm(forms.Form):
    proctors = ModelChoicesField(
        label=_("proctors"),
        queryset=proctoring_staff(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class SeatMoveForm(forms.Form):
    session_room = forms.ModelChoiceField(label=_("exam room"), queryset=SessionRoom.objects.none())
    number = forms.IntegerField(label=_("seat"), min_value=1, max_value=99)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_room"].queryset = session.session_rooms.select_related("room")


class ScanInput(forms.TextInput):
    """A field a scanner types into: it comes back empty after every answer, so the next scan stands alone."""

    def format_value(self, value):
        return None


class CheckInForm(FormHelperMixin, forms.Form):
    ticket_number = forms.CharField(
        label=_("admission ticket number"),
        max_length=20,
        help_text=_("Scan the QR code on the ticket, or type the 12 digits."),
        widget=ScanInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "off"}),
    )


class IncidentForm(FormHelperMixin, forms.Form):
    seat_number = forms.IntegerField(
        label=_("seat"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Empty when it concerns the room."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=IncidentKind.choices)
    description = forms.CharField(
        label=_("what happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignRecordForm(FormHelperMixin, forms.Form):
    notes = forms.CharField(
        label=_("course of the exam"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Start and end, papers, anything the incidents do not say."),
    )
    password = forms.CharField(
        label=_("your password, as signature"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class HandoverForm(FormHelperMixin, forms.Form):
    count = forms.IntegerField(label=_("papers"), min_value=0, max_value=999)
    sealed = forms.BooleanField(label=_("seal intact"), required=False, initial=True)
    given_by = forms.ModelChoiceField(label=_("handed over by"), queryset=User.objects.none())

    def __init__(self, *args, givers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = givers


class PatrolForm(FormHelperMixin, forms.Form):
    checked = forms.CharField(
        label=_("checked"), max_length=200, initial=_("identity checks, seating, discipline")
    )
    findings = forms.CharField(
        label=_("findings"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AbsenceRequestForm(FormHelperMixin, forms.Form):
    kind = forms.ChoiceField(choices=AbsenceKind.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), max_length=200)


class AbsenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("approve")), ("refuse", _("refuse"))])
    note = forms.CharField(label=_("note on the decision"), max_length=200, required=False)
    replacement = forms.ModelChoiceField(
        label=_("replacement"),
        queryset=proctoring_staff(),
        required=False,
    )


class ExaminerProfileForm(FormHelperMixin, forms.Form):
    certificate_number = forms.CharField(
        label=_("examiner certificate number"), max_length=30, required=False
    )
    occupations = ModelChoicesField(
        label=_("occupations he assesses"),
        queryset=Occupation.objects.filter(is_active=True).order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    highest_level = forms.TypedChoiceField(
        label=_("highest level he assesses"),
        choices=[("", "—"), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    valid_from = forms.DateField(label=_("valid from"), required=False, widget=DateInput)
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=DateInput)
    state = forms.ChoiceField(label=_("state"), choices=ExaminerState.choices)
    state_note = forms.CharField(
        label=_("misconduct and decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RelationForm(FormHelperMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(label=_("resident ID number"), max_length=24)
    kind = forms.ChoiceField(label=_("relation"), choices=RelationKind.choices)


class AssignExaminerForm(forms.Form):
    examiner = forms.ModelChoiceField(
        label=_("examiner"),
        queryset=ExaminerProfile.objects.filter(state=ExaminerState.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("user__name"),
    )


class StandardForm(FormHelperMixin, forms.Form):
    occupation = forms.ModelChoiceField(
        label=_("occupation"), queryset=Occupation.objects.filter(is_active=True).order_by("code")
    )
    level = forms.TypedChoiceField(label=_("level"), choices=Level.choices, coerce=int)
    part = forms.ChoiceField(label=_("part"), choices=SessionPart.choices)
    effective_from = forms.DateField(label=_("in force from"), widget=DateInput)
    combine_rule = forms.ChoiceField(label=_("combining the examiners' points"), choices=CombineRule.choices)
    spread = forms.DecimalField(
        label=_("largest spread (points)"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        required=False,
        help_text=_("Only with the chief examiner's rule."),
    )


class StandardItemForm(forms.Form):
    title = forms.CharField(label=_("task or item"), max_length=120)
    max_points = forms.DecimalField(
        label=_("full marks"), max_digits=5, decimal_places=1, min_value=Decimal("0.5")
    )
    deductions = forms.CharField(label=_("deduction notes"), max_length=2000, required=False)
    is_subjective = forms.BooleanField(label=_("scored by judgement"), required=False)


StandardItemFormSet = forms.formset_factory(StandardItemForm, extra=8, min_num=1, validate_min=True)


class ItemScoreForm(forms.Form):
    """One item's points as the examiner types them: a Chinese or Latin comma is a decimal point;
    nothing clears the item."""

    points = forms.CharField(required=False)

    def clean_points(self) -> Decimal | None:
        raw = self.cleaned_data["points"].strip().replace("，", ".").replace(",", ".")
        if not raw:
            return None
        try:
            points = Decimal(raw)
        except InvalidOperation:
            points = None
        if points is None or not points.is_finite():
            raise forms.ValidationError(_("Type a number, e.g. 8 or 7.5."), code="not_a_number")
        return points


class SignSheetForm(FormHelperMixin, forms.Form):
    password = forms.CharField(
        label=_("your password, as signature"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ReopenSheetForm(forms.Form):
    reason = forms.CharField(label=_("why the sheet is reopened"), max_length=200)
    token = forms.CharField(label=_("code from the app, or a recovery code"), max_length=16, required=False)


class ItemDecisionForm(forms.Form):
    code = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label=_("points"), max_digits=5, decimal_places=1, min_value=0)
    reason = forms.CharField(label=_("reason"), max_length=200)


class ObjectionForm(FormHelperMixin, forms.Form):
    raised_by = forms.CharField(label=_("your name"), max_length=40)
    contact = forms.CharField(label=_("phone or e-mail (never published)"), max_length=80)
    text = forms.CharField(
        label=_("objection"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "min_length": _("Say in a few more words whom the objection concerns and why."),
            "max_length": _("Keep the objection under 2000 characters."),
        },
    )


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    seen_answer = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)


class ReportForm(FormHelperMixin, forms.Form):
    report_number = forms.CharField(label=_("report document number"), max_length=60)
    reported_on = forms.DateField(label=_("reported on"), widget=DateInput)


class TallyCheckForm(forms.Form):
    """The second person's check: a tick per candidate, and each paper mark typed again, blind."""

    confirmed = forms.TypedMultipleChoiceField(
        label=_("checked"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].choices = [(line.seat.pk, line.seat.pk) for line in lines]
        for line in lines:
            if line.paper is not None:
                self.fields[f"second-{line.seat.pk}"] = forms.DecimalField(
                    label=_("paper mark, typed again"),
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=1,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"step": "0.5", "inputmode": "decimal", "autocomplete": "off"}
                    ),
                )

    def second_field(self, line):
        return self[f"second-{line.seat.pk}"]

    def clean(self):
        data = super().clean()
        return {
            "confirmed": set(data.get("confirmed") or ()),
            "second_entries": {
                int(name.removeprefix("second-")): value
                for name, value in data.items()
                if name.startswith("second-")
            },
        }


class NotAdmittedForm(FormHelperMixin, forms.Form):
    reason = forms.CharField(
        label=_("why he is not admitted"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant reads it on his application."),
    )


class ResultStatisticsForm(forms.Form):
    """The results statistics' choice of occupation (``?occupation=``); the year is ``year_asked``."""

    occupation = forms.ModelChoiceField(
        label=_("occupation"), queryset=Occupation.objects.all(), required=False
    )
