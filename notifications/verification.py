"""Codes texted to a phone: proving the phone is one's own, and resetting a password with it [#18].

Rules served: 6 digits, valid 5 minutes, burned after 5 wrong tries, kept only as a keyed digest;
per number at most ``PHONE_CODES_PER_MINUTE`` / ``_HOUR`` / ``_DAY`` codes (the provider's own
flow limits, kept here so the portal never hits them); a verified phone keeps the time it was
verified. The caller asks for a captcha before a code is sent.

A code is sent at once, not through the outbox: the person waits for it on the page, a retry
minutes later would bring a code already expired, and the outbox keeps its text readable as an
in-portal message, which a code must never be.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jianding.clock import local_text
from jianding.errors import RuleViolation
from notifications.kinds import Kind
from notifications.models import PhoneCode
from notifications.services import notice_text
from notifications.sms import SmsError, sms_backend

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_VALID = datetime.timedelta(minutes=5)
CODE_TRIES = 5
CODE_TEXT = gettext_lazy(
    "Your verification code is %(code)s, valid for %(minutes)s minutes. Do not tell it to anyone; "
    "the center never asks for it."
)


def _limits() -> list[tuple[datetime.timedelta, int]]:
    return [
        (datetime.timedelta(minutes=1), settings.PHONE_CODES_PER_MINUTE),
        (datetime.timedelta(hours=1), settings.PHONE_CODES_PER_HOUR),
        (datetime.timedelta(days=1), settings.PHONE_CODES_PER_DAY),
    ]


def _digest(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "notifications.phone_code", f"{purpose}:{phone}:{code}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def _phone_code_issue(*, phone: str, purpose: PhoneCode.Purpose, user) -> tuple[PhoneCode, str]:
    """Store a new code's digest for ``phone``, or refuse when the number had its codes for now."""
    if user is not None:
        # serialises two requests of one person; the count below then sees the other's row
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    # The limits look back one day at most; older codes are kept for nothing (every number anyone
    # typed into the public reset form among them).
    PhoneCode.objects.filter(created_at__lt=now - datetime.timedelta(days=1)).delete()
    for window, limit in _limits():
        sent = list(
            PhoneCode.objects.filter(phone=phone, created_at__gt=now - window)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(sent) >= limit:
            # room comes back when enough of these codes have left the window
            again = sent[len(sent) - limit] + window if limit else now + window
            raise RuleViolation(
                _("Too many codes were sent to this number; try again after %(time)s.")
                % {"time": local_text(again, "%Y-%m-%d %H:%M:%S" if window.days == 0 else "%Y-%m-%d %H:%M")},
                field="phone",
                code="too_many_codes",
            )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        user=user,
        digest=_digest(phone=phone, purpose=purpose, code=code),
        expires_at=now + CODE_VALID,
    )
    return row, code


def phone_code_send(
    *, phone: str, purpose: PhoneCode.Purpose, user, report_failure: bool = True
) -> PhoneCode:
    """Text a new code to ``phone`` for ``user``; with no ``user``, only count it against the number.

    Counting a code that goes nowhere keeps the answers alike whether or not a number belongs to an
    account. The caller has asked for a captcha. Raises ``RuleViolation`` ``too_many_codes`` with the
    time to try again, or ``sms_failed`` when the provider did not take the message — unless
    ``report_failure`` is false, for an answer that must not differ between an account and none.
    """
    row, code = _phone_code_issue(phone=phone, purpose=purpose, user=user)
    if user is not None:
        text = notice_text(CODE_TEXT, {"code": code, "minutes": int(CODE_VALID.total_seconds() // 60)})
        try:
            # outside the transaction: the provider may take seconds
            sms_backend().send(phone=phone, kind=Kind.SECURITY, text=text, out_id=f"code-{row.pk}")
        except (SmsError, OSError):
            if report_failure:
                raise RuleViolation(
                    _("The text message could not be sent just now; try again in a minute."),
                    field="phone",
                    code="sms_failed",
                ) from None
            logger.warning("a phone code (%s) was not taken by the SMS provider", purpose)
    return row


def phone_code_check(
    *, phone: str, purpose: PhoneCode.Purpose, code: str, user, code_id: int | None = None
) -> None:
    """Accept ``code`` once if it is the latest code sent to ``phone`` for ``user``; count a wrong one.

    With no ``user`` no code is accepted, and the wrong tries are counted all the same. ``code_id``
    binds the check to the code one request asked for, so that people typing the same number with
    different ID numbers never share a code's count of wrong tries.
    Raises ``RuleViolation`` on the field ``code``: ``wrong_code`` (with the tries left) or
    ``code_expired`` (none open: expired, used, burned or never sent).
    """
    typed = "".join(code.split())
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, user=user, **({"pk": code_id} if code_id else {}))
            .order_by("-created_at", "-pk")
            .first()
        )
        now = timezone.now()
        if row is None or row.used_at is not None or row.expires_at <= now or row.wrong_tries >= CODE_TRIES:
            left = None
        elif user is not None and constant_time_compare(
            row.digest, _digest(phone=phone, purpose=purpose, code=typed)
        ):
            row.used_at = now
            row.save(update_fields=["used_at"])
            return
        else:
            row.wrong_tries += 1
            row.save(update_fields=["wrong_tries"])
            left = CODE_TRIES - row.wrong_tries
    # raised after the commit, so that the wrong try stays counted
    if not left:
        raise RuleViolation(
            _("This code no longer works (it expired or was typed wrong too often); ask for a new one."),
            field="code",
            code="code_expired",
        )
    raise RuleViolation(
        _("The code is wrong; %(left)d tries left.") % {"left": left}, field="code", code="wrong_code"
    )


def phone_verification_send(*, actor) -> PhoneCode:
    """Text a code to ``actor``'s own phone, to prove it is his. The caller has asked for a captcha."""
    if not actor.phone:
        raise RuleViolation(_("Enter your mobile phone number first."), field="phone", code="no_phone")
    if actor.phone_verified_at is not None:
        raise RuleViolation(_("Your phone is already verified."), code="already_verified")
    return phone_code_send(phone=actor.phone, purpose=PhoneCode.Purpose.VERIFY, user=actor)


def phone_verify(*, actor, code: str):
    """Mark ``actor``'s phone verified with the code texted to it; return the account."""
    phone_code_check(phone=actor.phone, purpose=PhoneCode.Purpose.VERIFY, code=code, user=actor)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=actor.pk)
        if user.phone != actor.phone:
            # the number changed since the code was sent: this code proved the old one
            raise RuleViolation(
                _("Your phone number changed meanwhile; ask for a new code."), code="phone_changed"
            )
        user.phone_verified_at = timezone.now()
        user._change_reason = _("Phone verified by a text message code")
        user.save(update_fields=["phone_verified_at"])
    return user
