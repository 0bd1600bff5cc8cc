"""Spreadsheet export shared by every register: .xlsx that never carries a live formula.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return could be read as a formula by a spreadsheet program (CSV/formula
injection). Every such cell is written as plain text, its content unchanged.
A datetime is written as the center's wall clock showed it: Excel has no time zones.
"""

import datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from tablib import Dataset

from jianding.clock import local_wall_clock
from jianding.downloads import file_response

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_from_dataset(dataset: Dataset, *, title: str) -> bytes:
    """Write ``dataset`` (headers and rows) as an .xlsx workbook with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(header) for header in dataset.headers or []])
    for row_number, row in enumerate(dataset, start=2):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            if isinstance(value, str):
                # control characters (a pasted \x0b, say) are not allowed in the file format
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
                value = local_wall_clock(value)
            cell.value = value
            if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(dataset: Dataset, *, title: str, filename: str) -> HttpResponse:
    """Return ``dataset`` as an .xlsx download named ``filename``."""
    return file_response(
        xlsx_from_dataset(dataset, title=title), filename=filename, content_type=XLSX_CONTENT_TYPE
    )
