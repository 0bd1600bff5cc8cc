import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from applicants.models import Applicant, SignUpAttempt
from jianding.client import address_limit_reached
from jianding.errors import RuleViolation
from jianding.history import history_copy_created, history_copy_m2m_created
from jianding.identity import ResidentId, resident_id_parse
from jianding.models import User
from jianding.phones import phone_assign
from jianding.pinyin import name_sort_key
from jianding.roles import Role, has_role
from notifications.models import PhoneCode
from notifications.verification import phone_code_check, phone_code_send


@transaction.atomic
def sign_up_attempt_record(*, ip_address: str) -> SignUpAttempt:
    """Count one sending of the sign-up form, or refuse it when the address sent too many.

    Every sending counts, whatever its outcome, so that the form's answers
    (a number already registered among them) cannot be asked for in bulk.
    Attempts older than the longest window are removed meanwhile.
    """
    per_hour = settings.SIGNUP_ATTEMPTS_PER_ADDRESS_HOUR
    day = datetime.timedelta(days=1)
    if (
        address_limit_reached(
            SignUpAttempt.objects.filter(ip_address=ip_address),
            at_field="at",
            limits=[(datetime.timedelta(hours=1), per_hour), (day, 3 * per_hour)],
        )
        is not None
    ):
        raise RuleViolation(
            _(
                "Too many sign-up attempts were made from this network; try again in an hour or ask the center."
            ),
            code="too_many_sign_up_attempts",
        )
    SignUpAttempt.objects.filter(at__lt=timezone.now() - day).delete()
    return SignUpAttempt.objects.create(ip_address=ip_address)


def applicant_register(
    *,
    name: str,
    id_number: str,
    phone: str,
    password: str,
    ip_address: str | None = None,
) -> Applicant:
    """Create an applicant's account, signed in with his resident ID number.

    Birth date and sex are taken from the ID number; ``validate_password`` runs
    against the new account so the ID number itself is refused as a password.
    One address may open ``SIGNUPS_PER_ADDRESS_HOUR`` accounts an hour and
    three times as many a day (a school's computer room shares one address).
    """
    per_hour = settings.SIGNUPS_PER_ADDRESS_HOUR
    # Without an address (an account made by the center's own tools) there is nothing to count.
    if (
        ip_address
        and address_limit_reached(
            Applicant.objects.filter(signed_up_from=ip_address),
            at_field="created_at",
            limits=[(datetime.timedelta(hours=1), per_hour), (datetime.timedelta(days=1), 3 * per_hour)],
        )
        is not None
    ):
        raise RuleViolation(
            _("Too many accounts were opened from this network recently; try again later or ask the center."),
            code="too_many_sign_ups",
        )
    resident = resident_id_parse(id_number)
    user = User(username=resident.number, name=name, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password1", code="weak_password") from None
    user.set_password(password)
    # Said of the whole form, as the sign-in page says "wrong name or password": a stranger
    # trying numbers learns no more here than there.
    taken = RuleViolation(
        _(
            "No account can be opened with these details. If you opened one before, sign in with your "
            "ID number; the center resets a forgotten password."
        ),
        code="id_number_taken",
    )
    if User.objects.filter(username=resident.number).exists():
        raise taken
    try:
        with transaction.atomic():
            user._change_reason = _("Applicant signed up")
            user.save()
            return applicant_record_create(
                user=user, name=name, resident=resident, phone=phone, signed_up_from=ip_address
            )
    except IntegrityError:
        # Two sign-ups with one number at the same moment: the second loses here.
        raise taken from None


def applicant_record_create(*, user, name: str, resident: ResidentId, phone: str, **details) -> Applicant:
    """Make the saved account an applicant's: his role, and his record with birth date and sex from the ID number."""
    user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
    return Applicant.objects.create(
        user=user,
        name=name,
        name_sort_key=name_sort_key(name),
        id_number=resident.number,
        birth_date=resident.birth_date,
        sex=resident.sex,
        phone=phone,
        **details,
    )


@transaction.atomic
def applicant_profile_update(
    *, actor, applicant: Applicant, phone: str, education: str, work_history: str, employer_or_class: str
) -> Applicant:
    """Complete or change the applicant's own profile; name and ID number stay as registered.

    The phone is also his account's, where his text messages go: a new one waits for its code.
    """
    if applicant.user_id != actor.pk:
        raise PermissionDenied
    applicant.phone, applicant.education = phone, education
    applicant.work_history, applicant.employer_or_class = work_history, employer_or_class
    applicant.save(update_fields=["phone", "education", "work_history", "employer_or_class"])
    user = User.objects.select_for_update().get(pk=actor.pk)
    if changed := phone_assign(user, phone):
        user._change_reason = _("Phone changed by the applicant")
        user.save(update_fields=changed)
    return applicant


# Invitation codes are printed on slips: no 0/O or 1/I to misread.
INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITATION_LENGTH = 8


def _unusable_password() -> str:
    """What ``make_password(None)`` gives, 40 times faster: ten thousand are made at once."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def applicants_create_bulk(*, actor, applicants: list[Applicant], reason: str) -> list[Applicant]:
    """Create the accounts of many new applicants at once, each waiting for its invitation.

    The accounts get no password (hashing ten thousand would take minutes);
    each student sets his own with the code of ``applicant_invitation_code``.
    Accounts, their group and both histories are written in bulk.
    """
    if not has_role(actor, Role.CLERK):
        raise PermissionDenied
    group = Group.objects.get(name=Role.APPLICANT.value)
    users = [
        User(
            username=applicant.id_number,
            name=applicant.name,
            phone=applicant.phone,
            password=_unusable_password(),
        )
        for applicant in applicants
    ]
    with transaction.atomic():
        User.objects.bulk_create(users)
        user_pks = [user.pk for user in users]
        history_copy_created(User, user_pks, user=actor, reason=reason)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=pk, group_id=group.pk) for pk in user_pks]
        )
        history_copy_m2m_created(User, "groups", user_pks)
        for applicant, user in zip(applicants, users, strict=True):
            applicant.user_id = user.pk
            applicant.name_sort_key = name_sort_key(applicant.name)
        Applicant.objects.bulk_create(applicants)
        history_copy_created(Applicant, [applicant.pk for applicant in applicants], user=actor, reason=reason)
        return applicants


def applicant_invitation_code(user: User) -> str:
    """Return the code that lets the person of an account without password set one.

    It is derived from the account's unusable password, which changes when a
    password is set: the code works once, and a new unusable password voids it.
    """
    digest = salted_hmac("jianding.invitation", f"{user.pk}:{user.password}", algorithm="sha256").digest()
    return "".join(
        INVITATION_ALPHABET[byte % len(INVITATION_ALPHABET)] for byte in digest[:INVITATION_LENGTH]
    )


def applicant_invitation_valid(user: User | None, code: str) -> bool:
    """Whether ``code`` is the open invitation of ``user``; False once a password is set."""
    if user is None or user.has_usable_password() or not user.is_active:
        return False
    typed = "".join(code.split()).upper()
    return constant_time_compare(typed, applicant_invitation_code(user))


@transaction.atomic
def applicant_activate(*, id_number: str, code: str, password: str) -> User:
    """Set the first password of an invited account; the code stops working at once.

    A wrong number and a wrong code are refused alike, so the page does not
    tell who has an account.
    """
    user = User.objects.select_for_update().filter(username=id_number).first()
    if not applicant_invitation_valid(user, code):
        raise RuleViolation(
            _("The ID number or the invitation code is wrong, or the account is already in use."),
            field="code",
            code="invitation_invalid",
        )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password1", code="weak_password") from None
    user.set_password(password)
    user._change_reason = _("Invitation accepted")
    user.save()
    return user


@transaction.atomic
def applicant_password_reset(*, actor, applicant: Applicant) -> None:
    """The center voids a forgotten password: the applicant sets a new one with a fresh invitation slip.

    For applicants without e-mail. Nobody at the desk ever knows the new
    password; the old one and every open session of the account stop working.
    """
    if not has_role(actor, Role.CLERK, Role.EXAM_STAFF):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=applicant.user_id)
    if not user.has_usable_password():
        raise RuleViolation(
            _("This account has no password yet; print its invitation slip instead."), code="no_password"
        )
    user.set_unusable_password()
    user._change_reason = _("Password reset by the center")
    user._history_user = actor
    user.save()


@transaction.atomic
def applicant_invitation_reissue(*, actor, applicant: Applicant) -> str:
    """Void the printed code of an account not yet in use and return a new one."""
    if not has_role(actor, Role.CLERK, Role.EXAM_STAFF):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=applicant.user_id)
    if user.has_usable_password():
        raise RuleViolation(
            _("This account is already in use; reset its password from one of its applications instead."),
            code="invitation_used",
        )
    user.set_unusable_password()
    user._change_reason = _("Invitation reissued")
    user._history_user = actor
    user.save()
    return applicant_invitation_code(user)


def _account_reset_by_phone(*, id_number: str, phone: str) -> User | None:
    """The applicant's account ``id_number`` if ``phone`` is its verified phone, else None."""
    return User.objects.filter(
        username=id_number,
        phone=phone,
        phone_verified_at__isnull=False,
        is_active=True,
        groups__name=Role.APPLICANT.value,
    ).first()


def applicant_password_reset_code_send(*, id_number: str, phone: str) -> int:
    """Text a code for a new password to ``phone`` if it is the verified phone of the applicant ``id_number``.

    Otherwise nothing is sent and the number is counted all the same: the answer never tells
    whether a number or an ID number has an account. Neither does a provider's outage: a code the
    provider did not take is answered like one sent (the person asks again after a minute), since
    only a real account's code is ever handed to the provider. The caller has asked for a captcha.
    Returns the code's id, which the second step checks against.
    """
    user = _account_reset_by_phone(id_number=id_number, phone=phone)
    return phone_code_send(phone=phone, purpose=PhoneCode.Purpose.RESET, user=user, report_failure=False).pk


def applicant_password_reset_by_code(
    *, id_number: str, phone: str, code_id: int, code: str, password: str
) -> User:
    """Set the applicant's new password with the code texted to his verified phone.

    The password is checked first, against the account or a stand-in for a number without one,
    so that a weak password is refused alike and costs no try of the code.
    """
    user = _account_reset_by_phone(id_number=id_number, phone=phone)
    try:
        validate_password(password, user or User(username=id_number, phone=phone))
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password1", code="weak_password") from None
    phone_code_check(phone=phone, purpose=PhoneCode.Purpose.RESET, code=code, user=user, code_id=code_id)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.must_change_password = False
        user._change_reason = _("Password reset with a text message code")
        user.save()
    return user
