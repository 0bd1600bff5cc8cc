"""Nobody is left out between approval and the ticket (issue #15, item 4).

Tickets wait until registration is closed and every application is decided and
declared; returned applications lapse at the close, and the applicant reads why;
an applicant approved after publishing is seated with a ticket, or told why not;
a batch closes only when every approved applicant has one or the other.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applicants.models import Application, ApplicationStatus
from exams import services
from exams.models import BatchStatus, Seat, Ticket
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory, candidates
from tests.factories.exams import BatchFactory


def _name_proctors(arranged):
    http, session = arranged["http"], arranged["session"]
    for index, session_room in enumerate(session.session_rooms.order_by("order")):
        pair = arranged["proctors"][index * 2 : index * 2 + 2]
        http.post(
            reverse("exams:set_proctors", args=[session_room.pk]),
            {f"room{session_room.pk}-proctors": [p.pk for p in pair]},
        )


def _apply(batch, name, status, **fields):
    return Application.objects.create(
        applicant=ApplicantFactory(name=name),
        batch=batch,
        category="student",
        class_name="23 机电 3 班",
        status=status,
        **fields,
    )


def test_publishing_is_refused_while_registration_is_open(arranged):
    _name_proctors(arranged)
    batch = arranged["batch"]
    batch.status = BatchStatus.REGISTRATION_OPEN
    batch.save()
    with pytest.raises(RuleViolation) as refused:
        services.tickets_publish(actor=arranged["staff"], batch=batch)
    assert refused.value.code == "registration_unsettled"
    assert f"{batch.registration_closes}" in refused.value.message
    assert not Ticket.objects.exists()


def test_publishing_is_refused_while_an_application_waits_naming_it(arranged):
    _name_proctors(arranged)
    batch = arranged["batch"]
    _apply(batch, "赵未审", ApplicationStatus.SUBMITTED)
    _apply(batch, "钱未报", ApplicationStatus.APPROVED)
    response = arranged["http"].post(reverse("exams:publish_tickets", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert "赵未审" in page
    assert "钱未报" in page
    assert not Ticket.objects.exists()


def test_a_returned_application_lapses_overnight_after_the_close_and_its_applicant_reads_why(client_as):
    batch = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    returned = _apply(batch, "孙待改", ApplicationStatus.RETURNED, review_reason="照片不是白底。", version=3)
    closes = batch.registration_closes
    last_evening = datetime.datetime.combine(closes, datetime.time(23, 0))
    with time_machine.travel(timezone.make_aware(last_evening), tick=False):
        call_command("applications_lapse", stdout=StringIO())
    returned.refresh_from_db()
    assert returned.status == ApplicationStatus.RETURNED  # the last day still counts
    next_night = datetime.datetime.combine(closes + datetime.timedelta(days=1), datetime.time(2, 30))
    with time_machine.travel(timezone.make_aware(next_night), tick=False):
        call_command("applications_lapse", stdout=StringIO())
    returned.refresh_from_db()
    assert returned.status == ApplicationStatus.LAPSED
    assert f"{closes}" in returned.end_reason
    last = returned.history.latest()
    assert "未在报名截止前重新提交" in last.history_change_reason
    applicant = client_as(returned.applicant.user)
    own = applicant.get(reverse("applicants:view_application", args=[returned.pk])).content.decode()
    assert "报名截止时失效" in own
    assert returned.end_reason in own
    mine = applicant.get(reverse("applicants:my_applications")).content.decode()
    assert returned.end_reason in mine


def test_closing_registration_lapses_the_returned_applications_at_once(db):
    batch = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    returned = _apply(batch, "李待改", ApplicationStatus.RETURNED, review_reason="缺学生证。")
    clerk = UserFactory(role=Role.CLERK)
    services.batch_move(actor=clerk, batch=batch, action="close")
    returned.refresh_from_db()
    assert returned.status == ApplicationStatus.LAPSED
    assert f"{timezone.localdate()}" in returned.end_reason


@pytest.fixture
def late(published):
    """A candidate the city approved after the tickets were published."""
    (application,) = candidates(published["batch"], {"23 机电 3 班": 1})
    return {**published, "late": application}


def test_an_application_approved_after_publishing_shows_as_not_seated_and_is_seated(late, client_as):
    http, batch, application = late["http"], late["batch"], late["late"]
    name = application.applicant.name
    for url in (
        reverse("exams:arrange_batch", args=[batch.pk]),
        reverse("exams:view_session", args=[late["session"].pk]),
    ):
        page = http.get(url).content.decode()
        assert "已核准、未编排座位" in page
        assert name in page
    response = http.post(reverse("exams:seat_candidate", args=[application.pk]), follow=True)
    ticket = Ticket.objects.get(application=application)
    assert ticket.number.endswith("0021")
    assert ticket.number in response.content.decode()
    # Room 1 (16 seats) is full; he takes the next seat of room 2, where 4 sit.
    seat = Seat.objects.get(application=application)
    assert (seat.session_room.order, seat.number) == (2, 5)
    assert (
        "已核准、未编排座位" not in http.get(reverse("exams:arrange_batch", args=[batch.pk])).content.decode()
    )
    own = client_as(application.applicant.user)
    pdf = own.get(reverse("exams:print_ticket", args=[application.pk]))
    assert pdf.status_code == 200
    assert pdf.content[:4] == b"%PDF"


def test_a_late_applicant_not_admitted_reads_why_and_the_batch_may_close(late, client_as):
    http, batch, application = late["http"], late["batch"], late["late"]
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.CITY_APPROVED)
    batch.status = BatchStatus.REPORTED
    batch.save()
    clerk = UserFactory(role=Role.CLERK)
    with pytest.raises(RuleViolation) as refused:
        services.batch_move(actor=clerk, batch=batch, action="finish")
    assert refused.value.code == "close_blocked"
    assert application.applicant.name in refused.value.message
    checklist = client_as(clerk).get(reverse("exams:view_batch", args=[batch.pk])).content.decode()
    assert f"{application.applicant.name}：已核准、未编排座位" in checklist
    http.post(reverse("exams:refuse_admission", args=[application.pk]), {"reason": "核准时考试已结束。"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMITTED
    page = client_as(application.applicant.user).get(
        reverse("applicants:view_application", args=[application.pk])
    )
    assert "核准时考试已结束。" in page.content.decode()
    assert "未获准参加考试" in page.content.decode()
    assert services.batch_move(actor=clerk, batch=batch, action="finish").status == BatchStatus.CLOSED


def test_a_late_applicant_is_not_refused_without_a_reason(late):
    response = late["http"].post(
        reverse("exams:refuse_admission", args=[late["late"].pk]), {"reason": " "}, follow=True
    )
    late["late"].refresh_from_db()
    assert late["late"].status == ApplicationStatus.CITY_APPROVED
    assert "请告知申报者理由" in response.content.decode()


def test_a_seated_candidate_is_not_seated_twice(late):
    services.seat_supplement(actor=late["staff"], application=late["late"])
    with pytest.raises(RuleViolation) as refused:
        services.seat_supplement(actor=late["staff"], application=late["late"])
    assert refused.value.code == "already_ticketed"


def test_the_not_seated_list_costs_the_same_queries_for_one_and_for_many(late, django_assert_num_queries):
    http, batch = late["http"], late["batch"]
    url = reverse("exams:arrange_batch", args=[batch.pk])
    http.get(url)
    # session, user, his second-factor device (exam staff verify one), roles, the batch, its
    # sessions, their rooms, published?, the unseated list, and the bell's unread count [#18]
    with django_assert_num_queries(11) as one:
        http.get(url)
    candidates(batch, {"23 机电 4 班": 6})
    with django_assert_num_queries(len(one)):
        page = http.get(url).content.decode()
    assert page.count("补充编排并发放准考证") == 7


def test_once_his_session_is_over_he_is_not_seated_but_may_be_told_why(late):
    session, staff, application = late["session"], late["staff"], late["late"]
    day_after = datetime.datetime.combine(session.date + datetime.timedelta(days=1), datetime.time(9))
    with time_machine.travel(timezone.make_aware(day_after), tick=False):
        with pytest.raises(RuleViolation) as refused:
            services.seat_supplement(actor=staff, application=application)
        assert refused.value.code == "session_over"
    assert not Seat.objects.filter(application=application).exists()
    page = late["http"].get(reverse("exams:arrange_batch", args=[late["batch"].pk])).content.decode()
    assert application.applicant.name in page
