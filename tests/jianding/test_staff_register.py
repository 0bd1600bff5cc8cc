"""The staff register as .xlsx and as a printed PDF."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from jianding.roles import Role
from tests.factories.accounts import UserFactory

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "pasted\x0bname"]


@pytest.fixture
def director(db):
    return UserFactory(username="boss", name="王建国", role=Role.DIRECTOR)


def test_export_writes_every_cell_as_text_never_a_formula(director, client_as):
    for index, hostile in enumerate(HOSTILE):
        UserFactory(username=f"h{index}", name=hostile, phone=hostile[:20], role=Role.CLERK)
    response = client_as(director).get(reverse("accounts:export_staff"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert '=HYPERLINK("http://x")' in values
    assert [cell.value for cell in sheet[1]] == ["登录名", "姓名", "电话", "角色", "允许登录"]


def test_export_follows_the_list_filter(director, client_as):
    UserFactory(username="exam-a", role=Role.EXAMINER)
    UserFactory(username="clerk-a", role=Role.CLERK)
    response = client_as(director).get(reverse("accounts:export_staff"), {"role": "examiner"})
    logins = [row[0].value for row in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2)]
    assert logins == ["exam-a"]


def test_printed_register_is_a_pdf_whose_text_is_chinese(director, client_as):
    UserFactory(username="chief", name="周德明", role=Role.EXAMINER)
    response = client_as(director).get(reverse("accounts:print_staff"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts
    assert "职业技能鉴定所工作人员名册" in text
    assert "周德明" in text
    assert "考评员" in text
