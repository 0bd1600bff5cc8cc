"""Every transition of the books and every refusal, by its code."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from exams.services.seats import tickets_require_fees
from finance import selectors, services
from finance.models import (
    Collection,
    Expense,
    ExpenseStatus,
    FeeItem,
    FeePlan,
    FeePlanStatus,
    LedgerEntry,
    Subject,
)
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.finance.conftest import invoice


def refused(expected, call, /, *args, **kwargs):
    with pytest.raises(RuleViolation) as error:
        call(*args, **kwargs)
    assert error.value.code == expected, error.value.message
    return error.value


def collect(ledger, application=None, **overrides):
    book = ledger["book"]
    book.refresh_from_db()
    values = {
        "actor": ledger["finance"],
        "application": application or ledger["applications"][0],
        "amount": Decimal("150.00"),
        "method": "desk",
        "account": ledger["cash"],
        "receipt_book": book,
        "receipt_number": book.next_number,
    }
    values.update(overrides)
    return services.collection_record(**values)


# --- setup: accounts, subjects, fee items, receipt books


def test_only_finance_keeps_accounts_and_subjects(people):
    with pytest.raises(PermissionDenied):
        services.account_create(actor=people["clerk"], name="现金", kind="cash")
    services.account_create(actor=people["finance"], name="现金", kind="cash")
    refused("account_exists", services.account_create, actor=people["finance"], name="现金", kind="cash")
    services.subject_create(actor=people["finance"], code="4101", name="鉴定收费", kind="income")
    refused(
        "subject_exists",
        services.subject_create,
        actor=people["finance"],
        code="4101",
        name="x",
        kind="income",
    )


def test_a_fee_item_needs_an_income_subject_a_positive_amount_and_its_document(people, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    income = Subject.objects.create(code="4101", name="鉴定收费", kind="income")
    expense = Subject.objects.create(code="5101", name="考务费", kind="expense")
    values = {
        "actor": people["clerk"],
        "name": "鉴定费",
        "subject": income,
        "amount": Decimal("150.00"),
        "document_number": "苏价费〔2025〕12号",
        "document_date": datetime.date(2025, 3, 1),
    }
    refused("amount_not_positive", services.fee_item_create, **{**values, "amount": Decimal("-1")})
    refused("amount_below_fen", services.fee_item_create, **{**values, "amount": Decimal("1.005")})
    refused("subject_not_income", services.fee_item_create, **{**values, "subject": expense})
    refused("document_required", services.fee_item_create, **{**values, "document_number": " "})
    item = services.fee_item_create(**values, document_scan=invoice("文件.png"))
    assert item.document_content_type == "image/jpeg"
    assert item.document_scan.name
    assert item.history.get().history_user == people["clerk"]


def test_receipt_book_range_and_series(people):
    refused(
        "book_range",
        services.receipt_book_create,
        actor=people["finance"],
        series="A",
        first_number=9,
        last_number=1,
    )
    book = services.receipt_book_create(
        actor=people["finance"], series="A", first_number=101, last_number=150
    )
    assert book.next_number == 101
    refused(
        "book_exists",
        services.receipt_book_create,
        actor=people["finance"],
        series="A",
        first_number=1,
        last_number=2,
    )


# --- the fee plan and budget


def test_fee_plan_drafted_submitted_returned_and_approved(people):
    clerk, director = people["clerk"], people["director"]
    income = Subject.objects.create(code="4101", name="鉴定收费", kind="income")
    expense = Subject.objects.create(code="5101", name="考务费", kind="expense")
    item = FeeItem.objects.create(
        name="鉴定费",
        subject=income,
        amount=Decimal("150.00"),
        document_number="1",
        document_date=datetime.date(2025, 1, 1),
        created_by=clerk,
    )
    with pytest.raises(PermissionDenied):
        services.fee_plan_create(actor=people["finance"], year=2030)
    plan = services.fee_plan_create(actor=clerk, year=2030)
    refused("plan_exists", services.fee_plan_create, actor=clerk, year=2030)
    refused("plan_empty", services.fee_plan_submit, actor=clerk, plan=plan)
    fee = services.plan_fee_add(actor=clerk, plan=plan, fee_item=item, expected_count=80)
    assert fee.amount == Decimal("150.00")
    refused("fee_in_plan", services.plan_fee_add, actor=clerk, plan=plan, fee_item=item)
    refused(
        "amount_negative",
        services.budget_line_save,
        actor=clerk,
        plan=plan,
        subject=expense,
        amount=Decimal("-5"),
    )
    refused(
        "subject_not_expense",
        services.budget_line_save,
        actor=clerk,
        plan=plan,
        subject=income,
        amount=Decimal(1),
    )
    services.budget_line_save(actor=clerk, plan=plan, subject=expense, amount=Decimal("500"))
    line = services.budget_line_save(actor=clerk, plan=plan, subject=expense, amount=Decimal("800.50"))
    assert plan.budget_lines.get().amount == Decimal("800.50") == line.amount
    refused("plan_not_submitted", services.fee_plan_approve, actor=director, plan=plan)
    services.fee_plan_submit(actor=clerk, plan=plan)
    refused(
        "plan_not_editable",
        services.budget_line_save,
        actor=clerk,
        plan=plan,
        subject=expense,
        amount=Decimal(1),
    )
    with pytest.raises(PermissionDenied):
        services.fee_plan_approve(actor=clerk, plan=plan)
    refused("reason_required", services.fee_plan_return, actor=director, plan=plan, reason=" ")
    services.fee_plan_return(actor=director, plan=plan, reason="考务费偏高")
    plan.refresh_from_db()
    assert plan.status == FeePlanStatus.RETURNED
    assert plan.decision_reason == "考务费偏高"
    services.fee_plan_submit(actor=clerk, plan=plan)
    services.fee_plan_approve(actor=director, plan=plan)
    plan.refresh_from_db()
    assert plan.status == FeePlanStatus.APPROVED
    assert plan.decided_by == director
    statuses = [h.status for h in plan.history.order_by("history_date")]
    assert statuses == ["draft", "submitted", "returned", "submitted", "approved"]
    assert plan.history.latest().history_user == director


# --- collections, refunds, deferrals, and the tickets


def test_collection_at_standard_with_the_next_receipt_is_booked(ledger):
    application = ledger["applications"][0]
    assert not selectors.application_fee_status(application=application).is_paid
    collection = collect(ledger)
    entry = collection.entry
    assert entry.amount == Decimal("150.00")
    assert entry.account == ledger["cash"]
    assert entry.subject == ledger["income"]
    assert entry.batch == ledger["batch"]
    assert entry.voucher_number == f"{timezone.localdate().year}-00001"
    status = selectors.application_fee_status(application=application)
    assert status.is_paid
    assert status.paid == Decimal("150.00")
    ledger["book"].refresh_from_db()
    assert ledger["book"].next_number == 2
    history = collection.history.get()
    assert history.history_user == ledger["finance"]
    assert history.amount == Decimal("150.00")


def test_collection_refusals(ledger, people):
    other = ledger["applications"][1]
    refused("amount_not_positive", collect, ledger, amount=Decimal("-150"))
    refused("not_the_standard", collect, ledger, amount=Decimal("120.00"))
    refused("wrong_account", collect, ledger, account=ledger["bank"])
    refused("wrong_account", collect, ledger, method="transfer")
    refused("receipt_out_of_order", collect, ledger, receipt_number=5)
    collect(ledger)
    refused("already_paid", collect, ledger, receipt_number=2)
    refused("receipt_used", collect, ledger, application=other, receipt_number=1)
    with pytest.raises(PermissionDenied):
        collect(ledger, actor=people["clerk"])
    plan = ledger["plan"]
    FeePlan.objects.filter(pk=plan.pk).update(status=FeePlanStatus.SUBMITTED)
    refused("fee_not_in_approved_plan", collect, ledger, application=other)
    FeePlan.objects.filter(pk=plan.pk).update(status=FeePlanStatus.APPROVED)
    book = ledger["book"]
    book.last_number = 1
    book.save()
    refused("book_used_up", collect, ledger, application=other)
    assert Collection.objects.count() == LedgerEntry.objects.count() == 1


def test_a_bank_transfer_goes_to_the_bank_account(ledger):
    collection = collect(ledger, method="transfer", account=ledger["bank"])
    assert collection.entry.account == ledger["bank"]


def test_refund_needs_a_reason_the_directors_approval_and_never_exceeds_the_payment(ledger, people):
    payment = collect(ledger)
    finance, director = people["finance"], people["director"]
    refused(
        "reason_required",
        services.refund_request,
        actor=finance,
        payment=payment,
        amount=Decimal(50),
        reason="",
    )
    refused(
        "refund_exceeds_payment",
        services.refund_request,
        actor=finance,
        payment=payment,
        amount=Decimal("150.01"),
        reason="退考",
    )
    refund = services.refund_request(actor=finance, payment=payment, amount=Decimal("100"), reason="因病退考")
    assert refund.status == Collection.Status.PENDING
    assert not hasattr(refund, "entry")
    refused(
        "refund_exceeds_payment",
        services.refund_request,
        actor=finance,
        payment=payment,
        amount=Decimal(51),
        reason="x",
    )
    with pytest.raises(PermissionDenied):
        services.refund_approve(actor=finance, refund=refund)
    services.refund_approve(actor=director, refund=refund)
    refused("refund_decided", services.refund_approve, actor=director, refund=refund)
    refund.refresh_from_db()
    assert refund.entry.amount == Decimal("-100.00")
    assert refund.decided_by == director
    status = selectors.application_fee_status(application=ledger["applications"][0])
    assert status.paid == Decimal("50.00")
    assert not status.is_paid
    second = services.refund_request(actor=finance, payment=payment, amount=Decimal("50"), reason="多收")
    refused("reason_required", services.refund_refuse, actor=director, refund=second, reason="")
    services.refund_refuse(actor=director, refund=second, reason="不符合退费规定")
    second.refresh_from_db()
    assert second.status == Collection.Status.REFUSED
    assert not LedgerEntry.objects.filter(collection=second).exists()


def test_a_refused_refund_and_a_deferral_keep_who_decided_when_and_why(ledger, people):
    director = people["director"]
    refund = services.refund_request(
        actor=people["finance"], payment=collect(ledger), amount=Decimal("50"), reason="多收"
    )
    services.refund_refuse(actor=director, refund=refund, reason="不符合退费规定")
    refund.refresh_from_db()
    assert (refund.decided_by, refund.decision_reason) == (director, "不符合退费规定")
    assert refund.decided_at is not None
    assert refund.history.first().history_change_reason == "不符合退费规定"
    deferral = services.deferral_grant(
        actor=director, application=ledger["applications"][1], reason="家庭困难，考后补缴"
    )
    deferral.refresh_from_db()
    assert (deferral.decided_by, deferral.decision_reason) == (director, "家庭困难，考后补缴")
    assert deferral.decided_at is not None


def test_unpaid_applications_get_no_ticket_unless_deferred(ledger, people):
    first, second = ledger["applications"]
    ids = [first.pk, second.pk]
    error = refused("fees_unpaid", tickets_require_fees, application_ids=ids)
    assert first.applicant.name in error.message
    assert second.applicant.name in error.message
    collect(ledger, application=first)
    error = refused("fees_unpaid", tickets_require_fees, application_ids=ids)
    assert first.applicant.name not in error.message
    with pytest.raises(PermissionDenied):
        services.deferral_grant(actor=people["finance"], application=second, reason="困难")
    refused(
        "reason_required", services.deferral_grant, actor=people["director"], application=second, reason=""
    )
    services.deferral_grant(actor=people["director"], application=second, reason="家庭困难，考后补缴")
    refused(
        "deferral_exists", services.deferral_grant, actor=people["director"], application=second, reason="x"
    )
    tickets_require_fees(application_ids=ids)
    assert selectors.application_fee_status(application=second).may_have_ticket


def test_a_free_batch_needs_no_payment(ledger):
    batch = ledger["batch"]
    batch.fee_item = None
    batch.save()
    tickets_require_fees(application_ids=[a.pk for a in ledger["applications"]])


def test_publishing_tickets_names_the_unpaid(ledger, people):
    from exams.services.seats import tickets_publish

    # the exams rule runs first when nothing is arranged; the fee rule is tested through the exams fixtures
    staff = people["staff"]
    refused("no_sessions", tickets_publish, actor=staff, batch=ledger["batch"])


# --- expenses under the single signature


def submit(ledger, actor=None, amount="300.00", **overrides):
    values = {
        "actor": actor or ledger["staff"],
        "subject": ledger["expense"],
        "amount": Decimal(amount),
        "purpose": "理论考试试卷印刷",
        "invoices": [invoice()],
    }
    values.update(overrides)
    return services.expense_submit(**values)


def test_expense_submitted_signed_and_booked(ledger, people):
    expense = submit(ledger)
    assert expense.status == ExpenseStatus.SUBMITTED
    assert expense.attachments.count() == 1
    refused(
        "expense_not_signed",
        services.expense_book,
        actor=people["finance"],
        expense=expense,
        account=ledger["bank"],
    )
    for nobody in ("finance", "deputy", "clerk", "staff"):
        with pytest.raises(PermissionDenied):
            services.expense_sign(actor=people[nobody], expense=expense, password=TEST_PASSWORD)
    refused(
        "wrong_password", services.expense_sign, actor=people["director"], expense=expense, password="nope"
    )
    services.expense_sign(actor=people["director"], expense=expense, password=TEST_PASSWORD)
    refused(
        "expense_decided",
        services.expense_sign,
        actor=people["director"],
        expense=expense,
        password=TEST_PASSWORD,
    )
    with pytest.raises(PermissionDenied):
        services.expense_book(actor=people["director"], expense=expense, account=ledger["bank"])
    entry = services.expense_book(actor=people["finance"], expense=expense, account=ledger["bank"])
    assert entry.amount == Decimal("-300.00")
    assert entry.budget_line == ledger["line"]
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.BOOKED
    assert not expense.over_budget
    refused(
        "expense_not_signed",
        services.expense_book,
        actor=people["finance"],
        expense=expense,
        account=ledger["bank"],
    )
    users = [h.history_user for h in expense.history.order_by("history_date")]
    assert users == [people["staff"], people["director"], people["finance"]]


def test_expense_submission_refusals(ledger, people):
    refused("amount_not_positive", submit, ledger, amount="-5")
    refused("amount_not_positive", submit, ledger, amount="0")
    refused("purpose_required", submit, ledger, purpose=" ")
    refused("subject_not_expense", submit, ledger, subject=ledger["income"])
    other = Subject.objects.create(code="5199", name="招待费", kind="expense")
    refused("subject_not_budgeted", submit, ledger, subject=other)
    refused("invoice_required", submit, ledger, invoices=[])
    refused("unsupported_type", submit, ledger, invoices=[invoice_text()])
    with pytest.raises(PermissionDenied):
        submit(ledger, actor=UserFactory(role=Role.APPLICANT))
    assert not Expense.objects.exists()


def invoice_text():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("invoice.pdf", b"=cmd|' /C calc'!A0", content_type="application/pdf")


def test_returned_with_reason_and_never_booked(ledger, people):
    expense = submit(ledger)
    refused("reason_required", services.expense_return, actor=people["director"], expense=expense, reason="")
    services.expense_return(actor=people["director"], expense=expense, reason="发票抬头不对")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.RETURNED
    assert expense.decision_reason == "发票抬头不对"
    refused(
        "expense_not_signed",
        services.expense_book,
        actor=people["finance"],
        expense=expense,
        account=ledger["bank"],
    )


def test_over_the_budget_line_the_director_is_warned_and_decides(ledger, people):
    first = submit(ledger, amount="800.00")
    services.expense_sign(actor=people["director"], expense=first, password=TEST_PASSWORD)
    second = submit(ledger, amount="200.01")
    assert services.expense_over_budget(expense=second) == (Decimal("1000.00"), Decimal("800.00"))
    error = refused(
        "over_budget", services.expense_sign, actor=people["director"], expense=second, password=TEST_PASSWORD
    )
    assert "1000.00" in error.message
    assert "800.00" in error.message
    services.expense_sign(
        actor=people["director"], expense=second, password=TEST_PASSWORD, accept_over_budget=True
    )
    second.refresh_from_db()
    assert second.status == ExpenseStatus.SIGNED
    assert second.over_budget


def test_nothing_is_signed_without_an_active_director_and_the_dashboard_says_why(ledger, people):
    expense = submit(ledger)
    people["director"].is_active = False
    people["director"].save()
    assert services.expense_signers(expense=expense) == []
    assert "没有" in str(services.expense_why_waiting(expense=expense)) or services.expense_why_waiting(
        expense=expense
    )
    with pytest.raises(PermissionDenied):
        services.expense_sign(actor=people["director"], expense=expense, password=TEST_PASSWORD)
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_the_directors_own_request_goes_to_the_named_authority(ledger, people, settings):
    director = people["director"]
    expense = submit(ledger, actor=director)
    settings.EXPENSE_SELF_APPROVER = ""
    assert services.expense_why_waiting(expense=expense)
    with pytest.raises(PermissionDenied):
        services.expense_sign(actor=director, expense=expense, password=TEST_PASSWORD)
    other_director = UserFactory(username="suozhang2", role=Role.DIRECTOR)
    with pytest.raises(PermissionDenied):  # another director is not the named authority either
        services.expense_sign(actor=other_director, expense=expense, password=TEST_PASSWORD)
    settings.EXPENSE_SELF_APPROVER = "xiaozhang"
    principal = UserFactory(username="xiaozhang", name="校长", role=Role.DEPUTY)
    assert services.expense_signers(expense=expense) == [principal]
    assert not services.expense_why_waiting(expense=expense)
    services.expense_sign(actor=principal, expense=expense, password=TEST_PASSWORD)
    expense.refresh_from_db()
    assert expense.decided_by == principal


def test_booked_entries_are_corrected_by_reversal_only(ledger, people):
    expense = submit(ledger)
    services.expense_sign(actor=people["director"], expense=expense, password=TEST_PASSWORD)
    entry = services.expense_book(actor=people["finance"], expense=expense, account=ledger["bank"])
    refused("reason_required", services.entry_reverse, actor=people["finance"], entry=entry, reason="")
    with pytest.raises(PermissionDenied):
        services.entry_reverse(actor=people["director"], entry=entry, reason="x")
    reversal = services.entry_reverse(actor=people["finance"], entry=entry, reason="金额记错")
    assert reversal.amount == Decimal("300.00")
    assert reversal.reverses == entry
    assert reversal.budget_line == entry.budget_line
    refused("reversed_already", services.entry_reverse, actor=people["finance"], entry=entry, reason="x")
    refused(
        "reversal_of_reversal", services.entry_reverse, actor=people["finance"], entry=reversal, reason="x"
    )
    entry.refresh_from_db()
    assert entry.amount == Decimal("-300.00")
    assert entry.history.count() == 1


def test_a_reversed_payment_leaves_the_application_unpaid_and_nothing_to_refund(ledger, people):
    payment = collect(ledger)
    services.entry_reverse(actor=people["finance"], entry=payment.entry, reason="收错人")
    assert not selectors.application_fee_status(application=payment.application).is_paid
    refused(
        "payment_reversed",
        services.refund_request,
        actor=people["finance"],
        payment=payment,
        amount=Decimal(1),
        reason="x",
    )


def test_a_payment_with_refunds_is_not_reversed(ledger, people):
    payment = collect(ledger)
    services.refund_request(actor=people["finance"], payment=payment, amount=Decimal(10), reason="多收")
    refused(
        "payment_has_refunds",
        services.entry_reverse,
        actor=people["finance"],
        entry=payment.entry,
        reason="x",
    )


def test_a_returned_request_is_corrected_by_its_submitter_and_signed_after(ledger, people):
    expense = submit(ledger)
    refused(
        "expense_not_returned",
        services.expense_resubmit,
        actor=people["staff"],
        expense=expense,
        amount=Decimal(1),
        purpose="x",
    )
    services.expense_return(actor=people["director"], expense=expense, reason="金额有误")
    with pytest.raises(PermissionDenied):
        services.expense_resubmit(actor=people["clerk"], expense=expense, amount=Decimal(1), purpose="x")
    refused(
        "amount_not_positive",
        services.expense_resubmit,
        actor=people["staff"],
        expense=expense,
        amount=Decimal(-1),
        purpose="x",
    )
    services.expense_resubmit(
        actor=people["staff"],
        expense=expense,
        amount=Decimal("280.00"),
        purpose="试卷印刷（更正）",
        invoices=[invoice()],
    )
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
    assert expense.amount == Decimal("280.00")
    assert expense.attachments.count() == 2
    assert expense.decided_by is None
    amounts = [h.amount for h in expense.history.order_by("history_date")]
    assert amounts == [Decimal("300.00"), Decimal("300.00"), Decimal("280.00")]
    services.expense_sign(actor=people["director"], expense=expense, password=TEST_PASSWORD)


def test_an_approved_fee_plan_changes_only_by_a_revision_the_director_approves(ledger, people):
    clerk, director = people["clerk"], people["director"]
    plan, year = ledger["plan"], ledger["plan"].year
    expense = submit(ledger, amount="100.00")
    services.expense_sign(actor=director, expense=expense, password=TEST_PASSWORD)
    services.expense_book(actor=people["finance"], expense=expense, account=ledger["bank"])
    refused("plan_exists", services.fee_plan_create, actor=clerk, year=year)
    refused("plan_not_editable", services.plan_fee_remove, actor=clerk, fee=ledger["plan_fee"])
    refused("basis_required", services.fee_plan_revise, actor=clerk, plan=plan, basis=" ")
    with pytest.raises(PermissionDenied):
        services.fee_plan_revise(actor=people["finance"], plan=plan, basis="新标准")

    revision = services.fee_plan_revise(actor=clerk, plan=plan, basis="市物价局新文件：鉴定费调整为 ¥180")
    assert (revision.revision, revision.status) == (2, FeePlanStatus.DRAFT)
    assert [fee.fee_item for fee in revision.fees.all()] == [ledger["item"]]
    assert revision.budget_lines.get().amount == Decimal("1000.00")
    refused("revision_open", services.fee_plan_revise, actor=clerk, plan=plan, basis="再改")
    # the approved revision stays in force meanwhile
    collect(ledger)

    new_item = services.fee_item_create(
        actor=clerk,
        name="鉴定费（新标准）",
        subject=ledger["income"],
        amount=Decimal("180.00"),
        document_number="苏价费〔2026〕7号",
        document_date=datetime.date(2026, 6, 1),
    )
    services.plan_fee_add(actor=clerk, plan=revision, fee_item=new_item, expected_count=30)
    services.plan_fee_remove(actor=clerk, fee=revision.fees.get(fee_item=ledger["item"]))
    services.fee_plan_submit(actor=clerk, plan=revision)
    services.fee_plan_approve(actor=director, plan=revision, reason="同意调整。")
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert plan.status == FeePlanStatus.SUPERSEDED
    assert revision.status == FeePlanStatus.APPROVED
    assert plan.history.latest().history_user == director

    changes = selectors.fee_plan_compare(old=plan, new=revision)
    assert [(c.kind, (c.new or c.old).fee_item.name) for c in changes["fees"]] == [
        ("removed", ledger["item"].name),
        ("added", "鉴定费（新标准）"),
    ]
    assert [c.kind for c in changes["budget"]] == ["same"]
    # the budget keeps what was booked under the revision it replaced
    [row] = selectors.budget_against_actual(year=year)
    assert row.actual == Decimal("100.00")

    batch = ledger["batch"]
    second = ledger["applications"][1]
    refused("fee_not_in_approved_plan", collect, ledger, application=second)
    batch.fee_item = new_item
    batch.save()
    assert collect(ledger, application=second, amount=Decimal("180.00")).plan_fee.plan == revision
