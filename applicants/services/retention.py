"""How long the documents of a finished batch are kept, and their removal once past it.

An application's uploads (ID card, diplomas, certificates of service …) serve
the review; once the batch is reported to the city center they are only kept
for ``DOCUMENT_RETENTION_YEARS``. The photo stays: it is printed on the
application form (申请表), one of the forms the archive keeps for good
[档案管理制度 §3]. Every other archived form is drawn from the records
themselves (applications, sessions, results), which this removes nothing of.

applicants does not know batches' reports: the apps above it say which documents may not
be removed yet through ``contributions.documents_held`` (exams: until the batch is reported
and the retention period since has passed).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import contributions
from applicants.models import ApplicationDocument
from jianding.documents import DocumentKind

logger = logging.getLogger(__name__)

# Kinds the archive's forms need: the photo on the application form.
KEPT_KINDS = (DocumentKind.PHOTO,)


@dataclass(frozen=True)
class Expired:
    documents: int
    applications: int
    bytes: int


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Batches reported on or before this day are past the retention period."""
    today = today or timezone.localdate()
    years = settings.DOCUMENT_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year without one
        return today.replace(year=today.year - years, day=28)


def documents_expired(today: datetime.date | None = None):
    """The documents past retention: all but the photos and those a higher app still holds."""
    holds = list(contributions.documents_held(cutoff=retention_cutoff(today)))
    if not holds:  # no app says when the period starts: nothing is past it
        return ApplicationDocument.objects.none()
    documents = ApplicationDocument.objects.exclude(kind__in=KEPT_KINDS)
    for held in holds:
        documents = documents.exclude(held)
    return documents


def documents_expire(*, today: datetime.date | None = None, dry_run: bool = False) -> Expired:
    """Remove the documents past retention, each row with its history, then its file once committed."""
    with transaction.atomic():
        documents = list(documents_expired(today).select_for_update(of=("self",)))
        found = Expired(
            documents=len(documents),
            applications=len({document.application_id for document in documents}),
            bytes=sum(document.size for document in documents),
        )
        if dry_run:
            return found
        reason = _("Removed after the retention period of %(years)d years") % {
            "years": settings.DOCUMENT_RETENTION_YEARS
        }
        files = [document.file.name for document in documents]
        for document in documents:
            document._change_reason = reason
            document.delete()
        transaction.on_commit(lambda: _files_delete(files))
    return found


def _files_delete(names: list[str]) -> None:
    """Delete the files of removed rows; one that fails (a storage hiccup) is logged, the rest still go."""
    storage = ApplicationDocument._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # any storage's error: the row is gone, the file is only left over
            logger.exception("Could not delete %s after the retention period", name)
