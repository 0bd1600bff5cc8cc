"""The director finds every change, sign-in and download; nobody else reaches the audit pages."""

import datetime

from django.urls import reverse

from jianding import staff
from jianding.models import Disclosure, Download
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_change_shows_who_when_before_after_and_why(client_as):
    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    clerk = UserFactory(username="wenyuan", role=Role.CLERK)
    target = UserFactory(username="kaowu", name="钱勇", phone="13900000001", role=Role.EXAM_STAFF)
    target.phone = "13900000002"
    target._history_user, target._change_reason = clerk, "换了手机号"
    target.save()
    http = client_as(director)
    page = http.get(reverse("audit_changes"), {"kind": "jianding.user", "user": clerk.pk})
    rows = page.context["rows"]
    assert [(row.object_pk, row.record.history_type) for row in rows] == [(target.pk, "~")]
    html = page.content.decode()
    assert "换了手机号" in html
    record = http.get(reverse("audit_record", args=["jianding.user", target.pk]))
    step = record.context["steps"][0]
    assert step["record"].history_user == clerk
    assert [(str(label), old, new) for label, old, new in step["changes"]] == [
        ("电话", "139****0001", "139****0002")
    ]
    assert http.get(reverse("audit_record", args=["nothing.here", 1])).status_code == 404
    assert http.get(reverse("audit_changes"), {"user": "abc", "start": "not-a-date"}).status_code == 200
    today = datetime.date.today()
    later = http.get(reverse("audit_changes"), {"start": (today + datetime.timedelta(days=2)).isoformat()})
    assert later.context["rows"] == []


def test_sign_ins_failures_lock_outs_and_downloads_are_logged(client, client_as, settings):
    settings.AXES_FAILURE_LIMIT = 2
    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    UserFactory(username="caiwu", role=Role.FINANCE)
    assert _sign_in(client, "caiwu", TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    _sign_in(client, "caiwu", "wrong-one")
    _sign_in(client, "caiwu", "wrong-two")
    http = client_as(director)
    response = http.get(reverse("accounts:export_staff"))
    assert response.status_code == 200
    download = Download.objects.get()
    assert (download.user, download.filename, download.path) == (
        director,
        download.filename,
        "/staff/export/",
    )
    assert download.filename.endswith(".xlsx")
    kinds = [event.kind for event in http.get(reverse("audit_access"), {"who": "caiwu"}).context["rows"]]
    assert kinds.count("sign_in") == 1
    assert "sign_in_failed" in kinds
    assert "locked_out" in kinds
    everything = http.get(reverse("audit_access")).context["rows"]
    assert everything[0].kind == "download"
    assert str(everything[0].label) == "下载"


def test_the_change_list_keeps_its_queries_flat(client_as, django_assert_max_num_queries):
    from jianding.audit import audited_models

    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    http = client_as(director)
    budget = len(audited_models()) + 8
    with django_assert_max_num_queries(budget):
        http.get(reverse("audit_changes"))
    for number in range(30):
        UserFactory(username=f"u{number}", role=Role.PROCTOR)
    with django_assert_max_num_queries(budget):
        assert len(http.get(reverse("audit_changes")).context["rows"]) == 50  # a full page


def test_numbers_in_a_history_are_masked_until_asked_for_and_the_asking_is_recorded(client_as):
    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    applicant = ApplicantFactory(
        id_number="11010519491231002X", birth_date=datetime.date(1949, 12, 30), phone="13912345678"
    )
    # The desk corrects a mistyped birth date and a new phone number.
    applicant.birth_date, applicant.phone = datetime.date(1949, 12, 31), "13987654321"
    applicant.save()
    http = client_as(director)
    url = reverse("audit_record", args=["applicants.applicant", applicant.pk])
    masked = http.get(url)
    assert [(str(label), old, new) for label, old, new in masked.context["steps"][0]["changes"]] == [
        ("出生日期", "****-**-**", "****-**-**"),
        ("手机号", "139****5678", "139****4321"),
    ]
    for whole in ("13912345678", "13987654321", "1949", "12月3"):
        assert whole not in masked.content.decode()
    assert not Disclosure.objects.exists()

    assert (
        http.get(reverse("show_whole_record", args=["applicants.applicant", applicant.pk])).status_code == 405
    )
    shown = http.post(reverse("show_whole_record", args=["applicants.applicant", applicant.pk]))
    assert shown["Cache-Control"] == "private, no-store"
    assert [(old, new) for _label, old, new in shown.context["steps"][0]["changes"]] == [
        (datetime.date(1949, 12, 30), datetime.date(1949, 12, 31)),
        ("13912345678", "13987654321"),
    ]
    assert "13912345678" in shown.content.decode()
    disclosure = Disclosure.objects.get()
    assert (disclosure.user, disclosure.kind, disclosure.object_pk) == (
        director,
        "applicants.applicant",
        str(applicant.pk),
    )
    events = http.get(reverse("audit_access")).context["rows"]
    assert [(event.kind, event.detail) for event in events if event.kind == "disclosure"] == [
        ("disclosure", f"申报者 #{applicant.pk}")
    ]
    assert http.post(reverse("show_whole_record", args=["applicants.applicant", 0])).status_code == 404
    assert Disclosure.objects.count() == 1


def test_a_change_of_roles_shows_the_roles_before_and_after_with_the_reason(client_as):
    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    target = UserFactory(username="wenyuan", name="孙丽", role=Role.CLERK)
    staff.staff_update(
        actor=director,
        user=target,
        name="孙丽",
        phone=target.phone,
        roles=[Role.CLERK, Role.FINANCE],
        is_active=True,
        reason="兼任财务",
    )
    record = client_as(director).get(reverse("audit_record", args=["jianding.user", target.pk]))
    step = record.context["steps"][0]
    assert (step["record"].history_user, step["record"].history_change_reason) == (director, "兼任财务")
    assert [(str(label), old, new) for label, old, new in step["changes"]] == [
        ("组", "管理人员", "管理人员、财务人员")
    ]
