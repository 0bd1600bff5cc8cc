"""Scoring, results and the report: who acts next is told, candidates learn their results [#18]."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from exams import services
from exams.models import BatchStatus, ScoringStandard
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.exams.conftest import arranged, published, scoring  # noqa: F401 (the exams fixtures, used by name)
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.exams import BatchFactory
from tests.factories.scoring import check_tally

from .conftest import SHANGHAI, TEMPLATES


def reached(user, kind, sms_provider) -> Message:
    """The one message of ``kind`` to ``user``, checked to have gone out by e-mail and by SMS too."""
    message = Message.objects.get(recipient=user, kind=kind)
    (email,) = [sent for sent in mail.outbox if sent.to == [user.email] and message.text in sent.body]
    assert email.to == [user.email]
    (sms,) = [
        request
        for request in sms_provider.requests
        if request["PhoneNumbers"] == user.phone and request["TemplateCode"] == TEMPLATES[kind]
    ]
    assert sms["SignName"] == "鉴定所"
    return message


def reachable(user, number: int):
    user.email, user.phone = f"{user.username}@example.cn", f"1370000{number:04d}"
    user.save(update_fields=["email", "phone"])
    return user


@pytest.fixture
def scored(clock, request):
    """The exams fixture ``scoring``, on the test clock, its staff reachable and a clerk besides."""
    setup = request.getfixturevalue("scoring")
    reachable(setup["staff"], 1)
    for number, profile in enumerate(setup["examiners"], start=2):
        reachable(profile.user, number)
    clerk = reachable(UserFactory(username="wenyuan", name="文员", role=Role.CLERK), 9)
    return {**setup, "clerk": clerk}


def score_and_sign(profile, sheet, points):
    for score, value in zip(sheet.scores.order_by("item__order"), points, strict=True):
        services.item_score_save(
            actor=profile.user, sheet=sheet, item_id=score.item_id, points=Decimal(value)
        )
    services.sheet_sign(actor=profile.user, sheet=sheet, password=TEST_PASSWORD)


def test_the_last_signed_sheet_tells_tally_staff_then_the_tally_tells_the_checker_and_the_report_the_candidates(
    scored, client_as, sms_provider, clock, django_capture_on_commit_callbacks
):
    session, staff, clerk, batch = scored["session"], scored["staff"], scored["clerk"], scored["batch"]
    sheets = [(profile, sheet) for profile in scored["examiners"] for sheet in profile.sheets.order_by("pk")]
    (last_profile, last_sheet), earlier = sheets[-1], sheets[:-1]
    with django_capture_on_commit_callbacks(execute=True):
        for profile, sheet in earlier:
            score_and_sign(profile, sheet, ["10", "50", "20"])
    assert not Message.objects.filter(kind=Kind.SCORING_WAITING).exists()

    # The last examiner signs his last sheet on his tablet: the tally staff are told, once.
    for score, value in zip(last_sheet.scores.order_by("item__order"), ["10", "50", "20"], strict=True):
        services.item_score_save(
            actor=last_profile.user, sheet=last_sheet, item_id=score.item_id, points=Decimal(value)
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(last_profile.user).post(
            reverse("exams:sign_sheet", args=[last_sheet.pk]), {"password": TEST_PASSWORD}
        )
    assert response.status_code == 302
    for person in (staff, clerk):
        message = reached(person, Kind.SCORING_WAITING, sms_provider)
        assert str(session) in message.text
        assert "统分" in message.text
        assert message.link == reverse("exams:view_session", args=[session.pk])
    told = list(Message.objects.filter(kind=Kind.SCORING_WAITING).values_list("recipient", flat=True))
    assert sorted(told) == sorted(set(told))
    assert last_profile.user.pk not in told

    # Exam staff tally on the session page; the clerk, not the tallier, is asked to check.
    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff).post(reverse("exams:tally_results", args=[session.pk]))
    session.refresh_from_db()
    assert session.tallied_by == staff
    checks = Message.objects.filter(
        kind=Kind.SCORING_WAITING, link=reverse("exams:check_results", args=[session.pk])
    )
    assert staff.pk not in {message.recipient_id for message in checks}
    message = checks.get(recipient=clerk)
    assert [sent for sent in mail.outbox if sent.to == [clerk.email] and message.text in sent.body]
    assert "复核" in message.text
    assert client_as(clerk).get(message.link).status_code == 200
    check_tally(actor=clerk, session=session)

    # The list is publicised; an applicant signed in objects on the public page.
    batch.status = BatchStatus.SCORING
    batch.save()
    client_as(staff).post(reverse("exams:start_publicity", args=[batch.pk]))
    objector = reachable(scored["applications"][0].applicant.user, 20)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(objector).post(
            reverse("public:object_to", args=[batch.pk]),
            {"raised_by": "赵六", "contact": "13700000020", "text": "名单中有人未参加技能考核。"},
        )
    assert response.status_code == 302
    objection = batch.objections.get()
    publicity_page = reverse("exams:batch_publicity", args=[batch.pk])
    for person in (staff, clerk):
        message = reached(person, Kind.APPROVAL_WAITING, sms_provider)
        assert "赵六" in message.text
        assert "异议" in message.text
        assert message.link == publicity_page

    with django_capture_on_commit_callbacks(execute=True):
        client_as(clerk).post(
            reverse("exams:answer_objection", args=[objection.pk]),
            {f"o{objection.pk}-answer": "经核实，名单无误。", f"o{objection.pk}-seen_answer": ""},
        )
    message = reached(objector, Kind.ANSWERED, sms_provider)
    assert "经核实，名单无误。" in message.text
    assert str(batch) in message.text
    assert client_as(objector).get(message.link).status_code == 200
    assert not Message.objects.filter(recipient=clerk, kind=Kind.ANSWERED).exists()

    # After the publicity the clerk reports the batch (his browser asks for English): each candidate
    # learns his own results, in Chinese.
    batch.refresh_from_db()
    report_day = batch.publicity_ends + datetime.timedelta(days=3)
    clock.move_to(datetime.datetime.combine(report_day, datetime.time(10), tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        client_as(clerk).post(
            reverse("exams:report_batch", args=[batch.pk]),
            {"report_number": "鉴报〔2026〕12号", "reported_on": report_day.isoformat()},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    translation.activate(settings.LANGUAGE_CODE)  # the request left English active in this thread
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REPORTED
    released = Message.objects.filter(kind=Kind.RESULTS_RELEASED)
    assert released.count() == len(scored["applications"]) == 20
    message = reached(objector, Kind.RESULTS_RELEASED, sms_provider)
    assert str(batch) in message.text
    result = scored["applications"][0].results.get()
    assert f"理论考试：{result.get_outcome_display()}" in message.text
    assert message.link == reverse("applicants:my_applications")
    assert 'data-testid="results"' in client_as(objector).get(message.link).content.decode()
    assert not released.filter(recipient__in=[staff, clerk]).exists()


def test_items_beyond_the_spread_tell_the_chief_examiner_once_and_his_last_decision_tells_the_tally_staff(
    scored, sms_provider, clock, django_capture_on_commit_callbacks
):
    ScoringStandard.objects.update(combine_rule="chief", spread=Decimal(5))
    session, staff = scored["session"], scored["staff"]
    chief = scored["examiners"][0]
    # 工艺美观 (subjective, 30): 10, 14.5, 30 → beyond the spread of 5 on every code.
    with django_capture_on_commit_callbacks(execute=True):
        for profile, points in zip(
            scored["examiners"], [["10", "50", "10"], ["10", "50", "14.5"], ["10", "50", "30"]], strict=True
        ):
            for sheet in profile.sheets.all():
                score_and_sign(profile, sheet, points)
    message = reached(chief.user, Kind.SCORING_WAITING, sms_provider)
    assert "19" in message.text
    assert "裁定" in message.text
    assert message.link == reverse("exams:session_spreads", args=[session.pk])
    assert Message.objects.filter(kind=Kind.SCORING_WAITING).count() == 1

    spreads = services.spreads(session)
    with django_capture_on_commit_callbacks(execute=True):
        for spread in spreads[:-1]:
            services.item_decide(
                actor=chief.user,
                session=session,
                code_id=spread.code.pk,
                item_id=spread.item.pk,
                points=Decimal(20),
                reason="按评分标准复核",
            )
    assert Message.objects.filter(kind=Kind.SCORING_WAITING).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.item_decide(
            actor=chief.user,
            session=session,
            code_id=spreads[-1].code.pk,
            item_id=spreads[-1].item.pk,
            points=Decimal(20),
            reason="按评分标准复核",
        )
    message = reached(staff, Kind.SCORING_WAITING, sms_provider)
    assert "统分" in message.text
    assert message.link == reverse("exams:view_session", args=[session.pk])
    assert Message.objects.filter(recipient=chief.user, kind=Kind.SCORING_WAITING).count() == 1
    told = list(Message.objects.filter(kind=Kind.SCORING_WAITING).values_list("recipient", flat=True))
    assert sorted(told) == sorted(set(told))


@pytest.fixture
def warned_people(db):
    return {
        role: UserFactory(
            username=f"{role.value}-one",
            email=f"{role.value}@example.cn",
            phone=f"1360000000{number}",
            role=role,
        )
        for number, role in enumerate((Role.DIRECTOR, Role.CLERK, Role.EXAM_STAFF, Role.DEPUTY), start=1)
    }


def batch_examined_on(day: datetime.date, clerk, **fields):
    return BatchFactory(
        created_by=clerk,
        registration_opens=day - datetime.timedelta(days=40),
        registration_closes=day - datetime.timedelta(days=20),
        theory_date=day - datetime.timedelta(days=1),
        skill_date=day,
        **{"status": BatchStatus.SCORING, **fields},
    )


def test_a_report_deadline_three_working_days_away_is_announced_once_even_after_a_missed_day(
    warned_people, settings, sms_provider, clock, django_capture_on_commit_callbacks
):
    settings.REPORT_WORKING_DAYS = 10
    # Today is Monday 1 June 2026. Exams on Wednesday 20 May: due Wednesday 3 June, 2 working days away.
    clerk = warned_people[Role.CLERK]
    due_soon = batch_examined_on(datetime.date(2026, 5, 20), clerk)
    # Exams on Friday 22 May: due Friday 5 June, 4 working days away.
    due_later = batch_examined_on(datetime.date(2026, 5, 22), clerk)
    batch_examined_on(datetime.date(2026, 5, 20), clerk, status=BatchStatus.REPORTED)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_report_deadlines", stdout=StringIO())
        call_command("notify_report_deadlines", stdout=StringIO())
    for role in (Role.DIRECTOR, Role.CLERK, Role.EXAM_STAFF):
        message = reached(warned_people[role], Kind.REPORT_DEADLINE, sms_provider)
        assert str(due_soon) in message.text
        assert "2026-06-03" in message.text
        assert "2 个工作日" in message.text
        assert message.link == reverse("exams:batch_publicity", args=[due_soon.pk])
    assert not Message.objects.filter(recipient=warned_people[Role.DEPUTY]).exists()
    assert Message.objects.count() == 3

    # The timer missed Tuesday and Wednesday: on Thursday the later batch is announced, once.
    clock.move_to(datetime.datetime(2026, 6, 4, 10, 0, tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_report_deadlines", stdout=StringIO())
        call_command("notify_report_deadlines", stdout=StringIO())
    later = Message.objects.filter(link=reverse("exams:batch_publicity", args=[due_later.pk]))
    assert sorted(later.values_list("recipient__username", flat=True)) == [
        "clerk-one",
        "director-one",
        "exam_staff-one",
    ]
    assert "2026-06-05" in later.first().text
    assert Message.objects.count() == 6
