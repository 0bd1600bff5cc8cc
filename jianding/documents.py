"""The documents an applicant hands in with an application [报考流程].

Shared vocabulary: a batch says which of them it asks for (exams), an application
holds them (applicants), the admission ticket prints the photo. Kept in the base so
that every app names them the same way without importing another.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """Documents an applicant uploads [报考流程]."""

    STUDENT_CARD = "student_card", _("copy of student card")
    ID_CARD = "id_card", _("copy of ID card")
    PHOTO = "photo", _("black-and-white 2-inch photo")
    EDUCATION = "education", _("copy of education certificate")
    PREVIOUS_CERTIFICATE = "previous_certificate", _("copy of the previous qualification certificate")
    WORK_YEARS = "work_years", _("work-years certificate stamped by the employer")
    THESIS = "thesis", _("thesis")
