"""Who may do what with applications, and the one way each view gets its object.

Abilities, and the rule each serves:

- ``can_review_application``: clerks and exam staff approve, return or reject a submitted
  application [考务组 §1]; the director and deputy read it only.

Object access: one ``<object>_for(user, pk)`` per object type returns the object ``user`` may
see, or raises Http404; each is registered with the URL names whose views use it
(``jianding.permissions.object_access``). They rest on ``Application.objects.visible_to``: an
applicant his own applications, reviewers every one.
"""

from django.shortcuts import get_object_or_404

from applicants import contributions, selectors
from applicants.models import Applicant, Application, ApplicationDocument, ApplicationStatus, Declaration
from jianding.permissions import object_access
from jianding.roles import Role, has_role


def can_review_application(user, application: Application) -> bool:
    """Whether ``user`` decides ``application`` now: a clerk or exam staff, once it is submitted."""
    return has_role(user, Role.CLERK, Role.EXAM_STAFF) and application.status == ApplicationStatus.SUBMITTED


@object_access(
    "applicants:view_application",
    "applicants:upload_document",
    "applicants:confirm_photo",
    "applicants:submit_application",
    "applicants:withdraw_application",
    "applicants:review_application",
    "applicants:print_application",
    "applicants:record_original_seen",
    "applicants:reset_password",
    "exams:seat_candidate",
    "exams:refuse_admission",
)
def application_for(user, pk) -> Application:
    """An application: the applicant his own, reviewers any."""
    return get_object_or_404(selectors.application_list(actor=user), pk=pk)


@object_access("applicants:download_document")
def document_for(user, pk) -> ApplicationDocument:
    """A document of an application ``user`` may see."""
    documents = ApplicationDocument.objects.filter(application__in=selectors.application_list(actor=user))
    return get_object_or_404(documents, pk=pk)


@object_access(
    "applicants:view_declaration", "applicants:export_declaration", "applicants:record_city_approval"
)
def declaration_for(user, pk) -> Declaration:
    return get_object_or_404(selectors.declaration_list(actor=user), pk=pk)


@object_access("applicants:reissue_invitation")
def invitation_for(user, pk) -> Applicant:
    """An imported applicant whose account still waits for its first password."""
    return get_object_or_404(selectors.invitation_list(), pk=pk)


@object_access("applicants:declare_batch", "applicants:print_roster", "applicants:export_roster")
def batch_for(user, pk):
    """The batch ``user`` may see, as exams (which owns batches) answers it."""
    return get_object_or_404(contributions.batches_visible(actor=user), pk=pk)
