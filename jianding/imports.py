"""Spreadsheet imports in two steps: a preview that reports every bad row, then the import.

The uploaded file waits between the steps under a generated name in the default
storage (below MEDIA_ROOT, or in the S3 bucket), which every app server shares, so
the import may reach another server than the preview; the page carries only a
signed token naming it and its uploader.

The work is bounded by ``IMPORT_MAX_ROWS``: the first sheet's XML is streamed to
count the rows that hold a value, without loading the shared strings, and a longer
sheet is refused before the rest of it is read; only then is it read in openpyxl's
read-only mode. Rows without any value (formatted but empty ones) are skipped.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.resources import Resource
from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.xml.functions import iterparse
from tablib import Dataset

from jianding.errors import RuleViolation
from jianding.forms import form_refuse

XLSX_MAX_BYTES = 10 * 1024 * 1024
TOKEN_MAX_AGE = 2 * 3600
_SALT = "jianding.imports"
# The preview lists this many problems; a sheet wrong throughout says so in one line.
PROBLEMS_SHOWN = 50
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


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

    @property
    def problems_shown(self) -> list[tuple[int, str]]:
        return self.problems[:PROBLEMS_SHOWN]

    @property
    def problems_hidden(self) -> int:
        return max(0, len(self.problems) - PROBLEMS_SHOWN)


class FormulaWithoutValue(str):
    """A cell holding a formula whose result was never saved (a program wrote it, not Excel)."""

    def __new__(cls):
        return super().__new__(cls, "")


class Sheet(Dataset):
    """The rows of a sheet that hold a value, each with its row number in the sheet."""

    def __init__(self, *, headers: list[str]):
        super().__init__(headers=headers)
        self.row_numbers: list[int] = []


STASH_DIR = "imports/"


def _purge_stale_stashes() -> None:
    """Remove stashed workbooks whose token has expired."""
    # Not exists(STASH_DIR): a bucket has no folders, only names that share a prefix.
    try:
        names = default_storage.listdir(STASH_DIR)[1]
    except FileNotFoundError:  # on disk, before the first import
        return
    cutoff = timezone.now() - datetime.timedelta(seconds=TOKEN_MAX_AGE)
    for name in names:
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


def _has_value(cell) -> bool:
    value, inline = cell.find(f"{_MAIN}v"), cell.find(f"{_MAIN}is")
    return bool(value is not None and value.text) or inline is not None


def _sheet_scan(file: IO[bytes], *, max_rows: int) -> set[tuple[int, int]]:
    """Count the first sheet's rows that hold a value, refusing beyond ``max_rows`` rows of data.

    Return the (row, column) of each formula without a saved value. The sheet's
    XML is streamed and left at the limit, so memory does not grow with the file.
    """
    reader = ExcelReader(file, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        target = next(rel.target for _sheet, rel in reader.parser.find_sheets() if "worksheet" in rel.Type)
        formulas, counted, row_number, rows = set(), 0, 0, None
        with reader.archive.open(target) as xml:
            for event, element in iterparse(xml, events=("start", "end")):
                if event == "start":
                    if element.tag == f"{_MAIN}sheetData":
                        rows = element
                    continue
                if element.tag != f"{_MAIN}row":
                    continue
                row_number = int(element.get("r") or row_number + 1)
                column, filled = 0, False
                for cell in element.iter(f"{_MAIN}c"):
                    reference = cell.get("r")
                    column = (
                        column_index_from_string(coordinate_from_string(reference)[0])
                        if reference
                        else column + 1
                    )
                    if cell.find(f"{_MAIN}f") is not None and not _has_value(cell):
                        formulas.add((row_number, column))
                        filled = True
                    filled = filled or _has_value(cell)
                counted += filled
                if counted > max_rows + 1:  # the header row, then max_rows rows of data
                    raise RuleViolation(
                        _(
                            "The sheet has more than %(limit)d rows; split it into files of at most %(limit)d rows."
                        )
                        % {"limit": max_rows},
                        field="file",
                        code="too_many_rows",
                    )
                rows.clear()  # the row is counted: keep nothing of it
        return formulas
    finally:
        reader.archive.close()


def _blank(value) -> bool:
    return value is None or (type(value) is str and not value.strip())


def sheet_read(file: IO[bytes], *, max_rows: int) -> Sheet:
    """Read the first sheet of an .xlsx file (seekable, read in place, never whole into memory).

    Its first row names the columns; rows without a value are skipped.
    """
    try:
        formulas = _sheet_scan(file, max_rows=max_rows)
        file.seek(0)
        book = load_workbook(file, read_only=True, data_only=True)
        try:
            rows = enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
            _first, header = next(rows, (1, ()))
            headers = ["" if value is None else str(value).strip() for value in header]
            sheet = Sheet(headers=headers)
            for number, cells in rows:
                values = [
                    FormulaWithoutValue() if (number, column) in formulas else value
                    for column, value in enumerate(cells[: len(headers)], start=1)
                ]
                if all(_blank(value) for value in values):
                    continue
                sheet.append(values + [None] * (len(headers) - len(values)))
                sheet.row_numbers.append(number)
            return sheet
        finally:
            book.close()
    except RuleViolation:
        raise
    except Exception as error:  # openpyxl and zipfile raise many kinds for a broken file
        raise RuleViolation(
            _("The workbook cannot be read; open it in Excel or WPS, save it again and retry."),
            field="file",
            code="xlsx_damaged",
        ) from error


def import_dataset(*, actor, token: str, purpose: str) -> Sheet:
    """Load the stashed workbook named by ``token``, which only its uploader may use."""
    name = _stash_name(actor=actor, token=token, purpose=purpose)
    with default_storage.open(name, "rb") as stashed:
        return sheet_read(stashed, max_rows=settings.IMPORT_MAX_ROWS)


def import_discard(*, actor, token: str, purpose: str) -> None:
    """Remove the stashed workbook once it is imported."""
    default_storage.delete(_stash_name(actor=actor, token=token, purpose=purpose))


def import_run(*, resource: Resource, dataset: Dataset, dry_run: bool, actor) -> ImportReport:
    """Import ``dataset`` (or only try it, with ``dry_run``) in one pass; nothing is saved if a row is bad."""
    report = ImportReport(total=len(dataset))
    columns = {field.attribute: field.column_name for field in resource.get_import_fields()}
    for column in getattr(resource, "OPTIONAL_COLUMNS", ()):
        if column not in (dataset.headers or []):
            dataset.append_col([""] * len(dataset), header=column)
    missing = [column for column in columns.values() if column not in (dataset.headers or [])]
    if missing:
        report.problems.append(
            (1, _("The header row lacks the column %(columns)s.") % {"columns": "、".join(missing)})
        )
        return report
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=actor,
        )
        # Data row n is sheet row n + 1, below the header, unless rows without a value were skipped.
        numbers = dataset.row_numbers if isinstance(dataset, Sheet) else range(2, len(dataset) + 2)
        for row in result.invalid_rows:
            messages = [
                f"{columns.get(name, name)}: {'; '.join(errors)}" if name in columns else "; ".join(errors)
                for name, errors in row.error_dict.items()
            ]
            report.problems.append((numbers[row.number - 1], " ".join(messages)))
        for number, errors in result.row_errors():
            report.problems.append((numbers[number - 1], "; ".join(str(error.error) for error in errors)))
        for error in result.base_errors:
            report.problems.append((1, str(error.error)))
        report.problems.sort()
        totals = result.totals
        report.new, report.updated, report.unchanged = totals["new"], totals["update"], totals["skip"]
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    return report


@dataclass
class ImportStep:
    report: ImportReport | None = None
    token: str = ""
    done: bool = False


def import_step(request, form, *, resource: Resource, purpose: str) -> ImportStep:
    """Run the step of an import page the request asks for: preview an upload, or confirm it.

    Refusals land on ``form``; ``done`` says the rows are saved and the page may redirect.
    """
    step = ImportStep(token=request.POST.get("token", ""))
    try:
        if request.method == "POST" and step.token and "confirm" in request.POST:
            dataset = import_dataset(actor=request.user, token=step.token, purpose=purpose)
            step.report = import_run(resource=resource, dataset=dataset, dry_run=False, actor=request.user)
            if step.report.ok:
                import_discard(actor=request.user, token=step.token, purpose=purpose)
                step.done = True
        elif request.method == "POST" and form.is_valid():
            step.token = import_stash(actor=request.user, upload=form.cleaned_data["file"], purpose=purpose)
            dataset = import_dataset(actor=request.user, token=step.token, purpose=purpose)
            step.report = import_run(resource=resource, dataset=dataset, dry_run=True, actor=request.user)
    except RuleViolation as error:
        form_refuse(form, error)
        step.token, step.report = "", None
    return step
