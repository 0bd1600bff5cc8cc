import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from jianding import roles
from jianding.roles import ROLE_PERMISSIONS, Role, has_role, role_groups_sync, user_roles
from tests.factories.accounts import UserFactory


def _keys(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


@pytest.mark.django_db
def test_migrate_creates_one_group_per_role_with_exactly_its_permissions():
    available = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    for role in Role:
        group = Group.objects.get(name=role.value)
        assert _keys(group) == roles.role_permission_keys(role, available)
    assert "jianding.add_user" in _keys(Group.objects.get(name="director"))
    assert "jianding.add_user" not in _keys(Group.objects.get(name="clerk"))


@pytest.mark.django_db
def test_sync_removes_a_permission_granted_by_hand():
    clerk = Group.objects.get(name=Role.CLERK.value)
    clerk.permissions.add(Permission.objects.get(codename="delete_user"))
    role_groups_sync(apps=apps, strict=True)
    assert "jianding.delete_user" not in _keys(clerk)


@pytest.mark.django_db
def test_strict_sync_refuses_a_misspelt_permission(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.CLERK, ("exams.add_ocupation",))
    with pytest.raises(LookupError, match="add_ocupation"):
        role_groups_sync(apps=apps, strict=True)


@pytest.mark.django_db
def test_role_helpers_read_groups_and_ignore_inactive_users():
    examiner = UserFactory(role=Role.EXAMINER)
    assert has_role(examiner, Role.EXAMINER, Role.PROCTOR)
    assert not has_role(examiner, Role.DIRECTOR)
    assert user_roles(UserFactory(role=Role.CLERK, is_active=False)) == frozenset()
