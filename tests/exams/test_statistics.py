import datetime
import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applicants.models import Application
from exams.models import Batch, BatchStatus, PlanStatus
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory, PlanLineFactory


@pytest.fixture
def data(db):
    electrician = OccupationFactory(name="电工", levels=[5, 4])
    PlanLineFactory(
        plan__year=2027,
        plan__status=PlanStatus.APPROVED,
        occupation=electrician,
        month=6,
        expected_applicants=40,
    )
    PlanLineFactory(
        plan__year=2026,
        plan__status=PlanStatus.APPROVED,
        occupation=electrician,
        month=6,
        expected_applicants=99,
    )
    for day in (3, 20):
        BatchFactory(
            occupation=electrician,
            status=BatchStatus.APPROVED,
            registration_opens=datetime.date(2027, 5, 1),
            registration_closes=datetime.date(2027, 5, 20),
            theory_date=datetime.date(2027, 6, day),
            skill_date=datetime.date(2027, 6, day + 1),
        )
    BatchFactory(occupation=electrician, status=BatchStatus.DRAFT, theory_date=datetime.date(2027, 6, 9))
    return electrician


def test_statistics_count_batches_and_planned_applicants_per_month(data, client_as):
    response = client_as(UserFactory(role=Role.DEPUTY)).get(reverse("exams:view_statistics"), {"year": 2027})
    rows = response.context["rows"]
    assert [(r.occupation, r.month, r.batches, r.planned_applicants) for r in rows] == [(str(data), 6, 2, 40)]
    page = response.content.decode()
    batches = json.loads(page.split('id="batches-chart" type="application/json">')[1].split("</script>")[0])
    applicants = json.loads(
        page.split('id="applicants-chart" type="application/json">')[1].split("</script>")[0]
    )
    assert batches["datasets"][0]["data"][5] == 2
    assert applicants["datasets"][0]["data"][5] == 40


def test_statistics_export(data, client_as):
    response = client_as(UserFactory(role=Role.CLERK)).get(reverse("exams:export_statistics"), {"year": 2027})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == [6, str(data), "四级/中级工", 2, 40, 0]


def test_two_occupations_of_one_name_stay_apart(data, client_as):
    namesake = OccupationFactory(name="电工", levels=[5, 4])
    PlanLineFactory(
        plan__year=2027, plan__revision=2, plan__status=PlanStatus.SUPERSEDED, occupation=namesake
    )
    BatchFactory(
        occupation=namesake,
        status=BatchStatus.APPROVED,
        registration_opens=datetime.date(2027, 5, 1),
        registration_closes=datetime.date(2027, 5, 20),
        theory_date=datetime.date(2027, 6, 5),
        skill_date=datetime.date(2027, 6, 6),
    )
    response = client_as(UserFactory(role=Role.DEPUTY)).get(reverse("exams:view_statistics"), {"year": 2027})
    assert sorted(r.batches for r in response.context["rows"]) == [1, 2]


def test_statistics_count_who_applied(data, client_as):
    batch = Batch.objects.filter(occupation=data, status=BatchStatus.APPROVED).first()
    for status in ("submitted", "approved", "draft", "withdrawn"):
        Application.objects.create(
            applicant=ApplicantFactory(), batch=batch, category="student", class_name="1 班", status=status
        )
    rows = (
        client_as(UserFactory(role=Role.CLERK))
        .get(reverse("exams:view_statistics"), {"year": 2027})
        .context["rows"]
    )
    assert [row.applicants for row in rows] == [2]
