"""The catalogue: occupations and their levels, the annual appraisal plan, and the review-question banks.

Rules: 管理人员 §1 (the clerk drafts the annual plan), 所长 §3 and 副所长 §4 (the plan and the
review questions are approved), 考务组 §8 (banks kept secret). Plans and banks are ``Decided``
(``jianding.decisions``).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jianding.clock import local_text
from jianding.decisions import Decided
from jianding.roles import CATALOGUE_ROLES, MANAGEMENT_ROLES, has_role


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
