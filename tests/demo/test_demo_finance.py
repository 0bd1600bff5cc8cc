from decimal import Decimal

import pytest
from django.core.management import call_command

from exams.models import Batch
from finance import selectors, services
from finance.models import Account, Collection, Expense, FeePlan, ReceiptBook
from jianding.models import User


@pytest.mark.django_db
def test_the_demo_shows_a_plan_collections_and_an_expense_to_sign(settings, client_as):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert FeePlan.objects.get().status == "approved"
    assert Collection.objects.count() == 2
    assert Expense.objects.get().status == "submitted"
    cards = client_as(User.objects.get(username="director")).get("/").context["cards"]
    assert any(card.label == "待签批的支出申请" and card.count == 1 for card in cards)
    dues = client_as(User.objects.get(username="finance")).get("/finance/dues/?paid=no")
    assert "陈杰" in dues.content.decode()


@pytest.mark.django_db
def test_the_demo_cookery_batch_charges_its_approved_fee_and_its_students_can_pay(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    batch = Batch.objects.get(occupation__code="4-03-02-01")
    assert batch.fee_item.name == "鉴定费（中式面点师五级）"
    application = batch.applications.order_by("pk").first()
    assert selectors.application_fee_status(application=application).due == Decimal("120.00")
    book = ReceiptBook.objects.get()
    collection = services.collection_record(
        actor=User.objects.get(username="finance"),
        application=application,
        amount=Decimal("120.00"),
        method="desk",
        account=Account.objects.get(kind="cash"),
        receipt_book=book,
        receipt_number=book.next_number,
    )
    assert collection.plan_fee.plan.status == "approved"
    assert selectors.application_fee_status(application=application).is_paid
