"""The kinds of message the portal sends, and which of them nobody may switch off.

An app that announces a new event adds its kind here; the kind names the SMS template too
(``SMS_TEMPLATES``).
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from jianding.roles import Role, user_roles


class Kind(TextChoices):
    # To applicants
    APPLICATION_RETURNED = "application_returned", _("application returned for correction")
    APPLICATION_DECIDED = "application_decided", _("application approved or rejected")
    APPLICATION_DECLARED = "application_declared", _("application declared to the city center")
    FEE = "fee", _("fee due or received")
    TICKETS_PUBLISHED = "tickets_published", _("admission ticket published")
    RESULTS_RELEASED = "results_released", _("results released")
    ANSWERED = "answered", _("objection or question answered")
    # To staff
    APPROVAL_WAITING = "approval_waiting", _("waiting for your approval")
    APPROVAL_DECIDED = "approval_decided", _("your request decided")
    DUTY = "duty", _("duty assigned or changed")
    LEAVE_DECIDED = "leave_decided", _("leave decided")
    SCORING_WAITING = "scoring_waiting", _("tally or decision waiting")
    REPORT_DEADLINE = "report_deadline", _("report deadline near")
    # Nobody may switch these off
    EXAM_DAY = "exam_day", _("exam-day notice")
    EXAM_INCIDENT = "exam_incident", _("exam-day incident")
    SECURITY = "security", _("security notice")


# Exam-day and security messages reach every channel a person has, whatever he chose [#18].
MANDATORY = frozenset({Kind.EXAM_DAY, Kind.EXAM_INCIDENT, Kind.SECURITY})
# Exam-day notices are sent by SMS even in the quiet hours of the night.
AT_ANY_HOUR = frozenset({Kind.EXAM_DAY, Kind.EXAM_INCIDENT})


# What an applicant is told; staff are told the other kinds.
APPLICANT_KINDS = frozenset(
    {
        Kind.APPLICATION_RETURNED,
        Kind.APPLICATION_DECIDED,
        Kind.APPLICATION_DECLARED,
        Kind.FEE,
        Kind.TICKETS_PUBLISHED,
        Kind.RESULTS_RELEASED,
        Kind.ANSWERED,
    }
)


def kinds_offered(user) -> list[Kind]:
    """The kinds ``user`` may choose channels for: those his roles receive, less the mandatory ones."""
    roles = user_roles(user)
    wanted = set()
    if Role.APPLICANT in roles:
        wanted |= APPLICANT_KINDS
    if roles - {Role.APPLICANT.value}:
        wanted |= set(Kind) - APPLICANT_KINDS
    return [kind for kind in Kind if kind in wanted and kind not in MANDATORY]


class Channel(TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")
