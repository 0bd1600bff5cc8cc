"""Results and publication: each candidate's outcome per part, and objections raised during the
publicity.

Rules: 工作规则 §3 (results gathered and reported to the city center), 考评组 §4 and 考务组 §6
(scores handed to exam staff, registered and sent on), 管理人员 §8 (statistics of results).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exams.models.batches import REPORTED_STATUSES, Batch
from exams.models.sessions import ExamSession
from jianding.fields import optional_link


class Outcome(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    ABSENT = "absent", _("absent")
    VOIDED = "voided", _("voided for a breach of discipline")


class PartResultQuerySet(models.QuerySet):
    def released(self) -> "PartResultQuerySet":
        """Results the applicants may see: of batches reported to the city center [考务组 §6]."""
        return self.filter(session__batch__status__in=REPORTED_STATUSES)


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
    # Who objected signed in is told the answer in the portal [#18]; the public is answered by contact.
    account = optional_link(settings.AUTH_USER_MODEL, _("objector's account"))
    text = models.TextField(_("objection"), max_length=2000)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = optional_link(settings.AUTH_USER_MODEL, _("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["batch", "-raised_at"]

    def __str__(self):
        return f"{self.batch} {self.raised_by}"
