import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from exams import selectors, services
from exams.models import AppraisalPlan, PlanLine, PlanStatus
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.exams import OccupationFactory


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-zhao", role=Role.CLERK)


@pytest.fixture
def director(db):
    return UserFactory(username="director-wang", role=Role.DIRECTOR)


@pytest.fixture
def electrician(db):
    return OccupationFactory(code="6-31-01-03", name="电工", levels=[5, 4, 3])


def add_line(clerk, plan, occupation, **overrides):
    values = {"level": 4, "month": 6, "expected_applicants": 40, "department": "机电系"}
    return services.plan_line_save(actor=clerk, plan=plan, occupation=occupation, **{**values, **overrides})


def approved_plan(clerk, director, electrician):
    plan = services.plan_create(actor=clerk, year=2027, basis="依据机电系 2027 教学计划")
    add_line(clerk, plan, electrician)
    services.plan_submit(actor=clerk, plan=plan)
    return services.plan_approve(actor=director, plan=plan)


def test_draft_submit_approve(clerk, director, electrician):
    plan = approved_plan(clerk, director, electrician)
    assert plan.status == PlanStatus.APPROVED
    assert plan.decided_by == director
    assert [record.status for record in plan.history.order_by("history_id")] == [
        "draft",
        "submitted",
        "approved",
    ]


def test_return_needs_a_reason_and_lets_the_clerk_correct(clerk, director, electrician):
    plan = services.plan_create(actor=clerk, year=2027)
    add_line(clerk, plan, electrician)
    services.plan_submit(actor=clerk, plan=plan)
    with pytest.raises(RuleViolation) as caught:
        services.plan_return(actor=director, plan=plan, reason="  ")
    assert caught.value.field == "reason"
    plan = services.plan_return(actor=director, plan=plan, reason="六月人数偏多")
    assert plan.status == PlanStatus.RETURNED
    line = plan.lines.get()
    add_line(clerk, plan, electrician, line=line, expected_applicants=30)
    assert services.plan_submit(actor=clerk, plan=plan).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPUTY, Role.EXAM_STAFF])
def test_only_the_director_approves(clerk, electrician, role):
    plan = services.plan_create(actor=clerk, year=2027)
    add_line(clerk, plan, electrician)
    services.plan_submit(actor=clerk, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=UserFactory(role=role), plan=plan)
    assert AppraisalPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_refusals_out_of_order(clerk, director, electrician):
    plan = services.plan_create(actor=clerk, year=2027)
    with pytest.raises(RuleViolation) as caught:
        services.plan_submit(actor=clerk, plan=plan)
    assert caught.value.code == "plan_empty"
    with pytest.raises(RuleViolation) as caught:
        services.plan_approve(actor=director, plan=plan)
    assert caught.value.code == "plan_not_submitted"
    add_line(clerk, plan, electrician)
    services.plan_submit(actor=clerk, plan=plan)
    with pytest.raises(RuleViolation) as caught:
        add_line(clerk, plan, electrician, month=7)
    assert caught.value.code == "plan_not_editable"


def test_line_refusals_name_the_field(clerk, electrician):
    plan = services.plan_create(actor=clerk, year=2027)
    add_line(clerk, plan, electrician)
    cases = [
        ({"level": 1}, "level", "level_not_licensed"),
        ({}, "month", "line_duplicate"),
        ({"month": 9, "expected_applicants": 0}, "expected_applicants", "no_applicants"),
    ]
    for overrides, field, code in cases:
        with pytest.raises(RuleViolation) as caught:
            add_line(clerk, plan, electrician, **overrides)
        assert (caught.value.field, caught.value.code) == (field, code)
    assert plan.lines.count() == 1


def test_one_plan_per_year(clerk):
    services.plan_create(actor=clerk, year=2027)
    with pytest.raises(RuleViolation) as caught:
        services.plan_create(actor=clerk, year=2027)
    assert (caught.value.field, caught.value.code) == ("year", "plan_exists")


def test_revision_copies_lines_keeps_the_old_in_force_and_supersedes_it_on_approval(
    clerk, director, electrician
):
    first = approved_plan(clerk, director, electrician)
    with pytest.raises(RuleViolation):
        services.plan_revise(actor=clerk, plan=first, basis="")
    second = services.plan_revise(actor=clerk, plan=first, basis="七月增加焊工")
    assert (second.revision, second.status) == (2, PlanStatus.DRAFT)
    assert second.lines.count() == 1
    assert PlanLine.history.filter(plan_id=second.pk).count() == 1  # bulk copy wrote history
    with pytest.raises(RuleViolation) as caught:
        services.plan_revise(actor=clerk, plan=first, basis="again")
    assert caught.value.code == "revision_open"

    welder = OccupationFactory(code="6-18-02-04", name="焊工", levels=[5, 4])
    add_line(clerk, second, welder, month=7)
    changed = second.lines.get(occupation=electrician)
    add_line(clerk, second, electrician, line=changed, expected_applicants=55)
    assert AppraisalPlan.objects.get(pk=first.pk).status == PlanStatus.APPROVED

    services.plan_submit(actor=clerk, plan=second)
    services.plan_approve(actor=director, plan=second)
    assert AppraisalPlan.objects.get(pk=first.pk).status == PlanStatus.SUPERSEDED
    assert list(AppraisalPlan.objects.in_force()) == [AppraisalPlan.objects.get(pk=second.pk)]

    kinds = {
        (change.new or change.old).occupation.name: change.kind
        for change in selectors.plan_compare(old=first, new=second)
    }
    assert kinds == {"电工": "changed", "焊工": "added"}


def test_plan_page_shows_the_directors_buttons_only_to_him(clerk, director, electrician, client_as):
    plan = services.plan_create(actor=clerk, year=2027)
    add_line(clerk, plan, electrician)
    services.plan_submit(actor=clerk, plan=plan)
    url = reverse("exams:view_plan", args=[plan.pk])
    assert "退回（须填理由）" in client_as(director).get(url).content.decode()
    assert "退回（须填理由）" not in client_as(clerk).get(url).content.decode()
    response = client_as(director).post(reverse("exams:decide_plan", args=[plan.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert AppraisalPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_plan_list_query_count_does_not_grow(clerk, client_as, django_assert_num_queries, electrician):
    http = client_as(clerk)
    url = reverse("exams:list_plans")
    services.plan_create(actor=clerk, year=2020)
    http.get(url)
    # 6 before the bell's unread count on every page [#18]
    with django_assert_num_queries(7) as captured:
        http.get(url)
    for year in range(2030, 2045):
        add_line(clerk, services.plan_create(actor=clerk, year=year), electrician)
    with django_assert_num_queries(len(captured.captured_queries)):
        http.get(url)


def test_the_compare_page_shows_the_changed_column_of_a_line_old_to_new(
    clerk, director, electrician, client_as
):
    first = approved_plan(clerk, director, electrician)
    second = services.plan_revise(actor=clerk, plan=first, basis="电工多招")
    add_line(clerk, second, electrician, line=second.lines.get(), expected_applicants=55)
    [change] = selectors.plan_compare(old=first, new=second)
    assert change.kind == "changed"
    assert [(cell.old, cell.new) for cell in change.cells if cell.changed] == [(40, 55)]
    page = (
        client_as(director).get(reverse("exams:compare_plans", args=[second.pk, first.pk])).content.decode()
    )
    assert "40 → 55" in page
    assert 'data-kind="changed"' in page
