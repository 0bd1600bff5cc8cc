"""Finance officers and directors acting on the same money at once: one acts, the other is told."""

import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from finance import services
from finance.models import Collection, ExpenseStatus, LedgerEntry, ReceiptBook
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.finance import books
from tests.finance.conftest import invoice
from tests.races import DONE, LOCKED, race, refusals


@pytest.mark.django_db(transaction=True)
def test_one_receipt_is_given_once():
    officers = [UserFactory(username=f"caiwu{n}", role=Role.FINANCE) for n in range(2)]
    setup = books()
    batch = BatchFactory(
        status="registration_closed", fee_item=setup["item"], registration_opens=timezone.localdate()
    )
    applications = candidates(batch, {"23 机电 1 班": 2}, paid=False)
    outcomes = []

    def collect(actor, application):
        try:
            services.collection_record(
                actor=actor,
                application=application,
                amount=Decimal("150.00"),
                method="desk",
                account=setup["cash"],
                receipt_book=setup["book"],
                receipt_number=1,
            )
            outcomes.append("collected")
        except RuleViolation as error:
            outcomes.append(error.code)
        except OperationalError:
            # SQLite refuses the second writer outright; PostgreSQL waits for the lock, then refuses above.
            outcomes.append("locked")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=collect, args=(actor, application))
        for actor, application in zip(officers, applications, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("collected") == 1
    assert set(outcomes) - {"collected"} <= {"receipt_used", "locked"}
    assert Collection.objects.get().receipt_number == 1
    assert LedgerEntry.objects.count() == 1
    assert ReceiptBook.objects.get().next_number == 2


# --- races through tests/races.py: each action holds its locks a moment, so the lock decides


@pytest.fixture
def second_director(people):
    return UserFactory(username="suozhang2", name="所长二", role=Role.DIRECTOR)


def expense(ledger, amount: str):
    return services.expense_submit(
        actor=ledger["staff"],
        subject=ledger["expense"],
        amount=Decimal(amount),
        purpose="理论考试试卷印刷",
        invoices=[invoice()],
    )


def paid(ledger):
    book = ReceiptBook.objects.get(pk=ledger["book"].pk)
    return services.collection_record(
        actor=ledger["finance"],
        application=ledger["applications"][0],
        amount=Decimal("150.00"),
        method="desk",
        account=ledger["cash"],
        receipt_book=book,
        receipt_number=book.next_number,
    )


@pytest.mark.django_db(transaction=True)
def test_two_requests_signed_at_once_do_not_both_pass_the_budget_line(ledger, second_director):
    # The line has ¥1000; each request alone fits, both together do not.
    requests = [expense(ledger, "600.00"), expense(ledger, "600.00")]
    directors = [ledger["director"], second_director]

    def sign(actor, request):
        return lambda: services.expense_sign(actor=actor, expense=request, password=TEST_PASSWORD)

    outcomes = race(*(sign(*pair) for pair in zip(directors, requests, strict=True)))

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("over_budget"), outcomes
    winner, loser = (requests[outcomes.index(DONE)], requests[1 - outcomes.index(DONE)])
    if LOCKED not in outcomes:
        assert "已占用 ¥600.00" in outcomes[1 - outcomes.index(DONE)].message
    winner.refresh_from_db()
    loser.refresh_from_db()
    assert (winner.status, winner.over_budget) == (ExpenseStatus.SIGNED, False)
    assert [h.status for h in winner.history.order_by("history_id")] == ["submitted", "signed"]
    assert (loser.status, loser.decided_by, loser.history.count()) == (ExpenseStatus.SUBMITTED, None, 1)


@pytest.mark.django_db(transaction=True)
def test_a_request_signed_and_returned_at_once_is_decided_once(ledger, second_director):
    request = expense(ledger, "300.00")

    outcomes = race(
        lambda: services.expense_sign(actor=ledger["director"], expense=request, password=TEST_PASSWORD),
        lambda: services.expense_return(actor=second_director, expense=request, reason="发票抬头不对"),
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("expense_decided"), outcomes
    request.refresh_from_db()
    signed = outcomes[0] == DONE
    assert request.status == (ExpenseStatus.SIGNED if signed else ExpenseStatus.RETURNED)
    assert request.decided_by == (ledger["director"] if signed else second_director)
    assert request.history.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_signed_request_booked_twice_at_once_is_booked_once(ledger):
    request = expense(ledger, "300.00")
    services.expense_sign(actor=ledger["director"], expense=request, password=TEST_PASSWORD)
    officers = [ledger["finance"], UserFactory(username="caiwu2", role=Role.FINANCE)]

    outcomes = race(
        *(
            lambda actor=actor: services.expense_book(actor=actor, expense=request, account=ledger["bank"])
            for actor in officers
        )
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("expense_not_signed"), outcomes
    entry = LedgerEntry.objects.get(expense=request)
    assert (entry.amount, entry.booked_by) == (Decimal("-300.00"), officers[outcomes.index(DONE)])
    request.refresh_from_db()
    assert request.status == ExpenseStatus.BOOKED
    assert request.history.filter(status=ExpenseStatus.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_refunds_asked_at_once_never_pass_the_payment(ledger):
    payment = paid(ledger)
    officers = [ledger["finance"], UserFactory(username="caiwu2", role=Role.FINANCE)]

    outcomes = race(
        *(
            lambda actor=actor: services.refund_request(
                actor=actor, payment=payment, amount=Decimal("100.00"), reason="未参加考试"
            )
            for actor in officers
        )
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("refund_exceeds_payment"), outcomes
    if LOCKED not in outcomes:
        assert "最多还可退 ¥50.00" in outcomes[1 - outcomes.index(DONE)].message
    assert payment.refunds.get().recorded_by == officers[outcomes.index(DONE)]


@pytest.mark.django_db(transaction=True)
def test_a_refund_approved_and_refused_at_once_is_decided_once(ledger, second_director):
    payment = paid(ledger)
    refund = services.refund_request(
        actor=ledger["finance"], payment=payment, amount=Decimal("150.00"), reason="未参加考试"
    )

    outcomes = race(
        lambda: services.refund_approve(actor=ledger["director"], refund=refund),
        lambda: services.refund_refuse(actor=second_director, refund=refund, reason="已参加考试"),
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("refund_decided"), outcomes
    refund.refresh_from_db()
    approved = outcomes[0] == DONE
    assert refund.status == (Collection.Status.BOOKED if approved else Collection.Status.REFUSED)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == (1 if approved else 0)
    assert refund.history.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["reverse", "refund"])
def test_a_payment_reversed_while_a_refund_is_asked_is_not_given_back_twice(ledger, first):
    payment = paid(ledger)
    officers = [ledger["finance"], UserFactory(username="caiwu2", role=Role.FINANCE)]
    actions = {
        "reverse": lambda: services.entry_reverse(actor=officers[0], entry=payment.entry, reason="收错人"),
        "refund": lambda: services.refund_request(
            actor=officers[1], payment=payment, amount=Decimal("150.00"), reason="未参加考试"
        ),
    }
    second = "refund" if first == "reverse" else "reverse"

    outcomes = dict(zip((first, second), race(actions[first], actions[second], ordered=True), strict=True))

    assert outcomes[first] == DONE, outcomes
    assert outcomes[second] in refusals(
        {"refund": "payment_reversed", "reverse": "payment_has_refunds"}[second]
    )
    reversed_ = LedgerEntry.objects.filter(reverses=payment.entry).count()
    assert (reversed_, payment.refunds.count()) == ((1, 0) if first == "reverse" else (0, 1))


@pytest.mark.django_db(transaction=True)
def test_one_fee_taken_at_two_desks_at_once_is_collected_once(ledger):
    officers = [ledger["finance"], UserFactory(username="caiwu2", role=Role.FINANCE)]
    books = [
        ledger["book"],
        services.receipt_book_create(actor=officers[1], series="B", first_number=1, last_number=50),
    ]
    application = ledger["applications"][0]

    def collect(actor, book):
        return lambda: services.collection_record(
            actor=actor,
            application=application,
            amount=Decimal("150.00"),
            method="desk",
            account=ledger["cash"],
            receipt_book=book,
            receipt_number=1,
        )

    outcomes = race(*(collect(*pair) for pair in zip(officers, books, strict=True)))

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("already_paid"), outcomes
    collection = Collection.objects.get(application=application)
    assert collection.receipt_book == books[outcomes.index(DONE)]
    assert LedgerEntry.objects.filter(application=application).count() == 1
    assert [book.next_number for book in ReceiptBook.objects.order_by("series")] == (
        [2, 1] if outcomes[0] == DONE else [1, 2]
    )
