from io import BytesIO

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from applicants import services
from applicants.models import Applicant
from jianding.roles import Role
from tests.browser.conftest import menu_follow, sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import resident_id


def class_list(rows) -> bytes:
    book = Workbook()
    book.active.append(["姓名", "身份证号", "手机号", "班级", "文化程度"])
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_clerk_imports_a_class_and_a_student_activates_on_his_phone(open_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="clerk", role=Role.CLERK)
    number = resident_id(21)
    clerk = open_page()
    sign_in(clerk, "clerk", TEST_PASSWORD)
    menu_follow(clerk, "开通通知")
    clerk.get_by_role("link", name="导入班级名单").click()
    upload = {
        "name": "23jd1.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": class_list(
            [
                ["王芳", number, "13800138000", "23 机电 1 班", "中专"],
                ["李雷", "123", "13800138001", "23 机电 1 班", ""],
            ]
        ),
    }
    clerk.get_by_label("电子表格（.xlsx）").set_input_files(upload)
    clerk.get_by_role("button", name="预览").click()
    expect(clerk.get_by_test_id("import-problems")).to_contain_text("第 3 行: 身份证号")
    clerk.get_by_role("link", name="重新上传").click()
    upload["buffer"] = class_list([["王芳", number, "13800138000", "23 机电 1 班", "中专"]])
    clerk.get_by_label("电子表格（.xlsx）").set_input_files(upload)
    clerk.get_by_role("button", name="预览").click()
    expect(clerk.get_by_test_id("import-summary")).to_contain_text("1 行")
    clerk.get_by_role("button", name="确认导入").click()
    expect(clerk.get_by_role("cell", name="王芳")).to_be_visible()
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="打印开通通知（PDF）").click()
    assert download.value.suggested_filename == "invitations.pdf"

    code = services.applicant_invitation_code(Applicant.objects.get(id_number=number).user)
    student = open_page("phone")
    student.goto("/")
    student.get_by_role("link", name="开通账号").click()
    student.get_by_label("身份证号").fill(number)
    student.get_by_label("开通码").fill(code.lower())
    student.locator("#id_password1").fill("Kai-tong-2026")
    student.get_by_label("再次输入密码").fill("Kai-tong-2026")
    student.get_by_role("button", name="开通").click()
    expect(student.get_by_text("账号已开通。请先完善个人资料，再报名。")).to_be_visible()
