"""Spreadsheet imports in two steps: a preview that reports every bad row, then the import.

The uploaded file waits between the steps under a generated name below
MEDIA_ROOT; the page carries only a signed token naming it and its uploader.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from io import BytesIO

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.resources import Resource
from tablib import Dataset

from jianding.errors import RuleViolation

XLSX_MAX_BYTES = 10 * 1024 * 1024
TOKEN_MAX_AGE = 2 * 3600
_SALT = "jianding.imports"


@dataclass
class ImportReport:
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


STASH_DIR = "imports/"


def _purge_stale_stashes() -> None:
    """Remove stashed workbooks whose token has expired."""
    if not default_storage.exists(STASH_DIR):
        return
    cutoff = timezone.now() - datetime.timedelta(seconds=TOKEN_MAX_AGE)
    for name in default_storage.listdir(STASH_DIR)[1]:
        path = STASH_DIR + name
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def import_stash(*, actor, upload: UploadedFile, purpose: str) -> str:
    """Keep an uploaded .xlsx for the preview and the import; return its token.

    ``purpose`` names the import (e.g. "occupations"), so a token from one
    import page cannot be replayed on another.
    """
    if upload.size is None or upload.size > XLSX_MAX_BYTES:
        raise RuleViolation(
            _("The spreadsheet is larger than %(limit)d MB.") % {"limit": XLSX_MAX_BYTES // (1024 * 1024)},
            field="file",
            code="file_too_large",
        )
    data = upload.read()
    if not data.startswith(b"PK\x03\x04"):
        raise RuleViolation(
            _("This is not an .xlsx workbook; save it from Excel or WPS as .xlsx."),
            field="file",
            code="not_xlsx",
        )
    _purge_stale_stashes()
    name = default_storage.save(f"{STASH_DIR}{uuid.uuid4().hex}.xlsx", ContentFile(data))
    return signing.dumps({"name": name, "user": actor.pk, "purpose": purpose}, salt=_SALT)


def _stash_name(*, actor, token: str, purpose: str) -> str:
    expired = RuleViolation(
        _("The preview has expired; upload the file again."), field="file", code="import_expired"
    )
    try:
        payload = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise expired from None
    name = payload.get("name", "")
    if (
        payload.get("user") != actor.pk
        or payload.get("purpose") != purpose
        or not name.startswith(STASH_DIR)
        or not default_storage.exists(name)
    ):
        raise expired
    return name


def import_dataset(*, actor, token: str, purpose: str) -> Dataset:
    """Load the stashed workbook named by ``token``, which only its uploader may use."""
    name = _stash_name(actor=actor, token=token, purpose=purpose)
    with default_storage.open(name, "rb") as stashed:
        try:
            return Dataset().load(BytesIO(stashed.read()), format="xlsx")
        except Exception as error:  # tablib and openpyxl raise many kinds for a broken file
            raise RuleViolation(
                _("The workbook cannot be read; open it in Excel or WPS, save it again and retry."),
                field="file",
                code="xlsx_damaged",
            ) from error


def import_discard(*, actor, token: str, purpose: str) -> None:
    """Remove the stashed workbook once it is imported."""
    default_storage.delete(_stash_name(actor=actor, token=token, purpose=purpose))


def import_run(*, resource: Resource, dataset: Dataset, dry_run: bool, actor) -> ImportReport:
    """Import ``dataset`` (or only try it, with ``dry_run``); nothing is saved if a row is bad."""
    report = ImportReport(total=len(dataset))
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=True, raise_errors=False, user=actor)
        for row in result.invalid_rows:
            messages = [f"{name}: {'; '.join(errors)}" for name, errors in row.error_dict.items()]
            # Row 1 of the sheet is the header, so data row n is sheet row n + 1.
            report.problems.append((row.number + 1, " ".join(messages)))
        for number, errors in result.row_errors():
            report.problems.append((number + 1, "; ".join(str(error.error) for error in errors)))
        report.problems.sort()
        totals = result.totals
        report.new, report.updated, report.unchanged = totals["new"], totals["update"], totals["skip"]
        if not dry_run and report.ok:
            resource.import_data(dataset, dry_run=False, raise_errors=True, user=actor)
    return report
