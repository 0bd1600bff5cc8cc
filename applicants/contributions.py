"""What the apps above applicants add to its pages and rules, without applicants importing them.

applicants sits just above the base: it never imports finance or exams. Where its pages
show what a higher app knows, or its rules need a fact only a higher app holds, it names
the slot here and the higher app fills it in its ``AppConfig.ready()``:

``Hook``
    one answer, given by the one app that owns the fact; asking before it is filled is a
    configuration error, never a silent default.
``Contributions``
    any number of answers, each app adding its own; none is a valid answer.

Facts about a batch the applicants services need come two ways. Whether its registration is
open today is the batch's own state, read through the relation (``batch.is_open_for_registration``,
``application.batch…``). Whether its tickets are published and what an earlier result lets a
retake keep are exams' reads: the hooks ``tickets_published`` and ``retake_basis`` below.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """One question with one answering app."""

    def __init__(self, name: str):
        self.name = name
        self._answer: Callable | None = None

    def fill(self, answer: Callable) -> None:
        if self._answer is not None and self._answer is not answer:
            raise ImproperlyConfigured(f"applicants.contributions.{self.name} is answered twice")
        self._answer = answer

    def __call__(self, **kwargs):
        if self._answer is None:
            raise ImproperlyConfigured(f"No installed app answers applicants.contributions.{self.name}")
        return self._answer(**kwargs)


class Contributions:
    """A slot every interested app adds to; called, it yields each contribution's answer."""

    def __init__(self, name: str):
        self.name = name
        self._providers: list[Callable] = []

    def add(self, provider: Callable) -> None:
        if provider not in self._providers:
            self._providers.append(provider)

    def __call__(self, **kwargs) -> Iterator:
        return (provider(**kwargs) for provider in self._providers)

    def merged(self, **kwargs) -> dict:
        """The answers of a slot whose contributions are dicts (a page's context), as one dict."""
        merged = {}
        for answer in self(**kwargs):
            merged.update(answer)
        return merged


@dataclass(frozen=True)
class RetakeBasis:
    """An earlier application whose results ground a retake: which of its parts were passed."""

    application_id: int
    passed: dict[str, bool]  # part ("theory", "skill", "review") → passed


# --- the batches an applicant may apply to, and those staff work on (exams) -------------
#: ``batches_open()`` → the batches open for registration today, each with its ``fee``.
batches_open = Hook("batches_open")
#: ``batches_visible(actor=)`` → the batches ``actor`` may see (declarations, rosters).
batches_visible = Hook("batches_visible")

# --- rules of an application that depend on its batch (exams) ----------------------------
#: ``tickets_published(batch_id=)`` → whether the batch's seating and tickets are published.
tickets_published = Hook("tickets_published")
#: ``retake_basis(id_number=, occupation_id=, level=, on=)`` → the ``RetakeBasis`` of the person's
#: latest results of that occupation and level still valid on ``on``, or None.
retake_basis = Hook("retake_basis")

# --- what the pages show from higher apps ------------------------------------------------
#: ``application_page(application=)`` → a dict merged into the application page's context
#: (exams: ``results``; finance: ``fee_status``, ``how_to_pay``).
application_page = Contributions("application_page")
#: ``my_applications_page(actor=)`` → a dict merged into "my applications"' context (exams: ``batches``).
my_applications_page = Contributions("my_applications_page")
#: ``my_applications_prefetch()`` → a ``Prefetch`` on the applicant's applications
#: (exams: ``released_results``).
my_applications_prefetch = Contributions("my_applications_prefetch")
#: ``personal_data(applicant=)`` → ``(key, {application_id: [JSON values]})``: one more list in each
#: application of the applicant's own data export, empty where none (exams: ``results``).
personal_data = Contributions("personal_data")

# --- retention of uploaded documents -----------------------------------------------------
#: ``documents_held(cutoff=)`` → a ``Q`` over ``ApplicationDocument`` matching the documents that
#: may not be removed yet when the retention period ends on ``cutoff`` (exams: until the batch is
#: reported and ``cutoff`` has passed its report; the archive: until filed in a dossier).
documents_held = Contributions("documents_held")
