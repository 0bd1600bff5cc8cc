"""The books set up as finance would have them: subjects, accounts, an approved plan, a receipt book."""

import datetime
from decimal import Decimal

from django.utils import timezone

from finance import services
from finance.models import (
    Account,
    BudgetLine,
    FeeItem,
    FeePlan,
    FeePlanStatus,
    PlanFee,
    ReceiptBook,
    Subject,
)
from jianding.models import User
from jianding.roles import Role
from tests.factories.accounts import UserFactory


def finance_officer() -> User:
    """Return the finance officer of the tests, created the first time."""
    user = User.objects.filter(groups__name=Role.FINANCE.value, is_active=True).order_by("pk").first()
    return user or UserFactory(username="caiwu", name="财务", role=Role.FINANCE)


def books(*, year: int | None = None, fee: Decimal = Decimal("150.00"), budget: Decimal = Decimal("1000.00")):
    """Return a dict of the year's approved plan (one fee at ``fee``, one budget line) and where money goes."""
    year = year or timezone.localdate().year
    clerk = User.objects.filter(groups__name=Role.CLERK.value).order_by("pk").first() or UserFactory(
        role=Role.CLERK
    )
    income, _ = Subject.objects.get_or_create(
        code="4101", defaults={"name": "鉴定收费", "kind": Subject.Kind.INCOME}
    )
    expense, _ = Subject.objects.get_or_create(
        code="5101", defaults={"name": "考务费", "kind": Subject.Kind.EXPENSE}
    )
    cash, _ = Account.objects.get_or_create(name="现金", defaults={"kind": Account.Kind.CASH})
    bank, _ = Account.objects.get_or_create(
        name="鉴定所账户", defaults={"kind": Account.Kind.BANK, "number": "6222 0000 1111"}
    )
    item, _ = FeeItem.objects.get_or_create(
        name=f"鉴定费 ¥{fee}",
        defaults={
            "subject": income,
            "amount": fee,
            "document_number": "苏价费〔2025〕12号",
            "document_date": datetime.date(2025, 3, 1),
            "created_by": clerk,
        },
    )
    plan, _ = FeePlan.objects.get_or_create(
        year=year, defaults={"status": FeePlanStatus.APPROVED, "created_by": clerk}
    )
    plan_fee, _ = PlanFee.objects.get_or_create(plan=plan, fee_item=item, defaults={"amount": fee})
    line, _ = BudgetLine.objects.get_or_create(plan=plan, subject=expense, defaults={"amount": budget})
    book, _ = ReceiptBook.objects.get_or_create(
        series="A", defaults={"first_number": 1, "last_number": 100000, "next_number": 1}
    )
    return {
        "income": income,
        "expense": expense,
        "cash": cash,
        "bank": bank,
        "item": item,
        "plan": plan,
        "plan_fee": plan_fee,
        "line": line,
        "book": book,
    }


def fees_paid(applications) -> None:
    """Collect the batch fee of each application at the desk, through the service, receipt by receipt.

    A batch without a fee item (a free one, as tests make them) has nothing to collect.
    """
    officer = finance_officer()
    for application in applications:
        if application.batch.fee_item_id is None:
            continue
        setup = books(year=application.batch.registration_opens.year, fee=application.batch.fee_item.amount)
        book = ReceiptBook.objects.get(pk=setup["book"].pk)
        services.collection_record(
            actor=officer,
            application=application,
            amount=setup["plan_fee"].amount,
            method="desk",
            account=setup["cash"],
            receipt_book=book,
            receipt_number=book.next_number,
        )
