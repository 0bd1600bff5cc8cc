"""Two finance officers taking the same receipt at once: the book's row lock gives it to one of them."""

import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from finance import services
from finance.models import Collection, LedgerEntry, ReceiptBook
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.finance import books


@pytest.mark.django_db(transaction=True)
def test_one_receipt_is_given_once():
    officers = [UserFactory(username=f"caiwu{n}", role=Role.FINANCE) for n in range(2)]
    setup = books()
    applications = candidates(BatchFactory(status="registration_closed"), {"23 机电 1 班": 2}, paid=False)
    outcomes = []

    def collect(actor, application):
        try:
            services.collection_record(
                actor=actor,
                application=application,
                plan_fee=setup["plan_fee"],
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
