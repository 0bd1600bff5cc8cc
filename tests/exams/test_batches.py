import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from exams import services
from exams.models import AppraisalPlan, Batch, BatchStatus, PlanStatus
from exams.services.batches import TRANSITIONS
from exams.services.seats import tickets_require_fees
from finance import selectors as finance_selectors
from finance import services as finance
from finance.models import FeeItem
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory, OccupationFactory, approved_line, days_from_today
from tests.factories.finance import books, finance_officer


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
        "fee_item": None,
        "eligibility": "取得初级工证书满三年。",
        "min_age": 16,
        "student_documents": ["student_card", "id_card", "photo"],
        "social_documents": ["id_card", "education", "photo"],
        "scheme": "理论考试：教学楼 301。",
    }
    return {**values, **overrides}


def test_batch_from_an_approved_plan_line_walks_its_whole_life(people):
    line = approved_line(level=4)
    fields = batch_fields(line.occupation, plan_line=line, fee_item=books()["item"])
    batch = services.batch_create(actor=people[Role.CLERK], **fields)
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
    assert batch.decided_by == people[Role.DEPUTY]
    assert batch.history.count() == len(steps) + 1


def test_batch_outside_the_plan_needs_the_director(people):
    occupation = OccupationFactory(levels=[5, 4])
    batch = services.batch_create(actor=people[Role.CLERK], **batch_fields(occupation))
    with pytest.raises(PermissionDenied):
        services.batch_move(actor=people[Role.DEPUTY], batch=batch, action="approve")
    services.batch_move(actor=people[Role.DIRECTOR], batch=batch, action="approve")
    assert Batch.objects.get(pk=batch.pk).decided_by == people[Role.DIRECTOR]


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
        fee_item=books(year=days_from_today(3).year)["item"],
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
    data = {**data, "occupation": occupation.pk, "plan_line": "", "fee_item": ""}
    response = client_as(people[Role.CLERK]).post(reverse("exams:create_batch"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["theory_date"]
    assert not Batch.objects.exists()


def test_batch_list_query_count_does_not_grow(people, client_as, django_assert_num_queries):
    http = client_as(people[Role.CLERK])
    BatchFactory()
    url = reverse("exams:list_batches")
    http.get(url)
    # 6 before the bell's unread count on every page [#18]
    with django_assert_num_queries(7) as captured:
        http.get(url)
    for _ in range(20):
        BatchFactory()
    with django_assert_num_queries(len(captured.captured_queries)):
        http.get(url)


def test_a_batch_charges_its_fee_item_at_the_approved_standard_on_every_page(people, client, client_as):
    setup = books(fee=Decimal("150.00"))
    batch = BatchFactory(
        status=BatchStatus.REGISTRATION_OPEN, fee_item=setup["item"], registration_opens=days_from_today(0)
    )
    public = client.get(reverse("public:view_batch", args=[batch.pk])).content.decode()
    assert 'data-testid="batch-fee">150.00<' in public
    assert "150.00" in client.get(reverse("public:home")).content.decode()
    staff_page = client_as(people[Role.CLERK]).get(reverse("exams:view_batch", args=[batch.pk]))
    assert staff_page.context["batch"].fee == Decimal("150.00")
    assert staff_page.context["fee_problem"] is None
    [application] = candidates(batch, {"23 烹饪 1 班": 1}, paid=False)
    assert finance_selectors.application_fee_status(application=application).due == Decimal("150.00")
    book = setup["book"]
    collection = finance.collection_record(
        actor=finance_officer(),
        application=application,
        amount=Decimal("150.00"),
        method="desk",
        account=setup["cash"],
        receipt_book=book,
        receipt_number=book.next_number,
    )
    assert collection.plan_fee == setup["plan_fee"]
    tickets_require_fees(application_ids=[application.pk])


def test_a_batch_whose_fee_item_is_not_in_the_approved_plan_cannot_open_and_its_page_says_why(
    people, client_as
):
    approved = books(fee=Decimal("150.00"))
    stray = FeeItem.objects.create(
        name="鉴定费（中式面点师五级）",
        subject=approved["income"],
        amount=Decimal("120.00"),
        document_number="苏价费〔2026〕3号",
        document_date=datetime.date(2026, 1, 5),
        created_by=people[Role.CLERK],
    )
    batch = BatchFactory(status=BatchStatus.APPROVED, fee_item=stray, registration_opens=days_from_today(0))
    with pytest.raises(RuleViolation) as caught:
        services.batch_move(actor=people[Role.CLERK], batch=batch, action="open")
    assert (caught.value.field, caught.value.code) == ("fee_item", "fee_not_in_approved_plan")
    page = client_as(people[Role.CLERK]).get(reverse("exams:view_batch", args=[batch.pk]))
    html = page.content.decode()
    assert 'data-testid="fee-problem"' in html
    assert "鉴定费（中式面点师五级）" in html
    assert "不在" in page.context["fee_problem"]
    Batch.objects.filter(pk=batch.pk).update(fee_item=None)
    with pytest.raises(RuleViolation) as caught:
        services.batch_move(actor=people[Role.CLERK], batch=batch, action="open")
    assert caught.value.code == "fee_not_in_approved_plan"
    Batch.objects.filter(pk=batch.pk).update(fee_item=approved["item"])
    assert services.batch_move(actor=people[Role.CLERK], batch=batch, action="open").status == (
        BatchStatus.REGISTRATION_OPEN
    )


def test_the_batch_form_offers_only_fee_items_of_an_approved_plan(people, client_as):
    approved = books(fee=Decimal("150.00"))
    stray = FeeItem.objects.create(
        name="旧标准",
        subject=approved["income"],
        amount=Decimal("120.00"),
        document_number="苏价费〔2020〕1号",
        document_date=datetime.date(2020, 1, 5),
        created_by=people[Role.CLERK],
    )
    form = client_as(people[Role.CLERK]).get(reverse("exams:create_batch")).context["form"]
    assert list(form.fields["fee_item"].queryset) == [approved["item"]]
    occupation = OccupationFactory(levels=[5, 4])
    with pytest.raises(RuleViolation) as caught:
        services.batch_create(actor=people[Role.CLERK], **batch_fields(occupation, fee_item=stray))
    assert (caught.value.field, caught.value.code) == ("fee_item", "fee_not_in_approved_plan")
