"""From paper marks to the report: import by code, tally, check, publicity with an objection, report, release."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applicants.models import ApplicationStatus
from exams import services
from exams.models import Batch, BatchStatus, ExaminerProfile, Room, SessionPart, TheoryMark
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.scoring import ITEMS


def _theory_session(staff, batch, count):
    applications = candidates(batch, {"23 烹饪 1 班": count}, status=ApplicationStatus.CITY_APPROVED)
    session = services.session_save(
        actor=staff,
        batch=batch,
        rooms=[Room.objects.create(name="302", capacity=30)],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
        place="",
        late_entry_minutes=15,
        technician="",
    )
    services.seats_assign(actor=staff, session=session)
    services.session_room_set_proctors(
        actor=staff,
        session_room=session.session_rooms.get(),
        proctors=[UserFactory(username=f"p{n}", role=Role.PROCTOR) for n in range(2)],
    )
    return applications, session


@pytest.mark.django_db(transaction=True)
def test_paper_marks_travel_from_the_code_list_to_the_applicants_phone(open_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    UserFactory(username="wenyuan", role=Role.CLERK)
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    _applications, session = _theory_session(staff, batch, 3)
    services.tickets_publish(actor=staff, batch=batch)
    session.seats.update(checked_in_at=timezone.now())
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.SCORING)

    # Exam staff give the codes, fill the code list with the marks and import it.
    desk = open_page("desktop")
    sign_in(desk, "kaowu", TEST_PASSWORD)
    desk.goto(f"/exams/sessions/{session.pk}/")
    desk.get_by_role("link", name="理论成绩").click()
    desk.get_by_role("button", name="编制考生代码").click()
    expect(desk.get_by_test_id("marks-summary")).to_contain_text("已编代码 3 人")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="考生代码表（.xlsx）").click()
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    rows = list(book.active.iter_rows(min_row=2))
    for row, points in zip(rows, (59.5, 60, 88), strict=True):
        row[4].value = points
    filled = tmp_path / "marks.xlsx"
    book.save(filled)
    desk.get_by_label("电子表格（.xlsx）").set_input_files(str(filled))
    desk.get_by_role("button", name="预览").click()
    expect(desk.get_by_test_id("import-summary")).to_contain_text("新增 3")
    desk.get_by_role("button", name="确认导入").click()
    expect(desk.get_by_test_id("marks-summary")).to_contain_text("已有成绩 3 人")
    desk.goto(f"/exams/sessions/{session.pk}/")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="统分").click()
    expect(desk.get_by_role("status").first).to_contain_text("3")

    # A second person, the clerk, checks the tally; exam staff publicise the list.
    clerk = open_page("desktop")
    sign_in(clerk, "wenyuan", TEST_PASSWORD)
    clerk.goto(f"/exams/sessions/{session.pk}/")
    clerk.get_by_role("link", name="复核").click()
    for seat in session.seats.select_related("application__applicant", "code__mark"):
        clerk.get_by_label(f"{seat.application.applicant.name} 的纸质成绩（再次录入）").fill(
            str(seat.code.mark.points)
        )
        clerk.get_by_label(f"已核对 {seat.application.applicant.name}").check()
    clerk.get_by_role("button", name="确认复核，成绩生效").click()
    expect(clerk.get_by_role("status").first).to_contain_text("复核完成")
    desk.goto(f"/exams/batches/{batch.pk}/register/")
    desk.get_by_role("link", name="公示与报备").click()
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="公示名单").click()
    expect(desk.get_by_test_id("publicity")).to_contain_text("合格 2 人")

    # A visitor objects on his phone.
    failed = session.seats.get(code__mark__points=Decimal("59.5")).application.applicant
    passed = session.seats.get(code__mark__points=Decimal(88)).application.applicant
    phone = open_page("phone")
    phone.goto("/public/publicity/")
    expect(phone.get_by_role("table")).to_contain_text(passed.name)
    expect(phone.get_by_role("table")).not_to_contain_text(failed.name)
    expect(phone.get_by_role("table")).not_to_contain_text(passed.id_number)
    phone.get_by_role("link", name="提出异议").click()
    phone.get_by_label("您的姓名").fill("刘先生")
    phone.get_by_label("电话或电子邮箱（不公开）").fill("13700001111")
    phone.get_by_label("异议").fill("名单上有位考生考试当天似乎未到场。")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("status").first).to_contain_text("异议已登记")

    # The clerk answers it; once the publicity has run, he records the report.
    clerk.goto(f"/exams/batches/{batch.pk}/publicity/")
    expect(clerk.get_by_test_id("objection")).to_contain_text("刘先生")
    clerk.get_by_label("答复").fill("经核实签到记录，该考生按时到场。")
    clerk.get_by_role("button", name="保存答复").click()
    expect(clerk.get_by_test_id("objection")).to_contain_text("经核实签到记录")
    today = timezone.localdate()
    Batch.objects.filter(pk=batch.pk).update(
        publicity_starts=today - datetime.timedelta(days=9), publicity_ends=today - datetime.timedelta(days=2)
    )
    clerk.reload()
    clerk.get_by_label("报备文号").fill("鉴报〔2026〕12号")
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.get_by_role("button", name="登记报备").click()
    expect(clerk.get_by_test_id("reported")).to_contain_text("鉴报〔2026〕12号")

    # The applicant now sees his result.
    mine = open_page("phone")
    sign_in(mine, passed.user.username, TEST_PASSWORD)
    mine.goto("/applicants/mine/")
    expect(mine.get_by_test_id("results")).to_contain_text("88.0 通过")


@pytest.mark.django_db(transaction=True)
def test_a_chief_examiner_finds_and_decides_an_item_beyond_the_spread_on_his_tablet(
    open_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    _applications, session = _theory_session(staff, batch, 1)
    profiles = []
    for number in range(3):
        user = UserFactory(username=f"kp{number}", name=f"考评{number}", role=Role.EXAMINER)
        profile = ExaminerProfile.objects.create(
            user=user,
            highest_level=1,
            valid_from=datetime.date(2020, 1, 1),
            valid_until=batch.theory_date,
            is_chief_examiner=number == 0,
        )
        profile.occupations.add(batch.occupation)
        services.examiner_assign(actor=staff, session=session, examiner=profile)
        profiles.append(profile)
    services.tickets_publish(actor=staff, batch=batch)
    session.seats.update(checked_in_at=timezone.now())

    # Exam staff write the standard in the browser: the chief examiner decides beyond 5 points.
    desk = open_page("desktop")
    sign_in(desk, "kaowu", TEST_PASSWORD)
    desk.goto("/exams/standards/new/")
    desk.get_by_label("职业（工种）").select_option(str(batch.occupation.pk))
    desk.get_by_label("等级").select_option(str(batch.level))
    desk.get_by_label("科目").select_option("theory")
    desk.get_by_label("施行日期").fill(batch.theory_date.isoformat())
    desk.get_by_label("多名考评员分数的合成方式").select_option("chief")
    for number, item in enumerate(ITEMS, start=1):
        desk.get_by_label(f"考核项目 {number}", exact=True).fill(item["title"])
        desk.get_by_label(f"配分 {number}").fill(str(item["max_points"]))
        if item["is_subjective"]:
            desk.get_by_label(f"主观评分 {number}").check()
    desk.get_by_role("button", name="保存").click()
    expect(desk.locator("#div_id_spread")).to_contain_text("请填写超过多少分差由考评组长裁定")
    desk.get_by_label("最大分差（分）").fill("5")
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_text("分差 5.0")).to_be_visible()
    services.scoring_open(actor=staff, session=session)
    for profile, points in zip(
        profiles, (["10", "50", "10"], ["10", "50", "12"], ["10", "50", "28"]), strict=True
    ):
        sheet = profile.sheets.get()
        for score, value in zip(sheet.scores.order_by("item__order"), points, strict=True):
            services.item_score_save(
                actor=profile.user, sheet=sheet, item_id=score.item_id, points=Decimal(value)
            )
        services.sheet_sign(actor=profile.user, sheet=sheet, password=TEST_PASSWORD)

    # The chief examiner finds the item from his dashboard and his session list, not by its address.
    tablet = open_page("tablet")
    sign_in(tablet, "kp0", TEST_PASSWORD)
    card = tablet.locator(".dashboard-card", has_text="待裁定的超出分差项目")
    expect(card.get_by_test_id("card-count")).to_have_text("1")
    card.click()  # one session waits: the card opens its items
    row = tablet.get_by_test_id("spread-row")
    expect(row).to_contain_text("10.0、12.0、28.0")
    row.get_by_label("得分").fill("15")
    row.get_by_label("理由").fill("作品工艺一般，按标准第 3 条")
    row.get_by_role("button", name="裁定").click()
    expect(tablet.get_by_test_id("spread-row")).to_contain_text("15.0 · 作品工艺一般")
    tablet.goto("/")
    expect(card.get_by_test_id("card-count")).to_have_text("0")
    assert services.results_tally(actor=staff, session=session) == 1
    assert session.results.get().points == Decimal(75)


@pytest.mark.parametrize("viewport", ["desktop", "tablet"])
@pytest.mark.django_db(transaction=True)
def test_the_second_checker_types_the_paper_marks_again_and_a_difference_stops_him(open_page, viewport):
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    clerk = UserFactory(username="wenyuan", role=Role.CLERK)
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    _applications, session = _theory_session(staff, batch, 3)
    services.tickets_publish(actor=staff, batch=batch)
    seats = list(session.seats.select_related("application__applicant").order_by("number"))
    absent, first, second = seats
    for seat in (first, second):
        seat.checked_in_at = timezone.now()
        seat.save()
    services.codes_give(actor=staff, session=session)
    for seat, points in ((first, "72.5"), (second, "58")):
        TheoryMark.objects.create(code=seat.code, points=Decimal(points), imported_by=staff)
    services.results_tally(actor=staff, session=session)

    # The dashboard tells the clerk a tally waits for him; the page hides the first entry.
    page = open_page(viewport)
    sign_in(page, "wenyuan", TEST_PASSWORD)
    page.get_by_role("link", name="待复核的统分").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("复核")
    expect(page.locator("main")).not_to_contain_text("72.5")
    expect(
        page.get_by_test_id("check-line").filter(has_text=absent.application.applicant.name)
    ).to_contain_text("缺考：无签到记录")
    name = {seat: seat.application.applicant.name for seat in seats}
    page.get_by_label(f"{name[first]} 的纸质成绩（再次录入）").fill("75.5")
    page.get_by_label(f"{name[second]} 的纸质成绩（再次录入）").fill("58")
    for seat in seats:
        page.get_by_label(f"已核对 {name[seat]}").check()
    page.get_by_role("button", name="确认复核，成绩生效").click()
    expect(page.get_by_test_id("check-errors")).to_contain_text(f"{name[first]}（理论考试）")
    expect(page.get_by_test_id("check-errors")).not_to_contain_text(name[second])
    session.refresh_from_db()
    assert session.checked_at is None

    # He looks at the paper again: his first typing was wrong.
    page.get_by_label(f"{name[first]} 的纸质成绩（再次录入）").fill("72.5")
    page.get_by_role("button", name="确认复核，成绩生效").click()
    expect(page.get_by_role("status").first).to_contain_text("复核完成")
    session.refresh_from_db()
    assert session.checked_by == clerk
