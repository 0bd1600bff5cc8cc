"""The batch's path as a checklist: after the publicity, the clerk learns why he cannot report yet and who can fix it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exams import services
from exams.models import Batch, BatchStatus, TheoryMark
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.browser.test_results import _theory_session
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.exams import BatchFactory
from tests.factories.scoring import check_tally


@pytest.mark.parametrize("viewport", ["desktop", "tablet"])
@pytest.mark.django_db(transaction=True)
def test_a_batch_left_in_exam_shows_the_clerk_what_blocks_the_report_and_who_moves_it(open_page, viewport):
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    UserFactory(username="wenyuan", role=Role.CLERK)
    today = timezone.localdate()
    days = datetime.timedelta
    batch = BatchFactory(
        status=BatchStatus.REGISTRATION_CLOSED,
        registration_opens=today - days(60),
        registration_closes=today - days(30),
        theory_date=today - days(20),
        skill_date=today - days(19),
    )
    _applications, session = _theory_session(staff, batch, 2)
    services.tickets_publish(actor=staff, batch=batch)
    # The deputy started the exams; exam staff opened the session's scoring but never moved the batch.
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.IN_EXAM)
    session.seats.update(checked_in_at=timezone.now())
    services.codes_give(actor=staff, session=session)
    for code in session.codes.all():
        TheoryMark.objects.create(code=code, points=Decimal(80), imported_by=staff)
    services.results_tally(actor=staff, session=session)
    check_tally(actor=UserFactory(role=Role.CLERK), session=session)
    services.publicity_start(actor=staff, batch=batch, today=today - days(14))

    # The report card counts the batch; its page says why there is no form, and who can fix it.
    clerk = open_page(viewport)
    sign_in(clerk, "wenyuan", TEST_PASSWORD)
    clerk.get_by_role("link", name="待报备市鉴定中心的批次").click()
    expect(clerk.get_by_test_id("report-missing")).to_contain_text("考务组")
    expect(clerk.get_by_role("button", name="登记报备")).to_have_count(0)

    # The batch page lays out the path: done, the next step with its role, and the rest.
    clerk.get_by_role("link", name=str(batch)).first.click()
    steps = clerk.get_by_test_id("path-step")
    expect(steps.filter(has_text="评分、统分与复核")).to_contain_text("✓")
    current = clerk.locator("[aria-current=step]")
    expect(current).to_contain_text("批次转入评分阶段（考试已结束）")
    expect(current).to_contain_text("考务组")
    expect(steps.filter(has_text="登记报备市鉴定中心")).to_contain_text("考务组在批次页面")
    expect(clerk.get_by_role("button", name="开始评分")).to_have_count(0)
    clerk.goto(f"/exams/sessions/{session.pk}/")
    expect(clerk.get_by_role("button", name="为考评员生成评分表")).to_be_visible()

    # Exam staff take the step the path names; the clerk then records the report.
    desk = open_page("desktop")
    sign_in(desk, "kaowu", TEST_PASSWORD)
    desk.goto(f"/exams/batches/{batch.pk}/")
    desk.get_by_role("button", name="批次转入评分阶段（考试已结束）").click()
    expect(desk.get_by_test_id("batch-status")).to_have_text("评分中")
    clerk.goto(f"/exams/batches/{batch.pk}/publicity/")
    expect(clerk.get_by_test_id("report-missing")).to_have_count(0)
    clerk.get_by_label("报备文号").fill("鉴报〔2026〕15号")
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.get_by_role("button", name="登记报备").click()
    expect(clerk.get_by_test_id("reported")).to_contain_text("鉴报〔2026〕15号")
