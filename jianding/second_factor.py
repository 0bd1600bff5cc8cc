"""Two-factor sign-in for staff: a TOTP app on the phone, and printed recovery codes.

``SECOND_FACTOR_ROLES`` (director, deputy, finance, clerk, exam staff by default) must
verify a second factor after the password; enrolment is guided on the first
sign-in. django-otp keeps the devices and throttles wrong codes; a session
is verified once a device accepted a code (``django_otp.login``).
"""

import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jianding.errors import RuleViolation
from jianding.roles import user_roles

RECOVERY_CODES = 10
PHONE_DIGITS = 6
PHONE = "phone"
RECOVERY = "recovery"


def second_factor_required(user) -> bool:
    return not user_roles(user).isdisjoint(settings.SECOND_FACTOR_ROLES)


def second_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(user) -> TOTPDevice:
    """The phone app being set up: unconfirmed until the first code it shows is typed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=PHONE, confirmed=False)


def totp_enrol(user, token: str, current: str = "") -> list[str]:
    """Confirm the phone app with a code it shows; return fresh recovery codes to print.

    Replacing an enrolled phone takes a ``current`` code of the old one (or a
    recovery code): an open session alone must not change the second factor.
    A wrong code is refused after the transaction, so django-otp's count of failures stays.
    """
    second_factor_confirm(user, current)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is not None:
            _require_not_throttled([device])
        accepted = device is not None and device.verify_token("".join(token.split()))
        if accepted:
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return recovery_codes_renew(user)
    raise RuleViolation(
        _("This code is not the one the app shows now; type the six digits it shows."),
        field="token",
        code="wrong_code",
    )


def recovery_codes_replace(user, current: str) -> list[str]:
    """New recovery codes in place of the old ones, for a ``current`` code of the user's second factor."""
    second_factor_confirm(user, current)
    return recovery_codes_renew(user)


@transaction.atomic
def recovery_codes_renew(user) -> list[str]:
    """Replace the user's recovery codes (each works once) and return them to print."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _require_not_throttled(devices) -> None:
    """After a wrong code django-otp makes the next try wait 1, 2, 4 … seconds; say how long."""
    now = timezone.now()
    waits = [
        math.ceil((data["locked_until"] - now).total_seconds())
        for device in devices
        for allowed, data in [device.verify_is_allowed()]
        if not allowed and data and "locked_until" in data
    ]
    if waits:
        raise RuleViolation(
            _("Too many wrong codes; wait %(seconds)d seconds, then type the code again.")
            % {"seconds": max(waits)},
            field="token",
            code="throttled",
        )


def second_factor_check(user, token: str):
    """The device that accepts ``token`` (the phone app's code or a recovery code).

    Devices are locked while checked, so django-otp's throttling counts every
    try; a wrong code is refused after the transaction, so the count stays.
    """
    token = "".join(token.split()).lower()
    # Six digits are the phone's; anything else is a recovery code (eight letters and digits).
    # Only the devices the code is meant for are tried, so one kind's failures never hold up the other.
    model = TOTPDevice if token.isdigit() and len(token) == PHONE_DIGITS else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
        _require_not_throttled(devices)
        for device in devices:
            if device.verify_token(token):
                return device
    raise RuleViolation(
        _("The code is wrong or has expired; type the code the app shows now, or an unused recovery code."),
        field="token",
        code="wrong_code",
    )


def second_factor_confirm(user, token: str) -> None:
    """Ask again for the second factor before a signature, when the user has one.

    Call it outside the signature's transaction: a wrong code must still count
    towards django-otp's throttling.
    """
    if second_factor_enrolled(user):
        second_factor_check(user, token)


def signature_confirm(user, *, password: str, token: str | None = None) -> None:
    """Refuse a signature unless ``password`` is the signer's own, and his second factor when asked.

    A page that asks for the second factor passes ``token`` (what he typed, maybe nothing); the
    factor is then checked when he has one. Call it outside the signature's transaction, as
    ``second_factor_confirm``.
    """
    if not user.check_password(password):
        raise RuleViolation(
            _("The password is wrong; sign with your own password."), field="password", code="wrong_password"
        )
    if token is not None:
        second_factor_confirm(user, token)
