import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exams.models import Batch, BatchStatus
from jianding import outreach
from jianding.errors import RuleViolation
from jianding.models import Consultation, Notice
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.exams import BatchFactory, OccupationFactory, days_from_today
from tests.factories.finance import books


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", role=Role.CLERK)


def ask(client, HTTP_X_FORWARDED_FOR=None, **overrides):
    data = {"asker_name": "张三", "contact": "13800000000", "question": "社会人员报考电工四级需要什么材料？"}
    headers = {"HTTP_X_FORWARDED_FOR": HTTP_X_FORWARDED_FOR} if HTTP_X_FORWARDED_FOR else {}
    return client.post(reverse("public:consult"), {**data, **overrides}, **headers)


def test_public_sees_open_batches_with_requirements_not_drafts(client, db):
    electrician = OccupationFactory(name="电工", levels=[5, 4])
    welder = OccupationFactory(name="焊工", levels=[5, 4])
    open_batch = BatchFactory(
        occupation=electrician,
        status=BatchStatus.REGISTRATION_OPEN,
        fee_item=books(year=days_from_today(0).year)["item"],
        registration_opens=days_from_today(0),
    )
    draft = BatchFactory(occupation=welder, status=BatchStatus.DRAFT)
    home = client.get(reverse("public:home")).content.decode()
    assert "电工" in home
    assert "焊工" not in home
    detail = client.get(reverse("public:view_batch", args=[open_batch.pk])).content.decode()
    assert "学生证复印件" in detail
    assert "学历证书复印件" in detail
    assert "150.00" in detail
    assert open_batch.eligibility in detail
    assert client.get(reverse("public:view_batch", args=[draft.pk])).status_code == 404
    Batch.objects.filter(pk=open_batch.pk).update(
        registration_closes=days_from_today(-1), registration_opens=days_from_today(-9)
    )
    assert client.get(reverse("public:view_batch", args=[open_batch.pk])).status_code == 404


def test_notices_appear_from_their_publish_time(client, clerk):
    now = timezone.now()
    outreach.notice_save(
        actor=clerk, title="六月鉴定报名通知", body="……", publish_at=now - datetime.timedelta(hours=1)
    )
    later = outreach.notice_save(
        actor=clerk, title="下月安排", body="……", publish_at=now + datetime.timedelta(days=1)
    )
    page = client.get(reverse("public:list_notices")).content.decode()
    assert "六月鉴定报名通知" in page
    assert "下月安排" not in page
    assert client.get(reverse("public:view_notice", args=[later.pk])).status_code == 404


def test_a_question_is_recorded_answered_and_published(client, clerk, client_as):
    assert ask(client).status_code == 302
    question = Consultation.objects.get()
    assert question.ip_address == "127.0.0.1"
    assert "需要什么材料" not in client.get(reverse("public:consult")).content.decode()
    response = client_as(clerk).post(
        reverse("outreach:answer_consultation", args=[question.pk]),
        {"answer": "身份证复印件、学历证书复印件和黑白 2 寸照片。", "publish": "on", "seen_answer": ""},
    )
    assert response.status_code == 302
    late = client_as(UserFactory(role=Role.CLERK)).post(
        reverse("outreach:answer_consultation", args=[question.pk]),
        {"answer": "带身份证。", "seen_answer": ""},
    )
    assert late.context["form"].has_error("answer", "answered_meanwhile")
    page = client.get(reverse("public:consult")).content.decode()
    assert "需要什么材料" in page
    assert "黑白 2 寸照片" in page
    assert "13800000000" not in page


def test_questions_are_limited_per_address(client, db):
    for _ in range(outreach.ASK_LIMITS[0][1]):
        assert ask(client).status_code == 302
    refused = ask(client)
    assert refused.status_code == 200
    assert refused.context["form"].has_error("question", "too_many_questions")
    assert Consultation.objects.count() == outreach.ASK_LIMITS[0][1]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"question": "啊"}, "question", "min_length"),
        ({"question": "问" * 1001}, "question", "max_length"),
        ({"asker_name": ""}, "asker_name", "required"),
        ({"website": "http://spam"}, "website", "bot"),
    ],
)
def test_bad_questions_are_refused_on_the_field(client, db, overrides, field, code):
    response = ask(client, **overrides)
    assert response.context["form"].has_error(field, code)
    assert not Consultation.objects.exists()


def test_answer_required(clerk):
    question = Consultation.objects.create(question="?", asker_name="x")
    with pytest.raises(RuleViolation) as caught:
        outreach.consultation_answer(
            actor=clerk, consultation=question, answer=" ", publish=True, seen_answer=""
        )
    assert caught.value.field == "answer"


def test_a_notice_removed_meanwhile_is_not_brought_back(clerk):
    notice = Notice.objects.create(title="旧通知", body="x", publish_at=timezone.now(), created_by=clerk)
    Notice.objects.filter(pk=notice.pk).delete()
    with pytest.raises(RuleViolation) as caught:
        outreach.notice_save(actor=clerk, notice=notice, title="改", body="y", publish_at=timezone.now())
    assert caught.value.code == "notice_removed"
    assert not Notice.objects.exists()


def test_behind_the_proxy_the_limit_follows_the_forwarded_address(client, db, settings):
    settings.BEHIND_PROXY = True
    for _ in range(outreach.ASK_LIMITS[0][1]):
        ask(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9")
    assert Consultation.objects.filter(ip_address="10.0.0.9").count() == outreach.ASK_LIMITS[0][1]
    assert ask(client, HTTP_X_FORWARDED_FOR="10.0.0.9").status_code == 200
    assert ask(client, HTTP_X_FORWARDED_FOR="10.0.0.10").status_code == 302


def test_notice_removal_asks_first(clerk, client_as):
    notice = Notice.objects.create(title="旧通知", body="x", publish_at=timezone.now(), created_by=clerk)
    http = client_as(clerk)
    url = reverse("outreach:delete_notice", args=[notice.pk])
    assert "确认删除" in http.get(url).content.decode()
    assert Notice.objects.exists()
    http.post(url)
    assert not Notice.objects.exists()
    assert Notice.history.filter(history_type="-").exists()


def test_clerk_dashboard_counts_unanswered_questions(clerk, client_as):
    Consultation.objects.create(question="何时考试？", asker_name="x")
    cards = client_as(clerk).get(reverse("dashboard")).context["cards"]
    assert {str(card.label): card.count for card in cards}["待答复的咨询"] == 1
