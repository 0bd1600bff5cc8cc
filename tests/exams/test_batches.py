import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from exams import services
from exams.models import AppraisalPlan, Batch, BatchStatus, PlanStatus
from exams.services.batches import TRANSITIONS
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.exams import BatchFactory, OccupationFactory, approved_line, days_from_today


@pytest.fixture
def people(db):
    return {role: UserFactory(username=role.value, role=role) for role in Role}


def batch_fields(occupation, **overrides):
    values = {
        "occupation": occupation,
        "level": 4,
        "plan_line": None,
        "registration_opens": days_from_today(0),
        "registration_closes": days_from_today(20),
        "theory_date": days_from_today(40),
        "skill_date": days_from_today(41),
        "fee": Decimal("150.00"),
        "eligibility": "取得初级工证书满三年。",
        "min_age": 16,
        "student_documents": ["student_card", "id_card", "photo"],
        "social_documents": ["id_card", "education", "photo"],
        "scheme": "理论考试：教学楼 301。",
    }
    return {**values, **overrides}


def test_batch_from_an_approved_plan_line_walks_its_whole_life(people):
    line = approved_line(level=4)
    batch = services.batch_create(actor=people[Role.CLERK], **batch_fields(line.occupation, plan_line=line))
    steps = [
        ("approve", Role.DEPUTY, BatchStatus.APPROVED),
        ("open", Role.CLERK, BatchStatus.REGISTRATION_OPEN),
        ("close", Role.CLERK, BatchStatus.REGISTRATION_CLOSED),
        ("start_exam", Role.DEPUTY, BatchStatus.IN_EXAM),
        ("start_scoring", Role.EXAM_STAFF, BatchStatus.SCORING),
        ("finish", Role.CLERK, BatchStatus.CLOSED),
    ]
    assert [name for name, _role, _target in steps] == list(TRANSITIONS)
    for action, role, target in steps:
        if action == "finish":
            # The report has its own step after the publicity (tests/exams/test_results.py).
            Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.REPORTED)
        batch = services.batch_move(actor=people[role], batch=batch, action=action)
        assert batch.status == target
    assert batch.approved_by == people[Role.DEPUTY]
    assert batch.history.count() == len(steps) + 1


def test_batch_outside_the_plan_needs_the_director(people):
    occupation = OccupationFactory(levels=[5, 4])
    batch = services.batch_create(actor=people[Role.CLERK], **batch_fields(occupation))
    with pytest.raises(PermissionDenied):
        services.batch_move(actor=people[Role.DEPUTY], batch=batch, action="approve")
    services.batch_move(actor=people[Role.DIRECTOR], batch=batch, action="approve")
    assert Batch.objects.get(pk=batch.pk).approved_by == people[Role.DIRECTOR]


@pytest.mark.parametrize(
    ("action", "wrong_role"),
    [
        ("open", Role.DEPUTY),
        ("start_exam", Role.CLERK),
        ("start_scoring", Role.CLERK),
        ("finish", Role.FINANCE),
    ],
)
def test_each_step_belongs_to_its_role(people, action, wrong_role):
    batch = BatchFactory(status=TRANSITIONS[action].source)
    with pytest.raises(PermissionDenied):
        services.batch_move(actor=people[wrong_role], batch=batch, action=action)
    assert Batch.objects.get(pk=batch.pk).status == TRANSITIONS[action].source


def test_steps_out_of_order_are_refused_with_the_reason(people):
    batch = BatchFactory(status=BatchStatus.DRAFT)
    with pytest.raises(RuleViolation) as caught:
        services.batch_move(actor=people[Role.CLERK], batch=batch, action="close")
    assert caught.value.code == "step_out_of_order"
    assert "报名中" in str(caught.value.message)


def test_registration_opens_only_inside_its_window(people):
    batch = BatchFactory(
        status=BatchStatus.APPROVED,
        registration_opens=days_from_today(3),
        registration_closes=days_from_today(10),
    )
    with pytest.raises(RuleViolation) as caught:
        services.batch_move(actor=people[Role.CLERK], batch=batch, action="open")
    assert caught.value.code == "outside_registration_window"
    moved = services.batch_move(
        actor=people[Role.CLERK],
        batch=batch,
        action="open",
        today=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert moved.status == BatchStatus.REGISTRATION_OPEN


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"registration_closes": days_from_today(-1)}, "registration_closes", "window_reversed"),
        ({"theory_date": days_from_today(20)}, "theory_date", "exam_before_registration_closes"),
        ({"skill_date": days_from_today(5)}, "skill_date", "exam_before_registration_closes"),
        ({"level": 1}, "level", "level_not_licensed"),
        ({"fee": Decimal("-1")}, "fee", "fee_negative"),
        ({"student_documents": []}, "student_documents", "documents_invalid"),
    ],
)
def test_bad_batches_are_refused_on_the_field_and_not_saved(people, overrides, field, code):
    occupation = OccupationFactory(levels=[5, 4])
    with pytest.raises(RuleViolation) as caught:
        services.batch_create(actor=people[Role.CLERK], **batch_fields(occupation, **overrides))
    assert (caught.value.field, caught.value.code) == (field, code)
    assert not Batch.objects.exists()


def test_plan_line_must_match_and_be_in_force(people):
    line = approved_line(level=4)
    other = OccupationFactory(levels=[5, 4])
    with pytest.raises(RuleViolation) as caught:
        services.batch_create(actor=people[Role.CLERK], **batch_fields(other, plan_line=line))
    assert caught.value.code == "plan_line_mismatch"
    AppraisalPlan.objects.filter(pk=line.plan_id).update(status=PlanStatus.SUPERSEDED)
    line.plan.refresh_from_db()
    with pytest.raises(RuleViolation) as caught:
        services.batch_create(actor=people[Role.CLERK], **batch_fields(line.occupation, plan_line=line))
    assert (caught.value.field, caught.value.code) == ("plan_line", "plan_not_in_force")


def test_a_batch_whose_plan_was_revised_away_goes_to_the_director(people):
    line = approved_line(level=4)
    batch = services.batch_create(actor=people[Role.CLERK], **batch_fields(line.occupation, plan_line=line))
    AppraisalPlan.objects.filter(pk=line.plan_id).update(status=PlanStatus.SUPERSEDED)
    with pytest.raises(PermissionDenied):
        services.batch_move(actor=people[Role.DEPUTY], batch=batch, action="approve")
    assert (
        services.batch_move(actor=people[Role.DIRECTOR], batch=batch, action="approve").status == "approved"
    )


def test_only_a_draft_is_changed(people):
    batch = BatchFactory(status=BatchStatus.APPROVED)
    with pytest.raises(RuleViolation) as caught:
        services.batch_update(actor=people[Role.CLERK], batch=batch, **batch_fields(batch.occupation))
    assert caught.value.code == "batch_not_draft"


def test_batch_page_offers_each_role_only_its_steps(people, client_as):
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    url = reverse("exams:view_batch", args=[batch.pk])
    # Every role reads the whole path; only the deputy gets the button.
    button = '<button type="submit" class="btn btn-primary">开始考试</button>'
    assert button in client_as(people[Role.DEPUTY]).get(url).content.decode()
    clerk_page = client_as(people[Role.CLERK]).get(url).content.decode()
    assert button not in clerk_page
    assert "由 副所长 办理" in clerk_page
    response = client_as(people[Role.CLERK]).post(reverse("exams:move_batch", args=[batch.pk, "start_exam"]))
    assert response.status_code == 403
    client_as(people[Role.DEPUTY]).post(reverse("exams:move_batch", args=[batch.pk, "start_exam"]))
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.IN_EXAM


def test_create_batch_page_reports_dates_in_the_wrong_order(people, client_as):
    occupation = OccupationFactory(levels=[5, 4])
    data = batch_fields(occupation, theory_date=days_from_today(10))
    data = {**data, "occupation": occupation.pk, "plan_line": ""}
    response = client_as(people[Role.CLERK]).post(reverse("exams:create_batch"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["theory_date"]
    assert not Batch.objects.exists()


def test_batch_list_query_count_does_not_grow(people, client_as, django_assert_num_queries):
    http = client_as(people[Role.CLERK])
    BatchFactory()
    url = reverse("exams:list_batches")
    http.get(url)
    with django_assert_num_queries(6) as captured:
        http.get(url)
    for _ in range(20):
        BatchFactory()
    with django_assert_num_queries(len(captured.captured_queries)):
        http.get(url)
