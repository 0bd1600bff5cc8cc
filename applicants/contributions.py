"""What the apps above applicants add to its pages and rules, without applicants importing them.

applicants sits just above the base: it never imports finance or exams. Where its pages
show what a higher app knows, or its rules need a fact only a higher app holds, it names
the slot here and the higher app fills it in its ``AppConfig.ready()``:

``Hook`` (one answer, from the app that owns the fact) or ``Contributions`` (any number of
answers), both from ``jianding.hooks``.

Facts about a batch the applicants services need come two ways. Whether its registration is
open today is the batch's own state, read through the relation (``batch.is_open_for_registration``,
``application.batch…``). Whether its tickets are published and what an earlier result lets a
retake keep are exams' reads: the hooks ``tickets_published`` and ``retake_basis`` below.
"""

from dataclasses import dataclass

from jianding.hooks import Contributions, Hook


@dataclass(frozen=True)
class RetakeBasis:
    """An earlier application whose results ground a retake: which of its parts were passed."""

    application_id: int
    passed: dict[str, bool]  # part ("theory", "skill", "review") → passed


# --- the batches an applicant may apply to, and those staff work on (exams) -------------
#: ``batches_open()`` → the batches open for registration today, each with its ``fee``.
batches_open = Hook("applicants.contributions.batches_open")
#: ``batches_visible(actor=)`` → the batches ``actor`` may see (declarations, rosters).
batches_visible = Hook("applicants.contributions.batches_visible")

# --- rules of an application that depend on its batch (exams) ----------------------------
#: ``tickets_published(batch_id=)`` → whether the batch's seating and tickets are published.
tickets_published = Hook("applicants.contributions.tickets_published")
#: ``retake_basis(id_number=, occupation_id=, level=, on=)`` → the ``RetakeBasis`` of the person's
#: latest results of that occupation and level still valid on ``on``, or None.
retake_basis = Hook("applicants.contributions.retake_basis")

# --- what higher apps do when an application changes ------------------------------------
#: ``application_approved(application=)`` → nothing: run in the review's transaction once the
#: approval is saved (finance: tell the applicant the fee due).
application_approved = Contributions("applicants.contributions.application_approved")

# --- what the pages show from higher apps ------------------------------------------------
#: ``application_page(application=)`` → a dict merged into the application page's context
#: (exams: ``results``; finance: ``fee_status``, ``how_to_pay``).
application_page = Contributions("applicants.contributions.application_page")
#: ``my_applications_prefetch()`` → a ``Prefetch`` on the applicant's applications
#: (exams: ``released_results``).
my_applications_prefetch = Contributions("applicants.contributions.my_applications_prefetch")
#: ``personal_data(applicant=)`` → ``(key, {application_id: [JSON values]})``: one more list in each
#: application of the applicant's own data export, empty where none (exams: ``results``).
personal_data = Contributions("applicants.contributions.personal_data")

# --- retention of uploaded documents -----------------------------------------------------
#: ``documents_held(cutoff=)`` → a ``Q`` over ``ApplicationDocument`` matching the documents that
#: may not be removed yet when the retention period ends on ``cutoff`` (exams: until the batch is
#: reported and ``cutoff`` has passed its report; the archive: until filed in a dossier).
documents_held = Contributions("applicants.contributions.documents_held")
