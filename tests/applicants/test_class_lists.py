import tracemalloc
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from pypdf import PdfReader
from tablib import Dataset

from applicants import selectors, services
from applicants.models import Applicant, Application
from applicants.resources import ClassListResource
from jianding.errors import RuleViolation
from jianding.imports import PROBLEMS_SHOWN, import_dataset, import_run, import_stash
from jianding.models import User
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory, resident_id
from tests.factories.exams import BatchFactory

HEADERS = ["姓名", "身份证号", "手机号", "班级", "文化程度"]


@pytest.fixture
def clerk(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(username="clerk", role=Role.CLERK)


def sheet(rows, headers=HEADERS):
    return Dataset(*rows, headers=headers)


def workbook(rows, headers=HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("class.xlsx", buffer.getvalue())


def run(clerk, rows, *, dry_run=False, headers=HEADERS):
    return import_run(
        resource=ClassListResource(), dataset=sheet(rows, headers), dry_run=dry_run, actor=clerk
    )


def test_new_rows_become_applicant_accounts_waiting_for_their_invitation(clerk):
    number = resident_id(1)
    report = run(clerk, [["曾  小明", number.lower(), "13800138000", "23 机电 1 班", "中专"]])
    assert (report.ok, report.new) == (True, 1)
    applicant = Applicant.objects.get(id_number=number)
    assert (applicant.name, applicant.employer_or_class, applicant.education) == (
        "曾 小明",
        "23 机电 1 班",
        "vocational",
    )
    assert applicant.name_sort_key.startswith("zeng")
    assert (applicant.sex, applicant.birth_date.isoformat()) == ("M", "2004-05-17")
    user = applicant.user
    assert user.username == number
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.APPLICANT.value]
    history = user.history.get()
    assert (history.history_user, history.history_change_reason) == (clerk, "由班级名单导入")
    assert list(history.groups.values_list("group__name", flat=True)) == [Role.APPLICANT.value]
    assert applicant.history.get().history_user == clerk


def test_every_bad_row_is_reported_by_sheet_row_and_column_and_nothing_is_saved(clerk):
    good = resident_id(2)
    report = run(
        clerk,
        [
            ["王芳", good, "13800138000", "23 电子 2 班", ""],
            ["", resident_id(3), "13800138000", "23 电子 2 班", ""],
            ["李雷", good[:-1] + ("0" if good[-1] != "0" else "1"), "13800138000", "23 电子 2 班", ""],
            ["韩梅梅", resident_id(4), "12345", "23 电子 2 班", ""],
            ["赵强", good, "13800138000", "23 电子 2 班", ""],
            ["钱进", resident_id(5), "13800138000", "", "小学"],
            ["孙悟", 320102200405170000.0, "13800138000", "23 电子 2 班", ""],
        ],
    )
    rows = dict(report.problems)
    assert sorted(rows) == [3, 4, 5, 6, 7, 8]
    assert rows[3] == "姓名: 此项为空，请填写。"
    assert rows[4].startswith("身份证号: ")
    assert "校验码" in rows[4]
    assert rows[5].startswith("手机号: ")
    assert rows[6] == "身份证号: 第 2 行已有同一身份证号。"
    assert "班级: 此项为空" in rows[7]
    assert "文化程度: 请填写以下之一" in rows[7]
    assert "存成了数字" in rows[8]
    assert not Applicant.objects.exists()
    assert not User.objects.filter(username=good).exists()


def test_missing_id_column_is_named(clerk):
    report = run(clerk, [["王芳", "13800138000"]], headers=["姓名", "手机号"])
    assert report.problems == [(1, "表头缺少“身份证号、班级”列。")]  # 文化程度 may be left out


def test_known_numbers_update_class_and_phone_but_never_the_name(clerk):
    known = ApplicantFactory(
        name="周杰",
        phone="13900000000",
        user__phone="13900000000",
        employer_or_class="旧班",
        education="college",
    )
    other = ApplicantFactory(
        name="吴磊", phone="13900000001", user__phone="13900000001", employer_or_class="22 数控 1 班"
    )
    report = run(
        clerk,
        [
            ["周杰", known.id_number, "13800138000", "23 数控 1 班", ""],
            ["吴磊", other.id_number, "13900000001", "22 数控 1 班", ""],
        ],
    )
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    known.refresh_from_db()
    assert (known.phone, known.employer_or_class) == ("13800138000", "23 数控 1 班")
    assert known.education == "college"  # the empty cell kept it
    assert known.history.latest().history_change_reason == "由班级名单导入"
    assert other.history.count() == 1
    # Text messages follow: the account has the new number, to be verified; the other keeps his.
    known.user.refresh_from_db()
    assert (known.user.phone, known.user.phone_verified_at) == ("13800138000", None)
    other.user.refresh_from_db()
    assert other.user.phone_verified_at is not None

    report = run(clerk, [["周 杰伦", known.id_number, "13800138000", "23 数控 1 班", ""]])
    assert report.problems == [(2, "姓名: 此身份证号已登记为“周杰”，请核对姓名和身份证号。")]


def test_a_staff_login_name_is_not_taken_over(clerk):
    number = resident_id(9)
    UserFactory(username=number, role=Role.CLERK)
    report = run(clerk, [["王芳", number, "13800138000", "23 电子 2 班", ""]])
    assert report.problems == [(2, "身份证号: 已有工作人员账号以此号码为登录名。")]


def test_dry_run_saves_nothing(clerk):
    report = run(clerk, [["王芳", resident_id(6), "13800138000", "23 电子 2 班", ""]], dry_run=True)
    assert (report.ok, report.new) == (True, 1)
    assert not Applicant.objects.exists()


def test_the_import_page_previews_then_imports_on_confirmation(clerk, client_as):
    http = client_as(clerk)
    url = reverse("applicants:import_class_list")
    number = resident_id(7)
    preview = http.post(url, {"file": workbook([["王芳", number, "13800138000", "23 电子 2 班", "高中"]])})
    assert preview.context["report"].new == 1
    assert not Applicant.objects.exists()
    done = http.post(url, {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    assert done.url == reverse("applicants:list_invitations")
    assert Applicant.objects.filter(id_number=number).exists()
    listing = http.get(reverse("applicants:list_invitations"), {"employer_or_class": "电子"})
    assert "王芳" in listing.content.decode()


def test_invitation_code_sets_the_first_password_once(clerk, client):
    run(clerk, [["王芳", resident_id(8), "13800138000", "23 电子 2 班", ""]])
    applicant = Applicant.objects.get()
    code = services.applicant_invitation_code(applicant.user)
    assert len(code) == 8
    assert not set(code) & set("01IO")
    response = client.post(
        reverse("applicants:activate"),
        {
            "id_number": applicant.id_number,
            "code": code.lower()[:4] + " " + code[4:].lower(),
            "password1": "kaoshi-2026-ok",
            "password2": "kaoshi-2026-ok",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert User.objects.get(pk=applicant.user_id).check_password("kaoshi-2026-ok")
    assert not selectors.invitation_list().exists()
    with pytest.raises(RuleViolation) as caught:
        services.applicant_activate(id_number=applicant.id_number, code=code, password="another-pass-2026")
    assert caught.value.code == "invitation_invalid"


def test_a_wrong_code_counts_as_a_failed_sign_in_and_locks(clerk, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    run(clerk, [["王芳", resident_id(10), "13800138000", "23 电子 2 班", ""]])
    applicant = Applicant.objects.get()
    data = {
        "id_number": applicant.id_number,
        "code": "AAAAAAAA",
        "password1": "kaoshi-2026-ok",
        "password2": "kaoshi-2026-ok",
    }
    first = client.post(reverse("applicants:activate"), data)
    assert first.status_code == 200
    assert first.context["form"].errors["code"] == ["身份证号或开通码不正确，或该账号已开通。"]
    client.post(reverse("applicants:activate"), data)
    locked = client.post(reverse("applicants:activate"), data)
    assert locked.status_code == 429
    # Even the right code waits for the cool-off now.
    data["code"] = services.applicant_invitation_code(applicant.user)
    assert client.post(reverse("applicants:activate"), data).status_code == 429
    assert not User.objects.get(pk=applicant.user_id).has_usable_password()


def test_reissue_voids_the_printed_code(clerk, client_as):
    run(clerk, [["王芳", resident_id(11), "13800138000", "23 电子 2 班", ""]])
    applicant = Applicant.objects.get()
    old = services.applicant_invitation_code(applicant.user)
    response = client_as(clerk).post(reverse("applicants:reissue_invitation", args=[applicant.pk]))
    assert response.status_code == 302
    user = User.objects.get(pk=applicant.user_id)
    assert services.applicant_invitation_code(user) != old
    with pytest.raises(RuleViolation):
        services.applicant_activate(id_number=applicant.id_number, code=old, password="kaoshi-2026-ok")
    assert user.history.latest().history_change_reason == "已重新生成开通码"


def test_slips_print_in_chinese_with_each_code(clerk, client_as):
    run(
        clerk,
        [
            ["王芳", resident_id(12), "13800138000", "23 电子 2 班", ""],
            ["曾强", resident_id(13), "13800138001", "23 电子 2 班", ""],
        ],
    )
    response = client_as(clerk).get(reverse("applicants:print_invitations"), {"employer_or_class": "电子"})
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "账号开通通知" in text
    for applicant in Applicant.objects.all():
        assert applicant.name in text
        assert services.applicant_invitation_code(applicant.user) in text
        assert applicant.id_number not in text


def test_a_forgotten_password_is_reset_by_the_desk_and_chosen_anew_by_its_owner(clerk, client, client_as):
    applicant = ApplicantFactory(name="韩梅")
    application = Application.objects.create(
        applicant=applicant, batch=BatchFactory(), category="student", class_name="23 电子 2 班"
    )
    owner = client_as(applicant.user)
    assert owner.get(reverse("dashboard")).status_code == 200
    response = client_as(clerk).post(reverse("applicants:reset_password", args=[application.pk]))
    assert response["Location"].startswith(reverse("applicants:list_invitations"))
    # The address lands in the browser's history and the server's log: never an ID number in it.
    assert applicant.id_number not in unquote(response["Location"])
    assert applicant.name in client_as(clerk).get(response["Location"]).content.decode()
    user = User.objects.get(pk=applicant.user_id)
    assert not user.has_usable_password()
    assert user.history.latest().history_change_reason == "由鉴定所重置密码"
    # His open session ends with the old password; the new slip's code lets him choose the next one.
    assert owner.get(reverse("applicants:my_applications"))["Location"].startswith(reverse("login"))
    listed = client_as(clerk).get(reverse("applicants:list_invitations"), {"q": applicant.id_number})
    assert applicant.name in listed.content.decode()
    code = services.applicant_invitation_code(user)
    services.applicant_activate(id_number=applicant.id_number, code=code, password="xin-mi-ma-2026")
    assert (
        client.post(
            reverse("login"), {"username": applicant.id_number, "password": "xin-mi-ma-2026"}
        ).status_code
        == 302
    )
    with pytest.raises(PermissionDenied):
        services.applicant_password_reset(actor=UserFactory(role=Role.FINANCE), applicant=applicant)


def _upload(book: Workbook) -> SimpleUploadedFile:
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("class.xlsx", buffer.getvalue())


def _preview(clerk, client_as, book: Workbook):
    return client_as(clerk).post(reverse("applicants:import_class_list"), {"file": _upload(book)})


def test_formatted_empty_rows_are_skipped_and_rows_keep_their_sheet_numbers(clerk, client_as):
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(["王芳", resident_id(30), "13800138000", "23 电子 2 班", "高中"])
    book.active.append([None, "   ", None, None, None])  # a row emptied by hand, its cells still there
    book.active.append(["李雷", "12345", "13800138001", "23 电子 2 班", ""])
    for row in range(5, 40):  # formatted down the sheet, as a template leaves it
        for column in range(1, 6):
            book.active.cell(row=row, column=column).number_format = "@"
            book.active.cell(row=row, column=column).fill = PatternFill("solid", fgColor="FFFF00")
    report = _preview(clerk, client_as, book).context["report"]
    assert report.total == 2
    assert [row for row, _message in report.problems] == [4]


def test_education_column_may_be_left_out(clerk, client_as):
    book = Workbook()
    book.active.append(HEADERS[:4])
    book.active.append(["王芳", resident_id(31), "13800138000", "23 电子 2 班"])
    report = _preview(clerk, client_as, book).context["report"]
    assert report.ok, report.problems
    assert report.new == 1


def test_a_formula_without_a_saved_value_is_named_as_one(clerk, client_as):
    book = Workbook()
    book.active.append(HEADERS)
    # openpyxl, like many programs, saves the formula but not its result.
    book.active.append(["王芳", resident_id(32), '=CONCAT("138", "00138000")', "23 电子 2 班", "高中"])
    report = _preview(clerk, client_as, book).context["report"]
    assert report.problems == [(2, "手机号: 此单元格是公式，没有保存计算结果；请直接输入数值本身。")]


def test_a_sheet_beyond_the_row_limit_is_refused_before_it_is_read(clerk, client_as, settings):
    settings.IMPORT_MAX_ROWS = 20
    book = Workbook()
    book.active.append(HEADERS)
    for index in range(21):
        book.active.append([f"学生{index}", resident_id(100 + index), "13800138000", "23 电子 2 班", ""])
    response = _preview(clerk, client_as, book)
    assert response.context["report"] is None
    assert [error.code for error in response.context["form"].errors.as_data()["file"]] == ["too_many_rows"]
    settings.IMPORT_MAX_ROWS = 21
    assert _preview(clerk, client_as, book).context["report"].new == 21


def test_the_preview_shows_a_sample_of_the_problems_not_every_row(clerk, client_as):
    book = Workbook()
    book.active.append(HEADERS)
    for index in range(120):
        book.active.append([f"学生{index}", "12345", "13800138000", "23 电子 2 班", ""])
    response = _preview(clerk, client_as, book)
    page = response.content.decode()
    assert len(response.context["report"].problems) == 120
    assert page.count("<li>第") == PROBLEMS_SHOWN
    assert f"另有 {120 - PROBLEMS_SHOWN} 处问题" in page


def _class_list_file(rows: int) -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for index in range(rows):
        sheet.append(
            [f"学生{index}", f"3201022004{index:08d}", f"138{index:08d}", f"23 机电 {index % 40} 班", "中专"]
        )
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("class.xlsx", buffer.getvalue())


def _peak_reading(clerk, upload) -> tuple[int, str]:
    """The peak of memory reading a stashed upload takes, and whether it was read or refused."""
    token = import_stash(actor=clerk, upload=upload, purpose="class-list")
    tracemalloc.start()
    try:
        import_dataset(actor=clerk, token=token, purpose="class-list")
        outcome = "read"
    except RuleViolation as refusal:
        outcome = refusal.code
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, outcome


def test_memory_stays_flat_in_the_files_size(clerk):
    small, read = _peak_reading(clerk, _class_list_file(100))
    big_file = _class_list_file(100_000)
    assert big_file.size > 2 * 1024 * 1024
    big, refused = _peak_reading(clerk, big_file)
    assert (read, refused) == ("read", "too_many_rows")
    assert big < 2 * small, (small, big)


def test_printing_slips_that_match_nobody_says_so(clerk, client_as):
    response = client_as(clerk).get(reverse("applicants:print_invitations"), {"q": "没有这个人"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("applicants:list_invitations"))
    assert "没有符合条件的开通通知可打印" in response.content.decode()
