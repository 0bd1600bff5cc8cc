from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jianding.clock import local_text
from jianding.documents import DocumentKind
from jianding.fields import optional_link
from jianding.identity import Sex
from jianding.phones import validate_phone
from jianding.roles import REVIEWER_ROLES, has_role


class Education(models.TextChoices):
    JUNIOR_HIGH = "junior_high", _("junior high school")
    SENIOR_HIGH = "senior_high", _("senior high school")
    VOCATIONAL = "vocational", _("secondary vocational school")
    COLLEGE = "college", _("junior college")
    BACHELOR = "bachelor", _("bachelor or above")


class ApplicantQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicantQuerySet":
        """Return the applicants ``user`` may see: staff who review see all, an applicant himself."""
        if has_role(user, *REVIEWER_ROLES):
            return self
        return self.filter(user_id=user.pk)


class Applicant(models.Model):
    """A person who applies for appraisal; the account signs in with the ID number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("sign-in", "account"),
        on_delete=models.PROTECT,
        related_name="applicant",
    )
    name = models.CharField(_("name"), max_length=50)
    # Rosters sort by it; written with the name (jianding.pinyin.name_sort_key).
    name_sort_key = models.CharField(_("pinyin of the name"), max_length=200, db_index=True, default="")
    id_number = models.CharField(_("resident ID number"), max_length=18, unique=True)
    # Derived from the ID number when it is recorded; never typed.
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("mobile phone"), max_length=20, validators=[validate_phone])
    education = models.CharField(_("education"), max_length=12, choices=Education.choices, blank=True)
    work_history = models.TextField(_("work history"), blank=True)
    employer_or_class = models.CharField(_("employer or class"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    signed_up_from = models.GenericIPAddressField(_("signed up from"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["name", "id_number"]

    def __str__(self):
        return self.name


class SignUpAttempt(models.Model):
    """One sending of the sign-up form, kept a day to limit attempts per address and ask for a captcha."""

    ip_address = models.GenericIPAddressField(_("address"))
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sign-up attempt")
        verbose_name_plural = _("sign-up attempts")
        ordering = ["-at"]
        indexes = [models.Index(fields=["ip_address", "at"], name="signup_attempt_address_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.ip_address}"


class Category(models.TextChoices):
    STUDENT = "student", _("student")
    SOCIAL = "social", _("social applicant")


class Attempt(models.TextChoices):
    NEW = "new", _("first attempt")
    RETAKE = "retake", _("retake")
    # Set by the portal only: the part was passed in an earlier batch and is not sat again.
    KEPT = "kept", _("passed earlier, not sat again")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for correction")
    APPROVED = "approved", _("approved")
    DECLARED = "declared", _("declared to the city center")
    CITY_APPROVED = "city_approved", _("approved by the city center")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    # Returned for correction and not resubmitted before registration closed.
    LAPSED = "lapsed", _("lapsed at the close of registration")
    # Approved too late for the published seating, and not given a seat.
    NOT_ADMITTED = "not_admitted", _("not admitted to the exam")


# Applications that still count: one person holds at most one of these per batch.
LIVE_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.DECLARED,
    ApplicationStatus.CITY_APPROVED,
)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicationQuerySet":
        """Return the applications ``user`` may see: reviewers all, an applicant his own."""
        if has_role(user, *REVIEWER_ROLES):
            return self
        return self.filter(applicant__user_id=user.pk)

    def live(self) -> "ApplicationQuerySet":
        return self.filter(status__in=LIVE_STATUSES)


class Application(models.Model):
    """An application (报名) of one applicant to one appraisal batch."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    batch = models.ForeignKey(
        "exams.Batch",
        verbose_name=_("appraisal batch"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    class_name = models.CharField(
        _("class or employer"), max_length=60, help_text=_("Students: the class; others: the employer.")
    )
    theory_attempt = models.CharField(
        _("theory exam"), max_length=6, choices=Attempt.choices, default=Attempt.NEW
    )
    skill_attempt = models.CharField(
        _("skill assessment"), max_length=6, choices=Attempt.choices, default=Attempt.NEW
    )
    review_attempt = models.CharField(
        _("comprehensive review"),
        max_length=6,
        choices=Attempt.choices,
        blank=True,
        help_text=_("综合评审, for levels 2 and 1 only."),
    )
    retake_of = models.ForeignKey(
        "self",
        verbose_name=_("retake of"),
        on_delete=models.PROTECT,
        related_name="retakes",
        null=True,
        blank=True,
        help_text=_("The earlier application whose passed part this one keeps."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # Raised by every state change; a decision made on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = optional_link(settings.AUTH_USER_MODEL, _("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reviewer's reason"), blank=True)
    # Why it ended without an exam (lapsed, not admitted): the applicant reads it on his pages.
    end_reason = models.TextField(_("why it ended"), blank=True)
    original_seen_by = optional_link(settings.AUTH_USER_MODEL, _("original education certificate seen by"))
    original_seen_at = models.DateTimeField(
        _("original education certificate seen at"), null=True, blank=True
    )
    declaration = optional_link("Declaration", _("declaration"), related_name="applications")
    city_document_number = models.CharField(_("city center's document number"), max_length=60, blank=True)
    city_approved_on = models.DateField(_("approved by the city center on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        # The review queue's order: its first page is read from the index, not sorted.
        indexes = [models.Index(fields=["-submitted_at", "-created_at"], name="application_queue_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "batch"],
                condition=models.Q(
                    status__in=["draft", "submitted", "returned", "approved", "declared", "city_approved"]
                ),
                name="application_one_live_per_batch",
            )
        ]

    def __str__(self):
        return f"{self.applicant.name} · {self.batch}"

    # The labels straight from the enums: get_FOO_display rebuilds the choices at each call,
    # which a list of 50 rows (the review queue) felt.
    @property
    def status_label(self) -> str:
        return ApplicationStatus(self.status).label

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def original_required(self) -> bool:
        """Whether approval waits for the desk to see the original education certificate [考务组 §1].

        Social applicants show it where their batch asks for the certificate's copy.
        """
        return self.category == Category.SOCIAL and DocumentKind.EDUCATION in self.batch.social_documents

    @property
    def return_answered(self) -> bool:
        """Whether the reason of the last return was answered: the applicant sent the application again."""
        return self.status == ApplicationStatus.SUBMITTED and bool(self.review_reason)

    def required_documents(self) -> list[str]:
        batch = self.batch
        return list(batch.student_documents if self.category == Category.STUDENT else batch.social_documents)


class ApplicationDocument(models.Model):
    """One uploaded document of an application, stored under a generated name."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=24)
    file = models.FileField(_("file"), upload_to="applications/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed = models.BooleanField(
        _("confirmed by the applicant"),
        default=True,
        help_text=_("A photo converted to the batch's spec waits until the applicant accepts it."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["kind", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="application_document_one_per_kind")
        ]

    def __str__(self):
        return f"{self.application} · {self.kind}"


class Declaration(models.Model):
    """The approved applications of a batch, declared as one list to the city center (申报)."""

    batch = models.ForeignKey(
        "exams.Batch",
        verbose_name=_("appraisal batch"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("declared by"), on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    city_document_number = models.CharField(_("city center's document number"), max_length=60, blank=True)
    city_approved_on = models.DateField(_("approved by the city center on"), null=True, blank=True)
    city_scan = models.FileField(_("scan of the approval"), upload_to="declarations/", blank=True)
    city_recorded_by = optional_link(settings.AUTH_USER_MODEL, _("approval recorded by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declaration to the city center")
        verbose_name_plural = _("declarations to the city center")
        ordering = ["-declared_at"]

    def __str__(self):
        return f"{self.batch} 申报 {local_text(self.declared_at, '%Y-%m-%d')}"
