from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exams.models import ExaminerProfile
from jianding import staff
from jianding.errors import RuleViolation
from jianding.models import User
from jianding.roles import Role, user_roles
from tests.factories.accounts import TEST_PASSWORD, UserFactory


@pytest.fixture
def director(db):
    return UserFactory(username="boss", role=Role.DIRECTOR)


def create(actor, **overrides):
    values = {
        "username": "li.ming",
        "name": "李明",
        "phone": "13912345678",
        "roles": [Role.EXAMINER],
        "password": "Kao-ping-2026",
        "is_chief_examiner": True,
    }
    return staff.staff_create(actor=actor, **{**values, **overrides})


def test_director_creates_an_examiner_who_must_change_the_password(director):
    user = create(director)
    assert user_roles(user) == {"examiner"}
    assert ExaminerProfile.objects.get(user=user).is_chief_examiner
    assert user.must_change_password
    assert user.check_password("Kao-ping-2026")
    record = user.history.earliest()
    assert record.history_change_reason == "创建工作人员账号"


@pytest.mark.parametrize("role", [Role.CLERK, Role.DEPUTY, Role.APPLICANT])
def test_only_the_director_creates_staff(db, role):
    with pytest.raises(PermissionDenied):
        create(UserFactory(role=role))
    assert not User.objects.filter(username="li.ming").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"username": "BOSS"}, "username", "username_taken"),
        ({"password": "12345678"}, "password", "weak_password"),
        ({"roles": [Role.CLERK], "is_chief_examiner": True}, "is_chief_examiner", "chief_not_examiner"),
        ({"roles": [Role.APPLICANT], "is_chief_examiner": False}, "roles", "not_staff_role"),
        ({"roles": [Role.CLERK, Role.APPLICANT], "is_chief_examiner": False}, "roles", "not_staff_role"),
        ({"roles": [], "is_chief_examiner": False}, "roles", "not_staff_role"),
    ],
)
def test_refusals_name_the_field_and_save_nothing(director, overrides, field, code):
    before = User.objects.count()
    with pytest.raises(RuleViolation) as caught:
        create(director, **overrides)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert User.objects.count() == before


def test_role_change_is_kept_in_history(director):
    user = create(director, roles=[Role.CLERK], is_chief_examiner=False)
    staff.staff_update(
        actor=director,
        user=user,
        name="李明",
        phone="",
        roles=[Role.PROCTOR],
        is_active=True,
        is_chief_examiner=False,
        reason="调任监考",
    )
    assert user_roles(User.objects.get(pk=user.pk)) == {"proctor"}
    group_changes = [
        {link.group.name for link in record.groups.all()} for record in user.history.order_by("history_id")
    ]
    assert {"proctor"} in group_changes


def test_director_cannot_lock_himself_out(director):
    for role, active, field in [(Role.DEPUTY, True, "roles"), (Role.DIRECTOR, False, "is_active")]:
        with pytest.raises(RuleViolation) as caught:
            staff.staff_update(
                actor=director, user=director, name="x", phone="", roles=[role], is_active=active, reason="x"
            )
        assert caught.value.field == field
    assert user_roles(User.objects.get(pk=director.pk)) == {"director"}


def test_create_view_shows_the_refusal_on_its_field(director, client_as):
    response = client_as(director).post(
        reverse("accounts:create_staff"),
        {"username": "boss", "name": "某", "roles": ["clerk"], "password": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_new_staff_must_change_password_before_anything_else(director, client_as):
    user = create(director, roles=[Role.CLERK], is_chief_examiner=False)
    http = client_as(user)
    assert http.get(reverse("dashboard"))["Location"] == reverse("password_change")
    response = http.post(
        reverse("password_change"),
        {
            "old_password": "Kao-ping-2026",
            "new_password1": "Xin-mi-ma-2026",
            "new_password2": "Xin-mi-ma-2026",
        },
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).must_change_password
    assert http.get(reverse("dashboard")).status_code == 200


def test_staff_list_filters_and_keeps_queries_flat(director, client_as, django_assert_num_queries):
    http = client_as(director)
    UserFactory(username="exam-a", name="甲", role=Role.EXAMINER)
    url = reverse("accounts:list_staff")
    http.get(url)  # warm the session and caches
    # session, user, the user's roles, the bell's unread count [#18], the row count, one page of
    # rows, their groups
    with django_assert_num_queries(8):
        http.get(url)
    for n in range(20):
        UserFactory(username=f"clerk-{n}", role=Role.CLERK)
    with django_assert_num_queries(8):
        response = http.get(url)
    assert "clerk-1" in response.content.decode()
    filtered = http.get(url, {"role": "examiner"}).content.decode()
    assert "exam-a" in filtered
    assert "clerk-1" not in filtered


def test_dashboard_counts_accounts_not_yet_taken_over(director, client_as):
    create(director, username="new.one", roles=[Role.CLERK], is_chief_examiner=False)
    UserFactory(username="settled", role=Role.CLERK)
    http = client_as(director)
    dashboard = http.get(reverse("dashboard"))
    card = next(card for card in dashboard.context["cards"] if card.url.endswith("taken_over=false"))
    assert card.count == 1
    listed = http.get(card.url).content.decode()
    assert "new.one" in listed
    assert "settled" not in listed


def test_a_chief_examiner_moved_to_another_role_loses_the_flag(director, client_as):
    user = create(director)
    staff.staff_update(
        actor=director,
        user=user,
        name="李明",
        phone="",
        roles=[Role.CLERK],
        is_active=True,
        reason="不再担任考评员",
    )
    assert not ExaminerProfile.objects.get(user=user).is_chief_examiner
    form = client_as(director).get(reverse("accounts:edit_staff", args=[user.pk])).context["form"]
    assert form.initial["is_chief_examiner"] is False


def test_edit_by_a_request_records_who_changed_it(director, client_as):
    user = create(director, roles=[Role.CLERK], is_chief_examiner=False)
    client_as(director).post(
        reverse("accounts:edit_staff", args=[user.pk]),
        {"name": "李明明", "phone": "", "roles": ["clerk"], "is_active": "on"},
    )
    assert user.history.latest().history_user == director


def test_director_grants_a_second_role_and_withdraws_it_with_reasons_in_the_history(director, client_as):
    user = create(director, roles=[Role.CLERK], is_chief_examiner=False)
    http = client_as(director)
    url = reverse("accounts:edit_staff", args=[user.pk])
    form = {"name": "李明", "phone": "", "is_active": "on"}
    response = http.post(url, {**form, "roles": ["clerk", "finance"], "reason": "兼任财务"})
    assert response.status_code == 302
    assert user_roles(User.objects.get(pk=user.pk)) == {"clerk", "finance"}
    http.post(url, {**form, "roles": ["finance"], "reason": "专职财务"})
    assert user_roles(User.objects.get(pk=user.pk)) == {"finance"}
    page = http.get(url)
    assert page.context["form"].initial["roles"] == ["finance"]
    history = [
        (change.by, change.granted, change.withdrawn, change.reason)
        for change in page.context["role_history"]
    ]
    assert history == [
        (director, [], [Role.CLERK], "专职财务"),
        (director, [Role.FINANCE], [], "兼任财务"),
        (director, [Role.CLERK], [], "创建工作人员账号"),
    ]
    text = page.content.decode()
    assert "兼任财务" in text
    assert "财务人员" in text


def test_a_change_of_roles_without_a_reason_is_refused_on_the_reason_field(director, client_as):
    user = create(director, roles=[Role.CLERK], is_chief_examiner=False)
    response = client_as(director).post(
        reverse("accounts:edit_staff", args=[user.pk]),
        {"name": "李明", "phone": "", "is_active": "on", "roles": ["clerk", "finance"]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["reason"][0].code == "reason_required"
    assert user_roles(User.objects.get(pk=user.pk)) == {"clerk"}


def test_details_change_without_a_reason_when_the_roles_stay(director):
    user = create(director, roles=[Role.CLERK, Role.FINANCE], is_chief_examiner=False)
    staff.staff_update(
        actor=director, user=user, name="李明明", phone="", roles=[Role.FINANCE, Role.CLERK], is_active=True
    )
    assert User.objects.get(pk=user.pk).name == "李明明"


def test_the_examiner_profile_follows_the_examiner_role_among_others(director):
    user = create(director, roles=[Role.EXAMINER, Role.PROCTOR])
    assert ExaminerProfile.objects.get(user=user).is_chief_examiner
    staff.staff_update(
        actor=director,
        user=user,
        name="李明",
        phone="",
        roles=[Role.PROCTOR, Role.EXAM_STAFF],
        is_active=True,
        is_chief_examiner=False,
        reason="改任考务",
    )
    assert not ExaminerProfile.objects.get(user=user).is_chief_examiner
    assert user_roles(User.objects.get(pk=user.pk)) == {"proctor", "exam_staff"}


def test_staff_list_export_and_print_name_every_role(director, client_as):
    UserFactory(username="two-hats", name="孙丽", role=(Role.CLERK, Role.FINANCE))
    http = client_as(director)
    listed = http.get(reverse("accounts:list_staff")).content.decode()
    assert "管理人员、财务人员" in listed
    sheet = load_workbook(BytesIO(http.get(reverse("accounts:export_staff")).content)).active
    rows = {row[0].value: row[3].value for row in sheet.iter_rows(min_row=2)}
    assert rows["two-hats"] == "管理人员、财务人员"
    reader = PdfReader(BytesIO(http.get(reverse("accounts:print_staff")).content))
    assert "管理人员、财务人员" in "".join(page.extract_text() for page in reader.pages)
