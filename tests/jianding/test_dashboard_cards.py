"""Every dashboard card opens what it counts: its link lists exactly the objects waiting.

One center where every card of every role counts something, each beside objects that do not
wait (a draft inside the plan beside those outside it, a batch whose registration opens next
month beside those due to open, a signed expense beside those to sign). For each role the test
takes every card of the dashboard, follows its link and reads the objects the page lists: a
filtered list, or the object itself when one waits.
"""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applicants.models import Application, ApplicationStatus
from exams.models import (
    AbsenceKind,
    AbsenceStatus,
    BankStatus,
    BatchStatus,
    CandidateCode,
    ExaminerProfile,
    ExamSession,
    Objection,
    PlanStatus,
    ProctorAbsence,
    QuestionBank,
    Room,
    ScoreSheet,
    ScoringStandard,
    Seat,
    SessionRoom,
    SessionStatus,
    SheetStatus,
)
from finance import services as finance_services
from finance.models import Expense, ExpenseStatus, FeePlan, FeePlanStatus
from jianding.models import Consultation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, PlanFactory, PlanLineFactory, days_from_today
from tests.factories.finance import books


def _session(batch, *, date, **fields) -> ExamSession:
    return ExamSession.objects.create(
        batch=batch,
        part="theory",
        sitting=ExamSession.objects.filter(batch=batch).count() + 1,
        date=date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        **fields,
    )


def _application(batch, status, applicant=None) -> Application:
    return Application.objects.create(
        applicant=applicant or ApplicantFactory(),
        batch=batch,
        category="student",
        class_name="23 机电 1 班",
        status=status,
    )


@pytest.fixture
def center(role_users, settings, tmp_path):
    """The objects each card waits for, keyed by the card's English label, and the noise beside them."""
    settings.MEDIA_ROOT = tmp_path
    clerk = role_users[Role.CLERK.value]
    today = timezone.localdate()
    ledger = books()
    waiting: dict[str, set[int]] = {}

    def batches(count, **fields):
        return [BatchFactory(**fields) for _ in range(count)]

    def ids(objects):
        return {obj.pk for obj in objects}

    # Annual plans: two submitted and two returned, beside a draft; an approved one with two lines
    # no batch was created from, beside a line that has its batch.
    waiting["Annual plans to approve"] = ids(
        PlanFactory(year=year, status=PlanStatus.SUBMITTED) for year in (2031, 2032)
    )
    waiting["Plans returned by the director"] = ids(
        PlanFactory(year=year, status=PlanStatus.RETURNED) for year in (2033, 2034)
    )
    PlanFactory(year=2035)
    approved = PlanFactory(year=2030, status=PlanStatus.APPROVED)
    waiting["Approved plan lines to create a batch from"] = ids(
        PlanLineFactory(plan=approved, month=month) for month in (3, 4)
    )
    done_line = PlanLineFactory(plan=approved, month=5)
    # Batches, one step each; a draft from the plan is the deputy's, not the director's.
    waiting["Batches outside the plan to approve"] = ids(batches(2))
    waiting["Batches and implementation schemes to approve"] = ids(batches(2, plan_line=done_line))
    waiting["Batches whose registration should open"] = ids(batches(2, status=BatchStatus.APPROVED))
    batches(
        1,
        status=BatchStatus.APPROVED,
        registration_opens=days_from_today(30),
        registration_closes=days_from_today(35),
    )
    waiting["Batches whose registration should close"] = ids(
        batches(
            2,
            status=BatchStatus.REGISTRATION_OPEN,
            registration_opens=days_from_today(-20),
            registration_closes=days_from_today(-1),
        )
    )
    open_batch = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    unarranged, arranging = batches(2, status=BatchStatus.REGISTRATION_CLOSED)
    _session(arranging, date=days_from_today(40))
    published = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    _session(published, date=days_from_today(40), status=SessionStatus.PUBLISHED)
    waiting["Batches to arrange and publish"] = {unarranged.pk, arranging.pk}
    waiting["Batches to report to the city center"] = ids(batches(2, status=BatchStatus.SCORING))
    examining = batches(2, status=BatchStatus.IN_EXAM)
    for batch in examining:
        _session(batch, date=today)
    _session(BatchFactory(status=BatchStatus.IN_EXAM), date=days_from_today(1))
    waiting["Batches with exams today"] = ids(examining)
    objected = batches(2, status=BatchStatus.REPORTED)
    for batch, count in zip(objected, (1, 2), strict=True):
        for _ in range(count):
            Objection.objects.create(batch=batch, raised_by="某考生", contact="13900000001", text="分数有误")
    Objection.objects.create(
        batch=BatchFactory(status=BatchStatus.REPORTED),
        raised_by="某考生",
        contact="13900000001",
        text="已答复",
        answered_at=timezone.now(),
    )
    waiting["Batches with objections to answer"] = ids(objected)
    # Two tallies of someone else's, one in each batch, beside a checked one.
    tallier = UserFactory(role=Role.EXAM_STAFF)
    tallied = batches(2, status=BatchStatus.IN_EXAM)
    for batch in tallied:
        _session(batch, date=days_from_today(40), tallied_by=tallier, tallied_at=timezone.now())
    _session(
        BatchFactory(status=BatchStatus.IN_EXAM),
        date=days_from_today(40),
        tallied_by=tallier,
        tallied_at=timezone.now(),
        checked_at=timezone.now(),
    )
    waiting["Tallies waiting for a second person's check"] = ids(tallied)
    # Banks: two pending beside an approved one.
    uploader = UserFactory(role=Role.EXAM_STAFF)
    banks = []
    for status in (BankStatus.PENDING, BankStatus.PENDING, BankStatus.APPROVED):
        body = b"%PDF-1.4 questions"
        banks.append(
            QuestionBank.objects.create(
                occupation=open_batch.occupation,
                level=4,
                title="题库",
                file=ContentFile(body, name="bank.pdf"),
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
                uploaded_by=uploader,
                status=status,
            )
        )
    waiting["Review-question banks to approve"] = ids(banks[:2])
    # Rooms: the proctor guards two from today on and guarded one yesterday; two leave requests wait.
    proctor = role_users[Role.PROCTOR.value]
    room = Room.objects.create(name="实训楼 101", capacity=30)
    duty_sessions = [_session(examining[0], date=days_from_today(day)) for day in (-1, 0, 3)]
    duties = [SessionRoom.objects.create(session=session, room=room, order=1) for session in duty_sessions]
    for duty in duties:
        duty.proctors.add(proctor)
    waiting["Rooms I guard from today"] = ids(duties[1:])
    other_proctor = UserFactory(role=Role.PROCTOR)
    leave = [
        ProctorAbsence.objects.create(
            session_room=duties[2],
            proctor=other_proctor,
            kind=AbsenceKind.LEAVE,
            reason="身体不适",
            status=status,
        )
        for status in (AbsenceStatus.PENDING, AbsenceStatus.PENDING, AbsenceStatus.APPROVED)
    ]
    waiting["Proctors' leave requests"] = ids(leave[:2])
    # Score sheets: the examiner's two open ones, beside his signed one and another examiner's open one.
    scored = _session(examining[0], date=today)
    scored_room = SessionRoom.objects.create(
        session=scored, room=Room.objects.create(name="实训楼 102", capacity=30), order=1
    )
    codes = [
        CandidateCode.objects.create(
            session=scored,
            code=f"A{number:03d}",
            seat=Seat.objects.create(
                session=scored,
                session_room=scored_room,
                number=number,
                application=_application(examining[0], ApplicationStatus.CITY_APPROVED),
            ),
        )
        for number in (1, 2, 3)
    ]
    standard = ScoringStandard.objects.create(
        occupation=examining[0].occupation,
        level=examining[0].level,
        part="theory",
        effective_from=today,
        created_by=clerk,
    )
    examiner = ExaminerProfile.objects.get(user=role_users[Role.EXAMINER.value])
    sheets = [
        ScoreSheet.objects.create(
            session=scored, code=code, examiner=examiner, standard=standard, status=status
        )
        for code, status in zip(codes, (SheetStatus.OPEN, SheetStatus.OPEN, SheetStatus.SIGNED), strict=True)
    ]
    ScoreSheet.objects.create(
        session=scored,
        code=codes[0],
        examiner=ExaminerProfile.objects.create(user=UserFactory(role=Role.EXAMINER)),
        standard=standard,
    )
    waiting["Score sheets to finish"] = ids(sheets[:2])
    # Applications: two submitted, the applicant's own returned one; of a batch with a fee, one
    # paid (with a refund to approve) beside one unpaid.
    # His profile is complete and his phone verified, and he applied to every open batch: none of
    # the steps a new applicant is shown waits (tests/applicants/test_applying.py).
    applicant = role_users[Role.APPLICANT.value].applicant
    applicant.education, applicant.employer_or_class = "vocational", "23 机电 1 班"
    applicant.save(update_fields=["education", "employer_or_class"])
    submitted = [_application(open_batch, ApplicationStatus.SUBMITTED) for _ in range(2)]
    returned = _application(open_batch, ApplicationStatus.RETURNED, applicant=applicant)
    own_submitted = _application(
        BatchFactory(status=BatchStatus.REGISTRATION_OPEN), ApplicationStatus.SUBMITTED, applicant=applicant
    )
    _application(open_batch, ApplicationStatus.DRAFT)
    fee_batch = BatchFactory(
        status=BatchStatus.REGISTRATION_CLOSED, fee_item=ledger["item"], registration_opens=today
    )
    paid, unpaid = (_application(fee_batch, ApplicationStatus.CITY_APPROVED) for _ in range(2))
    waiting["Batches to arrange and publish"].add(fee_batch.pk)
    waiting["Applications to review"] = ids([*submitted, own_submitted])
    waiting["My applications to correct"] = {returned.pk}
    finance = role_users[Role.FINANCE.value]
    book = ledger["book"]
    book.refresh_from_db()
    payment = finance_services.collection_record(
        actor=finance,
        application=paid,
        amount=Decimal("150.00"),
        method="desk",
        account=ledger["cash"],
        receipt_book=book,
        receipt_number=book.next_number,
    )
    finance_services.refund_request(actor=finance, payment=payment, amount=Decimal("150.00"), reason="退考")
    waiting["Refunds to approve"] = {paid.pk}
    # the other applications are of batches without a fee: they owe nothing
    waiting["Applicants who have not paid their fee"] = {unpaid.pk}
    # Fee plans: two submitted, two returned, beside this year's approved one.
    waiting["Fee plans and budgets to approve"] = ids(
        FeePlan.objects.create(year=year, status=FeePlanStatus.SUBMITTED, created_by=clerk)
        for year in (2031, 2032)
    )
    waiting["Fee plans returned by the director"] = ids(
        FeePlan.objects.create(year=year, status=FeePlanStatus.RETURNED, created_by=clerk)
        for year in (2033, 2034)
    )
    # Expenses: two to sign, two signed to book, one booked.
    expenses = {
        status: [
            Expense.objects.create(
                subject=ledger["expense"],
                amount=Decimal("300.00"),
                purpose="试卷印刷",
                status=status,
                submitted_by=clerk,
            )
            for _ in range(2)
        ]
        for status in (ExpenseStatus.SUBMITTED, ExpenseStatus.SIGNED, ExpenseStatus.BOOKED)
    }
    waiting["Expense requests to sign"] = ids(expenses[ExpenseStatus.SUBMITTED])
    waiting["Expense requests waiting for the director's signature"] = waiting["Expense requests to sign"]
    waiting["Signed expenses to book"] = ids(expenses[ExpenseStatus.SIGNED])
    # Staff accounts: one not taken over, beside a withdrawn one that is no more waited for.
    waiting["Staff accounts not yet taken over"] = {
        UserFactory(role=Role.CLERK, must_change_password=True).pk
    }
    UserFactory(role=Role.CLERK, must_change_password=True, is_active=False)
    # Questions: two unanswered beside an answered one.
    waiting["Questions from the public to answer"] = {
        Consultation.objects.create(question="何时报名？", asker_name="张三").pk for _ in range(2)
    }
    Consultation.objects.create(question="收费？", asker_name="李四", answer="见公告", answered_by=clerk)
    return waiting


def _listed(response) -> set[int]:
    """The ids of the objects the page lists, or of the one object it shows."""
    context = response.context
    if "table" in context:
        return {row.record.pk for row in context["table"].paginated_rows}
    # a page of duties also shows the proctor's own absences: "duties" before "absences"
    for name in ("duties", "lines", "banks", "absences", "sheets", "applications", "page"):
        if name in context:
            return {obj.pk for obj in context[name]}
    if "session" in context:  # a tally's check page: the batch it belongs to
        return {context["session"].batch_id}
    if "batch" in context:
        return {context["batch"].pk}
    raise AssertionError(f"no list on {response.request['PATH_INFO']}")


ROLES_WITH_CARDS = [
    Role.DIRECTOR,
    Role.DEPUTY,
    Role.CLERK,
    Role.EXAM_STAFF,
    Role.EXAMINER,
    Role.FINANCE,
    Role.PROCTOR,
    Role.APPLICANT,
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_WITH_CARDS, ids=[role.value for role in ROLES_WITH_CARDS])
def test_every_card_opens_exactly_what_it_counts(role, center, role_users, client_as):
    http = client_as(role_users[role.value])
    cards = http.get(reverse("dashboard")).context["cards"]
    assert cards
    for card in cards:
        with translation.override("en"):
            label = str(card.label)
        expected = center[label]
        assert card.count == len(expected), label
        response = http.get(card.url)
        assert response.status_code == 200, (label, card.url)
        assert _listed(response) == expected, (label, card.url)


def _grow(role_users, copies: int = 3) -> None:
    """Add ``copies`` more of each kind of object the cards count (the center holds two of each)."""
    clerk, proctor = role_users[Role.CLERK.value], role_users[Role.PROCTOR.value]
    examiner = ExaminerProfile.objects.get(user=role_users[Role.EXAMINER.value])
    ledger = books()
    tallier = UserFactory(role=Role.EXAM_STAFF)
    room = Room.objects.create(name="实训楼 201", capacity=30)
    approved = PlanFactory(year=2040, status=PlanStatus.APPROVED)
    for number in range(copies):
        PlanFactory(year=2050 + number, status=PlanStatus.SUBMITTED)
        PlanFactory(year=2060 + number, status=PlanStatus.RETURNED)
        PlanLineFactory(plan=approved, month=number + 3)
        BatchFactory()
        BatchFactory(status=BatchStatus.APPROVED)
        BatchFactory(
            status=BatchStatus.REGISTRATION_OPEN,
            registration_opens=days_from_today(-20),
            registration_closes=days_from_today(-1),
        )
        BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
        BatchFactory(status=BatchStatus.SCORING)
        today_batch = BatchFactory(status=BatchStatus.IN_EXAM)
        duty = SessionRoom.objects.create(
            session=_session(today_batch, date=timezone.localdate()), room=room, order=1
        )
        duty.proctors.add(proctor)
        ProctorAbsence.objects.create(
            session_room=duty, proctor=UserFactory(role=Role.PROCTOR), kind=AbsenceKind.LEAVE, reason="病假"
        )
        Objection.objects.create(
            batch=BatchFactory(status=BatchStatus.REPORTED),
            raised_by="某考生",
            contact="13900000001",
            text="分数有误",
        )
        _session(
            BatchFactory(status=BatchStatus.IN_EXAM),
            date=days_from_today(40),
            tallied_by=tallier,
            tallied_at=timezone.now(),
        )
        open_batch = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
        _application(open_batch, ApplicationStatus.SUBMITTED)
        _application(
            open_batch, ApplicationStatus.RETURNED, applicant=role_users[Role.APPLICANT.value].applicant
        )
        _application(
            BatchFactory(status=BatchStatus.REGISTRATION_CLOSED, fee_item=ledger["item"]),
            ApplicationStatus.CITY_APPROVED,
        )
        FeePlan.objects.create(year=2050 + number, status=FeePlanStatus.SUBMITTED, created_by=clerk)
        FeePlan.objects.create(year=2060 + number, status=FeePlanStatus.RETURNED, created_by=clerk)
        for status in (ExpenseStatus.SUBMITTED, ExpenseStatus.SIGNED):
            Expense.objects.create(
                subject=ledger["expense"],
                amount=Decimal("80.00"),
                purpose="耗材",
                status=status,
                submitted_by=clerk,
            )
        UserFactory(role=Role.CLERK, must_change_password=True)
        Consultation.objects.create(question="考试地点？", asker_name="王五")
    scored = ExamSession.objects.filter(sheets__examiner=examiner).first()
    standard = ScoringStandard.objects.get()
    scored_room = scored.session_rooms.get()
    for number in range(10, 10 + copies):
        seat = Seat.objects.create(
            session=scored,
            session_room=scored_room,
            number=number,
            application=_application(scored.batch, ApplicationStatus.CITY_APPROVED),
        )
        code = CandidateCode.objects.create(session=scored, code=f"A{number:03d}", seat=seat)
        ScoreSheet.objects.create(session=scored, code=code, examiner=examiner, standard=standard)


@pytest.mark.django_db
def test_no_dashboard_makes_a_query_per_object_it_counts(center, role_users, client_as):
    """Every role's dashboard takes as many queries with five objects behind each card as with two."""
    clients = {role: client_as(role_users[role.value]) for role in Role}

    def queries() -> dict[Role, int]:
        counted = {}
        for role, http in clients.items():
            with CaptureQueriesContext(connection) as captured:
                assert http.get(reverse("dashboard")).status_code == 200
            counted[role] = len(captured)
        return counted

    queries()  # the first visit of each also loads what a session keeps
    small = queries()
    _grow(role_users)
    assert queries() == small
