"""The pages of the books: query counts that do not grow with rows, the signature by password, exports."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applicants.models import Applicant
from exams.models import Outcome, SessionStatus
from finance import services
from finance.models import (
    Expense,
    ExpenseAttachment,
    ExpenseStatus,
    FeeItem,
    FeePlan,
    FeePlanStatus,
    LedgerEntry,
    Subject,
)
from jianding.models import JobStatus
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory, second_factor_code
from tests.factories.applicants import ApplicantFactory, candidates
from tests.finance.conftest import invoice
from tests.finance.test_services import collect, submit


def _expenses(ledger, count):
    for n in range(count):
        Expense.objects.create(
            subject=ledger["expense"],
            amount=Decimal("1.00"),
            purpose=f"用途{n}",
            submitted_by=ledger["staff"],
        )


def _dues(ledger, count):
    candidates(ledger["batch"], {"23 机电 5 班": count})


def _entries(ledger, count):
    for application in candidates(ledger["batch"], {"23 机电 6 班": count}, paid=False):
        collect(ledger, application=application)


@pytest.mark.parametrize(
    ("url_name", "who", "make", "queries"),
    [
        # session, user, groups, the second factor's device, the bell's unread count [#18]; then
        # the page's own: count, rows, and the filter's choices
        ("finance:list_expenses", "finance", _expenses, 8),
        ("finance:list_dues", "finance", _dues, 7),
        ("finance:list_entries", "finance", _entries, 8),
        ("finance:list_fee_plans", "clerk", lambda ledger, count: None, 7),
    ],
)
def test_list_pages_take_the_same_queries_for_1_and_20_rows(
    ledger, client_as, django_assert_num_queries, url_name, who, make, queries
):
    http = client_as(ledger[who])
    make(ledger, 1)
    with django_assert_num_queries(queries):
        assert http.get(reverse(url_name)).status_code == 200
    make(ledger, 19)
    with django_assert_num_queries(queries):
        assert http.get(reverse(url_name)).status_code == 200


def test_the_director_signs_with_his_password_and_his_second_factor_on_the_page(ledger, client_as):
    expense = submit(ledger)
    director = ledger["director"]
    http = client_as(director)
    url = reverse("finance:sign_expense", args=[expense.pk])
    response = http.post(url, {"password": "wrong", "token": second_factor_code(director)})
    assert response.status_code == 200
    assert response.context["sign_form"].has_error("password", "wrong_password")
    # A signed-in session is not enough: the second factor is asked again for the signature.
    response = http.post(url, {"password": TEST_PASSWORD})
    assert response.context["sign_form"].has_error("token", "wrong_code")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
    for device in (*director.totpdevice_set.all(), *director.staticdevice_set.all()):
        device.throttle_reset()
    assert (
        http.post(url, {"password": TEST_PASSWORD, "token": second_factor_code(director)}).status_code == 302
    )
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SIGNED


def test_an_expense_submitted_through_the_page_keeps_its_invoices(ledger, client_as):
    http = client_as(ledger["staff"])
    response = http.post(
        reverse("finance:create_expense"),
        {
            "subject": ledger["expense"].pk,
            "amount": "88.50",
            "purpose": "考场矿泉水",
            "invoices": [invoice("a.png"), invoice("b.png")],
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.attachments.count() == 2
    download = http.get(reverse("finance:download_attachment", args=[expense.attachments.first().pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"


def test_reports_reconcile_to_the_fen_and_the_export_neutralises_formulas(ledger, client_as):
    for application in candidates(ledger["batch"], {"23 机电 7 班": 3}, paid=False):
        collect(ledger, application=application)
    sneaky = ApplicantFactory(name="=HYPERLINK(1)")
    odd = candidates(ledger["batch"], {"23 机电 8 班": 1}, paid=False)[0]
    odd.applicant = sneaky
    odd.save()
    collect(ledger, application=odd)
    payment = ledger["applications"][0]
    first = collect(ledger, application=payment)
    refund = services.refund_request(
        actor=ledger["finance"], payment=first, amount=Decimal("33.33"), reason="部分退费"
    )
    services.refund_approve(actor=ledger["director"], refund=refund)
    for amount in ("0.01", "99.99", "300.33"):
        expense = submit(ledger, amount=amount, batch=ledger["batch"])
        services.expense_sign(actor=ledger["director"], expense=expense, password=TEST_PASSWORD)
        services.expense_book(actor=ledger["finance"], expense=expense, account=ledger["bank"])
    income = Decimal("150.00") * 5 - Decimal("33.33")
    spent = Decimal("0.01") + Decimal("99.99") + Decimal("300.33")
    http = client_as(ledger["finance"])
    page = http.get(reverse("finance:view_reports"))
    assert page.context["income_total"] == income == Decimal("716.67")
    assert page.context["expense_total"] == -spent
    assert page.context["net_total"] == income - spent == Decimal("316.34")
    assert sum(entry.amount for entry in LedgerEntry.objects.all()) == page.context["net_total"]
    [row] = page.context["budget_rows"]
    assert row.actual == spent
    assert row.left == Decimal("1000.00") - spent
    [batch] = page.context["batch_rows"]
    assert batch["net"] == income - spent

    day = http.get(reverse("finance:export_daily_report"))
    sheet = load_workbook(BytesIO(day.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    formula = next(cell for cell in cells if cell.value == "=HYPERLINK(1)")
    assert formula.data_type == "s"
    total = sum(Decimal(str(cell.value)) for cell in sheet["H"][1:])
    assert total == Decimal("716.67")
    report = load_workbook(BytesIO(http.get(reverse("finance:export_reports")).content)).active
    net = next(row for row in report.iter_rows(values_only=True) if row[0] == "净额")
    assert Decimal(str(net[-1])) == Decimal("316.34")


def test_finance_collects_on_the_page_and_corrects_by_reversal_only(ledger, client_as):
    http = client_as(ledger["finance"])
    application = ledger["applications"][0]
    page = http.get(reverse("finance:view_dues", args=[application.pk]))
    assert page.context["collection_form"].initial["receipt_number"] == 1
    assert page.context["plan_fee"] == ledger["plan_fee"]
    assert page.context["collection_form"].initial["amount"] == Decimal("150.00")
    response = http.post(
        reverse("finance:collect_fee", args=[application.pk]),
        {
            "amount": "150.00",
            "method": "desk",
            "account": ledger["cash"].pk,
            "receipt_book": ledger["book"].pk,
            "receipt_number": 1,
            "scan": invoice("回单.png"),
        },
        follow=True,
    )
    assert "已收费并入账" in response.content.decode()
    collection = application.fee_collections.get()
    assert collection.scan_content_type == "image/jpeg"
    scan = http.get(reverse("finance:download_receipt_scan", args=[collection.pk]))
    assert scan.status_code == 200
    assert scan["Cache-Control"] == "private, no-store"
    again = http.post(
        reverse("finance:collect_fee", args=[ledger["applications"][1].pk]),
        {
            "amount": "150.00",
            "method": "desk",
            "account": ledger["cash"].pk,
            "receipt_book": ledger["book"].pk,
            "receipt_number": 1,
        },
        follow=True,
    )
    assert "已使用" in again.content.decode()
    entry = LedgerEntry.objects.get()
    ledger_page = http.get(reverse("finance:list_entries")).content.decode()
    assert reverse("finance:reverse_entry", args=[entry.pk]) in ledger_page
    http.post(reverse("finance:reverse_entry", args=[entry.pk]), {"reason": "收错人"})
    assert LedgerEntry.objects.filter(reverses=entry).exists()
    assert "已被冲销" in http.get(reverse("finance:list_entries")).content.decode()
    assert (
        client_as(ledger["clerk"]).post(reverse("finance:reverse_entry", args=[entry.pk])).status_code == 403
    )


def test_with_no_active_director_the_request_waits_and_the_dashboard_says_why(ledger, client_as):
    expense = submit(ledger)
    ledger["director"].is_active = False
    ledger["director"].save()
    cards = client_as(ledger["finance"]).get("/").context["cards"]
    card = next(card for card in cards if card.label == "等待所长签批的支出申请")
    assert card.count == 1
    assert "没有有效的所长账户" in card.hint
    assert "绝不自动批准" in card.hint
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_the_application_page_shows_whether_the_fee_is_paid(ledger, client_as):
    application = ledger["applications"][0]
    http = client_as(ledger["clerk"])
    url = reverse("applicants:view_application", args=[application.pk])
    assert "未缴费（¥150.00）" in http.get(url).content.decode()
    collect(ledger, application=application)
    assert "已缴费" in http.get(url).content.decode()


def test_money_records_keep_who_when_before_and_after(ledger):
    payment = collect(ledger)
    refund = services.refund_request(
        actor=ledger["finance"], payment=payment, amount=Decimal("20.00"), reason="多收"
    )
    services.refund_approve(actor=ledger["director"], refund=refund)
    latest = refund.history.latest()
    diff = latest.diff_against(latest.prev_record)
    changes = {change.field: (change.old, change.new) for change in diff.changes}
    assert changes["status"] == ("pending", "booked")
    assert latest.history_user == ledger["director"]
    assert latest.prev_record.history_user == ledger["finance"]
    assert latest.history_date >= latest.prev_record.history_date
    book = ledger["book"]
    book_history = book.history.latest()
    assert book_history.history_user == ledger["finance"]
    assert book_history.diff_against(book_history.prev_record).changes[0].new == 2


def test_the_fee_plan_goes_through_its_pages(people, client_as, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    finance, clerk, director = (client_as(people[who]) for who in ("finance", "clerk", "director"))
    finance.post(
        reverse("finance:create_subject"),
        {"subject-code": "4101", "subject-name": "鉴定费收入", "subject-kind": "income"},
    )
    finance.post(
        reverse("finance:create_subject"),
        {"subject-code": "5101", "subject-name": "考务费", "subject-kind": "expense"},
    )
    finance.post(reverse("finance:create_account"), {"account-name": "现金", "account-kind": "cash"})
    finance.post(
        reverse("finance:create_receipt_book"),
        {"book-series": "A", "book-first_number": 1, "book-last_number": 50},
    )
    response = clerk.post(
        reverse("finance:create_fee_item"),
        {
            "item-name": "鉴定费",
            "item-subject": Subject.objects.get(code="4101").pk,
            "item-amount": "150.00",
            "item-document_number": "苏价费〔2025〕12号",
            "item-document_date": "2025-03-01",
            "item-document_scan": invoice("文件.png"),
        },
        follow=True,
    )
    assert "收费项目已添加" in response.content.decode()
    item = FeeItem.objects.get()
    assert finance.get(reverse("finance:download_fee_document", args=[item.pk])).status_code == 200
    books_page = finance.get(reverse("finance:view_books")).content.decode()
    assert "苏价费〔2025〕12号" in books_page
    assert "现金" in books_page

    response = clerk.post(reverse("finance:create_fee_plan"), {"year": 2031})
    plan = FeePlan.objects.get(year=2031)
    assert response["Location"] == reverse("finance:view_fee_plan", args=[plan.pk])
    clerk.post(reverse("finance:add_plan_fee", args=[plan.pk]), {"fee_item": item.pk, "expected_count": 40})
    clerk.post(
        reverse("finance:save_budget_line", args=[plan.pk]),
        {"subject": Subject.objects.get(code="5101").pk, "amount": "-1"},
    )
    assert not plan.budget_lines.exists()
    clerk.post(
        reverse("finance:save_budget_line", args=[plan.pk]),
        {"subject": Subject.objects.get(code="5101").pk, "amount": "2000.00"},
    )
    clerk.post(reverse("finance:submit_fee_plan", args=[plan.pk]))
    page = director.post(
        reverse("finance:decide_fee_plan", args=[plan.pk]), {"decision": "return", "reason": ""}, follow=True
    )
    assert "请说明退回理由" in page.content.decode()
    director.post(reverse("finance:decide_fee_plan", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == FeePlanStatus.APPROVED
    assert plan.fees.get().amount == Decimal("150.00")


def test_the_named_authority_signs_the_directors_own_request_on_the_page(ledger, client_as, settings):
    expense = submit(ledger, actor=ledger["director"])
    principal = UserFactory(username="xiaozhang", name="校长", role=Role.EXAMINER)
    http = client_as(principal)
    url = reverse("finance:view_expense", args=[expense.pk])
    assert http.get(url).status_code == 404
    settings.EXPENSE_SELF_APPROVER = "xiaozhang"
    assert http.get(url).context["may_sign"]
    assert client_as(ledger["director"]).get(url).context["may_sign"] is False
    assert (
        http.post(reverse("finance:sign_expense", args=[expense.pk]), {"password": TEST_PASSWORD}).status_code
        == 302
    )
    expense.refresh_from_db()
    assert expense.decided_by == principal


def test_the_director_finds_the_refunds_to_approve_from_his_dashboard(ledger, client_as):
    payment = collect(ledger)
    services.refund_request(actor=ledger["finance"], payment=payment, amount=Decimal("150.00"), reason="退考")
    http = client_as(ledger["director"])
    card = next(card for card in http.get("/").context["cards"] if card.label == "待审批的退费")
    assert card.count == 1
    listed = http.get(card.url).context["table"].data
    assert [application.pk for application in listed] == [payment.application_id]
    page = http.get(reverse("finance:view_dues", args=[payment.application_id]))
    assert [record.history_user for record in page.context["history"]] == [ledger["finance"]] * 2


def test_a_reversed_expense_says_so_on_its_page(ledger, client_as):
    expense = submit(ledger)
    services.expense_sign(actor=ledger["director"], expense=expense, password=TEST_PASSWORD)
    entry = services.expense_book(actor=ledger["finance"], expense=expense, account=ledger["bank"])
    reversal = services.entry_reverse(actor=ledger["finance"], entry=entry, reason="重复报销")
    page = client_as(ledger["staff"]).get(reverse("finance:view_expense", args=[expense.pk])).content.decode()
    assert f"已被冲销： {reversal.voucher_number}" in page


def test_the_submitter_corrects_a_returned_request_on_its_page(ledger, client_as):
    expense = submit(ledger)
    services.expense_return(actor=ledger["director"], expense=expense, reason="请补充发票")
    http = client_as(ledger["staff"])
    assert http.get(reverse("finance:view_expense", args=[expense.pk])).context["may_resubmit"]
    http.post(
        reverse("finance:resubmit_expense", args=[expense.pk]),
        {"amount": "300.00", "purpose": "理论考试试卷印刷", "invoices": [invoice("补充.png")]},
    )
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
    assert expense.attachments.count() == 2


def test_words_of_two_senses_read_each_in_its_own_chinese(ledger, client_as):
    """Each sense of paid, fee, name, account, document, published and failed has its own Chinese."""
    http = client_as(ledger["finance"])
    application = ledger["applications"][0]
    collect(ledger, application=application)
    dues = http.get(reverse("finance:view_dues", args=[application.pk]))
    state = dues.content.decode().split('data-testid="fee-state"', 1)[1].split("</p>", 1)[0]
    assert "已缴费" in state
    assert "缴费方式" not in state
    listing = http.get(reverse("finance:list_dues"), {"paid": "yes"})
    assert "已缴费" in listing.content.decode()
    books = http.get(reverse("finance:view_books")).content.decode()
    assert "姓名" not in books
    assert books.count(">名称</th>") == 3
    assert ">收费依据</th>" in books
    with translation.override("zh-hans"):
        fields = dues.context["collection_form"].fields
        assert [str(fields[name].label) for name in ("method", "account")] == ["缴费方式", "账户"]
        assert str(listing.context["filter"].form.fields["paid"].label) == "缴费情况"
        assert str(listing.context["table"].columns["fee_state"].header) == "缴费情况"
        assert str(Applicant._meta.get_field("user").verbose_name) == "账号"
        assert str(ExpenseAttachment._meta.get_field("name").verbose_name) == "文件名"
        assert str(SessionStatus.PUBLISHED.label) == "已发布"
        assert str(JobStatus.FAILED.label) == "失败"
        assert str(Outcome.FAILED.label) == "未通过"


def _duplicate_ids(html: str) -> list[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    return sorted({value for value in ids if ids.count(value) > 1})


def test_the_dues_page_gives_each_rows_refund_form_its_own_ids(ledger, client_as):
    application = ledger["applications"][0]
    first = collect(ledger, application=application)
    http = client_as(ledger["finance"])
    url = reverse("finance:view_dues", args=[application.pk])
    assert _duplicate_ids(http.get(url).content.decode()) == []
    http.post(
        reverse("finance:request_refund", args=[first.pk]),
        {f"refund{first.pk}-amount": "150.00", f"refund{first.pk}-reason": "重复缴费"},
    )
    refund = application.fee_collections.get(kind="refund")
    assert (refund.amount, refund.reason) == (Decimal("150.00"), "重复缴费")
    director = client_as(ledger["director"])
    assert _duplicate_ids(director.get(url).content.decode()) == []
    director.post(
        reverse("finance:decide_refund", args=[refund.pk]),
        {"decision": "refuse", f"decision{refund.pk}-reason": "已核实未重复"},
    )
    refund.refresh_from_db()
    assert refund.status == "refused"


def test_the_daily_report_keeps_the_chosen_date_in_its_date_input(ledger, client_as):
    page = client_as(ledger["finance"]).get(reverse("finance:daily_report"), {"date": "2026-12-18"})
    html = page.content.decode()
    assert 'type="date"' in html
    assert 'value="2026-12-18"' in html


def test_the_report_export_gives_each_table_its_header_and_batches_their_full_name(ledger, client_as):
    collect(ledger, application=ledger["applications"][0])
    expense = submit(ledger, amount="10.00", batch=ledger["batch"])
    services.expense_sign(actor=ledger["director"], expense=expense, password=TEST_PASSWORD)
    services.expense_book(actor=ledger["finance"], expense=expense, account=ledger["bank"])
    response = client_as(ledger["finance"]).get(reverse("finance:export_reports"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][2] == "1 月"
    headers = [row[1:5] for row in rows]
    budget_header = headers.index(("支出科目", "预算（元）", "实际（元）", "余额（元）"))
    budget_row = rows[budget_header + 1]
    assert budget_row[0] == "预算执行"
    assert budget_row[2] == 1000
    batch_header = headers.index(("鉴定批次", "收入（元）", "成本（元）", "净额（元）"))
    [batch_row] = rows[batch_header + 1 :]
    assert batch_row[1] == str(ledger["batch"])
    assert batch_row[1].endswith(ledger["batch"].get_level_display())


def test_the_fee_plan_is_revised_and_compared_on_its_pages(ledger, client_as):
    clerk, director = client_as(ledger["clerk"]), client_as(ledger["director"])
    plan = ledger["plan"]
    page = clerk.get(reverse("finance:view_fee_plan", args=[plan.pk])).content.decode()
    assert reverse("finance:revise_fee_plan", args=[plan.pk]) in page
    refused = clerk.post(reverse("finance:revise_fee_plan", args=[plan.pk]), {"basis": ""}, follow=True)
    assert "请说明修订的内容和理由" in refused.content.decode()
    response = clerk.post(reverse("finance:revise_fee_plan", args=[plan.pk]), {"basis": "新增鉴定费标准"})
    revision = FeePlan.objects.get(year=plan.year, revision=2)
    assert response["Location"] == reverse("finance:view_fee_plan", args=[revision.pk])
    item = FeeItem.objects.create(
        name="鉴定费（中式面点师五级）",
        subject=ledger["income"],
        amount=Decimal("120.00"),
        document_number="苏价费〔2026〕3号",
        document_date=datetime.date(2026, 1, 5),
        created_by=ledger["clerk"],
    )
    clerk.post(
        reverse("finance:add_plan_fee", args=[revision.pk]), {"fee_item": item.pk, "expected_count": 24}
    )
    clerk.post(reverse("finance:submit_fee_plan", args=[revision.pk]))
    director.post(reverse("finance:decide_fee_plan", args=[revision.pk]), {"decision": "approve"})
    revision.refresh_from_db()
    assert revision.status == FeePlanStatus.APPROVED
    view = director.get(reverse("finance:view_fee_plan", args=[revision.pk])).content.decode()
    compare_url = reverse("finance:compare_fee_plans", args=[revision.pk, plan.pk])
    assert compare_url in view
    compare = director.get(compare_url).content.decode()
    assert 'data-kind="added"' in compare
    assert "鉴定费（中式面点师五级）" in compare
    assert 'data-kind="same"' in compare
    assert "已被新修订版取代" in clerk.get(reverse("finance:view_fee_plan", args=[plan.pk])).content.decode()
