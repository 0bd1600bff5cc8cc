"""A newcomer applies from the batch he chose: ``next`` through sign-up, sign-in and the phone's
verification; his dashboard says what to do; 我的报名 links what he applied to [#19]."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from captcha.models import CaptchaStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants import services
from applicants.models import Applicant, Application, ApplicationStatus
from exams.models import BatchStatus
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory, resident_id
from tests.factories.exams import BatchFactory
from tests.notifications.conftest import clock, sms_provider  # noqa: F401  (the local Aliyun server)

PASSWORD = "Shen-bao-2026"
ELSEWHERE = ["https://evil.example/applicants/apply/1/", "//evil.example/", "http:///evil.example/"]


def _sign_up_form(**overrides) -> dict[str, str]:
    return {
        "name": "王芳",
        # born on a day the factories never use, so no applicant of a fixture holds it
        "id_number": resident_id(7, birth=datetime.date(1999, 9, 9)),
        "phone": "13812345678",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def _leads(address: str) -> tuple[str, str]:
    """The page ``address`` opens, and the ``next`` it carries on ("" when none)."""
    parts = urlsplit(address)
    return parts.path, parse_qs(parts.query).get("next", [""])[0]


def _captcha() -> dict[str, str]:
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def _href(page: str, text: str) -> str:
    """The address of the link whose text is ``text``."""
    return (
        re.search(rf'<a[^>]*href="([^"]*)"[^>]*>\s*{re.escape(text)}\s*</a>', page)
        .group(1)
        .replace("&amp;", "&")
    )


@pytest.fixture
def batch(db):
    return BatchFactory(status=BatchStatus.REGISTRATION_OPEN)


@pytest.fixture
def apply_page(batch) -> str:
    return reverse("applicants:create_application", args=[batch.pk])


@pytest.fixture
def newcomer(db):
    """An applicant who has just signed up: no profile beyond his phone, which is not verified."""
    return ApplicantFactory(phone="13812345678", user__phone="13812345678", user__phone_verified_at=None).user


# next: sign-in, sign-up, verification


def test_a_visitor_who_clicks_apply_signs_in_or_signs_up_with_the_batch_as_next(client, apply_page):
    sign_in = client.get(apply_page)["Location"]
    assert _leads(sign_in) == (reverse("login"), apply_page)
    page = client.get(sign_in).content.decode()
    assert _href(page, "注册申报者账号") == f"{reverse('applicants:sign_up')}?next={apply_page}"
    assert _href(page, "开通账号") == f"{reverse('applicants:activate')}?next={apply_page}"


def test_the_public_batch_page_offers_the_sign_up_that_leads_to_its_apply_page(client, batch, apply_page):
    page = client.get(reverse("public:view_batch", args=[batch.pk])).content.decode()
    assert _href(page, "报名") == apply_page
    assert _href(page, "注册申报者账号") == f"{reverse('applicants:sign_up')}?next={apply_page}"


def test_an_applicant_who_signs_in_goes_on_to_next(client, newcomer, apply_page):
    response = client.post(
        reverse("login"), {"username": newcomer.username, "password": TEST_PASSWORD, "next": apply_page}
    )
    assert response["Location"] == apply_page


def test_sign_up_carries_next_to_the_verification_whose_later_link_leads_there(client, db, apply_page):
    page = client.get(reverse("applicants:sign_up"), {"next": apply_page}).content.decode()
    assert f'<input type="hidden" name="next" value="{apply_page}">' in page
    assert _href(page, "已有账号，去登录") == f"{reverse('login')}?next={apply_page}"

    verification = client.post(reverse("applicants:sign_up"), _sign_up_form(next=apply_page))["Location"]
    assert _leads(verification) == (reverse("applicants:verify_phone"), apply_page)
    page = client.get(verification).content.decode()
    assert _href(page, "稍后验证") == apply_page
    assert client.get(apply_page).status_code == 200


def test_a_verified_phone_goes_on_to_next(client_as, newcomer, apply_page, sms_provider, clock):  # noqa: F811
    http = client_as(newcomer)
    sent = http.post(reverse("applicants:verify_phone"), {"send": "1", "next": apply_page, **_captcha()})
    assert _leads(sent["Location"]) == (reverse("applicants:verify_phone"), apply_page)
    (sms,) = sms_provider.requests
    code = re.search(r"\d{6}", json.loads(sms["TemplateParam"])["text"]).group()
    verified = http.post(sent["Location"], {"code": code, "next": apply_page})
    assert verified["Location"] == apply_page
    newcomer.refresh_from_db()
    assert newcomer.phone_verified_at is not None


def test_an_activated_student_goes_on_to_next(client, db, apply_page):
    student = ApplicantFactory()
    student.user.set_unusable_password()  # imported from a class list, waiting for his slip's code
    student.user.save(update_fields=["password"])
    code = services.applicant_invitation_code(student.user)
    response = client.post(
        f"{reverse('applicants:activate')}?next={apply_page}",
        {"id_number": student.id_number, "code": code, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == apply_page


@pytest.mark.parametrize("elsewhere", ELSEWHERE)
def test_a_next_outside_the_site_is_ignored_everywhere(client, client_as, newcomer, elsewhere):
    signed_in = client.post(
        reverse("login"), {"username": newcomer.username, "password": TEST_PASSWORD, "next": elsewhere}
    )
    assert signed_in["Location"] == reverse("dashboard")
    client.logout()

    page = client.get(reverse("applicants:sign_up"), {"next": elsewhere}).content.decode()
    assert '<input type="hidden" name="next" value="">' in page
    assert _href(page, "已有账号，去登录") == reverse("login")
    signed_up = client.post(reverse("applicants:sign_up"), _sign_up_form(next=elsewhere))
    assert signed_up["Location"] == reverse("applicants:verify_phone")
    page = client.get(reverse("applicants:verify_phone"), {"next": elsewhere}).content.decode()
    assert page.count('<input type="hidden" name="next" value="">') == 2
    assert _href(page, "稍后验证") == reverse("dashboard")

    profile = {"phone": "13812345678", "education": "vocational", "employer_or_class": "23 机电 1 班"}
    saved = client_as(newcomer).post(f"{reverse('applicants:edit_profile')}?next={elsewhere}", profile)
    assert saved["Location"] == reverse("dashboard")


@pytest.mark.parametrize("word", ["foo", "logout", "dashboard"])
def test_a_next_that_is_not_a_path_is_ignored_not_read_as_a_page_name(client, client_as, newcomer, word):
    signed_up = client.post(reverse("applicants:sign_up"), _sign_up_form(next=word))
    assert signed_up["Location"] == reverse("applicants:verify_phone")
    profile = {"phone": "13812345678", "education": "vocational", "employer_or_class": "23 机电 1 班"}
    saved = client_as(newcomer).post(f"{reverse('applicants:edit_profile')}?next={word}", profile)
    assert saved["Location"] == reverse("dashboard")


def test_the_apply_page_asks_a_newcomer_to_complete_his_profile_and_come_back(
    client_as, newcomer, apply_page
):
    page = client_as(newcomer).get(apply_page).content.decode()
    assert "报名前请先填写学历、单位或班级。" in page
    assert _leads(_href(page, "填写个人资料")) == (reverse("applicants:edit_profile"), apply_page)
    Applicant.objects.filter(user=newcomer).update(education="vocational", employer_or_class="23 机电 1 班")
    assert 'data-testid="profile-missing"' not in client_as(newcomer).get(apply_page).content.decode()


# The new applicant's dashboard


def _cards(http) -> dict[str, object]:
    return {str(card.label): card for card in http.get(reverse("dashboard")).context["cards"]}


def test_a_new_applicants_dashboard_says_what_to_do_and_links_each_step(client_as, newcomer):
    batches = [BatchFactory(status=BatchStatus.REGISTRATION_OPEN) for _ in range(2)]
    BatchFactory(status=BatchStatus.APPROVED)  # not open yet
    http = client_as(newcomer)
    cards = _cards(http)
    profile = cards["待填写的个人资料项"]
    assert (profile.count, profile.url) == (2, reverse("applicants:edit_profile"))
    assert "学历、单位或班级" in profile.hint
    phone = cards["待验证的手机"]
    assert (phone.count, phone.url) == (1, reverse("applicants:verify_phone"))
    open_batches = cards["可报名的批次"]
    assert open_batches.count == 2
    assert open_batches.url == reverse("applicants:my_applications") + "#open-batches"
    listed = http.get(open_batches.url).context["open_batches"]
    assert {row.batch.pk for row in listed if row.application is None} == {batch.pk for batch in batches}
    page = http.get(reverse("dashboard")).content.decode()
    assert "报名前请先填写学历、单位或班级。" in page


def test_the_dashboard_leads_to_the_one_open_batch_and_drops_each_step_once_done(client_as, newcomer, batch):
    http = client_as(newcomer)
    assert _cards(http)["可报名的批次"].url == reverse("applicants:create_application", args=[batch.pk])

    Applicant.objects.filter(user=newcomer).update(education="vocational", employer_or_class="23 机电 1 班")
    newcomer.phone_verified_at = newcomer.date_joined
    newcomer.save(update_fields=["phone_verified_at"])
    http.post(
        reverse("applicants:create_application", args=[batch.pk]),
        {"category": "student", "theory_attempt": "new", "skill_attempt": "new"},
    )
    assert Application.objects.filter(applicant__user=newcomer, batch=batch).exists()
    assert not {"待填写的个人资料项", "待验证的手机", "可报名的批次"} & set(_cards(http))


def test_staff_get_none_of_the_applicants_steps(client_as, batch):
    clerk = UserFactory(role=Role.CLERK, phone_verified_at=None)
    assert not {"待填写的个人资料项", "待验证的手机", "可报名的批次"} & set(_cards(client_as(clerk)))


# 我的报名


def test_my_applications_links_the_application_to_a_batch_instead_of_offering_to_apply_again(
    client_as, newcomer, batch
):
    other = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    withdrawn = BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    applicant = Applicant.objects.get(user=newcomer)
    mine = Application.objects.create(
        applicant=applicant, batch=batch, category="student", status=ApplicationStatus.RETURNED
    )
    Application.objects.create(
        applicant=applicant, batch=withdrawn, category="student", status=ApplicationStatus.WITHDRAWN
    )
    # someone else's application to the other batch changes nothing for him
    Application.objects.create(applicant=ApplicantFactory(), batch=other, category="student")
    page = client_as(newcomer).get(reverse("applicants:my_applications")).content.decode()
    assert _href(page, "我的报名：已退回修改") == reverse("applicants:view_application", args=[mine.pk])
    assert reverse("applicants:create_application", args=[batch.pk]) not in page
    assert reverse("applicants:create_application", args=[other.pk]) in page
    assert reverse("applicants:create_application", args=[withdrawn.pk]) in page


def test_my_applications_takes_as_many_queries_with_many_open_batches(client_as, newcomer, batch):
    http = client_as(newcomer)
    applicant = Applicant.objects.get(user=newcomer)
    Application.objects.create(applicant=applicant, batch=batch, category="student")
    http.get(reverse("applicants:my_applications"))  # the first visit also loads what a session keeps

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert http.get(reverse("applicants:my_applications")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        Application.objects.create(
            applicant=applicant, batch=BatchFactory(status=BatchStatus.REGISTRATION_OPEN), category="student"
        )
        BatchFactory(status=BatchStatus.REGISTRATION_OPEN)
    assert queries() == few


# The phone keypad


@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("applicants:sign_up", None),
        ("applicants:request_reset_code", None),
        ("applicants:edit_profile", Role.APPLICANT),
        ("accounts:create_staff", Role.DIRECTOR),
    ],
)
def test_every_phone_input_opens_the_phone_keypad(client, client_as, role_users, url_name, role):
    http = client_as(role_users[role.value]) if role else client
    page = http.get(reverse(url_name)).content.decode()
    (phone,) = re.findall(r'<input[^>]*name="phone"[^>]*>', page)
    assert 'inputmode="tel"' in phone
    assert 'autocomplete="tel"' in phone
