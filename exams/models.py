import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jianding.clock import local_text
from jianding.roles import BATCH_VIEWER_ROLES, CATALOGUE_ROLES, MANAGEMENT_ROLES, Role, has_role


class Level(models.IntegerChoices):
    """The five national vocational qualification levels, from the lowest."""

    FIVE = 5, _("Level 5 / junior worker")
    FOUR = 4, _("Level 4 / intermediate worker")
    THREE = 3, _("Level 3 / senior worker")
    TWO = 2, _("Level 2 / technician")
    ONE = 1, _("Level 1 / senior technician")


class Occupation(models.Model):
    """An occupation of the national classification that the center may appraise."""

    code = models.CharField(
        _("national code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d-\d{2}-\d{2}-\d{2}$",
                _("Write the code as in the classification, e.g. 6-31-01-03."),
                code="invalid_code",
            )
        ],
        help_text=_("Code in the national occupational classification, e.g. 6-31-01-03."),
    )
    name = models.CharField(_("occupation name"), max_length=60)
    levels = models.JSONField(
        _("licensed levels"),
        default=list,
        help_text=_("The levels the center is licensed to appraise in this occupation."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def level_labels(self) -> list[str]:
        return [Level(value).label for value in sorted(self.levels, reverse=True)]


class ExaminerState(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    REVOKED = "revoked", _("revoked")


class ExaminerProfile(models.Model):
    """An examiner's qualification: certificate, the occupations and highest level he assesses, validity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("sign-in", "account"),
        on_delete=models.PROTECT,
        related_name="examiner_profile",
    )
    is_chief_examiner = models.BooleanField(
        _("chief examiner"),
        default=False,
        help_text=_(
            "Supervises examiners, reopens signed score sheets and approves a proctor leaving his post."
        ),
    )
    certificate_number = models.CharField(_("examiner certificate number"), max_length=30, blank=True)
    occupations = models.ManyToManyField(
        "Occupation", verbose_name=_("occupations he assesses"), blank=True, related_name="examiners"
    )
    highest_level = models.PositiveSmallIntegerField(
        _("highest level he assesses"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("He assesses this level and the levels below it."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ExaminerState.choices, default=ExaminerState.ACTIVE
    )
    state_note = models.TextField(
        _("misconduct and decision"),
        blank=True,
        help_text=_("Required when the qualification is suspended or revoked."),
    )
    history = HistoricalRecords(m2m_fields=[occupations])

    class Meta:
        verbose_name = _("examiner profile")
        verbose_name_plural = _("examiner profiles")

    def __str__(self):
        return str(self.user)


class RelationKind(models.TextChoices):
    RELATIVE = "relative", _("relative")
    APPRENTICE = "apprentice", _("apprentice")


class ExaminerRelation(models.Model):
    """A relative or apprentice an examiner declares; he is recused where that person is a candidate."""

    examiner = models.ForeignKey(
        ExaminerProfile, verbose_name=_("examiner"), on_delete=models.CASCADE, related_name="relations"
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    kind = models.CharField(_("relation"), max_length=10, choices=RelationKind.choices)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        ordering = ["declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["examiner", "id_number"], name="relation_declared_once")
        ]

    def __str__(self):
        return f"{self.examiner} {self.get_kind_display()}"


class Decided(models.Model):
    """Who approved, returned or rejected a record, when, and why."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason given with the decision"), blank=True)

    class Meta:
        abstract = True


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for approval")
    RETURNED = "returned", _("returned for changes")
    APPROVED = "approved", _("approved")
    SUPERSEDED = "superseded", _("superseded by a later revision")


class AppraisalPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AppraisalPlanQuerySet":
        """Return the plans ``user`` may read: the director, the deputy and the clerks."""
        return self if has_role(user, *MANAGEMENT_ROLES) else self.none()

    def in_force(self) -> "AppraisalPlanQuerySet":
        """Return the approved revisions, one per year at most."""
        return self.filter(status=PlanStatus.APPROVED)


class AppraisalPlan(Decided):
    """A year's appraisal plan (年度鉴定计划); a change to an approved plan is a new revision."""

    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    basis = models.TextField(
        _("basis and changes"),
        blank=True,
        help_text=_("The teaching plans it follows and, for a revision, what changed and why."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AppraisalPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual appraisal plan")
        verbose_name_plural = _("annual appraisal plans")
        ordering = ["-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "revision"], name="plan_revision_unique"),
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(status="approved"), name="plan_one_approved_per_year"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status__in=["draft", "submitted", "returned"]),
                name="plan_one_open_revision_per_year",
            ),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="plan_year_sane"),
        ]

    def __str__(self):
        return f"{self.year} 年度鉴定计划（第 {self.revision} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)

    @property
    def is_in_force(self) -> bool:
        return self.status == PlanStatus.APPROVED


class PlanLine(models.Model):
    """One planned batch in an annual plan: occupation, level, month and expected applicants."""

    plan = models.ForeignKey(
        AppraisalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    expected_applicants = models.PositiveIntegerField(_("expected applicants"))
    department = models.CharField(
        _("department"), max_length=60, help_text=_("The department (系部) whose students sit it.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["month", "occupation__code", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "occupation", "level", "month"], name="plan_line_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="plan_line_month"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="plan_line_level"),
        ]

    def __str__(self):
        return f"{self.month} 月 {self.occupation.name} {self.get_level_display()}"

    def key(self) -> tuple[int, int, int]:
        """Identify the line across revisions of a plan."""
        return (self.occupation_id, self.level, self.month)


class DocumentKind(models.TextChoices):
    """Documents an applicant uploads [报考流程]."""

    STUDENT_CARD = "student_card", _("copy of student card")
    ID_CARD = "id_card", _("copy of ID card")
    PHOTO = "photo", _("black-and-white 2-inch photo")
    EDUCATION = "education", _("copy of education certificate")
    PREVIOUS_CERTIFICATE = "previous_certificate", _("copy of the previous qualification certificate")
    WORK_YEARS = "work_years", _("work-years certificate stamped by the employer")
    THESIS = "thesis", _("thesis")


DEFAULT_STUDENT_DOCUMENTS = [DocumentKind.STUDENT_CARD, DocumentKind.ID_CARD, DocumentKind.PHOTO]
DEFAULT_SOCIAL_DOCUMENTS = [DocumentKind.ID_CARD, DocumentKind.EDUCATION, DocumentKind.PHOTO]


def default_student_documents():
    return [kind.value for kind in DEFAULT_STUDENT_DOCUMENTS]


def default_social_documents():
    return [kind.value for kind in DEFAULT_SOCIAL_DOCUMENTS]


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    REGISTRATION_OPEN = "registration_open", _("registration open")
    REGISTRATION_CLOSED = "registration_closed", _("registration closed")
    IN_EXAM = "in_exam", _("in exam")
    SCORING = "scoring", _("scoring")
    REPORTED = "reported", _("reported to the city center")
    CLOSED = "closed", _("closed")


class BatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BatchQuerySet":
        """Return the batches ``user`` may manage or follow (the public uses open_for_registration)."""
        return self if has_role(user, *BATCH_VIEWER_ROLES) else self.none()

    def open_for_registration(self, today: datetime.date) -> "BatchQuerySet":
        """Return the batches the public may apply to on ``today``: open, and inside their window."""
        return self.filter(
            status=BatchStatus.REGISTRATION_OPEN,
            registration_opens__lte=today,
            registration_closes__gte=today,
        )


class Batch(models.Model):
    """An appraisal batch (鉴定批次): one occupation and level with its dates and rules."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="batches"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    plan_line = models.ForeignKey(
        PlanLine,
        verbose_name=_("plan line"),
        on_delete=models.PROTECT,
        related_name="batches",
        null=True,
        blank=True,
        help_text=_("Empty for a batch outside the plan, which the director must approve."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    theory_date = models.DateField(_("theory exam date"))
    skill_date = models.DateField(_("skill assessment date"))
    fee_item = models.ForeignKey(
        "finance.FeeItem",
        verbose_name=_("fee item"),
        on_delete=models.PROTECT,
        related_name="batches",
        null=True,
        blank=True,
        help_text=_(
            "The fee applicants pay, at the standard of the approved fee plan of the year registration "
            "opens; registration cannot open without one."
        ),
    )
    eligibility = models.TextField(_("eligibility requirements"))
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=16, help_text=_("Checked against the birth date in the ID number.")
    )
    student_documents = models.JSONField(_("documents for students"), default=default_student_documents)
    social_documents = models.JSONField(
        _("documents for social applicants"), default=default_social_documents
    )
    scheme = models.TextField(
        _("implementation scheme"), help_text=_("实施方案: organisation, places, examiners, timetable.")
    )
    # The photo spec; the default is the national electronic certificate photo.
    photo_width = models.PositiveSmallIntegerField(_("photo width (px)"), default=358)
    photo_height = models.PositiveSmallIntegerField(_("photo height (px)"), default=441)
    photo_max_kb = models.PositiveSmallIntegerField(_("largest photo (KB)"), default=150)
    photo_black_and_white = models.BooleanField(_("black-and-white photo"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    publicity_starts = models.DateField(_("publicity starts"), null=True, blank=True)
    publicity_ends = models.DateField(
        _("publicity ends"), null=True, blank=True, help_text=_("The last working day of the publicity.")
    )
    publicity_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicity started by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    report_number = models.CharField(_("report document number"), max_length=60, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal batch")
        verbose_name_plural = _("appraisal batches")
        ordering = ["-theory_date", "occupation__code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_opens__lte=models.F("registration_closes")),
                name="batch_registration_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes__lt=models.F("theory_date"))
                & models.Q(registration_closes__lt=models.F("skill_date")),
                name="batch_registration_closes_before_exams",
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="batch_level"),
        ]

    def __str__(self):
        return f"{self.theory_date:%Y-%m} {self.occupation.name} {Level(self.level).label}"

    def registration_is_over(self, today: datetime.date) -> bool:
        """Registration is over once closed by the clerk, or after its last day."""
        still = (BatchStatus.DRAFT, BatchStatus.APPROVED, BatchStatus.REGISTRATION_OPEN)
        return self.status not in still or today > self.registration_closes

    @property
    def last_exam_date(self) -> datetime.date:
        return max(self.theory_date, self.skill_date)

    @property
    def pass_mark(self) -> Decimal:
        """The pass mark of each part at this level (settings.PASS_MARKS, 60 by default) [工作规则 §3]."""
        return Decimal(settings.PASS_MARKS.get(self.level, settings.PASS_MARKS.get("default", 60)))

    @property
    def results_released(self) -> bool:
        """Applicants see their results once the batch is reported to the city center."""
        return self.status in (BatchStatus.REPORTED, BatchStatus.CLOSED)

    def student_document_labels(self) -> list[str]:
        return [DocumentKind(kind).label for kind in self.student_documents]

    def social_document_labels(self) -> list[str]:
        return [DocumentKind(kind).label for kind in self.social_documents]


class BankStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the deputy")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class QuestionBankQuerySet(models.QuerySet):
    def visible_to(self, user) -> "QuestionBankQuerySet":
        """Return the banks ``user`` may open; they are confidential [考务组 §8].

        Management and exam staff see every bank; what an applicant sees is
        decided by ``exams.selectors.bank_list`` from his applications.
        """
        return self if has_role(user, *CATALOGUE_ROLES) else self.none()


class QuestionBank(Decided):
    """Review questions (应知应会复习题) for an occupation and level, as a PDF."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="question_banks"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to="question-banks/")
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=BankStatus.choices, default=BankStatus.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = QuestionBankQuerySet.as_manager()

    class Meta:
        verbose_name = _("review-question bank")
        verbose_name_plural = _("review-question banks")
        ordering = ["occupation__code", "-level", "-uploaded_at"]

    def __str__(self):
        return f"{self.occupation.name} {self.get_level_display()} {self.title}"


class QuestionBankDownload(models.Model):
    """One download of a confidential question bank [考务组 §8]."""

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("review-question bank"),
        on_delete=models.PROTECT,
        related_name="downloads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("downloaded by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("downloaded at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("question-bank download")
        verbose_name_plural = _("question-bank downloads")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.bank} {local_text(self.at)}"


# --- exam day: rooms, sessions, seats, tickets ---------------------------


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("classroom")
    COMPUTER = "computer", _("computer room")
    WORKSHOP = "workshop", _("workshop")


class Room(models.Model):
    """A room the center examines in; in a workshop each seat is a station."""

    name = models.CharField(_("room"), max_length=40, unique=True)
    building = models.CharField(_("building"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    capacity = models.PositiveSmallIntegerField(
        _("seats or stations"), help_text=_("Candidates it holds at once, 1 to 99.")
    )
    equipment = models.TextField(
        _("equipment the stations need"), blank=True, help_text=_("Workshops: one item per line.")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam room")
        verbose_name_plural = _("exam rooms")
        ordering = ["building", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=99), name="room_capacity_1_to_99"
            )
        ]

    def __str__(self):
        return f"{self.building} {self.name}".strip()


class SessionPart(models.TextChoices):
    THEORY = "theory", _("theory exam")
    SKILL = "skill", _("skill assessment")
    REVIEW = "review", _("comprehensive review")


class SessionStatus(models.TextChoices):
    ARRANGING = "arranging", _("arranging")
    PUBLISHED = "published", pgettext_lazy("exam session", "published")


class ExamSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExamSessionQuerySet":
        """Staff who follow batches see every session; proctors those they guard in."""
        if has_role(user, *BATCH_VIEWER_ROLES):
            return self
        return self.filter(session_rooms__proctors=user).distinct()

    def assessed_by(self, user) -> "ExamSessionQuerySet":
        """Return the sessions ``user`` is assigned to as an examiner: his evaluation groups."""
        return self.filter(examiner_assignments__examiner__user_id=user.pk)

    def led_by(self, user) -> "ExamSessionQuerySet":
        """Return the sessions whose evaluation group ``user`` leads: he is a chief examiner assigned
        to them [监考人员守则 §6, 考评员 §8]. A chief examiner leads only the groups he sits in."""
        if not has_role(user, Role.EXAMINER):
            return self.none()
        return self.filter(
            examiner_assignments__examiner__user_id=user.pk,
            examiner_assignments__examiner__is_chief_examiner=True,
        )


class ExamSession(models.Model):
    """One sitting of one part of a batch (理论/技能/综合评审), with its rooms."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("appraisal batch"), on_delete=models.PROTECT, related_name="sessions"
    )
    part = models.CharField(_("part"), max_length=6, choices=SessionPart.choices)
    sitting = models.PositiveSmallIntegerField(_("sitting"), default=1)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(
        _("place"), max_length=100, blank=True, help_text=_("Campus or address, if not the center.")
    )
    late_entry_minutes = models.PositiveSmallIntegerField(
        _("latest entry (minutes after the start)"), default=15
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.ARRANGING
    )
    # Seeds the seating shuffle, so an arrangement can be explained and repeated.
    seed = models.PositiveIntegerField(_("seating seed"), default=0)
    tallied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tallied by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    tallied_at = models.DateTimeField(_("tallied at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    technician = models.CharField(
        _("technician on site"),
        max_length=50,
        blank=True,
        help_text=_("Skill assessment: who keeps the equipment running."),
    )
    history = HistoricalRecords()

    objects = ExamSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["date", "starts_at", "part", "sitting"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "part", "sitting"], name="session_unique_sitting"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.batch} {self.get_part_display()} 第{self.sitting}场"

    def entry_deadline(self) -> datetime.datetime:
        """The last moment a candidate may enter, in the current time zone."""
        start = timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))
        return start + datetime.timedelta(minutes=self.late_entry_minutes)


class SessionRoom(models.Model):
    """A room used by a session, in seating order, with the proctors who guard it."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="session_rooms"
    )
    room = models.ForeignKey(Room, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"))
    proctors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("proctors"), blank=True, related_name="guarded_rooms"
    )
    history = HistoricalRecords(m2m_fields=[proctors])

    class Meta:
        verbose_name = _("room of a session")
        verbose_name_plural = _("rooms of sessions")
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "room"], name="session_room_once"),
            models.UniqueConstraint(fields=["session", "order"], name="session_room_order"),
        ]

    def __str__(self):
        return f"{self.session} {self.room}"


class Seat(models.Model):
    """Where one candidate sits in one session; the proctor records his arrival."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="seats"
    )
    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.CASCADE, related_name="seats"
    )
    number = models.PositiveSmallIntegerField(_("seat"))
    application = models.ForeignKey(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="seats",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["session", "session_room__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session_room", "number"], name="seat_once_per_room"),
            models.UniqueConstraint(fields=["session", "application"], name="seat_one_per_candidate"),
        ]

    def __str__(self):
        return f"{self.session_room.room} {self.number:02d}"


class Ticket(models.Model):
    """The admission ticket (准考证) of a city-approved application.

    Numbers read YYYYBBBBNNNN: the year of the batch's theory exam, the batch
    number, and the candidate's place in the seating order of the batch's
    first session (room by room, seat by seat).
    """

    application = models.OneToOneField(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    number = models.CharField(_("admission ticket number"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admission ticket")
        verbose_name_plural = _("admission tickets")
        ordering = ["number"]

    def __str__(self):
        return self.number


class RoomRecord(models.Model):
    """The exam-room record (考场记录表) of one room of one session, signed by its proctors."""

    session_room = models.OneToOneField(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.CASCADE, related_name="record"
    )
    notes = models.TextField(_("course of the exam"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam-room record")
        verbose_name_plural = _("exam-room records")

    def __str__(self):
        return str(self.session_room)


class RoomRecordSignature(models.Model):
    record = models.ForeignKey(
        RoomRecord, verbose_name=_("exam-room record"), on_delete=models.CASCADE, related_name="signatures"
    )
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proctor"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature of an exam-room record")
        verbose_name_plural = _("signatures of exam-room records")
        constraints = [models.UniqueConstraint(fields=["record", "proctor"], name="record_signed_once")]

    def __str__(self):
        return f"{self.record} {self.proctor}"


class IncidentKind(models.TextChoices):
    DISCIPLINE = "discipline", _("breach of discipline")
    IRREGULARITY = "irregularity", _("irregularity")
    OTHER = "other", _("other")


class Incident(models.Model):
    """Something the proctors recorded in a room: a breach of discipline voids that candidate's part."""

    record = models.ForeignKey(
        RoomRecord, verbose_name=_("exam-room record"), on_delete=models.CASCADE, related_name="incidents"
    )
    seat = models.ForeignKey(
        Seat,
        verbose_name=_("seat"),
        on_delete=models.PROTECT,
        related_name="incidents",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=12, choices=IncidentKind.choices)
    description = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.description[:20]}"


class HandoverDirection(models.TextChoices):
    OUT = "out", _("to the room")
    BACK = "back", _("back to exam staff")


class PaperHandover(models.Model):
    """Sealed papers handed between exam staff and a room's proctors (试卷交接), signed by the receiver."""

    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="handovers"
    )
    direction = models.CharField(_("direction"), max_length=4, choices=HandoverDirection.choices)
    count = models.PositiveSmallIntegerField(_("papers"))
    sealed = models.BooleanField(_("seal intact"), default=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("handed over at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paper hand-over")
        verbose_name_plural = _("paper hand-overs")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["session_room", "direction"], name="handover_once_each_way")
        ]

    def __str__(self):
        return f"{self.session_room} {self.get_direction_display()} {self.count}"


class PatrolVisit(models.Model):
    """A patrol (巡考) of a room by the deputy or exam staff: what was checked and found."""

    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="patrols"
    )
    patroller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("patrolled by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("visited at"), auto_now_add=True)
    checked = models.CharField(_("checked"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["at"]

    def __str__(self):
        return f"{self.session_room} {local_text(self.at, '%H:%M')}"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("leave before the session")
    POST = "post", _("leaving the post during the session")


class AbsenceStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ProctorAbsenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProctorAbsenceQuerySet":
        """Return the requests ``user`` may see: exam staff all; a proctor his own; an examiner the
        requests to leave the post in the sessions he assesses."""
        if has_role(user, Role.EXAM_STAFF):
            return self
        in_his_group = models.Q(
            kind=AbsenceKind.POST, session_room__session__in=ExamSession.objects.assessed_by(user)
        )
        return self.filter(models.Q(proctor_id=user.pk) | in_his_group)


class ProctorAbsence(models.Model):
    """A proctor's leave (asked of exam staff before the session, with a replacement) or his
    leaving the post during it (allowed only by the evaluation-group leader) [监考人员守则 §2–§3]."""

    session_room = models.ForeignKey(
        SessionRoom, verbose_name=_("exam room"), on_delete=models.PROTECT, related_name="absences"
    )
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proctor"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=AbsenceKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=AbsenceStatus.choices, default=AbsenceStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=200, blank=True)
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replacement"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    returned_at = models.DateTimeField(_("back at the post at"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ProctorAbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("proctor's absence")
        verbose_name_plural = _("proctors' absences")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.proctor} {self.get_kind_display()} {self.session_room}"


class ExaminerAssignment(models.Model):
    """An examiner assigned to a session, inside his scope and not recused [考评员 §2, §7]."""

    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("exam session"),
        on_delete=models.CASCADE,
        related_name="examiner_assignments",
    )
    examiner = models.ForeignKey(
        ExaminerProfile, verbose_name=_("examiner"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("examiner assignment")
        verbose_name_plural = _("examiner assignments")
        constraints = [models.UniqueConstraint(fields=["session", "examiner"], name="examiner_assigned_once")]

    def __str__(self):
        return f"{self.examiner} {self.session}"


class Recusal(models.Model):
    """An examiner who must stay out of a session: a candidate is his declared relation.

    Exam staff see which examiner to replace; the examiner sees only the session.
    """

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="recusals"
    )
    examiner = models.ForeignKey(
        ExaminerProfile, verbose_name=_("examiner"), on_delete=models.CASCADE, related_name="recusals"
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["session", "examiner"], name="recused_once")]

    def __str__(self):
        return f"{self.examiner} {self.session}"


# --- blind scoring -------------------------------------------------------------


class CombineRule(models.TextChoices):
    MEAN = "mean", _("mean of the examiners")
    TRIMMED = "trimmed", _("drop the highest and lowest, then the mean")
    CHIEF = "chief", _("mean, or the chief examiner decides beyond a spread")


class ScoringStandard(models.Model):
    """A scoring standard (评分标准) of one part of an occupation and level, versioned."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="standards"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    part = models.CharField(_("part"), max_length=6, choices=SessionPart.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("in force from"))
    combine_rule = models.CharField(
        _("combining the examiners' points"),
        max_length=8,
        choices=CombineRule.choices,
        default=CombineRule.MEAN,
    )
    spread = models.DecimalField(
        _("largest spread (points)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_(
            "With the chief examiner's rule: when the examiners' points on a subjective item differ by "
            "more than this, the chief examiner decides the item's points."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring standard")
        verbose_name_plural = _("scoring standards")
        ordering = ["occupation__code", "-level", "part", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "level", "part", "version"], name="standard_version_once"
            )
        ]

    def __str__(self):
        return f"{self.occupation.name} {self.get_level_display()} {self.get_part_display()} v{self.version}"


class StandardItem(models.Model):
    standard = models.ForeignKey(
        ScoringStandard, verbose_name=_("scoring standard"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("task or item"), max_length=120)
    max_points = models.DecimalField(_("full marks"), max_digits=5, decimal_places=1)
    deductions = models.TextField(_("deduction notes"), blank=True)
    is_subjective = models.BooleanField(_("scored by judgement"), default=False)

    class Meta:
        verbose_name = _("item of a scoring standard")
        verbose_name_plural = _("items of scoring standards")
        ordering = ["standard", "order"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "order"], name="standard_item_order"),
            models.CheckConstraint(condition=models.Q(max_points__gt=0), name="item_points_positive"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class CandidateCode(models.Model):
    """The anonymous code of a seated candidate in one session: all an examiner ever sees of him."""

    seat = models.OneToOneField(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="code")
    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="codes"
    )
    code = models.CharField(_("anonymous code"), max_length=8)

    class Meta:
        verbose_name = _("anonymous code")
        verbose_name_plural = _("anonymous codes")
        ordering = ["session", "code"]
        constraints = [models.UniqueConstraint(fields=["session", "code"], name="code_unique_in_session")]

    def __str__(self):
        return self.code


class SheetStatus(models.TextChoices):
    OPEN = "open", _("being scored")
    SIGNED = "signed", _("signed")
    # A recused examiner's sheets [考评员 §7]: never part of the tally, kept with their history.
    WITHDRAWN = "withdrawn", _("withdrawn: the examiner is recused")
    SET_ASIDE = "set_aside", _("set aside: the examiner is recused")


# The sheets whose points the tally combines.
COUNTED_SHEET_STATUSES = (SheetStatus.OPEN, SheetStatus.SIGNED)


class ScoreSheetQuerySet(models.QuerySet):
    def of_examiner(self, user) -> "ScoreSheetQuerySet":
        return self.filter(examiner__user=user)

    def still_scored_by(self, user) -> "ScoreSheetQuerySet":
        """Return the sheets ``user`` has not signed yet."""
        return self.of_examiner(user).filter(status=SheetStatus.OPEN)

    def visible_to(self, user) -> "ScoreSheetQuerySet":
        """Return the sheets ``user`` may read: staff every sheet; an examiner his own; the chief
        examiner of a session also his peers' sheets of a code, once he has signed his own of it
        (examiners score on their own [考评员 §6])."""
        if has_role(user, *CATALOGUE_ROLES):
            return self
        peers = models.Q(session__in=ExamSession.objects.led_by(user)) & ~models.Q(
            code__in=ScoreSheet.objects.still_scored_by(user).values("code")
        )
        return self.filter(models.Q(examiner__user_id=user.pk) | peers)

    def counted(self) -> "ScoreSheetQuerySet":
        """Return the sheets that count: not those of an examiner recused from the session."""
        return self.filter(status__in=COUNTED_SHEET_STATUSES)


class ScoreSheet(models.Model):
    """One examiner's sheet for one anonymous candidate, built from the standard in force."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.CASCADE, related_name="sheets"
    )
    code = models.ForeignKey(
        CandidateCode, verbose_name=_("anonymous code"), on_delete=models.PROTECT, related_name="sheets"
    )
    examiner = models.ForeignKey(
        ExaminerProfile, verbose_name=_("examiner"), on_delete=models.PROTECT, related_name="sheets"
    )
    standard = models.ForeignKey(
        ScoringStandard, verbose_name=_("scoring standard"), on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.OPEN
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["session", "code__code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "examiner"], name="sheet_per_code_and_examiner")
        ]

    def __str__(self):
        return f"{self.code} {self.examiner}"


class ItemScore(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(StandardItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["sheet", "item__order"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="item_scored_once")]

    def __str__(self):
        return f"{self.item} {self.points}"


class ItemDecision(models.Model):
    """The chief examiner's points for a subjective item whose examiners differed beyond the spread."""

    code = models.ForeignKey(
        CandidateCode, verbose_name=_("anonymous code"), on_delete=models.CASCADE, related_name="decisions"
    )
    item = models.ForeignKey(StandardItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chief examiner's decision")
        verbose_name_plural = _("chief examiner's decisions")
        ordering = ["code", "item__order"]
        constraints = [models.UniqueConstraint(fields=["code", "item"], name="decision_once_per_item")]

    def __str__(self):
        return f"{self.code} {self.item} {self.points}"


class TheoryMark(models.Model):
    """A theory paper's points marked outside the portal (by hand or machine), imported by code."""

    code = models.OneToOneField(
        CandidateCode, verbose_name=_("anonymous code"), on_delete=models.CASCADE, related_name="mark"
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("imported theory mark")
        verbose_name_plural = _("imported theory marks")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gte=0, points__lte=100), name="theory_mark_in_range"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.points}"


class Outcome(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    ABSENT = "absent", _("absent")
    VOIDED = "voided", _("voided for a breach of discipline")


class PartResultQuerySet(models.QuerySet):
    def released(self) -> "PartResultQuerySet":
        """Results the applicants may see: of batches reported to the city center [考务组 §6]."""
        return self.filter(session__batch__status__in=(BatchStatus.REPORTED, BatchStatus.CLOSED))


class PartResult(models.Model):
    """A candidate's result in one part, tallied from the signed sheets once identities are joined back."""

    session = models.ForeignKey(
        ExamSession, verbose_name=_("exam session"), on_delete=models.PROTECT, related_name="results"
    )
    application = models.ForeignKey(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=8, choices=Outcome.choices)
    history = HistoricalRecords()

    objects = PartResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result of a part")
        verbose_name_plural = _("results of parts")
        ordering = ["session", "application"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="result_once_per_part")
        ]

    def __str__(self):
        return f"{self.application} {self.session.get_part_display()} {self.get_outcome_display()}"


class Objection(models.Model):
    """An objection (异议) to the publicised list of those qualified, and the center's answer."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("appraisal batch"), on_delete=models.CASCADE, related_name="objections"
    )
    raised_by = models.CharField(_("name"), max_length=40)
    contact = models.CharField(_("phone or e-mail"), max_length=80)
    text = models.TextField(_("objection"), max_length=2000)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["batch", "-raised_at"]

    def __str__(self):
        return f"{self.batch} {self.raised_by}"
