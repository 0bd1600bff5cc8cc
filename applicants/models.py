from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jianding.roles import Role, has_role


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class ApplicantQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicantQuerySet":
        """Return the applicants ``user`` may see: staff who review see all, an applicant himself."""
        if has_role(user, Role.DIRECTOR, Role.DEPUTY, Role.CLERK, Role.EXAM_STAFF):
            return self
        return self.filter(user_id=user.pk)


class Applicant(models.Model):
    """A person who applies for appraisal; the account signs in with the ID number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="applicant",
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("resident ID number"), max_length=18, unique=True)
    # Derived from the ID number when it is recorded; never typed.
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("mobile phone"), max_length=20)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["name", "id_number"]

    def __str__(self):
        return self.name
