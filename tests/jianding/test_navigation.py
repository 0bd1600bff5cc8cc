"""The menu groups the entries by area and marks the page's own; the front door at `/` [#19]."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from exams.models import BatchStatus, ExamSession
from jianding import outreach
from jianding.navigation import MenuGroup, MenuLink, menu_groups
from jianding.portal import Area, NavItem, menu_for
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.exams import BatchFactory, days_from_today

ITEMS = [
    NavItem("Dashboard", "dashboard", (), None),
    NavItem("Batches", "exams:list_batches", (), Area.EXAMINATIONS),
    NavItem("Applications", "applicants:list_applications", (), Area.REGISTRATION),
    NavItem("Audit", "audit_changes", (), Area.SYSTEM),
    NavItem("Plans", "exams:list_plans", (), Area.EXAMINATIONS),
]


def _shape(menu) -> list:
    return [
        (entry.label, [link.label for link in entry.links]) if isinstance(entry, MenuGroup) else entry.label
        for entry in menu
    ]


def test_entries_are_grouped_by_area_in_the_areas_order_and_a_lone_entry_stays_a_link():
    menu = menu_groups(ITEMS, "/")
    # The registration area comes first whatever order the apps registered in.
    assert _shape(menu) == ["Dashboard", "Applications", ("考务", ["Batches", "Plans"]), "Audit"]


def test_the_page_and_its_area_are_marked_and_a_page_under_an_entry_marks_that_entry():
    menu = menu_groups(ITEMS, reverse("exams:list_plans"))
    group = menu[2]
    assert group.active
    assert [(link.label, link.current, link.active) for link in group.links] == [
        ("Batches", False, False),
        ("Plans", True, True),
    ]
    assert not menu[0].active  # the home `/` is marked only on itself
    under = menu_groups(ITEMS, reverse("exams:view_batch", args=[7]))
    assert [(link.label, link.current, link.active) for link in under[2].links] == [
        ("Batches", False, True),
        ("Plans", False, False),
    ]
    assert menu_groups(ITEMS, "/")[0] == MenuLink("Dashboard", "/", current=True, active=True)


def _with_roles(username, *roles: Role):
    user = UserFactory(username=username, role=roles[0])
    user.groups.add(*Group.objects.filter(name__in=[role.value for role in roles[1:]]))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CLERK, Role.DIRECTOR], ids=lambda role: role.value)
def test_the_busiest_bars_hold_a_few_menus_that_cover_every_entry(role, role_users):
    user = role_users[role.value]
    menu = menu_groups(menu_for(user), "/")
    assert len(menu_for(user)) > 15
    assert len(menu) <= 7
    assert sum(len(getattr(entry, "links", (entry,))) for entry in menu) == len(menu_for(user))


@pytest.mark.django_db
def test_a_person_of_several_roles_gets_one_menu_each_area_once(client_as):
    both = _with_roles("clerk-finance", Role.CLERK, Role.FINANCE, Role.EXAMINER)
    page = client_as(both).get(reverse("exams:list_batches"))
    nav = page.context["nav"]
    groups = [entry for entry in nav if isinstance(entry, MenuGroup)]
    assert len({group.area for group in groups}) == len(groups)
    examinations = next(group for group in groups if group.area == Area.EXAMINATIONS)
    finance = next(group for group in groups if group.area == Area.FINANCE)
    assert "我的考评资格" in [str(link.label) for link in examinations.links]  # the examiner's
    assert "账簿" in [str(link.label) for link in finance.links]  # the finance officer's
    html = page.content.decode()
    assert (
        f'<a class="dropdown-item active" href="{reverse("exams:list_batches")}" aria-current="page">' in html
    )
    assert 'class="nav-link dropdown-toggle active" type="button" data-bs-toggle="dropdown"' in html


# --- the front door ---------------------------------------------------------


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", role=Role.CLERK)


def test_a_visitor_at_the_root_gets_the_public_home(client, clerk, settings):
    settings.CENTER_ADDRESS = "行政楼 201 室"
    settings.CENTER_PHONE = "0571-8888 6666"
    settings.CENTER_DESK_HOURS = "工作日 8:30–11:30"
    batch = BatchFactory(status=BatchStatus.REGISTRATION_OPEN, occupation__name="电工")
    BatchFactory(
        occupation__name="焊工",
        status=BatchStatus.REPORTED,
        publicity_starts=days_from_today(-1),
        publicity_ends=days_from_today(3),
    )
    outreach.notice_save(
        actor=clerk,
        title="六月鉴定报名通知",
        body="……",
        publish_at=timezone.now() - datetime.timedelta(hours=1),
    )
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("public:view_batch", args=[batch.pk]) in page
    assert "六月鉴定报名通知" in page
    assert "正在公示" in page
    assert "焊工" in page
    assert "如何报名" in page
    assert reverse("applicants:sign_up") in page
    for fact in ("行政楼 201 室", 'href="tel:0571-88886666"', "工作日 8:30–11:30"):
        assert fact in page
    assert reverse("public:consult") in page
    assert page.count(f'href="{reverse("login")}"') == 1  # sign-in is one button
    assert 'aria-current="page">首页</a>' in page


def test_a_signed_in_person_at_the_root_still_gets_his_dashboard(client_as, clerk):
    page = client_as(clerk).get("/")
    assert page.templates[0].name == "dashboard.html"
    assert "管理人员工作台" in page.content.decode()


def test_the_public_home_reads_the_same_queries_for_one_batch_or_twenty(
    client, clerk, django_assert_num_queries
):
    def add_some():
        BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
        BatchFactory(
            status=BatchStatus.REPORTED,
            publicity_starts=days_from_today(-1),
            publicity_ends=days_from_today(3),
        )
        outreach.notice_save(actor=clerk, title="通知", body="……", publish_at=timezone.now())

    add_some()
    client.get("/")
    # the open batches, the publicity in progress, the notices; a visitor has no session to read
    with django_assert_num_queries(3) as captured:
        client.get("/")
    for _ in range(10):
        add_some()
    with django_assert_num_queries(len(captured.captured_queries)):
        assert client.get("/").status_code == 200


def test_the_public_batch_page_says_where_and_when_once_sessions_are_set(client, db):
    batch = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    url = reverse("public:view_batch", args=[batch.pk])
    assert "考试时间和地点" not in client.get(url).content.decode()
    day = days_from_today(40)
    ExamSession.objects.create(
        batch=batch, part="theory", date=day, starts_at=datetime.time(9), ends_at=datetime.time(11)
    )
    ExamSession.objects.create(
        batch=batch,
        part="skill",
        date=day,
        starts_at=datetime.time(14),
        ends_at=datetime.time(17),
        place="东校区实训楼",
    )
    page = client.get(url).content.decode()
    assert "考试时间和地点" in page
    assert f"{day:%Y-%m-%d} 09:00–11:00 · 本鉴定所" in page
    assert f"{day:%Y-%m-%d} 14:00–17:00 · 东校区实训楼" in page
