"""Every named URL × anonymous and each role → the expected answer.

A URL pattern without a row fails ``test_every_url_is_in_the_matrix``, so each
new view must say here who may open it. Rows are added, never removed. A URL
that takes an object's key must get its object through one helper of its
app's ``abilities`` (``jianding.permissions.OBJECT_ACCESS``), and the cross-user
404 table below is checked against that register.
"""

import datetime
import inspect
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from captcha.models import CaptchaStore
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applicants import services as applicants_services
from applicants.models import Applicant, Application, ApplicationDocument, Declaration
from exams import services as exams_services
from exams.models import (
    BatchStatus,
    CandidateCode,
    ExaminerAssignment,
    ExaminerProfile,
    ExamSession,
    ItemScore,
    Objection,
    PlanStatus,
    ProctorAbsence,
    Room,
    ScoreSheet,
    ScoringStandard,
    Seat,
    SessionRoom,
    StandardItem,
    Ticket,
)
from finance import services as finance_services
from finance.models import Expense, ExpenseAttachment
from jianding.models import Consultation, Job, JobStatus, Notice
from jianding.permissions import OBJECT_ACCESS
from jianding.portal import menu_entries
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates, resident_id
from tests.factories.exams import BatchFactory, PlanFactory, PlanLineFactory, pdf_upload
from tests.factories.finance import books as finance_books

ANON = "anonymous"
# Accounts holding two roles [#17]: each gets what either of its roles gets (``either_role``).
MULTI_ROLE = {"examiner_proctor": ("examiner", "proctor"), "clerk_finance": ("clerk", "finance")}
WHO = (ANON, *(role.value for role in Role), *MULTI_ROLE)

OK = 200
LOGIN = "login"  # 302 to the sign-in page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's sign-in page
ANY_LOGIN = "any-login"  # 302 to either sign-in page
ELSEWHERE = "elsewhere"  # 302 to a page other than the sign-in (the dashboard, say)
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405


@dataclass(frozen=True)
class Row:
    name: str
    expected: dict[str, object]
    kwargs: dict[str, object] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    method: str = "get"


def row(name: str, *, anonymous, default, kwargs=None, args=(), method="get", **by_role) -> Row:
    """Expect ``default`` for every role but those named, and ``anonymous`` for no one signed in.

    An account of several roles (``MULTI_ROLE``) is expected what ``either_role`` derives.
    """
    expected = {ANON: anonymous, **{role.value: by_role.get(role.value, default) for role in Role}}
    return Row(name, expected, kwargs or {}, tuple(args), method)


def post_row(name: str, *, kwargs, **by_role) -> Row:
    """A POST-only step: its roles are sent on (302), every other role is refused (403)."""
    return row(name, anonymous=LOGIN, default=FORBIDDEN, kwargs=kwargs, method="post", **by_role)


MANAGEMENT = ("director", "deputy", "clerk")
CATALOGUE = (*MANAGEMENT, "exam_staff")
BATCH_VIEWERS = (*CATALOGUE, "finance")
ARRANGERS = ("clerk", "exam_staff")


def pk_of(key):
    return lambda world: world[key].pk


BOOKS = (*MANAGEMENT, "finance")
FOUND = ELSEWHERE  # a POST step done or refused, then back to its page
# An exam-staff member's expense request: other staff outside the books' roles do not see it.
EXPENSE_UNSEEN = dict.fromkeys(("examiner", "proctor", "equipment_manager"), NOT_FOUND)
FINANCE_STEPS = (
    ("finance:create_account", {}),
    ("finance:create_subject", {}),
    ("finance:create_receipt_book", {}),
    ("finance:create_fee_item", {}),
    ("finance:create_fee_plan", {}),
    ("finance:add_plan_fee", {"pk": pk_of("fee_plan")}),
    ("finance:save_budget_line", {"pk": pk_of("fee_plan")}),
    ("finance:submit_fee_plan", {"pk": pk_of("fee_plan")}),
    ("finance:decide_fee_plan", {"pk": pk_of("fee_plan")}),
    ("finance:revise_fee_plan", {"pk": pk_of("fee_plan")}),
    ("finance:remove_plan_fee", {"pk": pk_of("plan_fee")}),
    ("finance:collect_fee", {"pk": pk_of("due")}),
    ("finance:grant_deferral", {"pk": pk_of("due")}),
    ("finance:request_refund", {"pk": pk_of("payment")}),
    ("finance:decide_refund", {"pk": pk_of("refund")}),
    ("finance:sign_expense", {"pk": pk_of("expense")}),
    ("finance:return_expense", {"pk": pk_of("expense")}),
    ("finance:book_expense", {"pk": pk_of("expense")}),
    ("finance:resubmit_expense", {"pk": pk_of("expense")}),
    ("finance:reverse_entry", {"pk": pk_of("entry")}),
)


def only(*roles, status=OK):
    """The roles named get ``status``; the others keep the row's default."""
    return dict.fromkeys(roles, status)


# The roles SECOND_FACTOR_ROLES names by default.
SECOND_FACTOR = ("director", "deputy", "finance", "clerk", "exam_staff")


def staff_pk(world):
    return world["staff"].pk


MATRIX = [
    row("dashboard", anonymous=OK, default=OK),  # a visitor gets the public home [#19]
    row("healthz", anonymous=OK, default=OK),
    # Anyone signed in may enrol a phone; the roles that need one (signed in with it here) verify with it.
    row("two_factor_setup", anonymous=LOGIN, default=OK),
    row(
        "two_factor_verify",
        anonymous=LOGIN,
        default=ELSEWHERE,
        **only(*SECOND_FACTOR),
    ),
    row("renew_recovery_codes", anonymous=LOGIN, default=NOT_ALLOWED),
    # Without a code of the present second factor, those who have one are sent back to the setup page.
    row(
        "renew_recovery_codes",
        anonymous=LOGIN,
        default=OK,
        method="post",
        **only(*SECOND_FACTOR, status=ELSEWHERE),
    ),
    row("audit_changes", anonymous=LOGIN, default=FORBIDDEN, director=OK),
    row("audit_access", anonymous=LOGIN, default=FORBIDDEN, director=OK),
    # a list's search box posts, and is sent back to the list with its search as a token (jianding/searches.py)
    post_row("audit_access", kwargs={}, director=FOUND),
    row(
        "audit_record",
        anonymous=LOGIN,
        default=FORBIDDEN,
        director=OK,
        kwargs={"kind": "applicants.application", "pk": pk_of("application")},
    ),
    row(
        "show_whole_record",
        anonymous=LOGIN,
        default=FORBIDDEN,
        director=OK,
        kwargs={"kind": "applicants.application", "pk": pk_of("application")},
        method="post",
    ),
    row("login", anonymous=OK, default=ELSEWHERE),
    row("logout", anonymous=LOGIN, default=NOT_ALLOWED),
    row("password_change", anonymous=LOGIN, default=OK),
    row("password_change_done", anonymous=LOGIN, default=OK),
    row("password_reset", anonymous=OK, default=OK),
    row("password_reset_done", anonymous=OK, default=OK),
    # A made-up link shows the "used or expired" page.
    row("password_reset_confirm", anonymous=OK, default=OK, kwargs={"uidb64": "MQ", "token": "set-password"}),
    row("password_reset_complete", anonymous=OK, default=OK),
    row("set_language", anonymous=ELSEWHERE, default=ELSEWHERE),
    row("applicants:sign_up", anonymous=OK, default=ELSEWHERE),
    # the sign-up form's captcha picture, shown before anyone signs in
    row("captcha-image", anonymous=OK, default=OK, kwargs={"key": lambda world: world["captcha"]}),
    row("applicants:activate", anonymous=OK, default=ELSEWHERE),
    # a forgotten password reset by a texted code; its second page sends a visitor without a code to the first
    row("applicants:request_reset_code", anonymous=OK, default=ELSEWHERE),
    row("applicants:reset_password_with_code", anonymous=ELSEWHERE, default=ELSEWHERE),
    row("accounts:list_staff", anonymous=LOGIN, default=FORBIDDEN, director=OK),
    post_row("accounts:list_staff", kwargs={}, director=FOUND),
    row("accounts:create_staff", anonymous=LOGIN, default=FORBIDDEN, director=OK),
    row("accounts:export_staff", anonymous=LOGIN, default=FORBIDDEN, director=OK),
    row("accounts:print_staff", anonymous=LOGIN, default=FORBIDDEN, director=OK),
    row("accounts:edit_staff", anonymous=LOGIN, default=FORBIDDEN, director=OK, kwargs={"pk": staff_pk}),
    # applicants
    row("applicants:edit_profile", anonymous=LOGIN, default=FORBIDDEN, applicant=OK),
    row("applicants:verify_phone", anonymous=LOGIN, default=FORBIDDEN, applicant=OK),
    row("applicants:my_applications", anonymous=LOGIN, default=FORBIDDEN, applicant=OK),
    row("applicants:export_my_data", anonymous=LOGIN, default=FORBIDDEN, applicant=OK),
    row(
        "applicants:create_application",
        anonymous=LOGIN,
        default=FORBIDDEN,
        applicant=OK,
        kwargs={"batch_pk": pk_of("batch")},
    ),
    row("applicants:list_applications", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    post_row("applicants:list_applications", kwargs={}, **only(*CATALOGUE, status=FOUND)),
    row(
        "applicants:view_application",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, "applicant"),
        kwargs={"pk": pk_of("application")},
    ),
    row(
        "applicants:download_document",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, "applicant"),
        kwargs={"pk": pk_of("document")},
    ),
    row(
        "applicants:upload_document",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("application")},
    ),
    row(
        "applicants:confirm_photo", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("application")}
    ),
    row(
        "applicants:submit_application",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("application")},
    ),
    row(
        "applicants:withdraw_application",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("application")},
    ),
    row(
        "applicants:review_application",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("application")},
    ),
    post_row(
        "applicants:upload_document", kwargs={"pk": pk_of("application")}, applicant=OK
    ),  # form shown again
    post_row("applicants:confirm_photo", kwargs={"pk": pk_of("application")}, applicant=ELSEWHERE),
    post_row("applicants:submit_application", kwargs={"pk": pk_of("application")}, applicant=ELSEWHERE),
    post_row("applicants:withdraw_application", kwargs={"pk": pk_of("application")}, applicant=ELSEWHERE),
    post_row(
        "applicants:review_application",
        kwargs={"pk": pk_of("application")},
        clerk=ELSEWHERE,
        exam_staff=ELSEWHERE,
    ),
    row(
        "applicants:print_application",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, "applicant"),
        kwargs={"pk": pk_of("application")},
    ),
    row(
        "applicants:record_original_seen",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("application")},
    ),
    row(
        "applicants:reset_password", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("application")}
    ),
    # The clerk's reset voids the world applicant's password, which signs him out before his turn.
    post_row(
        "applicants:reset_password",
        kwargs={"pk": pk_of("application")},
        clerk=ELSEWHERE,
        exam_staff=ELSEWHERE,
        applicant=LOGIN,
    ),
    post_row(
        "applicants:record_original_seen",
        kwargs={"pk": pk_of("application")},
        clerk=ELSEWHERE,
        exam_staff=ELSEWHERE,
    ),
    row("applicants:list_declarations", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row(
        "applicants:declare_batch", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"batch_pk": pk_of("batch")}
    ),
    post_row("applicants:declare_batch", kwargs={"batch_pk": pk_of("batch")}, clerk=ELSEWHERE),
    row(
        "applicants:view_declaration",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("declaration")},
    ),
    row(
        "applicants:export_declaration",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("declaration")},
    ),
    row(
        "applicants:record_city_approval",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("declaration")},
    ),
    post_row(
        "applicants:record_city_approval", kwargs={"pk": pk_of("declaration")}, clerk=OK
    ),  # form shown again
    row(
        "applicants:print_roster",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"batch_pk": pk_of("batch")},
    ),
    row(
        "applicants:export_roster",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"batch_pk": pk_of("batch")},
    ),
    row("applicants:import_class_list", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row("applicants:list_invitations", anonymous=LOGIN, default=FORBIDDEN, **only("clerk", "exam_staff")),
    post_row("applicants:list_invitations", kwargs={}, **only("clerk", "exam_staff", status=FOUND)),
    row("applicants:print_invitations", anonymous=LOGIN, default=FORBIDDEN, **only("clerk", "exam_staff")),
    row(
        "applicants:reissue_invitation",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("invited")},
    ),
    post_row(
        "applicants:reissue_invitation",
        kwargs={"pk": pk_of("invited")},
        **only("clerk", "exam_staff", status=ELSEWHERE),
    ),
    # exams: rooms, sessions, seats, tickets, check-in
    row("exams:list_rooms", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:export_rooms", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:create_room", anonymous=LOGIN, default=FORBIDDEN, **only(*ARRANGERS)),
    row(
        "exams:edit_room",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*ARRANGERS),
        kwargs={"pk": pk_of("room")},
    ),
    row(
        "exams:arrange_batch",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("batch")},
    ),
    row(
        "exams:create_session",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*ARRANGERS),
        kwargs={"batch_pk": pk_of("batch")},
    ),
    row("exams:publish_tickets", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("batch")}),
    post_row("exams:publish_tickets", kwargs={"pk": pk_of("batch")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row("exams:print_tickets", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("batch")}),
    post_row("exams:print_tickets", kwargs={"pk": pk_of("batch")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row(
        "exams:print_schedule",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("batch")},
    ),
    row(
        "exams:export_schedule",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("batch")},
    ),
    row(
        "exams:view_session",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("session")},
    ),
    row(
        "exams:edit_session",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*ARRANGERS),
        kwargs={"pk": pk_of("session")},
    ),
    row("exams:assign_seats", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session")}),
    post_row("exams:assign_seats", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row(
        "exams:print_arrangement",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("session")},
    ),
    row(
        "exams:export_arrangement",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("session")},
    ),
    # The proctor guards the world's room; exam staff check in anywhere.
    row(
        "exams:check_in",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only("proctor", "exam_staff"),
        examiner=NOT_FOUND,
        kwargs={"pk": pk_of("session")},
    ),
    # The candidate's ID photo at the door: the proctor of his room and the arrangers.
    row(
        "exams:seat_photo",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only("proctor", *ARRANGERS),
        examiner=NOT_FOUND,
        kwargs={"pk": pk_of("seat")},
    ),
    row("exams:move_seat", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("seat")}),
    post_row("exams:move_seat", kwargs={"pk": pk_of("seat")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row("exams:set_proctors", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session_room")}),
    post_row(
        "exams:set_proctors", kwargs={"pk": pk_of("session_room")}, **only(*ARRANGERS, status=ELSEWHERE)
    ),
    row(
        "exams:print_badge",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only("proctor", *ARRANGERS),
        examiner=NOT_FOUND,
        kwargs={"pk": pk_of("session_room")},
    ),
    # The applicant's own application has a ticket; reviewers print any.
    row(
        "exams:print_ticket",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only("applicant", *CATALOGUE),
        kwargs={"application_pk": pk_of("application")},
    ),
    # Seating after publishing: exam staff and clerks; the step itself refuses an application it does not fit.
    row(
        "exams:seat_candidate",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"application_pk": pk_of("application")},
    ),
    post_row(
        "exams:seat_candidate",
        kwargs={"application_pk": pk_of("application")},
        **only(*ARRANGERS, status=ELSEWHERE),
    ),
    row(
        "exams:refuse_admission",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"application_pk": pk_of("application")},
    ),
    post_row(
        "exams:refuse_admission",
        kwargs={"application_pk": pk_of("application")},
        **only(*ARRANGERS, status=ELSEWHERE),
    ),
    # Examiners and exam staff take proctoring duties too [考评组 §2, 考务组 §5].
    row("exams:my_duties", anonymous=LOGIN, default=FORBIDDEN, **only("proctor", "examiner", "exam_staff")),
    row("exams:list_standards", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:create_standard", anonymous=LOGIN, default=FORBIDDEN, **only(*ARRANGERS)),
    row("exams:open_scoring", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session")}),
    post_row("exams:open_scoring", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS, status=ELSEWHERE)),
    # Only chief examiners among examiners see every sheet of a session; the world's examiner is not one.
    row(
        "exams:session_sheets",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("session")},
    ),
    row("exams:tally_results", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session")}),
    post_row("exams:tally_results", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS, status=ELSEWHERE)),
    # The check page: a second person checks the tally candidate by candidate (GET), then records it.
    row(
        "exams:check_results",
        anonymous=LOGIN,
        default=FORBIDDEN,
        kwargs={"pk": pk_of("session")},
        **only(*ARRANGERS),
    ),
    post_row("exams:check_results", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS)),
    row(
        "exams:view_register",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("batch")},
    ),
    # The world's tally is not checked: no register to print or export yet.
    row(
        "exams:print_register",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, status=NOT_FOUND),
        kwargs={"pk": pk_of("batch")},
    ),
    row(
        "exams:export_register",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, status=NOT_FOUND),
        kwargs={"pk": pk_of("batch")},
    ),
    # theory marks by code, the chief examiner's decisions, publicity and the report
    row(
        "exams:theory_marks",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*ARRANGERS),
        kwargs={"pk": pk_of("session")},
    ),
    post_row("exams:theory_marks", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS)),  # empty form again
    row("exams:give_codes", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session")}),
    post_row("exams:give_codes", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row(
        "exams:export_codes",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*ARRANGERS),
        kwargs={"pk": pk_of("session")},
    ),
    # The world's examiner is not a chief examiner; staff read the page, only a chief examiner decides.
    row(
        "exams:session_spreads",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("session")},
    ),
    post_row("exams:session_spreads", kwargs={"pk": pk_of("session")}),
    row(
        "exams:batch_publicity",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        kwargs={"pk": pk_of("batch")},
    ),
    row("exams:start_publicity", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("batch")}),
    post_row("exams:start_publicity", kwargs={"pk": pk_of("batch")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row("exams:report_batch", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("batch")}),
    post_row("exams:report_batch", kwargs={"pk": pk_of("batch")}, clerk=ELSEWHERE),
    row("exams:answer_objection", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("objection")}),
    post_row(
        "exams:answer_objection", kwargs={"pk": pk_of("objection")}, **only(*ARRANGERS, status=ELSEWHERE)
    ),
    # The world's tally is not checked: no list of those qualified yet.
    row(
        "exams:print_qualified",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, status=NOT_FOUND),
        kwargs={"pk": pk_of("batch")},
    ),
    row(
        "exams:export_qualified",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE, status=NOT_FOUND),
        kwargs={"pk": pk_of("batch")},
    ),
    row("exams:result_statistics", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:export_result_statistics", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:my_scoring", anonymous=LOGIN, default=FORBIDDEN, examiner=OK),
    row("exams:score_sheet", anonymous=LOGIN, default=FORBIDDEN, examiner=OK, kwargs={"pk": pk_of("sheet")}),
    row(
        "exams:save_item_score",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("sheet"), "item_pk": lambda world: world["sheet"].standard.items.get().pk},
    ),
    post_row(
        "exams:save_item_score",
        kwargs={"pk": pk_of("sheet"), "item_pk": lambda world: world["sheet"].standard.items.get().pk},
        examiner=OK,
    ),
    row("exams:sign_sheet", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("sheet")}),
    post_row("exams:sign_sheet", kwargs={"pk": pk_of("sheet")}, examiner=ELSEWHERE),
    row("exams:reopen_sheet", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("sheet")}),
    # Signed or not, a plain examiner may not reopen: only a chief examiner.
    post_row("exams:reopen_sheet", kwargs={"pk": pk_of("sheet")}, examiner=ELSEWHERE),
    row("exams:list_examiners", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row(
        "exams:edit_examiner",
        anonymous=LOGIN,
        default=FORBIDDEN,
        director=OK,
        kwargs={"pk": lambda world: world["examiner"].examiner_profile.pk},
    ),
    row("exams:my_examiner", anonymous=LOGIN, default=FORBIDDEN, examiner=OK),
    # the standard of a session he is assigned to, before scoring opens [考评员 §3]
    row(
        "exams:session_standard",
        anonymous=LOGIN,
        default=FORBIDDEN,
        examiner=OK,
        kwargs={"pk": pk_of("session")},
    ),
    row("exams:assign_examiner", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session")}),
    post_row("exams:assign_examiner", kwargs={"pk": pk_of("session")}, **only(*ARRANGERS, status=ELSEWHERE)),
    row("exams:unassign_examiner", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("assignment")}),
    post_row(
        "exams:unassign_examiner", kwargs={"pk": pk_of("assignment")}, **only(*ARRANGERS, status=ELSEWHERE)
    ),
    row("exams:request_absence", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session_room")}),
    post_row(
        "exams:request_absence",
        kwargs={"pk": pk_of("session_room")},
        **only("proctor", "exam_staff", status=ELSEWHERE),
        examiner=NOT_FOUND,
    ),
    row("exams:list_absences", anonymous=LOGIN, default=FORBIDDEN, **only("exam_staff", "examiner")),
    row("exams:decide_absence", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("absence")}),
    post_row(
        "exams:decide_absence",
        kwargs={"pk": pk_of("absence")},
        **only("exam_staff", "examiner", status=ELSEWHERE),
    ),
    row("exams:return_to_post", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("absence")}),
    # Only the proctor who left says he is back; whoever else holds a proctoring role finds no such absence.
    post_row(
        "exams:return_to_post",
        kwargs={"pk": pk_of("absence")},
        proctor=ELSEWHERE,
        examiner=NOT_FOUND,
        exam_staff=NOT_FOUND,
    ),
    row(
        "exams:room_record",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only("proctor", *CATALOGUE),
        examiner=NOT_FOUND,
        kwargs={"pk": pk_of("session_room")},
    ),
    row(
        "exams:print_room_record",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only("proctor", *CATALOGUE),
        examiner=NOT_FOUND,
        kwargs={"pk": pk_of("session_room")},
    ),
    row("exams:add_incident", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session_room")}),
    post_row(
        "exams:add_incident",
        kwargs={"pk": pk_of("session_room")},
        **only("proctor", "exam_staff", status=ELSEWHERE),
        examiner=NOT_FOUND,
    ),
    row("exams:sign_room_record", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session_room")}),
    post_row(
        "exams:sign_room_record",
        kwargs={"pk": pk_of("session_room")},
        **only("proctor", "exam_staff", status=ELSEWHERE),
        examiner=NOT_FOUND,
    ),
    row("exams:record_handover", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session_room")}),
    post_row(
        "exams:record_handover",
        kwargs={"pk": pk_of("session_room")},
        **only("proctor", "exam_staff", status=ELSEWHERE),
        examiner=NOT_FOUND,
    ),
    row("exams:record_patrol", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("session_room")}),
    post_row(
        "exams:record_patrol",
        kwargs={"pk": pk_of("session_room")},
        **only("director", "deputy", "exam_staff", status=ELSEWHERE),
    ),
    # A job belongs to whoever started it: the clerk here; everyone else gets 404.
    row("view_job", anonymous=LOGIN, default=NOT_FOUND, clerk=OK, kwargs={"pk": pk_of("job")}),
    row("download_job", anonymous=LOGIN, default=NOT_FOUND, clerk=OK, kwargs={"pk": pk_of("job")}),
    # exams: occupations
    row("exams:list_occupations", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:create_occupation", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row(
        "exams:edit_occupation",
        anonymous=LOGIN,
        default=FORBIDDEN,
        clerk=OK,
        kwargs={"pk": pk_of("occupation")},
    ),
    row("exams:export_occupations", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE)),
    row("exams:import_occupations", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    # exams: annual plans (POST-only steps answer GET with 405)
    row("exams:list_plans", anonymous=LOGIN, default=FORBIDDEN, **only(*MANAGEMENT)),
    row("exams:create_plan", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row(
        "exams:view_plan",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*MANAGEMENT),
        kwargs={"pk": pk_of("plan")},
    ),
    row("exams:add_plan_line", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("plan")}),
    row("exams:submit_plan", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("plan")}),
    row("exams:decide_plan", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("plan")}),
    row("exams:revise_plan", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("plan")}),
    row(
        "exams:compare_plans",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*MANAGEMENT),
        kwargs={"pk": pk_of("plan"), "other": pk_of("old_plan")},
    ),
    row(
        "exams:export_plan",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*MANAGEMENT),
        kwargs={"pk": pk_of("plan")},
    ),
    row("exams:edit_plan_line", anonymous=LOGIN, default=FORBIDDEN, clerk=OK, kwargs={"pk": pk_of("line")}),
    row("exams:delete_plan_line", anonymous=LOGIN, default=FORBIDDEN, clerk=OK, kwargs={"pk": pk_of("line")}),
    # exams: batches
    row("exams:list_batches", anonymous=LOGIN, default=FORBIDDEN, **only(*BATCH_VIEWERS)),
    row("exams:create_batch", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row(
        "exams:view_batch",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*BATCH_VIEWERS),
        kwargs={"pk": pk_of("batch")},
    ),
    row("exams:edit_batch", anonymous=LOGIN, default=FORBIDDEN, clerk=OK, kwargs={"pk": pk_of("batch")}),
    row(
        "exams:move_batch",
        anonymous=LOGIN,
        default=NOT_ALLOWED,
        kwargs={"pk": pk_of("batch"), "action": "close"},
    ),
    row("exams:decide_batch", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("batch")}),
    # exams: review-question banks
    row("exams:list_banks", anonymous=LOGIN, default=FORBIDDEN, **only(*CATALOGUE, "applicant")),
    row("exams:upload_bank", anonymous=LOGIN, default=FORBIDDEN, exam_staff=OK),
    row("exams:decide_bank", anonymous=LOGIN, default=NOT_ALLOWED, kwargs={"pk": pk_of("bank")}),
    # the applicant applied to this occupation and level, but the bank is not approved yet: 404
    row(
        "exams:download_bank",
        anonymous=LOGIN,
        default=FORBIDDEN,
        **only(*CATALOGUE),
        applicant=NOT_FOUND,
        kwargs={"pk": pk_of("bank")},
    ),
    # the same POST-only steps, posted: the role check answers (the service then refuses or acts)
    post_row("exams:add_plan_line", kwargs={"pk": pk_of("plan")}, clerk=OK),  # empty form shown again
    post_row("exams:submit_plan", kwargs={"pk": pk_of("plan")}, clerk=ELSEWHERE),
    post_row("exams:decide_plan", kwargs={"pk": pk_of("plan")}, director=ELSEWHERE),
    post_row("exams:revise_plan", kwargs={"pk": pk_of("plan")}, clerk=ELSEWHERE),
    # closing registration is the clerk's step; other viewers are refused by the service
    post_row("exams:move_batch", kwargs={"pk": pk_of("batch"), "action": "close"}, clerk=ELSEWHERE),
    post_row("exams:decide_bank", kwargs={"pk": pk_of("bank")}, deputy=ELSEWHERE),
    # approving or returning a batch: the deputy's and the director's (the service then decides)
    post_row("exams:decide_batch", kwargs={"pk": pk_of("batch")}, deputy=ELSEWHERE, director=ELSEWHERE),
    # exams: statistics
    row("exams:view_statistics", anonymous=LOGIN, default=FORBIDDEN, **only(*MANAGEMENT)),
    row("exams:export_statistics", anonymous=LOGIN, default=FORBIDDEN, **only(*MANAGEMENT)),
    # public pages: everyone
    row("public:home", anonymous=OK, default=OK),
    row("public:view_batch", anonymous=OK, default=OK, kwargs={"pk": pk_of("batch")}),
    row("public:list_notices", anonymous=OK, default=OK),
    row("public:view_notice", anonymous=OK, default=OK, kwargs={"pk": pk_of("notice")}),
    row("public:consult", anonymous=OK, default=OK),
    row("public:publicity", anonymous=OK, default=OK),
    # The world's batch is being publicised; an empty objection is shown again with its errors.
    row("public:object_to", anonymous=OK, default=OK, kwargs={"pk": pk_of("batch")}),
    row("public:object_to", anonymous=OK, default=OK, kwargs={"pk": pk_of("batch")}, method="post"),
    # the clerks' side of notices and consultations
    row("outreach:list_notices", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row("outreach:create_notice", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row("outreach:edit_notice", anonymous=LOGIN, default=FORBIDDEN, clerk=OK, kwargs={"pk": pk_of("notice")}),
    row(
        "outreach:delete_notice", anonymous=LOGIN, default=FORBIDDEN, clerk=OK, kwargs={"pk": pk_of("notice")}
    ),
    row("outreach:list_consultations", anonymous=LOGIN, default=FORBIDDEN, clerk=OK),
    row(
        "outreach:answer_consultation",
        anonymous=LOGIN,
        default=FORBIDDEN,
        clerk=OK,
        kwargs={"pk": pk_of("consultation")},
    ),
    # finance (POST-only steps answer GET with 405; each POST step's row follows)
    *[
        row(name, anonymous=LOGIN, default=FORBIDDEN, **only(*BOOKS), kwargs=kwargs)
        for name, kwargs in (
            ("finance:view_books", {}),
            ("finance:download_fee_document", {"pk": pk_of("fee_item")}),
            ("finance:list_fee_plans", {}),
            ("finance:view_fee_plan", {"pk": pk_of("fee_plan")}),
            ("finance:compare_fee_plans", {"pk": pk_of("fee_plan"), "other": pk_of("fee_plan")}),
            ("finance:list_dues", {}),
            ("finance:view_dues", {"pk": pk_of("due")}),
            ("finance:download_receipt_scan", {"pk": pk_of("payment")}),
            ("finance:daily_report", {}),
            ("finance:export_daily_report", {}),
            ("finance:list_entries", {}),
            ("finance:view_reports", {}),
            ("finance:export_reports", {}),
        )
    ],
    *[row(name, anonymous=LOGIN, default=NOT_ALLOWED, kwargs=kwargs) for name, kwargs in FINANCE_STEPS],
    post_row("finance:create_account", kwargs={}, finance=FOUND),
    post_row("finance:list_dues", kwargs={}, **only(*BOOKS, status=FOUND)),
    post_row("finance:create_subject", kwargs={}, finance=FOUND),
    post_row("finance:create_receipt_book", kwargs={}, finance=FOUND),
    post_row("finance:create_fee_item", kwargs={}, finance=FOUND, clerk=FOUND),
    post_row("finance:create_fee_plan", kwargs={}, clerk=FOUND),
    post_row("finance:add_plan_fee", kwargs={"pk": pk_of("fee_plan")}, clerk=FOUND),
    post_row("finance:save_budget_line", kwargs={"pk": pk_of("fee_plan")}, clerk=FOUND),
    post_row("finance:submit_fee_plan", kwargs={"pk": pk_of("fee_plan")}, clerk=FOUND),
    post_row("finance:decide_fee_plan", kwargs={"pk": pk_of("fee_plan")}, director=FOUND),
    post_row("finance:revise_fee_plan", kwargs={"pk": pk_of("fee_plan")}, clerk=FOUND),
    post_row("finance:remove_plan_fee", kwargs={"pk": pk_of("plan_fee")}, clerk=FOUND),
    post_row("finance:collect_fee", kwargs={"pk": pk_of("due")}, finance=FOUND),
    post_row("finance:grant_deferral", kwargs={"pk": pk_of("due")}, director=FOUND),
    post_row("finance:request_refund", kwargs={"pk": pk_of("payment")}, finance=FOUND),
    post_row("finance:decide_refund", kwargs={"pk": pk_of("refund")}, director=FOUND),
    post_row("finance:book_expense", kwargs={"pk": pk_of("expense")}, finance=FOUND),
    # only the submitter (exam staff here) corrects his returned request
    post_row("finance:resubmit_expense", kwargs={"pk": pk_of("expense")}, exam_staff=FOUND, **EXPENSE_UNSEEN),
    post_row("finance:reverse_entry", kwargs={"pk": pk_of("entry")}, finance=FOUND),
    # only the director signs or returns (一支笔); those who may not see the request get 404
    post_row("finance:sign_expense", kwargs={"pk": pk_of("expense")}, director=OK, **EXPENSE_UNSEEN),
    post_row("finance:return_expense", kwargs={"pk": pk_of("expense")}, director=FOUND, **EXPENSE_UNSEEN),
    row("finance:list_expenses", anonymous=LOGIN, default=OK, applicant=FORBIDDEN),
    row("finance:create_expense", anonymous=LOGIN, default=OK, applicant=FORBIDDEN),
    row(
        "finance:view_expense",
        anonymous=LOGIN,
        default=OK,
        applicant=FORBIDDEN,
        **EXPENSE_UNSEEN,
        kwargs={"pk": pk_of("expense")},
    ),
    row(
        "finance:download_attachment",
        anonymous=LOGIN,
        default=OK,
        applicant=FORBIDDEN,
        **EXPENSE_UNSEEN,
        kwargs={"pk": pk_of("attachment")},
    ),
    # Every person reads his own messages and chooses his channels [#18]; a message is its
    # recipient's alone (the applicant's here), opening it goes on to its object.
    row("notifications:list_messages", anonymous=LOGIN, default=OK),
    row(
        "notifications:open_message",
        anonymous=LOGIN,
        default=NOT_FOUND,
        applicant=ELSEWHERE,
        kwargs={"pk": pk_of("message")},
    ),
    row("notifications:edit_preferences", anonymous=LOGIN, default=OK),
    row("notifications:list_undelivered", anonymous=LOGIN, default=FORBIDDEN, **only("director", "clerk")),
    # The SMS provider's receipts: without the shared secret (none is set here) nobody is heard.
    row("notifications:receive_sms_receipts", anonymous=FORBIDDEN, default=FORBIDDEN, method="post"),
]


def admin_rows() -> list[Row]:
    """The admin is for the center's IT staff (is_staff); no portal role reaches it.

    Anonymous visitors meet the portal's sign-in (LoginRequiredMiddleware) or,
    on the admin's own login_not_required pages, the admin's.
    """
    sample = {"app_label": "jianding", "object_id": "1", "content_type_id": "1", "url": "x"}
    rows = []
    for name in sorted(_names_under("admin")):
        if name == "admin:login":
            rows.append(row(name, anonymous=OK, default=OK))
            continue
        regex = _all_patterns()[name].pattern.regex
        rows.append(
            row(
                name,
                anonymous=ANY_LOGIN,
                default=ELSEWHERE if name == "admin:logout" else ADMIN_LOGIN,
                kwargs={key: sample.get(key, "1") for key in regex.groupindex},
                args=() if regex.groupindex else ("1",) * regex.groups,
            )
        )
    return rows


def _walk(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _all_patterns() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver()))


def _names_under(namespace: str) -> set[str]:
    return {name for name in _all_patterns() if name.startswith(f"{namespace}:")}


ALL_ROWS = MATRIX + admin_rows()


def test_every_url_is_in_the_matrix():
    missing = set(_all_patterns()) - {r.name for r in ALL_ROWS}
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


def test_matrix_has_one_row_per_url_and_method():
    keys = [(r.name, r.method) for r in ALL_ROWS]
    assert len(keys) == len(set(keys))


@pytest.fixture
def world(role_users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    # The admin's rows say who reaches it when it is on; off (the default) it is 404 (test_admin.py).
    settings.ADMIN_ENABLED = True
    clerk, exam_staff = role_users["clerk"], role_users["exam_staff"]
    old_plan = PlanFactory(year=2027, revision=1, status=PlanStatus.SUPERSEDED, created_by=clerk)
    line = PlanLineFactory(plan__year=2027, plan__revision=2, plan__created_by=clerk)
    occupation = line.occupation
    today = timezone.localdate()
    batch = BatchFactory(
        occupation=occupation,
        status=BatchStatus.REGISTRATION_OPEN,
        publicity_starts=today - datetime.timedelta(days=1),
        publicity_ends=today + datetime.timedelta(days=3),
    )
    bank = exams_services.bank_upload(
        actor=exam_staff, occupation=occupation, level=4, title="复习题", upload=pdf_upload()
    )
    application = Application.objects.create(
        applicant=role_users["applicant"].applicant,
        batch=batch,
        category="student",
        class_name="23 机电 1 班",
    )
    document = ApplicationDocument(
        application=application, kind="id_card", content_type="image/png", size=3, sha256="0" * 64
    )
    document.file.save("id.png", ContentFile(b"png"), save=True)
    return {
        **role_users,
        "application": application,
        "document": document,
        "declaration": Declaration.objects.create(batch=batch, declared_by=clerk),
        "staff": UserFactory(username="someone", role=Role.CLERK),
        "occupation": occupation,
        "plan": line.plan,
        "old_plan": old_plan,
        "line": line,
        "batch": batch,
        "bank": bank,
        "notice": Notice.objects.create(
            title="报名通知", body="……", publish_at=timezone.now(), created_by=clerk
        ),
        "consultation": Consultation.objects.create(question="何时报名？", asker_name="张三"),
        "objection": Objection.objects.create(
            batch=batch, raised_by="李四", contact="13800000000", text="某人未参加考试"
        ),
        **exam_day(world_application=application, batch=batch, role_users=role_users),
        **finance_world(batch=batch, role_users=role_users),
        "captcha": CaptchaStore.generate_key(),
        "message": Message.objects.create(
            recipient=role_users["applicant"], kind=Kind.APPLICATION_RETURNED, text="报名被退回", link="/"
        ),
        **multi_role_users(),
        "invited": applicants_services.applicants_create_bulk(
            actor=clerk,
            applicants=[
                Applicant(
                    name="王芳",
                    id_number=resident_id(400, birth=datetime.date(1999, 1, 1)),
                    birth_date=datetime.date(1999, 1, 1),
                    sex="M",
                )
            ],
            reason="matrix",
        )[0],
    }


def multi_role_users():
    """The accounts of ``MULTI_ROLE``, each holding both roles and none of the world's objects."""
    users = {who: UserFactory(username=who, role=roles) for who, roles in MULTI_ROLE.items()}
    ExaminerProfile.objects.create(user=users["examiner_proctor"])
    return users


def finance_world(*, batch, role_users):
    """The year's books with a fee item and its scan, a paid application, a pending refund, and an expense."""
    setup = finance_books(year=batch.registration_opens.year)
    batch.fee_item = setup["item"]
    batch.save(update_fields=["fee_item"])
    setup["item"].document_scan.save("doc.png", ContentFile(b"png"), save=False)
    setup["item"].document_content_type = "image/png"
    setup["item"].save()
    due = candidates(batch, {"23 机电 9 班": 1})[0]
    payment = due.fee_collections.get()
    payment.scan.save("slip.png", ContentFile(b"png"), save=False)
    payment.scan_content_type = "image/png"
    payment.save()
    refund = finance_services.refund_request(
        actor=role_users["finance"], payment=payment, amount=Decimal("10.00"), reason="多收"
    )
    expense = Expense.objects.create(
        subject=setup["expense"],
        amount=Decimal("20.00"),
        purpose="印刷",
        submitted_by=role_users["exam_staff"],
    )
    attachment = ExpenseAttachment(
        expense=expense, content_type="image/png", size=3, sha256="0" * 64, name="发票"
    )
    attachment.file.save("invoice.png", ContentFile(b"png"), save=True)
    return {
        "fee_item": setup["item"],
        "fee_plan": setup["plan"],
        "plan_fee": setup["plan_fee"],
        "due": due,
        "payment": payment,
        "refund": refund,
        "expense": expense,
        "attachment": attachment,
        "entry": payment.entry,
    }


def exam_day(*, world_application, batch, role_users):
    """A session of the world's batch with one room, the role proctor guarding it, and a ticket."""
    room = Room.objects.create(name="101", building="教学楼", capacity=30)
    session = ExamSession.objects.create(
        batch=batch,
        part="theory",
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        status="published",
    )
    session_room = SessionRoom.objects.create(session=session, room=room, order=1)
    session_room.proctors.add(role_users["proctor"])
    seat = Seat.objects.create(
        session=session, session_room=session_room, number=1, application=world_application
    )
    Ticket.objects.create(application=world_application, number="202700010001", issued_by=role_users["clerk"])
    job = Job.objects.create(
        title="准考证", requested_by=role_users["clerk"], status=JobStatus.DONE, filename="t.pdf"
    )
    job.file.save("t.pdf", ContentFile(b"%PDF-1.4"), save=True)
    absence = ProctorAbsence.objects.create(
        session_room=session_room, proctor=role_users["proctor"], kind="post", reason="身体不适"
    )
    assignment = ExaminerAssignment.objects.create(
        session=session, examiner=role_users["examiner"].examiner_profile, assigned_by=role_users["clerk"]
    )
    standard = ScoringStandard.objects.create(
        occupation=batch.occupation,
        level=batch.level,
        part="theory",
        effective_from=batch.theory_date,
        created_by=role_users["clerk"],
    )
    item = StandardItem.objects.create(standard=standard, order=1, title="理论", max_points=100)
    code = CandidateCode.objects.create(seat=seat, session=session, code="ABC234")
    sheet = ScoreSheet.objects.create(
        session=session, code=code, examiner=role_users["examiner"].examiner_profile, standard=standard
    )
    ItemScore.objects.create(sheet=sheet, item=item)
    # the candidate's ID photo, shown to the proctor at the door
    photo = ApplicationDocument(
        application=world_application, kind="photo", content_type="image/jpeg", size=3, sha256="1" * 64
    )
    photo.file.save("photo.jpg", ContentFile(b"jpg"), save=True)
    return {
        "sheet": sheet,
        "assignment": assignment,
        "room": room,
        "session": session,
        "session_room": session_room,
        "seat": seat,
        "job": job,
        "absence": absence,
    }


def _check(response, expected, admin_login_url, login_url):
    if expected == LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith(login_url)
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith(admin_login_url)
    elif expected == ANY_LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith((login_url, admin_login_url))
    elif expected == ELSEWHERE:
        assert response.status_code == 302, response
        assert not response["Location"].startswith(login_url)
    else:
        assert response.status_code == expected, (response.status_code, response.get("Location"))


def _check_security_headers(response):
    """Every answer, page, download or redirect, carries the strict policy and the other headers."""
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in csp, f"{directive} missing from {csp}"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if response.has_header("Content-Disposition"):
        assert response["Cache-Control"] == "private, no-store", "a file that a cache may keep"


@pytest.mark.parametrize("matrix_row", ALL_ROWS, ids=lambda r: f"{r.method} {r.name}")
def test_permission_matrix(matrix_row, world, client, client_as):
    kwargs = {key: value(world) if callable(value) else value for key, value in matrix_row.kwargs.items()}
    url = reverse(matrix_row.name, args=matrix_row.args, kwargs=kwargs or None)
    login_url, admin_login_url = reverse("login"), reverse("admin:login")
    for who in WHO:
        http = client if who == ANON else client_as(world[who])
        response = getattr(http, matrix_row.method)(url)
        try:
            _check(response, expected_of(matrix_row, who), admin_login_url, login_url)
            _check_security_headers(response)
        except AssertionError as error:
            raise AssertionError(f"{matrix_row.name} as {who}: {error}") from None


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_menu_entry_opens_for_its_roles(role, world, client_as):
    http = client_as(world[role.value])
    for item in menu_entries():
        if role in item.roles:
            assert http.get(reverse(item.url_name)).status_code == 200, item.url_name


def test_admin_is_registered_for_every_model_of_ours():
    from django.apps import apps

    ours = {
        "jianding",
        "notifications",
        "applicants",
        "exams",
        "certificates",
        "archive",
        "finance",
        "equipment",
    }
    for model in apps.get_models():
        if model._meta.app_label in ours and not model.__name__.startswith("Historical"):
            assert model in admin.site._registry, model


def _second(role: Role):
    """Another user of ``role``: he holds the same permissions but none of the world's objects."""
    user = UserFactory(username=f"{role.value}-2", role=role)
    if role == Role.APPLICANT:
        Applicant.objects.create(
            user=user,
            name="另一位",
            id_number=resident_id(401, birth=datetime.date(1998, 2, 2)),
            birth_date=datetime.date(1998, 2, 2),
            sex="F",
        )
    if role == Role.EXAMINER:
        ExaminerProfile.objects.create(user=user)
    return user


def _item_of_sheet(world):
    return {"pk": world["sheet"].pk, "item_pk": world["sheet"].standard.items.get().pk}


# Object URLs and the role that owns the world's object; another user of that role gets 404.
# The key names the world's object (its ``pk``), or gives the URL's arguments from the world.
OBJECT_ROWS = [
    (Role.APPLICANT, "applicants:view_application", "application", "get"),
    (Role.APPLICANT, "applicants:download_document", "document", "get"),
    (Role.APPLICANT, "applicants:print_application", "application", "get"),
    (Role.APPLICANT, "applicants:submit_application", "application", "post"),
    (Role.APPLICANT, "applicants:withdraw_application", "application", "post"),
    (Role.APPLICANT, "exams:print_ticket", lambda world: {"application_pk": world["application"].pk}, "get"),
    (Role.APPLICANT, "applicants:upload_document", "application", "post"),
    (Role.APPLICANT, "applicants:confirm_photo", "application", "post"),
    (Role.EXAMINER, "exams:score_sheet", "sheet", "get"),
    (Role.EXAMINER, "exams:session_standard", "session", "get"),
    (Role.EXAMINER, "exams:sign_sheet", "sheet", "post"),
    (Role.EXAMINER, "exams:save_item_score", _item_of_sheet, "post"),
    (Role.PROCTOR, "exams:print_badge", "session_room", "get"),
    (Role.PROCTOR, "exams:room_record", "session_room", "get"),
    (Role.PROCTOR, "exams:print_room_record", "session_room", "get"),
    (Role.PROCTOR, "exams:check_in", "session", "get"),
    (Role.PROCTOR, "exams:seat_photo", "seat", "get"),
    (Role.PROCTOR, "exams:add_incident", "session_room", "post"),
    (Role.PROCTOR, "exams:sign_room_record", "session_room", "post"),
    (Role.PROCTOR, "exams:record_handover", "session_room", "post"),
    (Role.PROCTOR, "exams:request_absence", "session_room", "post"),
    (Role.PROCTOR, "exams:return_to_post", "absence", "post"),
    (Role.CLERK, "view_job", "job", "get"),
    (Role.CLERK, "download_job", "job", "get"),
    (Role.EXAM_STAFF, "finance:view_expense", "expense", "get"),
    (Role.EXAM_STAFF, "finance:download_attachment", "attachment", "get"),
    (Role.EXAM_STAFF, "finance:resubmit_expense", "expense", "post"),
    (Role.APPLICANT, "notifications:open_message", "message", "get"),
]
# What only the leader of a session's evaluation group does: the world's examiner is made chief
# examiner for these rows, and so is the other examiner, who leads no group of the world's session.
CHIEF_ROWS = [
    (Role.EXAMINER, "exams:session_sheets", "session", "get"),
    (Role.EXAMINER, "exams:session_spreads", "session", "get"),
    (Role.EXAMINER, "exams:session_spreads", "session", "post"),
    (Role.EXAMINER, "exams:reopen_sheet", "sheet", "post"),
    (Role.EXAMINER, "exams:decide_absence", "absence", "post"),
]


# Object URLs that take no object of anyone's (public, or a token), so they have no access helper.
NOT_OWNED = {
    "captcha-image": "a sign-up form's picture, public by its random key",
    "applicants:create_application": "any applicant applies to a batch open for registration",
    "password_reset_confirm": "its arguments are a token, not an object",
    "public:view_batch": "public",
    "public:object_to": "public",
    "public:view_notice": "public",
}


# The answers by which a role's account is let through to the view.
REFUSALS = (LOGIN, ANY_LOGIN, ADMIN_LOGIN, FORBIDDEN, NOT_FOUND)


def either_role(name: str, answers: list) -> object:
    """What an account holding several roles gets: what a role of his is let through to; else 404
    (a role of his reaches the page, but the object is not his); else the refusal they share."""
    through = {answer for answer in answers if answer not in REFUSALS}
    if len(through) > 1:
        raise AssertionError(f"{name}: the roles are let through to different answers {through}; say which")
    if through:
        return through.pop()
    if NOT_FOUND in answers:
        return NOT_FOUND
    assert len(set(answers)) == 1, (name, answers)
    return answers[0]


def expected_of(matrix_row: Row, who: str):
    """The row's answer for ``who``. An account of several roles holds the permissions of each but
    none of the world's objects: on a URL of a role's own object he is that role's other user (404)."""
    if who not in MULTI_ROLE:
        return matrix_row.expected[who]
    owned = {(role.value, name, method) for role, name, _key, method in OBJECT_ROWS + CHIEF_ROWS}
    answers = [
        NOT_FOUND if (role, matrix_row.name, matrix_row.method) in owned else matrix_row.expected[role]
        for role in MULTI_ROLE[who]
    ]
    return either_role(f"{matrix_row.method} {matrix_row.name} as {who}", answers)


def test_an_account_of_two_roles_is_expected_what_either_role_gets():
    rows = {(r.name, r.method): r for r in MATRIX}
    assert expected_of(rows["finance:create_account", "post"], "clerk_finance") == FOUND  # finance's
    assert expected_of(rows["finance:create_fee_plan", "post"], "clerk_finance") == FOUND  # the clerk's
    assert expected_of(rows["accounts:list_staff", "get"], "clerk_finance") == FORBIDDEN  # neither's
    assert expected_of(rows["exams:my_duties", "get"], "examiner_proctor") == OK
    # The world's sheet and room are other people's: the object rules still hold for him.
    assert expected_of(rows["exams:score_sheet", "get"], "examiner_proctor") == NOT_FOUND
    assert expected_of(rows["exams:room_record", "get"], "examiner_proctor") == NOT_FOUND
    with pytest.raises(AssertionError, match="say which"):
        either_role("a page", [OK, ELSEWHERE])


def _object_urls() -> dict[str, URLPattern]:
    """Our URLs that take an object's key (the admin keeps its own permissions)."""
    return {
        name: pattern
        for name, pattern in _all_patterns().items()
        if not name.startswith("admin:") and (pattern.pattern.regex.groups or pattern.pattern.converters)
    }


def test_every_object_url_gets_its_object_through_one_access_helper():
    """A new view that takes an object's key fails here until an ``abilities`` helper guards it."""
    object_urls = _object_urls()
    unguarded = set(object_urls) - set(OBJECT_ACCESS) - set(NOT_OWNED)
    assert not unguarded, f"object URLs without an access helper: {sorted(unguarded)}"
    assert set(OBJECT_ACCESS) <= set(object_urls), sorted(set(OBJECT_ACCESS) - set(object_urls))
    for name, helper in OBJECT_ACCESS.items():
        # The register says which helper the view uses; its module must call that helper.
        module = inspect.getmodule(inspect.unwrap(object_urls[name].callback))
        assert f"{helper.__name__}(" in inspect.getsource(module), (name, helper.__name__)


def test_every_object_url_an_applicant_examiner_or_proctor_reaches_is_in_the_cross_user_table():
    """What these roles reach by an object's key is their own object, so another of them must get 404."""
    refused = (LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED)
    reached = {
        r.name
        for r in MATRIX
        if r.name in OBJECT_ACCESS
        and any(r.expected[who] not in refused for who in ("applicant", "examiner", "proctor"))
    }
    table = {row[1] for row in OBJECT_ROWS + CHIEF_ROWS}
    assert not reached - table, sorted(reached - table)
    assert table <= set(OBJECT_ACCESS), sorted(table - set(OBJECT_ACCESS))


def test_a_sessions_sheets_and_its_spreads_admit_the_same_people(world, client_as):
    """One ability decides both pages: staff and the session's own chief examiner [考评员 §8]."""
    assert OBJECT_ACCESS["exams:session_sheets"] is OBJECT_ACCESS["exams:session_spreads"]
    ExaminerProfile.objects.filter(user=world["examiner"]).update(is_chief_examiner=True)
    outsider = _second(Role.EXAMINER)
    ExaminerProfile.objects.filter(user=outsider).update(is_chief_examiner=True)
    member = UserFactory(username="examiner-3", role=Role.EXAMINER)
    ExaminerAssignment.objects.create(
        session=world["session"],
        examiner=ExaminerProfile.objects.create(user=member),
        assigned_by=world["clerk"],
    )
    people = {**{role.value: world[role.value] for role in Role}, "outside chief": outsider, "member": member}
    answers = {}
    for who, person in people.items():
        http = client_as(person)
        answers[who] = tuple(
            http.get(reverse(name, args=[world["session"].pk])).status_code
            for name in ("exams:session_sheets", "exams:session_spreads")
        )
    assert answers == {
        **dict.fromkeys(CATALOGUE, (200, 200)),
        **dict.fromkeys(("proctor", "finance", "equipment_manager", "applicant"), (403, 403)),
        "examiner": (200, 200),
        "outside chief": (404, 404),
        "member": (403, 403),
    }


@pytest.mark.parametrize(
    ("role", "name", "key", "method"),
    OBJECT_ROWS + CHIEF_ROWS,
    # The key is a function: name it, not its address, so every xdist worker collects the same ids.
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_another_user_of_the_same_role_gets_404(role, name, key, method, world, client_as):
    kwargs = key(world) if callable(key) else {"pk": world[key].pk}
    url = reverse(name, kwargs=kwargs)
    chief = (role, name, key, method) in CHIEF_ROWS
    if chief:
        ExaminerProfile.objects.filter(user=world["examiner"]).update(is_chief_examiner=True)
    owner = getattr(client_as(world[role.value]), method)(url)
    assert owner.status_code in (200, 302), (name, owner.status_code)
    other = _second(role)
    if chief:
        ExaminerProfile.objects.filter(user=other).update(is_chief_examiner=True)
    assert getattr(client_as(other), method)(url).status_code == 404
