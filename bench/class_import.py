"""Importing a class list of 10,000 rows, against the floor of reading it and one plain insert.

The floor reads the same workbook with openpyxl and writes the same rows with
``bulk_create`` (accounts, then applicants), with no validation, no history and
no pinyin. The import reads it through django-import-export and checks every
row as a clerk's upload is checked. Each is run three times inside a
transaction that is rolled back; the best of each counts.

Last line: ``ratio class_import <import rate / floor rate>``; the target is 0.5 or more.
"""

import datetime
import os
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianding.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def workbook_bytes() -> bytes:
    from openpyxl import Workbook
    from stdnum.cn import ric

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "身份证号", "手机号", "班级", "文化程度"])
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗曾单解",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚",
    )
    for index in range(ROWS):
        birth = datetime.date(2004, 1, 1) + datetime.timedelta(days=index // 500)
        base = f"320102{birth:%Y%m%d}{index % 500:03d}"
        name = surnames[index % len(surnames)] + given[index // 7 % len(given)] + given[index % len(given)]
        sheet.append(
            [
                name,
                base + ric.calc_check_digit(base + "0"),
                f"138{index:08d}",
                f"23 机电 {index // 45 + 1} 班",
                "中专",
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def floor(data: bytes) -> None:
    from openpyxl import load_workbook

    from applicants.models import Applicant
    from jianding.models import User

    sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    users = User.objects.bulk_create(User(username=row[1], name=row[0], phone=row[2]) for row in rows)
    Applicant.objects.bulk_create(
        Applicant(
            user=user,
            name=row[0],
            id_number=row[1],
            phone=row[2],
            employer_or_class=row[3],
            birth_date=datetime.date(2004, 1, 1),
            sex="M",
        )
        for user, row in zip(users, rows, strict=True)
    )


def class_import(data: bytes, actor) -> None:
    from applicants.resources import ClassListResource
    from jianding.imports import import_run, sheet_read

    dataset = sheet_read(BytesIO(data), max_rows=ROWS)
    report = import_run(resource=ClassListResource(), dataset=dataset, dry_run=False, actor=actor)
    if not report.ok or report.new != ROWS:
        raise SystemExit(f"the import failed: {report.problems[:5]}")


def timed(work) -> float:
    from django.db import transaction

    with transaction.atomic():
        start = time.perf_counter()
        work()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    setup_django()
    from django.contrib.auth.models import Group

    from jianding.models import User
    from jianding.roles import Role

    actor, _ = User.objects.get_or_create(username="bench-clerk", defaults={"name": "基准"})
    actor.groups.add(Group.objects.get(name=Role.CLERK.value))
    data = workbook_bytes()
    floors, imports = [], []
    for _run in range(RUNS):
        floors.append(timed(lambda: floor(data)))
        imports.append(timed(lambda: class_import(data, actor)))
    best_floor, best_import = min(floors), min(imports)
    print(f"rows {ROWS}")
    print(f"floor (openpyxl + bulk_create) best {best_floor:.2f} s, {ROWS / best_floor:,.0f} rows/s")
    print(f"class-list import best {best_import:.2f} s, {ROWS / best_import:,.0f} rows/s")
    print(f"ratio class_import {best_floor / best_import:.2f}")


if __name__ == "__main__":
    main()
