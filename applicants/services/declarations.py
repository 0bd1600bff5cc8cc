from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from applicants.models import (
    Application,
    ApplicationStatus,
    Category,
    Declaration,
)
from applicants.services.applications import application_locked
from jianding.errors import RuleViolation
from jianding.permissions import require_role
from jianding.roles import Role
from jianding.uploads import upload_check_pdf
from notifications.kinds import Kind
from notifications.services import Notice, notify_each


@transaction.atomic
def application_record_original_seen(*, actor, application: Application) -> Application:
    """The desk saw a social applicant's original education certificate (who and when are kept)."""
    require_role(actor, Role.CLERK, Role.EXAM_STAFF)
    application = application_locked(application)
    if application.category != Category.SOCIAL:
        raise RuleViolation(_("Only social applicants show an original certificate."), code="not_social")
    application.original_seen_by, application.original_seen_at = actor, timezone.now()
    application._change_reason = _("Original education certificate seen at the desk")
    application.save(update_fields=["original_seen_by", "original_seen_at"])
    return application


@transaction.atomic
def declaration_create(*, actor, batch) -> Declaration:
    """Declare the approved, not yet declared applications of a batch as one list [管理人员 §6]."""
    require_role(actor, Role.CLERK)
    applications = list(
        Application.objects.select_for_update().filter(batch=batch, status=ApplicationStatus.APPROVED)
    )
    if not applications:
        raise RuleViolation(
            _("No approved application of this batch waits to be declared."), code="nothing_to_declare"
        )
    declaration = Declaration.objects.create(batch=batch, declared_by=actor)
    for application in applications:
        application.status, application.declaration = ApplicationStatus.DECLARED, declaration
        application.version += 1
    bulk_update_with_history(
        applications,
        Application,
        ["status", "declaration", "version"],
        default_user=actor,
        default_change_reason=_("Declared to the city center"),
    )
    _declared_notify(
        applications,
        gettext_lazy(
            "Your application for %(batch)s was declared to the city center; you will be told when it approves."
        ),
    )
    return declaration


def _declared_notify(applications: list[Application], text) -> None:
    """Tell each applicant of ``applications`` ``text`` about his own application."""
    applications = Application.objects.filter(pk__in=[a.pk for a in applications]).select_related(
        "applicant__user", "batch__occupation"
    )
    notify_each(
        kind=Kind.APPLICATION_DECLARED,
        notices=[
            Notice(
                recipient=application.applicant.user,
                text=text,
                params={"batch": application.batch, "number": application.city_document_number},
                link=reverse("applicants:view_application", args=[application.pk]),
            )
            for application in applications
        ],
    )


def declaration_record_approval(
    *,
    actor,
    declaration: Declaration,
    document_number: str,
    approved_on,
    scan: UploadedFile | None = None,
    application_ids: list[int] | None = None,
) -> Declaration:
    """Record the city center's approval, for the whole list or the applications named."""
    require_role(actor, Role.CLERK)
    if not document_number.strip():
        raise RuleViolation(
            _("Give the city center's document number."), field="document_number", code="number_required"
        )
    checked = upload_check_pdf(scan, field="scan") if scan else None  # outside the transaction: slow
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
        applications = list(
            Application.objects.select_for_update().filter(
                declaration=declaration, status=ApplicationStatus.DECLARED
            )
        )
        if application_ids is not None:
            applications = [
                application for application in applications if application.pk in set(application_ids)
            ]
        if not applications:
            raise RuleViolation(
                _("None of these applications waits for the city center's approval."),
                code="nothing_to_approve",
            )
        for application in applications:
            application.status = ApplicationStatus.CITY_APPROVED
            application.city_document_number, application.city_approved_on = document_number, approved_on
            application.version += 1
        bulk_update_with_history(
            applications,
            Application,
            ["status", "city_document_number", "city_approved_on", "version"],
            default_user=actor,
            default_change_reason=_("Approved by the city center (%(number)s)") % {"number": document_number},
        )
        declaration.city_document_number, declaration.city_approved_on = document_number, approved_on
        declaration.city_recorded_by = actor
        if checked:
            declaration.city_scan.save(checked.content.name, checked.content, save=False)
        declaration.save()
        _declared_notify(
            applications,
            gettext_lazy(
                "The city center approved your application for %(batch)s (%(number)s); "
                "watch for your admission ticket."
            ),
        )
    return declaration
