"""Whole or masked identity and phone numbers: the rule per role and place, then on the real pages."""

import datetime
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from stdnum.cn import ric

from applicants.models import Application, ApplicationStatus
from exams.models import BatchStatus
from jianding.privacy import Where, birth_shown, id_number_shown, login_shown, phone_shown
from jianding.roles import REVIEWER_ROLES, Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory
from tests.pdf import pdf_text

NUMBER, MASKED = "11010519491231002X", "110105********002X"
BORN = datetime.date(1949, 12, 31)
PHONE, MASKED_PHONE = "13912345678", "139****5678"
# The rule as the center states it, written out again here so that a change to it shows.
WHOLE = {
    Where.LIST: set(),
    Where.RECORD: {Role.CLERK, Role.EXAM_STAFF},
    Where.REGISTER: {Role.CLERK, Role.EXAM_STAFF},
    Where.OWN_FORM: {Role.CLERK, Role.EXAM_STAFF, Role.APPLICANT},
    Where.PUBLIC: set(),
}


@pytest.mark.parametrize("where", list(Where), ids=lambda where: where.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_the_rule_per_role_and_place(db, role, where):
    user = UserFactory(role=role)
    whole = role in WHOLE[where]
    assert id_number_shown(NUMBER, user, where) == (NUMBER if whole else MASKED)
    assert phone_shown(PHONE, user, where) == (PHONE if whole else MASKED_PHONE)


@pytest.mark.parametrize("where", list(Where), ids=lambda where: where.value)
def test_nobody_signed_in_sees_masked_numbers(where):
    assert id_number_shown(NUMBER, None, where) == MASKED
    assert phone_shown(PHONE, None, where) == MASKED_PHONE


@pytest.mark.parametrize("where", list(Where), ids=lambda where: where.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_beside_a_masked_number_the_birth_date_is_an_age(db, role, where):
    birth = birth_shown(BORN, UserFactory(role=role), where, today=datetime.date(2026, 12, 30))
    if role in WHOLE[where]:
        assert (birth.label, birth.value) == ("出生日期", "1949-12-31")
    else:
        assert (birth.label, birth.value) == ("年龄", "76 岁")


def test_a_short_or_missing_phone_gives_nothing_away():
    assert phone_shown("", None, Where.LIST) == ""
    assert phone_shown("1234567", None, Where.LIST) == "*******"


@pytest.fixture
def application(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    applicant = ApplicantFactory(id_number=NUMBER, phone=PHONE, birth_date=BORN, user__username=NUMBER)
    return Application.objects.create(
        applicant=applicant,
        batch=batch,
        category="student",
        class_name="23 机电 1 班",
        status=ApplicationStatus.CITY_APPROVED,
    )


@pytest.mark.parametrize("role", REVIEWER_ROLES, ids=lambda role: role.value)
def test_pages_registers_and_exports_follow_the_rule(application, client_as, role):
    http = client_as(UserFactory(role=role))
    whole = role in WHOLE[Where.RECORD]
    shown_id, shown_phone = (NUMBER, PHONE) if whole else (MASKED, MASKED_PHONE)

    queue = http.get(reverse("applicants:list_applications")).content.decode()
    assert MASKED in queue
    assert NUMBER not in queue

    record = http.get(reverse("applicants:view_application", args=[application.pk])).content.decode()
    assert shown_id in record
    assert shown_phone in record
    if not whole:
        assert NUMBER not in record
        assert PHONE not in record

    sheet = load_workbook(
        BytesIO(http.get(reverse("applicants:export_roster", args=[application.batch_id])).content)
    ).active
    assert sheet["D2"].value == shown_id
    assert sheet["L2"].value == shown_phone

    roster = pdf_text(http.get(reverse("applicants:print_roster", args=[application.batch_id])).content)
    assert shown_id in roster
    if not whole:
        assert NUMBER not in roster


@pytest.mark.parametrize("role", [Role.CLERK, Role.EXAM_STAFF], ids=lambda role: role.value)
def test_pages_and_papers_with_whole_numbers_are_never_stored(application, client_as, role):
    http = client_as(UserFactory(role=role))
    batch = application.batch_id
    for name, args, query in [
        ("applicants:view_application", [application.pk], {}),
        ("applicants:print_application", [application.pk], {}),
        ("applicants:list_applications", [], {"q": NUMBER}),
        ("applicants:print_roster", [batch], {"form": "register"}),
        ("applicants:export_roster", [batch], {}),
    ]:
        response = http.get(reverse(name, args=args), query)
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "private, no-store", name


def test_the_applicant_sees_his_record_masked_and_signs_his_form_whole(application, client_as):
    http = client_as(application.applicant.user)
    record = http.get(reverse("applicants:view_application", args=[application.pk])).content.decode()
    assert MASKED in record
    assert MASKED_PHONE in record
    assert NUMBER not in record
    form = pdf_text(http.get(reverse("applicants:print_application", args=[application.pk])).content)
    assert NUMBER in form
    assert PHONE in form


def test_the_invitation_list_masks_phones(client_as):
    invited = ApplicantFactory(id_number=NUMBER, phone=PHONE, user__username=NUMBER).user
    invited.set_unusable_password()
    invited.save()
    page = (
        client_as(UserFactory(role=Role.CLERK)).get(reverse("applicants:list_invitations")).content.decode()
    )
    assert MASKED in page
    assert MASKED_PHONE in page
    assert PHONE not in page


def test_an_applicant_named_anywhere_shows_his_login_masked(db):
    applicant = ApplicantFactory(name="韩梅", id_number=NUMBER, user__username=NUMBER)
    assert str(applicant.user) == f"韩梅（{MASKED}）"
    assert login_shown("clerk") == "clerk"
    assert login_shown(None) == ""
    assert str(UserFactory(username="bob", name="Bob", role=Role.CLERK)) == "Bob（bob）"


def test_the_audit_of_sign_ins_masks_an_applicants_login(client, client_as):
    ApplicantFactory(id_number=NUMBER, user__username=NUMBER)
    client.post(reverse("login"), {"username": NUMBER, "password": "wrong-password"})
    page = client_as(UserFactory(role=Role.DIRECTOR)).get(reverse("audit_access")).content.decode()
    assert MASKED in page
    assert NUMBER not in page


WHOLE_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
MASK = re.compile(r"(?<![0-9])([0-9]{6})\*{8}([0-9]{3}[0-9X])")
DATES = [
    re.compile(pattern)
    for pattern in (
        r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})",
        r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})",
        r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})",
        r"([0-9]{4}) ?年 ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?日",
        r"(?<![0-9])([0-9]{4})([0-9]{2})([0-9]{2})(?![0-9])",
    )
]


def reconstructed(text: str) -> set[str]:
    """Every whole ID number a reader puts together from ``text``: shown whole, or a mask and a date beside it."""
    found = set(WHOLE_NUMBER.findall(text))
    dates = {f"{y}{int(m):02d}{int(d):02d}" for pattern in DATES for y, m, d in pattern.findall(text)}
    for head, tail in MASK.findall(text):
        found.update(head + date + tail for date in dates if ric.is_valid(head + date + tail))
    return found


def _text(response) -> str:
    if response["Content-Type"] == "application/pdf":
        return pdf_text(response.content)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(BytesIO(response.content)).active
        return "\n".join(" ".join(str(cell) for cell in row if cell is not None) for row in sheet.values)
    return response.content.decode()


def test_the_reconstruction_finds_a_mask_completed_by_a_date():
    assert reconstructed(f"{MASKED} 出生日期 1949-12-31") == {NUMBER}
    assert reconstructed(f"{MASKED} 1949年12月31日") == {NUMBER}
    assert reconstructed(f"{MASKED} 76 岁") == set()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.DEPUTY, Role.APPLICANT], ids=lambda role: role.value)
def test_no_page_or_file_a_masked_role_reaches_completes_the_mask(application, client_as, role):
    if role == Role.APPLICANT:
        http = client_as(application.applicant.user)
        pages = [
            ("dashboard", []),
            ("applicants:edit_profile", []),
            ("applicants:view_application", [application.pk]),
            ("applicants:my_applications", []),
        ]
    else:
        http = client_as(UserFactory(role=role))
        batch = application.batch_id
        pages = [
            ("applicants:view_application", [application.pk]),
            ("applicants:print_application", [application.pk]),
            ("applicants:list_applications", []),
            ("applicants:print_roster", [batch]),
            ("applicants:export_roster", [batch]),
        ]
    if role == Role.DIRECTOR:
        # The desk had typed another number and its birth date, then corrected both: the history keeps it.
        applicant = application.applicant
        applicant.id_number, applicant.birth_date = "110105194912300024", datetime.date(1949, 12, 30)
        applicant.save()
        applicant.id_number, applicant.birth_date = NUMBER, BORN
        applicant.save()
        pages.append(("audit_record", ["applicants.applicant", applicant.pk]))
    for name, args in pages:
        response = http.get(reverse(name, args=args))
        assert response.status_code == 200, name
        text = _text(response)
        assert MASKED in text or name == "applicants:my_applications", name
        assert reconstructed(text) == set(), name
