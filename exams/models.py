from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class ExaminerProfile(models.Model):
    """The examiner side of a staff account; the scoring issue adds scope and validity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("examiner profile")
        verbose_name_plural = _("examiner profiles")

    def __str__(self):
        return str(self.user)
