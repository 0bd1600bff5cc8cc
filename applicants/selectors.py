import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import contributions
from applicants.models import (
    Applicant,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Attempt,
    Declaration,
    SignUpAttempt,
)
from jianding.documents import DocumentKind
from jianding.identity import resident_id_parse
from jianding.roles import REVIEWER_ROLES, has_role


def application_list(*, actor) -> QuerySet[Application]:
    return Application.objects.visible_to(actor).select_related("applicant", "batch__occupation")


def review_queue(*, actor) -> QuerySet[Application]:
    """Applications for reviewers, with their document counts, newest submissions first."""
    # Counted per row, not by Count() over a join: grouping every application
    # before the page is cut took 0.3 s with 10,000 of them; this way the
    # queue's index gives the first page and only its rows are counted.
    documents = (
        ApplicationDocument.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        application_list(actor=actor)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .annotate(document_count=Coalesce(Subquery(documents), 0))
        .order_by("-submitted_at", "-created_at")
    )


def review_next(*, queue: QuerySet[Application], after: Application) -> Application | None:
    """The application of ``queue`` that waits for a decision below ``after``, else the first that waits.

    ``queue`` is ``review_queue`` under the reviewer's filters, in its order (newest submission first).
    """
    waiting = queue.filter(status=ApplicationStatus.SUBMITTED).exclude(pk=after.pk)
    if after.submitted_at is None:  # made submitted by hand (an import, a test): no place in the order
        return waiting.first()
    below = waiting.filter(
        Q(submitted_at__lt=after.submitted_at)
        | Q(submitted_at=after.submitted_at, created_at__lt=after.created_at)
    )
    return below.first() or waiting.first()


def application_search(queryset: QuerySet[Application], text: str) -> QuerySet[Application]:
    return queryset.filter(
        Q(applicant__name__icontains=text) | Q(applicant__id_number__icontains=text.upper())
    )


@dataclass(frozen=True)
class Check:
    label: str
    passed: bool
    detail: str = ""


def application_checks(*, application: Application) -> list[Check]:
    """The checks the portal makes itself; the reviewer decides."""
    batch = application.batch
    documents = {document.kind: document for document in application.documents.all()}
    missing = [
        str(DocumentKind(kind).label) for kind in application.required_documents() if kind not in documents
    ]
    photo = documents.get(DocumentKind.PHOTO)
    try:
        age = resident_id_parse(application.applicant.id_number).age_on(batch.theory_date)
    except ValidationError as error:
        # Stored before a rule that now refuses it: the reviewer sees why and has it corrected.
        age_check = Check(_("ID number"), False, " ".join(error.messages))
    else:
        age_check = Check(
            _("age on the exam day"),
            age >= batch.min_age,
            _("%(age)d (at least %(min)d)") % {"age": age, "min": batch.min_age},
        )
    return [
        age_check,
        Check(_("documents present"), not missing, "、".join(missing)),
        Check(
            _("photo converted to the batch's spec and confirmed"),
            bool(photo and photo.confirmed),
            f"{batch.photo_width}×{batch.photo_height} px, ≤ {batch.photo_max_kb} KB",
        ),
    ]


def applications_waiting_review() -> QuerySet[Application]:
    return Application.objects.filter(status=ApplicationStatus.SUBMITTED)


def applications_returned(*, actor) -> QuerySet[Application]:
    return Application.objects.filter(applicant__user_id=actor.pk, status=ApplicationStatus.RETURNED)


# Applications that count as applicants in statistics: submitted, and all that follows but refusal.
COUNTED_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.DECLARED,
    ApplicationStatus.CITY_APPROVED,
)

# Applicants who go on the roster: approved by the center, and those declared since.
ROSTER_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.DECLARED, ApplicationStatus.CITY_APPROVED)


# Every list the center prints runs by class, then by the pinyin of the name.
ROSTER_ORDER = ("class_name", "applicant__name_sort_key", "applicant__id_number")


def roster(*, actor, batch_id: int) -> QuerySet[Application]:
    """The roster (花名册) of a batch, in roster order."""
    return (
        application_list(actor=actor)
        .filter(batch_id=batch_id, status__in=ROSTER_STATUSES)
        .order_by(*ROSTER_ORDER)
    )


def declaration_applications(*, declaration: Declaration) -> QuerySet[Application]:
    """The applications of a declaration, in roster order."""
    return declaration.applications.select_related("applicant", "batch__occupation").order_by(*ROSTER_ORDER)


def declaration_list(*, actor) -> QuerySet[Declaration]:
    if not has_role(actor, *REVIEWER_ROLES):
        return Declaration.objects.none()
    return Declaration.objects.select_related("batch__occupation", "declared_by").annotate(
        application_count=Count("applications")
    )


def batches_with_approved_applications(*, actor):
    """Batches holding approved applications that are not declared yet, with their counts."""
    return (
        application_list(actor=actor)
        .filter(status=ApplicationStatus.APPROVED)
        .values("batch_id")
        .annotate(waiting=Count("pk"))
        .order_by("batch_id")
    )


def applied_occupation_levels(*, actor) -> set[tuple[int, int]]:
    """The (occupation, level) pairs of the batches the applicant holds a live application to."""
    return set(
        Application.objects.live()
        .filter(applicant__user_id=actor.pk)
        .values_list("batch__occupation_id", "batch__level")
    )


# What an applicant fills in his profile before he may apply.
PROFILE_REQUIRED = ("education", "employer_or_class")


def applicant_profile_missing(*, applicant: Applicant) -> list[str]:
    """The names of the profile fields ``applicant`` must still fill in before he may apply."""
    return [
        str(Applicant._meta.get_field(name).verbose_name)
        for name in PROFILE_REQUIRED
        if not getattr(applicant, name)
    ]


@dataclass(frozen=True)
class OpenBatch:
    """A batch open for registration, and the applicant's live application to it if he has one."""

    batch: object
    application: Application | None


def open_batches(*, actor) -> list[OpenBatch]:
    """The batches open for registration today, each with ``actor``'s live application to it, if any."""
    batches = list(contributions.batches_open())
    applied = {
        application.batch_id: application
        for application in Application.objects.live().filter(
            applicant__user_id=actor.pk, batch_id__in=[batch.pk for batch in batches]
        )
    }
    return [OpenBatch(batch=batch, application=applied.get(batch.pk)) for batch in batches]


def invitation_list() -> QuerySet[Applicant]:
    """Imported applicants whose account waits for its first password, by class and pinyin."""
    return (
        Applicant.objects.filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX, user__is_active=True)
        .select_related("user")
        .order_by("employer_or_class", "name_sort_key", "id_number")
    )


def session_candidates(*, batch_id: int, part: str) -> QuerySet[Application]:
    """The city-approved applications that sit ``part`` ("theory", "skill" or "review") of a batch.

    Only approved candidates are seated and get tickets [工作规则 §2]; the
    comprehensive review concerns those who applied for it (levels 2 and 1).
    """
    candidates = Application.objects.filter(
        batch_id=batch_id, status=ApplicationStatus.CITY_APPROVED
    ).exclude(**{f"{part}_attempt": Attempt.KEPT})
    if part == "review":
        candidates = candidates.exclude(review_attempt="")
    return candidates.select_related("applicant").order_by(*ROSTER_ORDER)


def sign_up_captcha_needed(*, ip_address: str) -> bool:
    """Whether the address sent the sign-up form SIGNUP_ATTEMPTS_BEFORE_CAPTCHA times in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    attempts = SignUpAttempt.objects.filter(ip_address=ip_address, at__gte=since).count()
    return attempts >= settings.SIGNUP_ATTEMPTS_BEFORE_CAPTCHA
