import pytest
from django.core.management import call_command

from finance.models import Collection, Expense, FeePlan
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
