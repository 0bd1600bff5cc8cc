"""The base names no app: the dashboard, the menu and the public pages come from what the apps register."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from jianding.roles import Role
from tests.factories.accounts import UserFactory


def _with_roles(username, *roles: Role):
    user = UserFactory(username=username, role=roles[0])
    user.groups.add(*Group.objects.filter(name__in=[role.value for role in roles[1:]]))
    return user


def _dashboard(client_as, user):
    return client_as(user).get(reverse("dashboard"))


def _labels(response) -> list[str]:
    return [str(card.label) for card in response.context["cards"]]


@pytest.mark.django_db
def test_a_clerk_who_keeps_the_books_sees_the_cards_and_menu_of_both_roles(client_as, role_users):
    both = _with_roles("clerk-finance", Role.CLERK, Role.FINANCE)
    page = _dashboard(client_as, both)
    clerk, finance = (_dashboard(client_as, role_users[role.value]) for role in (Role.CLERK, Role.FINANCE))
    assert sorted(_labels(page)) == sorted(_labels(clerk) + _labels(finance))
    assert "管理人员 · 财务人员工作台" in page.content.decode()
    menu = [link.url for entry in page.context["nav"] for link in getattr(entry, "links", (entry,))]
    assert reverse("applicants:list_applications") in menu
    assert reverse("finance:view_books") in menu


@pytest.mark.django_db
def test_a_card_two_roles_share_shows_once_in_a_stable_order(client_as, role_users):
    """The director and the clerk both watch the batches to report: the union shows that card once."""
    both = _with_roles("director-clerk", Role.DIRECTOR, Role.CLERK)
    labels = _labels(_dashboard(client_as, both))
    director, clerk = (
        _labels(_dashboard(client_as, role_users[r.value])) for r in (Role.DIRECTOR, Role.CLERK)
    )
    assert "待报备市鉴定中心的批次" in director
    assert "待报备市鉴定中心的批次" in clerk
    assert len(labels) == len(set(labels))
    assert set(labels) == set(director) | set(clerk)
    assert labels == _labels(_dashboard(client_as, both))
