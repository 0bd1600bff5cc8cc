"""Times built in Python read as the center's wall clock (Asia/Shanghai), not UTC."""

import datetime
from io import BytesIO

from openpyxl import load_workbook
from tablib import Dataset

from jianding.clock import local_text
from jianding.spreadsheets import xlsx_from_dataset

# 01:06 on 8 December in Beijing, still 7 December in UTC.
NIGHT = datetime.datetime(2026, 12, 7, 17, 6, tzinfo=datetime.UTC)


def test_local_text_is_the_centers_day_and_hour():
    assert local_text(NIGHT) == "2026-12-08 01:06"
    assert local_text(NIGHT, "%H:%M") == "01:06"


def test_a_spreadsheet_cell_holds_the_centers_wall_clock():
    dataset = Dataset(headers=["申报时间"])
    dataset.append([NIGHT])
    sheet = load_workbook(BytesIO(xlsx_from_dataset(dataset, title="申报"))).active
    assert sheet["A2"].value == datetime.datetime(2026, 12, 8, 1, 6)
