"""Spreadsheet imports in two steps: a preview that reports every bad row, then the import.

The uploaded file waits between the steps under a generated name below
MEDIA_ROOT; the page carries only a signed token naming it and its uploader.
"""

import uuid
from dataclasses import dataclass, field
from io import BytesIO

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
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


def import_stash(*, actor, upload: UploadedFile) -> str:
    """Keep an uploaded .xlsx for the preview and the import; return its token."""
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
    name = default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    return signing.dumps({"name": name, "user": actor.pk}, salt=_SALT)


def import_dataset(*, actor, token: str) -> Dataset:
    """Load the stashed workbook named by ``token``, which only its uploader may use."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise RuleViolation(
            _("The preview has expired; upload the file again."), field="file", code="import_expired"
        ) from None
    if payload["user"] != actor.pk or not default_storage.exists(payload["name"]):
        raise RuleViolation(
            _("The preview has expired; upload the file again."), field="file", code="import_expired"
        )
    with default_storage.open(payload["name"], "rb") as stashed:
        try:
            return Dataset().load(BytesIO(stashed.read()), format="xlsx")
        except Exception as error:  # tablib and openpyxl raise many kinds for a broken file
            raise RuleViolation(
                _("The workbook cannot be read; open it in Excel or WPS, save it again and retry."),
                field="file",
                code="xlsx_damaged",
            ) from error


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
