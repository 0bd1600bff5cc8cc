"""Examiners: their qualification, their scope (occupations and levels) and declared relations.

Rules: 考评员 §2 (examine only within the approved occupations and levels), 考评员 §7 (stand
aside where a relative or apprentice is a candidate).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from exams.models.catalogue import Level


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
