"""Staff accounts: the director creates them and grants and withdraws their roles; a forgotten password is reset by mail.

An account holds one or several staff roles (a small center's clerk often also
keeps the books). Each change of roles is kept in the account's history (who,
when, which roles, why) and announced with ``roles_changed``, so the apps that
keep something per role follow it.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jianding.client import address_limit_reached
from jianding.errors import RuleViolation
from jianding.history import history_copy_created, history_copy_m2m_created
from jianding.hooks import Contributions
from jianding.models import PasswordResetRequest, User
from jianding.permissions import require_role
from jianding.phones import phone_assign
from jianding.roles import STAFF_ROLES, Role, has_role, roles_changed


def staff_list(*, actor: User) -> QuerySet[User]:
    """Return the staff accounts (every account holding a staff role) for the director."""
    if not has_role(actor, Role.DIRECTOR):
        return User.objects.none()
    return (
        User.objects.filter(groups__name__in=[role.value for role in STAFF_ROLES])
        .distinct()
        .select_related("examiner_profile")
        .prefetch_related("groups")
        .order_by("username")
    )


def staff_holding(*roles: Role) -> QuerySet[User]:
    """Return the active accounts holding any of ``roles``: the people a step waits for, to be told."""
    return User.objects.filter(is_active=True, groups__name__in=[role.value for role in roles]).distinct()


def staff_roles(user: User) -> list[Role]:
    """Return the staff roles ``user`` holds, in the order of ``Role``, whether or not he may sign in."""
    names = {group.name for group in user.groups.all()}
    return [role for role in STAFF_ROLES if role.value in names]


@dataclass(frozen=True)
class RoleChange:
    """Roles granted and withdrawn at one change of an account, by whom and why."""

    when: datetime.datetime
    by: User | None
    granted: list[Role]
    withdrawn: list[Role]
    reason: str


def staff_role_history(*, actor: User, user: User) -> list[RoleChange]:
    """Return each grant and withdrawal of ``user``'s roles, newest first, read from the account's history."""
    if not has_role(actor, Role.DIRECTOR):
        return []
    names = dict(Group.objects.values_list("pk", "name"))
    records = list(user.history.select_related("history_user").order_by("history_date", "history_id"))
    # Each record keeps the groups the account held then, in the historical through table.
    held_then = defaultdict(set)
    for history_id, group_id in User.history.model.groups.model.objects.filter(
        history__in=records
    ).values_list("history_id", "group_id"):
        held_then[history_id].add(names[group_id])
    changes, held = [], set()
    for record in records:
        holds = held_then[record.history_id]
        granted = [role for role in STAFF_ROLES if role.value in holds - held]
        withdrawn = [role for role in STAFF_ROLES if role.value in held - holds]
        if granted or withdrawn:
            changes.append(
                RoleChange(
                    record.history_date,
                    record.history_user,
                    granted,
                    withdrawn,
                    record.history_change_reason or "",
                )
            )
        held = holds
    return changes[::-1]


#: ``role_grant_problems(user=, roles=)`` → for each app that objects to ``user`` holding ``roles``,
#: the reason (exams: an examiner assigned to a session to score may not see who the candidates are).
role_grant_problems = Contributions("jianding.staff.role_grant_problems")


def _set_roles(*, user: User, roles: Collection[Role], is_chief_examiner: bool) -> None:
    roles = {Role(role) for role in roles}
    if not roles or not roles <= set(STAFF_ROLES):
        raise RuleViolation(_("Choose one or more of the staff roles."), field="roles", code="not_staff_role")
    if is_chief_examiner and Role.EXAMINER not in roles:
        raise RuleViolation(
            _("Only an examiner can be chief examiner."),
            field="is_chief_examiner",
            code="chief_not_examiner",
        )
    problems = [problem for problem in role_grant_problems(user=user, roles=roles) if problem]
    if problems:
        raise RuleViolation(problems[0], field="roles", code="sees_identities")
    # The caller records the account with its new roles in one history record, not one per group.
    user.skip_history_when_saving = True
    try:
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    finally:
        del user.skip_history_when_saving
    roles_changed.send(
        sender=User,
        user=user,
        roles=frozenset(role.value for role in roles),
        is_chief_examiner=is_chief_examiner,
    )


@transaction.atomic
def staff_create(
    *,
    actor: User,
    username: str,
    name: str,
    phone: str,
    roles: Collection[Role],
    password: str,
    is_chief_examiner: bool = False,
) -> User:
    """Create a staff account with its roles; the person must change the password at first sign-in."""
    require_role(actor, Role.DIRECTOR)
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(
            _("This login name is taken; choose another."), field="username", code="username_taken"
        )
    user = User(username=username, name=name, must_change_password=True)
    # A number the director entered for a colleague counts as verified: no code is sent to staff.
    phone_assign(user, phone, verified=True)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password", code="weak_password") from None
    user.set_password(password)
    user.skip_history_when_saving = True
    user.save()
    del user.skip_history_when_saving
    _set_roles(user=user, roles=roles, is_chief_examiner=is_chief_examiner)
    history_copy_created(User, [user.pk], user=actor, reason=_("Staff account created"))
    history_copy_m2m_created(User, "groups", [user.pk])
    return user


@transaction.atomic
def staff_update(
    *,
    actor: User,
    user: User,
    name: str,
    phone: str,
    roles: Collection[Role],
    is_active: bool,
    is_chief_examiner: bool = False,
    reason: str = "",
) -> User:
    """Change a staff account's details, whether it may sign in, and grant or withdraw its roles.

    Granting or withdrawing a role takes the director's ``reason``, kept in the history.
    """
    require_role(actor, Role.DIRECTOR)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and (not is_active or Role.DIRECTOR not in roles):
        raise RuleViolation(
            _("You cannot take away your own director role or disable your own account."),
            field="roles" if is_active else "is_active",
            code="self_demotion",
        )
    reason = reason.strip()
    if set(staff_roles(user)) != {Role(role) for role in roles} and not reason:
        raise RuleViolation(
            _("Say why you grant or withdraw a role."), field="reason", code="reason_required"
        )
    user.name = name
    phone_changed = phone_assign(user, phone, verified=True)
    user.is_active = is_active
    _set_roles(user=user, roles=roles, is_chief_examiner=is_chief_examiner)
    user._change_reason = reason or _("Staff account changed")
    user._history_user = actor
    user.save(update_fields=["name", "is_active", *phone_changed])
    return user


# Reset e-mails one address may ask for in an hour.
PASSWORD_RESETS_PER_HOUR = 5


def password_reset_record(*, email: str, ip_address: str) -> PasswordResetRequest:
    """Record a request for a reset e-mail, or refuse it when the address asked too often this hour."""
    if (
        address_limit_reached(
            PasswordResetRequest.objects.filter(ip_address=ip_address),
            at_field="at",
            limits=[(datetime.timedelta(hours=1), PASSWORD_RESETS_PER_HOUR)],
        )
        is not None
    ):
        raise RuleViolation(
            _(
                "Too many reset e-mails were asked for from this network; try again in an hour or ask the office."
            ),
            field="email",
            code="too_many_resets",
        )
    return PasswordResetRequest.objects.create(email=email, ip_address=ip_address)
