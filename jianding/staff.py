"""Staff accounts: the director creates them and assigns each one role; a forgotten password is reset by mail."""

import datetime

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from exams.services import examiner_profile_sync
from jianding.client import address_limit_reached
from jianding.errors import RuleViolation
from jianding.models import PasswordResetRequest, User
from jianding.permissions import require_role
from jianding.roles import STAFF_ROLES, Role, has_role


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


def _set_role(user: User, role: Role, is_chief_examiner: bool) -> None:
    if role not in STAFF_ROLES:
        raise RuleViolation(_("Choose one of the staff roles."), field="role", code="not_staff_role")
    if is_chief_examiner and role != Role.EXAMINER:
        raise RuleViolation(
            _("Only an examiner can be chief examiner."),
            field="is_chief_examiner",
            code="chief_not_examiner",
        )
    user.groups.set([Group.objects.get(name=role.value)])
    examiner_profile_sync(user=user, is_examiner=role == Role.EXAMINER, is_chief_examiner=is_chief_examiner)


@transaction.atomic
def staff_create(
    *,
    actor: User,
    username: str,
    name: str,
    phone: str,
    role: Role,
    password: str,
    is_chief_examiner: bool = False,
) -> User:
    """Create a staff account with one role; the person must change the password at first sign-in."""
    require_role(actor, Role.DIRECTOR)
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(
            _("This login name is taken; choose another."), field="username", code="username_taken"
        )
    user = User(username=username, name=name, phone=phone, must_change_password=True)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password", code="weak_password") from None
    user.set_password(password)
    user._change_reason = _("Staff account created")
    user.save()
    _set_role(user, role, is_chief_examiner)
    return user


@transaction.atomic
def staff_update(
    *,
    actor: User,
    user: User,
    name: str,
    phone: str,
    role: Role,
    is_active: bool,
    is_chief_examiner: bool = False,
) -> User:
    """Change a staff account's details, role or whether it may sign in."""
    require_role(actor, Role.DIRECTOR)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and (not is_active or role != Role.DIRECTOR):
        raise RuleViolation(
            _("You cannot take away your own director role or disable your own account."),
            field="role" if is_active else "is_active",
            code="self_demotion",
        )
    user.name = name
    user.phone = phone
    user.is_active = is_active
    user._change_reason = _("Staff account changed")
    user.save(update_fields=["name", "phone", "is_active"])
    _set_role(user, role, is_chief_examiner)
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
