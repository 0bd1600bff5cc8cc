from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in: a staff member, an examiner or an applicant."""

    # One name field: Chinese names are not split into first and last.
    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when someone else chose the password; cleared when the user changes it."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return f"{self.name}（{self.username}）" if self.name else self.username

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name
