"""Plans, batches and question banks: whoever must approve is told, and the submitter learns the decision [#18]."""

import pytest
from django.core import mail
from django.urls import reverse

from exams import services
from exams.models import BankStatus, Batch, PlanStatus, QuestionBank
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.exams import OccupationFactory, approved_line, days_from_today, pdf_upload

from .conftest import TEMPLATES


@pytest.fixture
def people(db):
    return {
        role: UserFactory(
            username=f"{role.value}-one",
            name=name,
            email=f"{role.value}@example.cn",
            phone=phone,
            role=role,
        )
        for role, name, phone in (
            (Role.CLERK, "赵文", "13800000001"),
            (Role.DIRECTOR, "王所长", "13800000002"),
            (Role.DEPUTY, "李副所长", "13800000003"),
            (Role.EXAM_STAFF, "钱考务", "13800000004"),
        )
    }


def told(user, kind):
    """The one message ``user`` got, checked to have gone by e-mail and SMS with ``kind``'s template."""
    message = Message.objects.get(recipient=user)
    assert message.kind == kind
    (email,) = [sent for sent in mail.outbox if sent.to == [user.email]]
    assert message.text in email.body
    return message


def sms_to(sms_provider, user) -> list[dict]:
    return [request for request in sms_provider.requests if request["PhoneNumbers"] == user.phone]


def test_a_submitted_plan_tells_the_director_and_his_return_tells_the_clerk(
    people, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    clerk, director = people[Role.CLERK], people[Role.DIRECTOR]
    plan = services.plan_create(actor=clerk, year=2027)
    services.plan_line_save(
        actor=clerk,
        plan=plan,
        occupation=OccupationFactory(name="电工", levels=[5, 4, 3]),
        level=4,
        month=6,
        expected_applicants=40,
        department="机电系",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client_as(clerk).post(reverse("exams:submit_plan", args=[plan.pk])).status_code == 302
    plan_page = reverse("exams:view_plan", args=[plan.pk])
    message = told(director, Kind.APPROVAL_WAITING)
    assert "2027 年度鉴定计划" in message.text
    assert "审批" in message.text
    assert message.link == plan_page
    (sms,) = sms_to(sms_provider, director)
    assert sms["TemplateCode"] == TEMPLATES[Kind.APPROVAL_WAITING]
    # The clerk submitted; nobody else is told, and he is not told of his own step.
    assert Message.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        client_as(director).post(
            reverse("exams:decide_plan", args=[plan.pk]), {"decision": "return", "reason": "六月人数偏多"}
        )
    message = told(clerk, Kind.APPROVAL_DECIDED)
    assert "退回" in message.text
    assert "六月人数偏多" in message.text
    assert message.link == plan_page
    (sms,) = sms_to(sms_provider, clerk)
    assert sms["TemplateCode"] == TEMPLATES[Kind.APPROVAL_DECIDED]
    assert "六月人数偏多" in sms["TemplateParam"]
    assert Message.objects.filter(recipient=director).count() == 1


def test_an_approved_plan_tells_the_clerk_who_drafted_it(
    people, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    clerk, director = people[Role.CLERK], people[Role.DIRECTOR]
    plan = services.plan_create(actor=clerk, year=2027)
    services.plan_line_save(
        actor=clerk,
        plan=plan,
        occupation=OccupationFactory(name="电工", levels=[5, 4, 3]),
        level=4,
        month=6,
        expected_applicants=40,
        department="机电系",
    )
    services.plan_submit(actor=clerk, plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        client_as(director).post(reverse("exams:decide_plan", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    message = told(clerk, Kind.APPROVAL_DECIDED)
    assert "2027 年度鉴定计划" in message.text
    assert "批准" in message.text
    assert message.link == reverse("exams:view_plan", args=[plan.pk])
    assert sms_to(sms_provider, clerk)[0]["TemplateCode"] == TEMPLATES[Kind.APPROVAL_DECIDED]


def batch_form(occupation, **overrides):
    return {
        "occupation": occupation.pk,
        "level": 4,
        "plan_line": "",
        "registration_opens": days_from_today(0).isoformat(),
        "registration_closes": days_from_today(20).isoformat(),
        "theory_date": days_from_today(40).isoformat(),
        "skill_date": days_from_today(41).isoformat(),
        "fee_item": "",
        "eligibility": "取得初级工证书满三年。",
        "min_age": 16,
        "student_documents": ["student_card", "id_card", "photo"],
        "social_documents": ["id_card", "education", "photo"],
        "scheme": "理论考试：教学楼 301。",
        **overrides,
    }


def test_a_batch_outside_the_plan_waits_for_the_director_alone_and_his_approval_tells_the_clerk(
    people, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    clerk, director, deputy = people[Role.CLERK], people[Role.DIRECTOR], people[Role.DEPUTY]
    occupation = OccupationFactory(name="焊工", levels=[5, 4])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(clerk).post(reverse("exams:create_batch"), batch_form(occupation))
    assert response.status_code == 302
    batch = Batch.objects.get()
    batch_page = reverse("exams:view_batch", args=[batch.pk])
    message = told(director, Kind.APPROVAL_WAITING)
    assert "焊工" in message.text
    assert "审批" in message.text
    assert message.link == batch_page
    assert sms_to(sms_provider, director)[0]["TemplateCode"] == TEMPLATES[Kind.APPROVAL_WAITING]
    assert not Message.objects.filter(recipient=deputy).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_as(director).post(reverse("exams:move_batch", args=[batch.pk, "approve"]))
    message = told(clerk, Kind.APPROVAL_DECIDED)
    assert "焊工" in message.text
    assert "批准" in message.text
    assert "报名" in message.text
    assert message.link == batch_page
    assert sms_to(sms_provider, clerk)[0]["TemplateCode"] == TEMPLATES[Kind.APPROVAL_DECIDED]
    assert Message.objects.filter(recipient=director).count() == 1


def test_a_batch_of_the_plan_waits_for_the_deputy_or_the_director(
    people, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    line = approved_line(level=4)
    with django_capture_on_commit_callbacks(execute=True):
        client_as(people[Role.CLERK]).post(
            reverse("exams:create_batch"), batch_form(line.occupation, plan_line=line.pk)
        )
    for approver in (people[Role.DEPUTY], people[Role.DIRECTOR]):
        assert told(approver, Kind.APPROVAL_WAITING).link == reverse(
            "exams:view_batch", args=[Batch.objects.get().pk]
        )
    assert not Message.objects.filter(recipient=people[Role.EXAM_STAFF]).exists()


def test_an_uploaded_bank_tells_the_deputy_and_his_rejection_tells_the_uploader(
    people, client_as, sms_provider, clock, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    staff, deputy = people[Role.EXAM_STAFF], people[Role.DEPUTY]
    occupation = OccupationFactory(name="电工", levels=[5, 4, 3])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff).post(
            reverse("exams:upload_bank"),
            {"occupation": occupation.pk, "level": 4, "title": "应知应会复习题", "file": pdf_upload()},
        )
    assert response.status_code == 302
    bank = QuestionBank.objects.get()
    message = told(deputy, Kind.APPROVAL_WAITING)
    assert "电工" in message.text
    assert "应知应会复习题" in message.text
    assert "审批" in message.text
    assert message.link == reverse("exams:list_banks") + "?status=pending"
    assert sms_to(sms_provider, deputy)[0]["TemplateCode"] == TEMPLATES[Kind.APPROVAL_WAITING]
    assert client_as(deputy).get(message.link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client_as(deputy).post(
            reverse("exams:decide_bank", args=[bank.pk]), {"decision": "reject", "reason": "第三章答案有误"}
        )
    assert QuestionBank.objects.get().status == BankStatus.REJECTED
    message = told(staff, Kind.APPROVAL_DECIDED)
    assert "未通过" in message.text
    assert "第三章答案有误" in message.text
    assert message.link == reverse("exams:list_banks")
    (sms,) = sms_to(sms_provider, staff)
    assert sms["TemplateCode"] == TEMPLATES[Kind.APPROVAL_DECIDED]
    assert Message.objects.filter(recipient=deputy).count() == 1


def test_an_approved_bank_tells_the_uploader(
    people, client_as, sms_provider, clock, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    staff, deputy = people[Role.EXAM_STAFF], people[Role.DEPUTY]
    bank = services.bank_upload(
        actor=staff,
        occupation=OccupationFactory(name="电工", levels=[5, 4, 3]),
        level=4,
        title="应知应会复习题",
        upload=pdf_upload(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_as(deputy).post(reverse("exams:decide_bank", args=[bank.pk]), {"decision": "approve"})
    message = told(staff, Kind.APPROVAL_DECIDED)
    assert "应知应会复习题" in message.text
    assert "批准" in message.text
