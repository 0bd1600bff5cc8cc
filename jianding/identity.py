"""Resident identity numbers (GB 11643), checked with python-stdnum's ``cn.ric``.

``cn.ric.validate`` also refuses the 81/82/83 residence-permit prefixes and a
county code that did not exist in the birth year, though numbers carry the code
in force when they were issued. So we check format, checksum and birth date
with its parts and leave the county to the issuing office.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

FIRST_BIRTH_YEAR = 1900
RESIDENT_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


class Sex(models.TextChoices):
    """A person's sex, as his resident ID number carries it (odd order code: male)."""

    MALE = "M", _("male")
    FEMALE = "F", _("female")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: Sex  # from the parity of the order code

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years from ``birth_date`` to ``day``."""
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def resident_id_normalise(value: str) -> str:
    """Fold full-width characters, drop spaces and upper-case a trailing x."""
    return ric.compact(unicodedata.normalize("NFKC", value or ""))


def resident_id_parse(value: str, *, today: datetime.date | None = None) -> ResidentId:
    """Return the checked number with its birth date and sex, or raise ValidationError."""
    number = resident_id_normalise(value)
    if not RESIDENT_ID_SHAPE.fullmatch(number):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits, then a digit or X."),
            code="ric_format",
        )
    try:
        birth_date = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(
            _("The birth date inside this ID number (characters 7 to 14) is not a real date."),
            code="ric_birth_date",
        ) from None
    if birth_date.year < FIRST_BIRTH_YEAR or birth_date > (today or timezone.localdate()):
        raise ValidationError(
            _("The birth date inside this ID number (characters 7 to 14) is not possible."),
            code="ric_birth_date",
        )
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _("The last character of this ID number does not match the others; check each digit."),
            code="ric_checksum",
        )
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth_date, sex=sex)
