"""Blind scoring: scoring standards and their items, candidate codes, score sheets, item scores,
the chief examiner's decisions, and theory marks.

Rules: 考评组 §3 (the group scores the papers), 考评员 §5–§6 (score by the standard, without
knowing the candidate, and sign), 考评员 §8 (under the chief examiner's supervision).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exams.models.catalogue import Level, Occupation
from exams.models.examiners import ExaminerProfile
from exams.models.sessions import ExamSession, Seat, SessionPart
from jianding.roles import CATALOGUE_ROLES, has_role


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
