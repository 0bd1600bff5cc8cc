"""Batches: one appraisal of an occupation and level, from registration to the report.

Rules: 工作规则 §2 (applications accepted and reviewed, tickets once the city center agrees),
所长 §3 (schemes approved by the director), 管理人员 §6 (registration and declaration), and the
documents an applicant hands in (报考流程图).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exams.models.catalogue import Level, Occupation, PlanLine
from jianding.decisions import Decided
from jianding.documents import DocumentKind
from jianding.fields import optional_link
from jianding.roles import BATCH_VIEWER_ROLES, has_role

DEFAULT_STUDENT_DOCUMENTS = [DocumentKind.STUDENT_CARD, DocumentKind.ID_CARD, DocumentKind.PHOTO]


DEFAULT_SOCIAL_DOCUMENTS = [DocumentKind.ID_CARD, DocumentKind.EDUCATION, DocumentKind.PHOTO]


def usual_documents(level: int | None) -> tuple[list[str], list[str]]:
    """The documents a batch of ``level`` usually asks of students and of social applicants.

    A social applicant above the junior level shows his previous certificate and his years of work
    (申报条件); a technician or senior technician hands in a thesis (二级/一级).
    """
    student, social = default_student_documents(), default_social_documents()
    if level is not None and level <= Level.FOUR:
        social += [DocumentKind.PREVIOUS_CERTIFICATE.value, DocumentKind.WORK_YEARS.value]
    if level is not None and level <= Level.TWO:
        student.append(DocumentKind.THESIS.value)
        social.append(DocumentKind.THESIS.value)
    return student, social


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


# A batch is reported once sent to the city center: its results are released to the applicants
# and its work is over [工作规则 §3].
REPORTED_STATUSES = (BatchStatus.REPORTED, BatchStatus.CLOSED)


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


class Batch(Decided):
    """An appraisal batch (鉴定批次): one occupation and level with its dates and rules.

    Its decision is its approval: the deputy's, or the director's for a batch outside the plan.
    """

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
    publicity_starts = models.DateField(_("publicity starts"), null=True, blank=True)
    publicity_ends = models.DateField(
        _("publicity ends"), null=True, blank=True, help_text=_("The last working day of the publicity.")
    )
    publicity_started_by = optional_link(settings.AUTH_USER_MODEL, _("publicity started by"))
    report_number = models.CharField(_("report document number"), max_length=60, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_by = optional_link(settings.AUTH_USER_MODEL, _("reported by"))
    report_deadline_warned = models.DateField(
        _("report deadline warned of"),
        null=True,
        blank=True,
        help_text=_("The report deadline the staff were warned of, so each deadline is announced once."),
    )
    history = HistoricalRecords()

    objects = BatchQuerySet.as_manager()

    @property
    def is_returned(self) -> bool:
        """Returned to the clerk with a reason: a draft that was decided waits for his change."""
        return self.status == BatchStatus.DRAFT and self.decided_at is not None

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

    def is_open_for_registration(self, today: datetime.date) -> bool:
        """Whether the public may apply on ``today``, read afresh (the row may have moved on)."""
        return Batch.objects.open_for_registration(today).filter(pk=self.pk).exists()

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

    def student_document_labels(self) -> list[str]:
        return [DocumentKind(kind).label for kind in self.student_documents]

    def social_document_labels(self) -> list[str]:
        return [DocumentKind(kind).label for kind in self.social_documents]
