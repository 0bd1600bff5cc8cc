"""Sensible defaults and cards that open what waits [#19]: a new plan line's month is the month
ahead, a batch from a plan line pre-ticks what its level usually asks for, and the director's card
opens the one plan waiting."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from exams.models import PlanStatus
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.exams import PlanFactory, approved_line

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", role=Role.CLERK)


def selected_month(html: str) -> str:
    return re.search(r'<option value="(\d+)"[^>]*selected', html.split('name="month"', 1)[1]).group(1)


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        # 1 May 01:00 in Shanghai is still 30 April in UTC: Shanghai's month decides.
        (datetime.datetime(2027, 5, 1, 1, tzinfo=SHANGHAI), "6"),
        (datetime.datetime(2027, 12, 20, 10, tzinfo=SHANGHAI), "1"),
    ],
)
def test_a_new_plan_line_defaults_to_the_month_ahead_in_shanghai(clerk, client_as, moment, month):
    plan = PlanFactory(year=2027)
    with time_machine.travel(moment, tick=False):
        page = client_as(clerk).get(reverse("exams:view_plan", args=[plan.pk])).text
    assert selected_month(page) == month


def ticked(html: str, field: str) -> set[str]:
    return set(re.findall(rf'name="{field}" value="(\w+)"[^>]*checked', html))


@pytest.mark.parametrize(
    ("level", "student", "social"),
    [
        (5, {"student_card", "id_card", "photo"}, {"id_card", "education", "photo"}),
        (
            4,
            {"student_card", "id_card", "photo"},
            {"id_card", "education", "photo", "previous_certificate", "work_years"},
        ),
        (
            2,
            {"student_card", "id_card", "photo", "thesis"},
            {"id_card", "education", "photo", "previous_certificate", "work_years", "thesis"},
        ),
    ],
)
def test_a_batch_from_a_plan_line_pre_ticks_what_its_level_usually_needs(
    clerk, client_as, level, student, social
):
    line = approved_line(level=level)
    page = client_as(clerk).get(reverse("exams:create_batch") + f"?line={line.pk}").text
    assert ticked(page, "student_documents") == student
    assert ticked(page, "social_documents") == social


def test_the_directors_card_opens_the_one_plan_waiting_and_the_list_when_several_wait(db, client_as):
    director = UserFactory(username="director", role=Role.DIRECTOR)
    plan = PlanFactory(year=2031, status=PlanStatus.SUBMITTED)
    dashboard = client_as(director).get(reverse("dashboard")).text
    assert f'href="{reverse("exams:view_plan", args=[plan.pk])}"' in dashboard
    PlanFactory(year=2032, status=PlanStatus.SUBMITTED)
    dashboard = client_as(director).get(reverse("dashboard")).text
    assert f'href="{reverse("exams:list_plans")}?status=submitted"' in dashboard
