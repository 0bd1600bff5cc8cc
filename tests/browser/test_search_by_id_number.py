"""A clerk finds an applicant by his whole ID number; the number never shows in the address."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applicants.models import Application, ApplicationStatus
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory, resident_id
from tests.factories.exams import BatchFactory


@pytest.mark.django_db(transaction=True)
def test_a_clerk_searches_the_review_queue_by_a_whole_id_number(open_page):
    UserFactory(username="clerk", role=Role.CLERK)
    batch = BatchFactory()
    number = resident_id(31)
    for name, id_number in (("王芳", number), ("李雷", resident_id(32))):
        Application.objects.create(
            applicant=ApplicantFactory(name=name, id_number=id_number),
            batch=batch,
            category="student",
            class_name="23 机电 1 班",
            status=ApplicationStatus.SUBMITTED,
        )
    clerk = open_page()
    sign_in(clerk, "clerk", TEST_PASSWORD)
    clerk.goto(reverse("applicants:list_applications"))
    expect(clerk.get_by_role("cell", name="李雷")).to_be_visible()

    clerk.get_by_label("姓名或身份证号").fill(number)
    clerk.get_by_role("button", name="筛选").click()

    expect(clerk.get_by_role("cell", name="王芳")).to_be_visible()
    expect(clerk.get_by_role("cell", name="李雷")).to_have_count(0)
    assert "q=~" in clerk.url
    assert number not in clerk.url
    expect(clerk.get_by_label("姓名或身份证号")).to_have_value(number)
    clerk.reload()
    expect(clerk.get_by_role("cell", name="王芳")).to_be_visible()
    expect(clerk.get_by_role("cell", name="李雷")).to_have_count(0)
