"""The deputy (or, outside the plan, the director) returns a batch with the reason; the clerk is
told, changes it, and it waits for approval again [#19]."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from exams import selectors, services
from exams.models import Batch, BatchStatus
from jianding.errors import RuleViolation
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.exams import OccupationFactory, approved_line

from .conftest import TEMPLATES
from .test_events_catalogue import batch_form, sms_to, told


@pytest.fixture
def people(db):
    return {
        role: UserFactory(
            username=f"{role.value}-r", name=name, email=f"{role.value}@example.cn", phone=phone, role=role
        )
        for role, name, phone in (
            (Role.CLERK, "赵文", "13800000011"),
            (Role.DIRECTOR, "王所长", "13800000012"),
            (Role.DEPUTY, "李副所长", "13800000013"),
        )
    }


def test_the_deputy_returns_a_plan_batch_with_the_reason_and_the_changed_batch_waits_again(
    people, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    clerk, deputy, director = people[Role.CLERK], people[Role.DEPUTY], people[Role.DIRECTOR]
    line = approved_line(level=4)
    with django_capture_on_commit_callbacks(execute=True):
        client_as(clerk).post(reverse("exams:create_batch"), batch_form(line.occupation, plan_line=line.pk))
    batch = Batch.objects.get()
    page = reverse("exams:view_batch", args=[batch.pk])
    Message.objects.all().delete()
    mail.outbox.clear()
    sms_provider.requests.clear()

    response = client_as(deputy).get(page)
    assert reverse("exams:decide_batch", args=[batch.pk]) in response.text
    assert "退回" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(deputy).post(
            reverse("exams:decide_batch", args=[batch.pk]), {"decision": "return", "reason": "考场未写明"}
        )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT
    assert batch.is_returned
    message = told(clerk, Kind.APPROVAL_DECIDED)
    assert "考场未写明" in message.text
    assert "退回" in message.text
    assert message.link == page
    assert sms_to(sms_provider, clerk)[0]["TemplateCode"] == TEMPLATES[Kind.APPROVAL_DECIDED]
    # Every clerk is told, since any may change it; nobody else.
    assert not Message.objects.exclude(recipient__groups__name=Role.CLERK.value).exists()
    # Returned, it no longer waits for the deputy, who cannot approve it as it stands.
    assert not selectors.batches_at_step(actor=deputy, step="approve_from_plan").exists()
    assert "考场未写明" in client_as(deputy).get(page).text
    with pytest.raises(RuleViolation):
        services.batch_move(actor=deputy, batch=batch, action="approve")

    # The clerk reads the reason on the batch page, its path leads him to change it, and the
    # approvers are told again.
    clerk_page = client_as(clerk).get(page).text
    assert "考场未写明" in clerk_page
    assert "已退回：请按退回理由修改批次。" in clerk_page
    Message.objects.all().delete()
    mail.outbox.clear()
    # Saved as it was, it stays returned: the reason asks for a change.
    unchanged = client_as(clerk).post(
        reverse("exams:edit_batch", args=[batch.pk]), batch_form(line.occupation, plan_line=line.pk)
    )
    assert "请按退回理由修改批次后再报批" in unchanged.content.decode()
    batch.refresh_from_db()
    assert batch.is_returned
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(clerk).post(
            reverse("exams:edit_batch", args=[batch.pk]),
            batch_form(line.occupation, plan_line=line.pk, scheme="理论考试：教学楼 301 考场。"),
        )
    batch.refresh_from_db()
    assert not batch.is_returned
    assert told(deputy, Kind.APPROVAL_WAITING).link == page
    assert told(director, Kind.APPROVAL_WAITING).link == page
    assert selectors.batches_at_step(actor=deputy, step="approve_from_plan").get() == batch
    # The history keeps the reason after the change.
    assert batch.history.filter(decision_reason="考场未写明").exists()
    changed_page = client_as(clerk).get(page).text
    assert "考场未写明" in changed_page
    assert "已退回：请按退回理由修改批次。" not in changed_page

    client_as(deputy).post(reverse("exams:decide_batch", args=[batch.pk]), {"decision": "approve"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED


def test_a_batch_outside_the_plan_is_returned_by_the_director_not_the_deputy(people, client_as):
    clerk, deputy, director = people[Role.CLERK], people[Role.DEPUTY], people[Role.DIRECTOR]
    client_as(clerk).post(reverse("exams:create_batch"), batch_form(OccupationFactory(levels=[5, 4])))
    batch = Batch.objects.get()
    with pytest.raises(PermissionDenied):
        services.batch_return(actor=deputy, batch=batch, reason="不妥")
    with pytest.raises(RuleViolation) as refusal:
        services.batch_return(actor=director, batch=batch, reason=" ")
    assert refusal.value.field == "reason"
    assert "退回" not in client_as(deputy).get(reverse("exams:view_batch", args=[batch.pk])).text
    services.batch_return(actor=director, batch=batch, reason="不在计划内的理由不足")
    with pytest.raises(RuleViolation):
        services.batch_return(actor=director, batch=batch, reason="再退一次")
