"""What exams tells the applicants app, which sits below it and cannot import it.

Each function answers one slot of ``applicants.contributions``; ``register()``, called from
``ExamsConfig.ready()``, fills the slots with them and with exams' selectors that answer as
they are. Rules: the
results an applicant sees once the batch is reported [工作规则 §3], and how long the
documents of a batch are kept [档案管理制度 §3].
"""

import datetime

from django.db.models import Q

from applicants import contributions as applicants
from exams import selectors
from exams.models import REPORTED_STATUSES, PartResult


def application_results(*, application) -> dict:
    """The application page's ``results``: the released results of the application."""
    return {
        "results": PartResult.objects.released().filter(application=application).select_related("session")
    }


def personal_data_results(*, applicant) -> tuple[str, dict]:
    """The applicant's own export: each application's released results."""
    results = PartResult.objects.released().filter(application__applicant=applicant).select_related("session")
    by_application = {}
    for result in results:
        by_application.setdefault(result.application_id, []).append(
            {"part": result.session.part, "points": result.points, "outcome": result.outcome}
        )
    return "results", by_application


def documents_held(*, cutoff: datetime.date) -> Q:
    """A document is kept until its batch is reported (or closed) on or before ``cutoff``."""
    batch_reported = Q(application__batch__status__in=REPORTED_STATUSES)
    return (
        ~batch_reported
        | Q(application__batch__reported_on__isnull=True)
        | Q(application__batch__reported_on__gt=cutoff)
    )


def register() -> None:
    """Fill the slots of ``applicants.contributions`` that exams answers."""
    applicants.batches_open.fill(selectors.batch_public_list)
    applicants.batches_visible.fill(selectors.batch_list)
    applicants.tickets_published.fill(selectors.tickets_published)
    applicants.retake_basis.fill(selectors.retake_basis)
    applicants.application_page.add(application_results)
    applicants.my_applications_prefetch.add(selectors.released_results)
    applicants.personal_data.add(personal_data_results)
    applicants.documents_held.add(documents_held)
