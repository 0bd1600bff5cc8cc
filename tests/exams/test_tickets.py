import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exams import services
from exams.models import Room, SessionPart, Ticket
from jianding.models import Job, JobStatus
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.pdf import pdf_text


def test_session_form_names_the_field_of_a_refusal(arranged):
    response = arranged["http"].post(
        reverse("exams:create_session", args=[arranged["batch"].pk]),
        {
            "part": SessionPart.THEORY,
            "sitting": 1,
            "date": arranged["batch"].theory_date.isoformat(),
            "starts_at": "09:00",
            "ends_at": "08:00",
            "late_entry_minutes": 15,
            "rooms": [Room.objects.first().pk],
        },
    )
    errors = response.context["form"].errors
    assert errors["ends_at"] == ["场次结束时间须晚于开始时间。"]


def test_publish_is_refused_until_each_room_has_its_proctors(arranged, client_as):
    http, session = arranged["http"], arranged["session"]
    refused = http.post(reverse("exams:publish_tickets", args=[arranged["batch"].pk]), follow=True)
    assert "监考" in refused.content.decode()
    assert not Ticket.objects.exists()
    for index, session_room in enumerate(session.session_rooms.order_by("order")):
        pair = arranged["proctors"][index * 2 : index * 2 + 2]
        http.post(
            reverse("exams:set_proctors", args=[session_room.pk]),
            {f"room{session_room.pk}-proctors": [p.pk for p in pair]},
        )
    published = http.post(reverse("exams:publish_tickets", args=[arranged["batch"].pk]), follow=True)
    assert Ticket.objects.count() == 20
    assert "20" in published.content.decode()


def test_every_ticket_prints_as_one_pdf_through_a_job_with_progress(
    published, client_as, django_capture_on_commit_callbacks
):
    http = published["http"]
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("exams:print_tickets", args=[published["batch"].pk]))
    job = Job.objects.get()
    assert response.url == reverse("view_job", args=[job.pk])
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 20, 20)
    page = http.get(response.url)
    assert 'value="100"' in page.content.decode()
    partial = http.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section id="job-progress"')
    download = http.get(reverse("download_job", args=[job.pk]))
    assert download["Cache-Control"] == "private, no-store"
    content = b"".join(download.streaming_content)
    reader = PdfReader(BytesIO(content))
    assert len(reader.pages) == 20
    text = pdf_text(content)
    assert "职业技能鉴定准考证" in text
    assert "考生须知" in text
    for ticket in Ticket.objects.select_related("application__applicant"):
        assert ticket.number in text
        assert ticket.application.applicant.name in text
        assert ticket.application.applicant.id_number not in text
    # Another clerk cannot see the job or its file.
    other = client_as(UserFactory(role=Role.CLERK))
    assert other.get(reverse("view_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("download_job", args=[job.pk])).status_code == 404


def test_one_room_prints_only_its_tickets(published, django_capture_on_commit_callbacks):
    session_room = published["session"].session_rooms.get(order=2)
    with django_capture_on_commit_callbacks(execute=True):
        published["http"].post(
            reverse("exams:print_tickets", args=[published["batch"].pk]), {"session_room": session_room.pk}
        )
    job = Job.objects.get()
    assert job.total == 4
    assert "302" in job.title


def test_the_applicant_prints_his_own_ticket_and_nobody_elses(published, client_as):
    mine, other = published["applications"][:2]
    http = client_as(mine.applicant.user)
    response = http.get(reverse("exams:print_ticket", args=[mine.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert mine.ticket.number in text
    assert "理论考试" in text
    assert http.get(reverse("exams:print_ticket", args=[other.pk])).status_code == 404
    listing = http.get(reverse("applicants:my_applications")).content.decode()
    assert mine.ticket.number in listing


def test_no_ticket_before_publishing(arranged, client_as):
    mine = arranged["applications"][0]
    assert (
        client_as(mine.applicant.user).get(reverse("exams:print_ticket", args=[mine.pk])).status_code == 404
    )


def test_proctor_checks_in_at_the_door_on_his_duty_page(published, client_as, settings):
    session = published["session"]
    proctor = published["proctors"][0]
    http = client_as(proctor)
    duties = http.get(reverse("exams:my_duties")).content.decode()
    assert reverse("exams:check_in", args=[session.pk]) in duties
    seat = session.seats.select_related("application__ticket", "application__applicant").get(
        session_room__order=1, number=1
    )
    # The session is weeks away: entry is still open.
    response = http.post(
        reverse("exams:check_in", args=[session.pk]), {"ticket_number": seat.application.ticket.number}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.checked_in_by == proctor
    page = http.get(reverse("exams:check_in", args=[session.pk]))
    assert page.context["present"] == 1
    assert len(page.context["seats"]) == 16  # his room only
    wrong = http.post(reverse("exams:check_in", args=[session.pk]), {"ticket_number": "000000000000"})
    assert wrong.context["form"].errors["ticket_number"]
    badge = http.get(reverse("exams:print_badge", args=[seat.session_room_id]))
    assert "监考证" in pdf_text(badge.content)
    assert proctor.name in pdf_text(badge.content)
    other_room = session.session_rooms.get(order=2)
    assert http.get(reverse("exams:print_badge", args=[other_room.pk])).status_code == 404


def test_arrangement_and_schedule_print_and_export(published):
    http, session, batch = published["http"], published["session"], published["batch"]
    text = pdf_text(http.get(reverse("exams:print_arrangement", args=[session.pk])).content)
    assert "考场安排表" in text
    assert "监考0" in text
    sheet = load_workbook(
        BytesIO(http.get(reverse("exams:export_arrangement", args=[session.pk])).content)
    ).active
    assert [cell.value for cell in sheet[1]] == [
        "考场",
        "座位号",
        "准考证号",
        "姓名",
        "班级/单位",
        "入场时间",
    ]
    assert sheet.max_row == 21
    text = pdf_text(http.get(reverse("exams:print_schedule", args=[batch.pk])).content)
    assert "实施安排表" in text
    assert "教学楼301、教学楼302" in "".join(text.split())
    sheet = load_workbook(BytesIO(http.get(reverse("exams:export_schedule", args=[batch.pk])).content)).active
    assert sheet["G2"].value == 20


def test_session_page_query_count_does_not_grow_with_seats(arranged, django_assert_num_queries):
    http, session = arranged["http"], arranged["session"]
    http.get(reverse("exams:view_session", args=[session.pk]))
    # session, user, his second-factor device (exam staff verify one), roles, the session, its
    # rooms with proctors, seats, the proctor choices
    # of each room's form, duty checks, examiners, recusals, the examiner choices, and
    # whether the batch is published (its approved applicants left unseated are listed then),
    # and the bell's unread count on every page [#18]
    with django_assert_num_queries(18):
        http.get(reverse("exams:view_session", args=[session.pk]))
    candidates(arranged["batch"], {"23 机电 3 班": 10})
    http.post(reverse("exams:assign_seats", args=[session.pk]))
    assert session.seats.count() == 30
    with django_assert_num_queries(18):
        http.get(reverse("exams:view_session", args=[session.pk]))


def test_entry_deadline_is_start_plus_the_cut_off(arranged):
    session = arranged["session"]
    deadline = session.entry_deadline()
    assert (deadline.hour, deadline.minute) == (9, 15)
    assert deadline.date() == session.date
    assert isinstance(deadline, datetime.datetime)


def test_arrangement_sheet_shows_the_entry_time_of_the_centers_clock(published, client_as):
    session = published["session"]
    seat = session.seats.select_related("application__ticket").get(session_room__order=1, number=1)
    door = datetime.datetime.combine(session.date, datetime.time(8, 50), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(door, tick=False):
        services.seat_check_in(
            actor=published["staff"], session=session, ticket_number=seat.application.ticket.number
        )
    # Printed and exported at 01:00 the next night, when UTC is still on the exam day.
    with time_machine.travel(door + datetime.timedelta(hours=16, minutes=10), tick=False):
        http = client_as(published["staff"])
        pdf = pdf_text(http.get(reverse("exams:print_arrangement", args=[session.pk])).content)
        sheet = load_workbook(
            BytesIO(http.get(reverse("exams:export_arrangement", args=[session.pk])).content)
        ).active
    assert "08:50" in pdf
    row = next(
        row
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[2] == seat.application.ticket.number
    )
    assert row[5] == "08:50"


def test_only_an_arranger_starts_the_ticket_job_and_it_runs_once_committed(
    published, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        services.tickets_print_start(actor=UserFactory(role=Role.FINANCE), batch=published["batch"])
    assert not Job.objects.exists()
    clerk = UserFactory(role=Role.CLERK)
    with django_capture_on_commit_callbacks() as waiting:
        job = services.tickets_print_start(actor=clerk, batch=published["batch"])
    assert (len(waiting), job.status, job.requested_by) == (1, JobStatus.QUEUED, clerk)
    waiting[0]()
    job.refresh_from_db()
    assert (job.status, job.total) == (JobStatus.DONE, 20)
