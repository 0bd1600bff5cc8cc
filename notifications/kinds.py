"""The kinds of message the portal sends, and which of them nobody may switch off.

An app that announces a new event adds its kind here; the kind names the SMS template too
(``SMS_TEMPLATES``).
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Kind(TextChoices):
    APPLICATION_RETURNED = "application_returned", _("application returned for correction")
    EXAM_DAY = "exam_day", _("exam-day notice")
    SECURITY = "security", _("security notice")


# Exam-day and security messages reach every channel a person has, whatever he chose [#18].
MANDATORY = frozenset({Kind.EXAM_DAY, Kind.SECURITY})
# Exam-day notices are sent by SMS even in the quiet hours of the night.
AT_ANY_HOUR = frozenset({Kind.EXAM_DAY})


class Channel(TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")
