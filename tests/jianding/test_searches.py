"""A whole ID number typed into a list's search box finds the person and never shows in an address."""

import re
from html import unescape

import pytest
from django.urls import reverse

from applicants.models import Application, ApplicationStatus
from jianding.models import Download
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory, candidates
from tests.factories.exams import BatchFactory

NUMBER = "11010519491231002X"


def _application(number):
    return Application.objects.create(
        applicant=ApplicantFactory(id_number=number),
        batch=BatchFactory(),
        category="student",
        class_name="电气2301",
        status=ApplicationStatus.SUBMITTED,
    )


def _invited(number):
    applicant = ApplicantFactory(id_number=number, employer_or_class="电气2301")
    applicant.user.set_unusable_password()
    applicant.user.save()


def _staff(number):
    UserFactory(username=number, role=Role.CLERK)


def _downloaded(number):
    Download.objects.create(
        user=ApplicantFactory(id_number=number).user,
        ip_address="10.0.0.1",
        path="/me/export/",
        filename="my-data.xlsx",
    )


def _table_rows(response):
    return len(response.context["table"].page.object_list)


def _audit_rows(response):
    return len(response.context["rows"])


# (list, its search field, who searches, make a person with an ID number, rows found)
LISTS = [
    ("applicants:list_applications", "q", Role.CLERK, _application, _table_rows),
    ("applicants:list_invitations", "q", Role.CLERK, _invited, _table_rows),
    ("finance:list_dues", "q", Role.FINANCE, _application, _table_rows),
    ("accounts:list_staff", "q", Role.DIRECTOR, _staff, _table_rows),
    ("audit_access", "who", Role.DIRECTOR, _downloaded, _audit_rows),
]


def _links(response) -> list[str]:
    html = response.content.decode()
    return [unescape(link) for link in re.findall(r'(?:href|action|src|hx-get)="([^"]*)"', html)]


@pytest.mark.parametrize(
    ("url_name", "field", "role", "make", "rows"), LISTS, ids=[entry[0] for entry in LISTS]
)
def test_a_whole_id_number_finds_the_person_and_stays_out_of_every_address(
    url_name, field, role, make, rows, client_as
):
    make(NUMBER)
    make("110105194912310037")
    http = client_as(UserFactory(role=role))
    url = reverse(url_name)

    answer = http.post(url, {field: NUMBER})

    assert answer.status_code == 302
    location = answer["Location"]
    assert NUMBER not in location
    assert location.startswith(f"{url}?{field}=~")
    page = http.get(location)
    assert page.status_code == 200
    assert rows(page) == 1
    links = _links(page)
    assert links
    assert not [link for link in links if NUMBER in link]
    # every link back to the list or its export carries the token, and still finds the person
    searched = [link for link in links if f"{field}=~" in link]
    assert searched or url_name == "audit_access"  # the audit pages only when there is a next page
    for link in searched:
        if link.split("?")[0] in ("", url):
            assert rows(http.get(link if link.startswith("/") else f"{url}{link}")) == 1
        else:
            assert http.get(link).status_code == 200
    assert "no-store" in page["Cache-Control"]

    stranger = client_as(UserFactory(role=role))
    elsewhere = stranger.get(location)
    assert elsewhere.status_code == 200
    assert rows(elsewhere) == 0


def test_a_search_keeps_the_other_fields_in_the_address_and_works_across_pages(client_as):
    batch = BatchFactory()
    candidates(batch, {"电气2301": 21})
    for name in ("王五", "赵六"):  # found by neither the search nor on any page
        Application.objects.create(
            applicant=ApplicantFactory(name=name),
            batch=batch,
            category="student",
            status=ApplicationStatus.APPROVED,
        )
    http = client_as(UserFactory(role=Role.FINANCE))
    url = reverse("finance:list_dues")

    location = http.post(url, {"q": "申报者", "paid": "yes", "csrfmiddlewaretoken": "x"})["Location"]

    assert re.fullmatch(rf"{url}\?q=~[\w-]+&paid=yes", location)
    first = http.get(location)
    assert _table_rows(first) == 20
    following = [link for link in _links(first) if "page=2" in link]
    assert following
    assert all("q=~" in link for link in following)
    assert _table_rows(http.get(f"{url}{following[0]}")) == 1


def test_an_empty_search_goes_back_to_the_whole_list(client_as):
    http = client_as(UserFactory(role=Role.CLERK))
    url = reverse("applicants:list_applications")
    assert http.post(url, {"q": "", "status": ""})["Location"] == url


def test_an_unknown_or_broken_token_finds_nothing(client_as):
    _application(NUMBER)
    http = client_as(UserFactory(role=Role.CLERK))
    url = reverse("applicants:list_applications")
    for token in ("~", "~nothing-here", "~%00", "~" + "x" * 500):
        response = http.get(url, {"q": token})
        assert response.status_code == 200
        assert _table_rows(response) == 0
