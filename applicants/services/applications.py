"""Applications: started, documented, submitted, reviewed, withdrawn, lapsed, not admitted.

Rules about the batch come from exams without this module importing it: whether its
registration is open is read through the relation (``batch.is_open_for_registration``,
``application.batch.is_open_for_registration``); whether its tickets are published and which
earlier results ground a retake are the hooks ``contributions.tickets_published`` and
``contributions.retake_basis`` that exams fills. Lapsing follows the batch's events
(``jianding.events``), which applicants subscribes to in its ``AppConfig.ready()``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from applicants import contributions
from applicants.models import (
    Applicant,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Attempt,
)
from applicants.photos import photo_convert
from applicants.selectors import ROSTER_STATUSES, applicant_profile_missing
from jianding.decisions import reason_require
from jianding.documents import DocumentKind
from jianding.errors import RuleViolation
from jianding.identity import resident_id_parse
from jianding.permissions import require_role
from jianding.roles import Role
from jianding.uploads import upload_check_document, upload_decode_image
from notifications.kinds import Kind
from notifications.services import notify

# Applications that ended before any exam: a retake among them kept nothing.
ENDED_BEFORE_EXAM = (
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.REJECTED,
    ApplicationStatus.LAPSED,
    ApplicationStatus.NOT_ADMITTED,
)


def application_locked(application: Application) -> Application:
    """Lock the application row for a read-then-decide change; caller is in a transaction."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("batch", "applicant")
        .get(pk=application.pk)
    )


def _require_owner(actor, application: Application) -> None:
    if application.applicant.user_id != actor.pk:
        raise PermissionDenied


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise RuleViolation(
            _("This application is %(status)s; it can be changed only as a draft or when returned.")
            % {"status": application.get_status_display()},
            code="application_not_editable",
        )


@transaction.atomic
def application_create(
    *,
    actor,
    batch,
    category: str,
    theory_attempt: str = Attempt.NEW,
    skill_attempt: str = Attempt.NEW,
    review_attempt: str = "",
    today=None,
) -> Application:
    """Start an application of the signed-in applicant to a batch open for registration."""
    require_role(actor, Role.APPLICANT)
    applicant = Applicant.objects.filter(user=actor).first()
    today = today or timezone.localdate()
    if not batch.is_open_for_registration(today):
        raise RuleViolation(_("This batch is not open for registration."), code="batch_not_open")
    if applicant is None or applicant_profile_missing(applicant=applicant):
        raise RuleViolation(
            _("Complete your profile (education, class or employer) before applying."),
            code="profile_incomplete",
        )
    try:
        age = resident_id_parse(applicant.id_number).age_on(batch.theory_date)
    except ValidationError as error:
        raise RuleViolation(
            _(
                "The ID number stored for you fails a check: %(reason)s Bring your ID card to the center's desk."
            )
            % {"reason": " ".join(error.messages)},
            field="id_number",
            code="stored_id_number_invalid",
        ) from None
    if age < batch.min_age:
        raise RuleViolation(
            _("This batch is open from age %(min)d; on the exam day you will be %(age)d.")
            % {"min": batch.min_age, "age": age},
            code="too_young",
        )
    needs_review = batch.level in (1, 2)
    if needs_review and not review_attempt:
        raise RuleViolation(
            _("Say whether the comprehensive review is a first attempt or a retake."),
            field="review_attempt",
            code="review_attempt_required",
        )
    attempts = {
        "theory": theory_attempt,
        "skill": skill_attempt,
        "review": review_attempt if needs_review else "",
    }
    retake_of = None
    basis = contributions.retake_basis(
        id_number=applicant.id_number,
        occupation_id=batch.occupation_id,
        level=batch.level,
        on=batch.theory_date,
    )
    # The earlier passed part is kept once: a second retake starts afresh.
    if (
        basis is not None
        and not Application.objects.filter(retake_of_id=basis.application_id)
        .exclude(status__in=ENDED_BEFORE_EXAM)
        .exists()
    ):
        retake_of = basis.application_id
        for part, passed in basis.passed.items():
            if attempts.get(part):
                attempts[part] = Attempt.KEPT if passed else Attempt.RETAKE
    taken = RuleViolation(
        _("You already have an application to this batch; open it instead."), code="application_exists"
    )
    if Application.objects.live().filter(applicant=applicant, batch=batch).exists():
        raise taken
    try:
        with transaction.atomic():
            return Application.objects.create(
                applicant=applicant,
                batch=batch,
                category=category,
                class_name=applicant.employer_or_class,
                theory_attempt=attempts["theory"],
                skill_attempt=attempts["skill"],
                review_attempt=attempts["review"],
                retake_of_id=retake_of,
            )
    except IntegrityError:  # the same applicant, twice at once
        raise taken from None


def application_document_upload(*, actor, application: Application, kind: str, upload: UploadedFile):
    """Check and store one document; a photo is converted to the batch's spec and awaits confirmation."""
    _require_owner(actor, application)
    _require_editable(application)
    if kind not in application.required_documents():
        raise RuleViolation(
            _("This batch does not ask for that document."), field="kind", code="kind_not_required"
        )
    # outside the transaction: decoding and converting a picture is slow
    if kind == DocumentKind.PHOTO:
        checked = photo_convert(upload_decode_image(upload, field="file"), batch=application.batch)
        content_type = "image/jpeg"
    else:
        checked, content_type = upload_check_document(upload, field="file")
    document = ApplicationDocument(
        application=application,
        kind=kind,
        content_type=content_type,
        size=checked.size,
        sha256=checked.sha256,
        confirmed=kind != DocumentKind.PHOTO,
    )
    document.file.save(checked.content.name, checked.content, save=False)
    try:
        with transaction.atomic():
            application = application_locked(application)
            _require_editable(application)
            replaced = list(application.documents.filter(kind=kind))
            for old in replaced:
                old.delete()
            document.save()
            transaction.on_commit(lambda: [old.file.delete(save=False) for old in replaced])
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def application_photo_confirm(*, actor, application: Application) -> None:
    """The applicant accepts the converted photo shown to him."""
    _require_owner(actor, application)
    application = application_locked(application)
    _require_editable(application)
    photo = application.documents.filter(kind=DocumentKind.PHOTO).first()
    if photo is None:
        raise RuleViolation(_("Upload a photo first."), code="photo_missing")
    photo.confirmed = True
    photo._change_reason = _("Photo accepted by the applicant")
    photo.save(update_fields=["confirmed"])


def application_missing(application: Application) -> list[str]:
    """Return the labels of required documents not uploaded (or photos not confirmed)."""
    present = {doc.kind: doc for doc in application.documents.all()}
    missing = []
    for kind in application.required_documents():
        document = present.get(kind)
        if document is None or not document.confirmed:
            missing.append(str(DocumentKind(kind).label))
    return missing


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    """Send a complete draft (or corrected returned application) for review."""
    _require_owner(actor, application)
    application = application_locked(application)
    _require_editable(application)
    if not application.batch.is_open_for_registration(timezone.localdate()):
        raise RuleViolation(_("Registration for this batch has closed."), code="batch_not_open")
    missing = application_missing(application)
    if missing:
        raise RuleViolation(
            _("Upload (and confirm) these first: %(missing)s.") % {"missing": "、".join(missing)},
            code="documents_missing",
        )
    application._change_reason = (
        _resubmission_reason(application)
        if application.status == ApplicationStatus.RETURNED
        else _("Submitted for review")
    )
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.version += 1
    application.save(update_fields=["status", "submitted_at", "version"])
    return application


def _resubmission_reason(application: Application) -> str:
    """What the history says of a returned application sent again: the documents replaced since."""
    replaced = [
        str(DocumentKind(kind).label)
        for kind in application.documents.filter(uploaded_at__gt=application.reviewed_at)
        .order_by("kind")
        .values_list("kind", flat=True)
    ]
    if not replaced:
        return _("Resubmitted after the return, no document replaced")
    return _("Resubmitted after the return, documents replaced: %(documents)s") % {
        "documents": "、".join(replaced)
    }


@transaction.atomic
def application_withdraw(*, actor, application: Application) -> Application:
    """The applicant withdraws an application that is not yet decided."""
    _require_owner(actor, application)
    application = application_locked(application)
    if application.status not in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.RETURNED,
        ApplicationStatus.SUBMITTED,
    ):
        raise RuleViolation(_("A decided application cannot be withdrawn."), code="application_decided")
    application.status = ApplicationStatus.WITHDRAWN
    application.version += 1
    application._change_reason = _("Withdrawn by the applicant")
    application.save(update_fields=["status", "version"])
    return application


REVIEW_DECISIONS = {
    "approve": ApplicationStatus.APPROVED,
    "return": ApplicationStatus.RETURNED,
    "reject": ApplicationStatus.REJECTED,
}


@transaction.atomic
def application_review(
    *, actor, application: Application, decision: str, reason: str, version: int, original_seen: bool = False
) -> Application:
    """Approve, return for correction or reject a submitted application [考务组 §1].

    ``version`` is the one the reviewer saw; if someone decided meanwhile the
    second decision is refused, never laid over the first. ``original_seen``: the
    reviewer ticked that the applicant showed the original certificate at the desk.
    """
    require_role(actor, Role.CLERK, Role.EXAM_STAFF)
    if decision not in REVIEW_DECISIONS:
        raise RuleViolation(_("Choose approve, return or reject."), field="decision", code="no_decision")
    application = application_locked(application)
    if application.version != version or application.status != ApplicationStatus.SUBMITTED:
        raise RuleViolation(
            _(
                "This application changed while you were reading it (now %(status)s); reload it before deciding."
            )
            % {"status": application.get_status_display()},
            code="changed_meanwhile",
        )
    if decision != "approve":
        reason_require(reason, message=_("Tell the applicant why."))
    if decision == "approve":
        _original_require(actor, application, ticked=original_seen)
    application.status = REVIEW_DECISIONS[decision]
    application.reviewed_by, application.reviewed_at, application.review_reason = (
        actor,
        timezone.now(),
        reason,
    )
    application.version += 1
    application._change_reason = reason or _("Approved")
    application.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "version"])
    if decision == "return":
        _returned_notify(application)
    else:
        _decided_notify(application)
    if decision == "approve":
        # A slot's contributions run as their answers are read.
        list(contributions.application_approved(application=application))
    return application


def _original_require(actor, application: Application, *, ticked: bool) -> None:
    """Approve only once the desk saw the original certificate where it is required; record the tick.

    Caller holds the application row lock.
    """
    if not application.original_required or application.original_seen_at is not None:
        return
    if not ticked:
        raise RuleViolation(
            _("Approval waits for the original education certificate: tick “%(field)s” once it is shown.")
            % {"field": _("original education certificate seen at the desk")},
            field="original_seen",
            code="original_not_seen",
        )
    application.original_seen_by, application.original_seen_at = actor, timezone.now()
    application._change_reason = _("Original education certificate seen at the desk")
    application.save(update_fields=["original_seen_by", "original_seen_at"])


def _returned_notify(application: Application) -> None:
    """Tell the applicant his application came back, why, and where to correct it."""
    notify(
        kind=Kind.APPLICATION_RETURNED,
        recipients=[application.applicant.user],
        text=gettext_lazy("Your application for %(batch)s was returned for correction: %(reason)s"),
        params={"batch": application.batch, "reason": application.review_reason},
        link=reverse("applicants:view_application", args=[application.pk]),
    )


def _decided_notify(application: Application) -> None:
    """Tell the applicant his application was approved, or rejected and why."""
    if application.status == ApplicationStatus.APPROVED:
        text = gettext_lazy(
            "Your application for %(batch)s was approved; you will be told when your admission ticket is out."
        )
    else:
        text = gettext_lazy("Your application for %(batch)s was rejected: %(reason)s")
    notify(
        kind=Kind.APPLICATION_DECIDED,
        recipients=[application.applicant.user],
        text=text,
        params={"batch": application.batch, "reason": application.review_reason},
        link=reverse("applicants:view_application", args=[application.pk]),
    )


def applications_lapse(*, today: datetime.date | None = None, batch=None) -> int:
    """Lapse the returned applications of batches whose registration is over; return how many.

    Run nightly (``manage.py applications_lapse``) and when a batch's registration
    is closed or its tickets are published. The applicant reads the reason on his
    pages; the history keeps it.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        returned = Application.objects.select_for_update(of=("self",)).filter(
            status=ApplicationStatus.RETURNED
        )
        if batch is not None:
            returned = returned.filter(batch=batch)
        lapsed = [
            application
            for application in returned.select_related("batch")
            if application.batch.registration_is_over(today)
        ]
        for application in lapsed:
            application.status = ApplicationStatus.LAPSED
            application.end_reason = _(
                "It was returned for correction and not submitted again before registration closed (%(closes)s)."
            ) % {"closes": min(application.batch.registration_closes, today)}
            application.version += 1
        bulk_update_with_history(
            lapsed,
            Application,
            ["status", "end_reason", "version"],
            default_change_reason=_("Lapsed: not resubmitted before registration closed"),
        )
    return len(lapsed)


@transaction.atomic
def application_not_admit(*, actor, application: Application, reason: str) -> Application:
    """Decide not to admit an approved applicant left without a seat when the tickets were published."""
    require_role(actor, Role.EXAM_STAFF, Role.CLERK)
    reason_require(reason, message=_("Tell the applicant why."))
    application = application_locked(application)
    if application.status not in ROSTER_STATUSES or hasattr(application, "ticket"):
        raise RuleViolation(
            _("Only an approved applicant without a ticket can be refused admission; this one is %(status)s.")
            % {"status": application.get_status_display()},
            code="not_admittable",
        )
    if not contributions.tickets_published(batch_id=application.batch_id):
        raise RuleViolation(
            _("The tickets are not published yet: seat him with the others."), code="not_published"
        )
    application.status, application.end_reason = ApplicationStatus.NOT_ADMITTED, reason.strip()
    application.version += 1
    application._change_reason, application._history_user = reason.strip(), actor
    application.save(update_fields=["status", "end_reason", "version"])
    return application
