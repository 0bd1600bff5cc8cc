"""No page answers 500 to what its address or form carries (#16).

Every GET page of the permission matrix is opened once by a role that may see it; the names
its GET forms, search boxes and links carry (filters, sorting, paging, the query of an export) are the
parameters of the page they point at. Hypothesis then sends random values for them: a bad
value is ignored or refused with a message, never a server error.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exams.models import SessionRoom
from jianding.roles import Role
from tests.jianding.test_permission_matrix import MATRIX, OK, world  # noqa: F401


class QueryNames(HTMLParser):
    """Collect, per path, the parameter names and values a page's GET forms and links send."""

    def __init__(self, path: str, found: dict[str, dict[str, set[str]]]):
        super().__init__(convert_charrefs=True)
        self.path, self.found, self.form_path, self.select = path, found, None, None

    def _add(self, path: str, name: str, value: str = "") -> None:
        if name == "csrfmiddlewaretoken":
            return
        self.found.setdefault(path, {}).setdefault(name, set()).add(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # a search box that posts comes back to its list with the same names (jianding/searches.py)
            get = (attrs.get("method") or "get").lower() == "get" or attrs.get("role") == "search"
            self.form_path = (urlsplit(attrs.get("action") or "").path or self.path) if get else None
        elif tag in ("input", "select", "textarea") and self.form_path and attrs.get("name"):
            self._add(self.form_path, attrs["name"], attrs.get("value") or "")
            self.select = attrs["name"] if tag == "select" else None
        elif tag == "option" and self.form_path and self.select:
            self._add(self.form_path, self.select, attrs.get("value") or "")
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            parts = urlsplit(attrs["href"])
            for name, value in parse_qsl(parts.query, keep_blank_values=True):
                self._add(parts.path or self.path, name, value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form_path = None
        elif tag == "select":
            self.select = None


# What a visitor, a scanner or a careless link may put in an address.
ODD_VALUES = st.sampled_from(
    [
        "",
        "0",
        "-0",
        "-1",
        "1.5",
        "1e400",
        "NaN",
        "Infinity",
        "10000",
        str(2**63),  # one past the largest id
        "9" * 30,
        "9" * 5000,
        "abc",
        "\x00",
        "²",
        "١٢",
        "2026-02-30",
        "0001-01-01",
        "9999-12-31",
        "true",
        "%",
        "_",
        "'; --",
    ]
)
NUMBERS = st.integers(min_value=-(10**30), max_value=10**30).map(str)


def _pages(world, client_of) -> tuple[list[tuple[str, str]], dict[str, dict[str, set[str]]]]:  # noqa: F811
    """Each GET page with a role that opens it, and the parameters found for each path."""
    pages, found = [], {}
    for matrix_row in MATRIX:
        roles = [role.value for role in Role if matrix_row.expected[role.value] == OK]
        if matrix_row.method != "get" or not roles:
            continue
        kwargs = {key: value(world) if callable(value) else value for key, value in matrix_row.kwargs.items()}
        url = reverse(matrix_row.name, kwargs=kwargs or None)
        pages.append((url, roles[0]))
        response = client_of(roles[0]).get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            QueryNames(url, found).feed(response.content.decode())
    return pages, found


def test_no_parameter_value_makes_a_page_fail(world, client_as):  # noqa: F811
    clients = {}

    def client_of(role):
        if role not in clients:
            clients[role] = client_as(world[role])
        return clients[role]

    pages, found = _pages(world, client_of)
    every_name = sorted({"page"} | {name for names in found.values() for name in names})
    with_parameters = [(url, role) for url, role in pages if url in found]
    assert {"year", "occupation", "batch", "sort", "q"} <= set(every_name)

    @st.composite
    def requests(draw):
        url, role = draw(st.sampled_from(with_parameters) | st.sampled_from(pages))
        own = sorted(found.get(url, {}))
        names = st.sampled_from(own) | st.sampled_from(every_name) if own else st.sampled_from(every_name)
        query = {}
        for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
            known = sorted(found.get(url, {}).get(name, set()) - {""}) or ["1"]
            query[name] = draw(st.sampled_from(known) | ODD_VALUES | NUMBERS | st.text(max_size=20))
        return url, role, query

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(request=requests())
    def no_server_error(request):
        url, role, query = request
        # The test client raises what the view raised, so a server error fails here with its traceback.
        response = client_of(role).get(url, query)
        assert response.status_code < 500, (url, query)

    no_server_error()


REPORTED = [
    ("exams:list_batches", {"year": "0"}, "director"),
    ("finance:list_entries", {"year": "0"}, "director"),
    ("finance:list_entries", {"month": "13"}, "director"),
    ("exams:result_statistics", {"occupation": "abc"}, "director"),
    ("exams:export_result_statistics", {"occupation": "abc"}, "director"),
    ("exams:result_statistics", {"year": "-1"}, "director"),
    ("exams:view_statistics", {"year": "0"}, "director"),
    ("exams:export_statistics", {"year": str(10**30)}, "director"),
    ("applicants:list_applications", {"batch": str(10**23)}, "director"),
    ("audit_changes", {"user": "²"}, "director"),
    ("exams:create_batch", {"line": "²"}, "clerk"),
]


@pytest.mark.parametrize(("name", "query", "role"), REPORTED, ids=lambda value: str(value))
def test_values_the_fuzzer_reported_are_left_out(name, query, role, world, client_as):  # noqa: F811
    response = client_as(world[role]).get(reverse(name), query)
    assert response.status_code == 200
    if "filter" in (response.context or {}):
        assert not response.context["filter"].form.is_valid()


def test_a_huge_proctor_id_is_refused_with_a_message(world, client_as):  # noqa: F811
    session_room = SessionRoom.objects.get(pk=world["session_room"].pk)
    response = client_as(world["exam_staff"]).post(
        reverse("exams:set_proctors", args=[session_room.pk]),
        {f"room{session_room.pk}-proctors": [str(10**23)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "请从列表中选择监考人员" in response.content.decode()
    assert list(session_room.proctors.all()) == [world["proctor"]]
