"""Whatever finance does, in whatever order, the books balance to the fen."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance import selectors, services
from finance.models import Collection, Expense, ExpenseStatus, LedgerEntry
from finance.reports import report_context
from jianding.errors import RuleViolation
from tests.factories.accounts import TEST_PASSWORD
from tests.finance.conftest import invoice

cents = st.integers(min_value=1, max_value=200_00).map(lambda c: Decimal(c) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(0, 3), st.sampled_from(["desk", "transfer"])),
        st.tuples(st.just("refund"), st.integers(0, 20), cents, st.booleans()),
        st.tuples(st.just("expense"), cents, st.booleans(), st.booleans()),
        st.tuples(st.just("reverse"), st.integers(0, 40)),
    ),
    max_size=14,
)


def _run(ledger, ops) -> dict:
    """Apply ``ops`` through the services; return what the books must show, kept by hand."""
    finance, director = ledger["finance"], ledger["director"]
    expected = {ledger["cash"].pk: Decimal("0.00"), ledger["bank"].pk: Decimal("0.00")}
    for op in ops:
        try:
            if op[0] == "pay":
                _, index, method = op
                account = ledger["cash"] if method == "desk" else ledger["bank"]
                book = ledger["book"]
                book.refresh_from_db()
                services.collection_record(
                    actor=finance,
                    application=ledger["applications"][index % len(ledger["applications"])],
                    amount=ledger["plan_fee"].amount,
                    method=method,
                    account=account,
                    receipt_book=book,
                    receipt_number=book.next_number,
                )
                expected[account.pk] += ledger["plan_fee"].amount
            elif op[0] == "refund":
                _, index, amount, approve = op
                payments = list(Collection.objects.filter(kind="payment").order_by("pk"))
                if not payments:
                    continue
                payment = payments[index % len(payments)]
                refund = services.refund_request(actor=finance, payment=payment, amount=amount, reason="退费")
                if approve:
                    services.refund_approve(actor=director, refund=refund)
                    expected[payment.account_id] -= amount
                else:
                    services.refund_refuse(actor=director, refund=refund, reason="不符合规定")
            elif op[0] == "expense":
                _, amount, sign, book_it = op
                expense = services.expense_submit(
                    actor=ledger["staff"],
                    subject=ledger["expense"],
                    amount=amount,
                    purpose="用途",
                    invoices=[invoice()],
                )
                if sign:
                    services.expense_sign(
                        actor=director, expense=expense, password=TEST_PASSWORD, accept_over_budget=True
                    )
                    if book_it:
                        services.expense_book(actor=finance, expense=expense, account=ledger["bank"])
                        expected[ledger["bank"].pk] -= amount
            elif op[0] == "reverse":
                entries = list(LedgerEntry.objects.order_by("pk"))
                if not entries:
                    continue
                entry = entries[op[1] % len(entries)]
                services.entry_reverse(actor=finance, entry=entry, reason="更正")
                expected[entry.account_id] -= entry.amount
        except RuleViolation:
            pass  # refused: nothing may have changed, which the totals below check
    return expected


def _check(ledger, expected):
    by_account = {
        row["account"]: row["total"]
        for row in LedgerEntry.objects.values("account").annotate(total=Sum("amount"))
    }
    for account, amount in expected.items():
        assert Decimal(by_account.get(account) or 0).quantize(Decimal("0.01")) == amount
    total = sum(expected.values(), Decimal("0.00"))
    # every booked payment, refund and expense has its one entry, and nothing else is in the books but reversals
    booked_payments = Collection.objects.filter(kind="payment")
    booked_refunds = Collection.objects.filter(kind="refund", status="booked")
    booked_expenses = Expense.objects.filter(status=ExpenseStatus.BOOKED)
    assert (
        LedgerEntry.objects.filter(collection__isnull=False).count()
        == booked_payments.count() + booked_refunds.count()
    )
    assert LedgerEntry.objects.filter(expense__isnull=False).count() == booked_expenses.count()
    assert not LedgerEntry.objects.filter(collection=None, expense=None, reverses=None).exists()
    # refunds never exceed their payment; no application has paid less than nothing
    for payment in booked_payments:
        refunded = sum((r.amount for r in payment.refunds.exclude(status="refused")), Decimal(0))
        assert refunded <= payment.amount
    for application in ledger["applications"]:
        assert selectors.application_fee_status(application=application).paid >= 0
    # the reports say the same to the fen
    report = report_context(year=ledger["plan"].year)
    assert report["income_total"] + report["expense_total"] == report["net_total"] == total
    assert sum(report["month_net"], Decimal(0)) == total
    # voucher numbers run 1, 2, 3 … without a gap
    numbers = sorted(
        int(v.split("-")[1]) for v in LedgerEntry.objects.values_list("voucher_number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))


def test_the_ledger_balances_after_any_sequence_of_collections_refunds_and_expenses(ledger):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=operations)
    def check(ops):
        savepoint = transaction.savepoint_create()
        try:
            _check(ledger, _run(ledger, ops))
        finally:
            transaction.savepoint_rollback(savepoint)

    check()


@pytest.fixture
def ledger(ledger):
    """Four applications of the batch, all unpaid."""
    from tests.factories.applicants import candidates

    ledger["applications"] = ledger["applications"] + candidates(
        ledger["batch"], {"23 机电 2 班": 2}, paid=False
    )
    return ledger
