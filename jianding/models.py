from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jianding.clock import local_text
from jianding.phones import validate_phone
from jianding.privacy import login_shown


class User(AbstractUser):
    """A person who signs in: a staff member, an examiner or an applicant."""

    # One name field: Chinese names are not split into first and last.
    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    phone_verified_at = models.DateTimeField(
        _("phone verified at"),
        null=True,
        blank=True,
        help_text=_("When the person typed the code sent to this phone; cleared when the phone changes."),
    )
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
        login = login_shown(self.username)
        return f"{self.name}（{login}）" if self.name else login

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class NoticeQuerySet(models.QuerySet):
    def published(self, now=None) -> "NoticeQuerySet":
        """Return the notices whose publish time has come."""
        return self.filter(publish_at__lte=now or timezone.now())


class Notice(models.Model):
    """A notice (宣传) written by a clerk, public from its publish time."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    publish_at = models.DateTimeField(_("publish at"))
    created_by = models.ForeignKey(
        User, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-publish_at"]

    def __str__(self):
        return self.title


class ConsultationQuerySet(models.QuerySet):
    def published(self) -> "ConsultationQuerySet":
        """Return the answered questions a clerk chose to publish."""
        return self.filter(is_published=True).exclude(answer="")

    def unanswered(self) -> "ConsultationQuerySet":
        return self.filter(answer="")


class Consultation(models.Model):
    """A question from the public (咨询) and the clerk's answer [工作规则 §5]."""

    question = models.TextField(_("question"))
    asker_name = models.CharField(_("name of the asker"), max_length=30)
    contact = models.CharField(
        _("contact"), max_length=60, blank=True, help_text=_("Never published; for a reply in person.")
    )
    asked_by = models.ForeignKey(
        User,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("The account the question was asked from, told when it is answered."),
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        User, verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    history = HistoricalRecords(excluded_fields=["ip_address"])

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["ip_address", "asked_at"], name="consultation_rate_idx")]

    def __str__(self):
        return self.question[:30]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", pgettext_lazy("job", "failed")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JobQuerySet":
        """A job's page and file belong to the person who asked for it."""
        return self.filter(requested_by_id=user.pk)


class Job(models.Model):
    """Long work run by the task worker (batch PDFs, …), with the progress its page shows."""

    title = models.CharField(_("title"), max_length=120)
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="jobs/", blank=True)
    filename = models.CharField(_("file name"), max_length=100, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else (self.done * 100 // self.total if self.total else 0)


class Disclosure(models.Model):
    """The director asked to see one record's history with its ID and phone numbers whole [#16.5]."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(_("address"))
    kind = models.CharField(_("kind of record"), max_length=100)
    object_pk = models.CharField(_("record"), max_length=40)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("disclosure of whole numbers")
        verbose_name_plural = _("disclosures of whole numbers")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.kind} #{self.object_pk}"


class Download(models.Model):
    """A file that left the portal: a confidential document, a register, an export [#9]."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ip_address = models.GenericIPAddressField(_("address"))
    path = models.CharField(_("page"), max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-at"]

    def __str__(self):
        return f"{local_text(self.at)} {self.user} {self.filename}"


class PasswordResetRequest(models.Model):
    """A request for a password-reset e-mail, kept to limit them per address and for the audit."""

    email = models.EmailField(_("e-mail"))
    ip_address = models.GenericIPAddressField(_("address"))
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        ordering = ["-at"]

    def __str__(self):
        return f"{local_text(self.at)} {self.email}"
