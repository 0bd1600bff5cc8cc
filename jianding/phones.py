"""Mainland mobile numbers: the one rule for every phone a person enters, checked with ``phonenumbers``.

Text messages reach only mainland mobiles, so a phone entered anywhere (sign-up, profile, a class
list, a staff account) must be one. It is stored as its 11 digits: ``+86 138 0013 8000``,
``138-0013-8000`` and full-width digits all become ``13800138000``. A changed number is no longer
the one its owner proved he holds (``phone_assign``).
"""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
INVALID_PHONE = _(
    "The mobile phone number is not valid: enter the 11 digits of a mainland mobile, beginning with 1."
)


def phone_normalise(value: str) -> str:
    """Return the 11 digits of the mainland mobile number ``value``, or raise ``ValidationError``."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from None
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.national_significant_number(number)


def validate_phone(value: str) -> None:
    """The model fields' check: a stored phone is a mainland mobile's 11 digits, nothing else."""
    if value and phone_normalise(value) != value:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")


class PhoneField(forms.CharField):
    """A mainland mobile number typed any common way, cleaned to its 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "tel", "autocomplete": "tel"}

    def to_python(self, value):
        value = super().to_python(value)
        return phone_normalise(value) if value else value


def phone_assign(user, phone: str, *, verified: bool = False) -> list[str]:
    """Give ``user`` the (normalised) ``phone``; return the fields changed, for ``save(update_fields=…)``.

    A new number is not verified until its owner types the code sent to it, unless ``verified``
    (a number the director entered for a staff member); an unchanged one keeps its state.
    """
    if phone == user.phone and not (verified and phone and user.phone_verified_at is None):
        return []
    user.phone = phone
    user.phone_verified_at = timezone.now() if verified and phone else None
    return ["phone", "phone_verified_at"]
