from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from exams import services
from exams.models import Occupation
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.exams import OccupationFactory


@pytest.fixture
def clerk(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(username="clerk", role=Role.CLERK)


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["职业编码", "职业名称", "可鉴定等级", "在用"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("occupations.xlsx", buffer.getvalue())


def test_occupation_codes_are_unique_and_levels_required(clerk):
    OccupationFactory(code="6-31-01-03")
    with pytest.raises(RuleViolation) as caught:
        services.occupation_save(actor=clerk, code="6-31-01-03", name="电工", levels=[5])
    assert caught.value.code == "code_taken"
    with pytest.raises(RuleViolation) as caught:
        services.occupation_save(actor=clerk, code="6-18-01-01", name="车工", levels=[])
    assert caught.value.field == "levels"


def test_import_previews_reports_every_bad_row_and_imports_nothing(clerk, client_as):
    http = client_as(clerk)
    response = http.post(
        reverse("exams:import_occupations"),
        {
            "file": workbook(
                [
                    ["6-18-01-01", "车工", "5,4,3", 1],
                    ["6-18-01-02", "铣工", "7", 1],
                    ["6-18-02-04", "焊工", "", 1],
                ]
            )
        },
    )
    report = response.context["report"]
    assert [row for row, _message in report.problems] == [3, 4]
    page = response.content.decode()
    assert "第 3 行" in page
    assert "未导入任何数据" in page
    assert not Occupation.objects.exists()


def test_import_waits_for_the_confirmation(clerk, client_as):
    http = client_as(clerk)
    OccupationFactory(code="6-31-01-03", name="电工", levels=[5])
    preview = http.post(
        reverse("exams:import_occupations"),
        {"file": workbook([["6-18-01-01", "车工", "5，4", 1], ["6-31-01-03", "电工", "5,4,3,2,1", 1]])},
    )
    report = preview.context["report"]
    assert (report.new, report.updated, report.problems) == (1, 1, [])
    assert Occupation.objects.count() == 1
    done = http.post(reverse("exams:import_occupations"), {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    assert Occupation.objects.get(code="6-18-01-01").levels == [5, 4]
    assert Occupation.objects.get(code="6-31-01-03").levels == [5, 4, 3, 2, 1]
    replay = http.post(
        reverse("exams:import_occupations"), {"token": preview.context["token"], "confirm": "1"}
    )
    assert replay.context["form"].has_error("file", "import_expired")


def test_codes_and_levels_follow_the_same_rules_as_the_form(clerk, client_as):
    response = client_as(clerk).post(
        reverse("exams:import_occupations"),
        {
            "file": workbook(
                [["ABC 1", "车工", "5", 1], ["6-18-01-02", "铣工", "4.9", 1], ["6-18-01-03", "磨工", 4.0, 1]]
            )
        },
    )
    assert [row for row, _message in response.context["report"].problems] == [2, 3]


def test_a_token_serves_only_its_uploader(clerk, client_as):
    preview = client_as(clerk).post(
        reverse("exams:import_occupations"), {"file": workbook([["6-18-01-01", "车工", "5", 1]])}
    )
    other = UserFactory(username="clerk2", role=Role.CLERK)
    response = client_as(other).post(
        reverse("exams:import_occupations"), {"token": preview.context["token"], "confirm": "1"}
    )
    assert response.status_code == 200
    assert not Occupation.objects.exists()


def test_a_non_spreadsheet_is_refused(clerk, client_as):
    response = client_as(clerk).post(
        reverse("exams:import_occupations"), {"file": SimpleUploadedFile("x.xlsx", b"=cmd|' /C calc'!A0")}
    )
    assert response.context["form"].has_error("file", None)
    assert "不是 .xlsx" in response.content.decode()


def test_export_round_trips_through_import(clerk, client_as):
    OccupationFactory(code="6-31-01-03", name="电工", levels=[5, 4, 3])
    response = client_as(clerk).get(reverse("exams:export_occupations"))
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["职业编码", "职业名称", "可鉴定等级", "在用"]
    assert [cell.value for cell in sheet[2]][:3] == ["6-31-01-03", "电工", "5,4,3"]
