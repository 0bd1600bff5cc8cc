"""Who sees identity and phone numbers whole: the one rule for every page, paper and export.

Lists on screen always mask both. The record of an application and the
registers the city center takes (申报名单, 花名册, 报名与合格人员登记表,
成绩登记表) carry the whole numbers, but only for the roles that review
applications and prepare those registers: the clerk and exam staff. The
director and deputy oversee without needing them, so they get the masked
form like every other role. Public pages and papers handed out (admission
tickets, invitation slips, the publicity list) are masked for everyone.
The only paper form an applicant reaches is his own application form, which
he signs: it carries his numbers whole (``Where.OWN_FORM``; the view lets
nobody but him and the reviewing roles open it). An applicant's login name is
his ID number: wherever a person is named (history, audit), it is masked.
Two exceptions are deliberate: the scanned ID card, a document the reviewing
roles and the director open on the application, and the search of the review
queue by a whole number, which finds a person without showing the number.

A mask must not be completed by the page around it. The masked number hides
characters 7 to 14, which are the birth date; the first six and the last four
(with the check digit) stay. So wherever the number is masked, the birth date
is shown as the age (``birth_shown``), which leaves dozens of numbers possible.

The audit's before and after values are masked like every list
(``recorded_value_shown``); the director sees them whole only when he asks
for one record so, and that request is itself recorded (``Disclosure``).
"""

import datetime
import re
from dataclasses import dataclass
from enum import Enum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jianding.identity import RESIDENT_ID_SHAPE, age_on
from jianding.roles import Role, has_role


class Where(Enum):
    LIST = "list"
    RECORD = "record"
    REGISTER = "register"
    OWN_FORM = "own_form"
    PUBLIC = "public"


WHOLE_NUMBER_ROLES: dict[Where, tuple[Role, ...]] = {
    Where.LIST: (),
    Where.RECORD: (Role.CLERK, Role.EXAM_STAFF),
    Where.REGISTER: (Role.CLERK, Role.EXAM_STAFF),
    Where.OWN_FORM: (Role.CLERK, Role.EXAM_STAFF, Role.APPLICANT),
    Where.PUBLIC: (),
}


def shows_whole_numbers(user, where: Where) -> bool:
    roles = WHOLE_NUMBER_ROLES[where]
    return bool(roles) and user is not None and has_role(user, *roles)


def resident_id_mask(number: str) -> str:
    """Show the first 6 and last 4 characters only: 320102********1234."""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def login_shown(username: str) -> str:
    """A login name as every list shows it: an applicant's, which is his ID number, masked."""
    username = username or ""
    return resident_id_mask(username) if RESIDENT_ID_SHAPE.fullmatch(username) else username


def phone_mask(number: str) -> str:
    """Show the first 3 and last 4 digits only: 138****5678."""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"


def id_number_shown(number: str, user, where: Where) -> str:
    return number if shows_whole_numbers(user, where) else resident_id_mask(number)


def phone_shown(number: str, user, where: Where) -> str:
    return number if shows_whole_numbers(user, where) else phone_mask(number or "")


@dataclass(frozen=True)
class Birth:
    label: str
    value: str


def birth_shown(
    birth_date: datetime.date, user, where: Where, *, today: datetime.date | None = None
) -> Birth:
    """The birth date beside a whole ID number; beside a masked one, the age, which does not complete it."""
    if shows_whole_numbers(user, where):
        return Birth(_("birth date"), f"{birth_date:%Y-%m-%d}")
    age = age_on(birth_date, today or timezone.localdate())
    return Birth(_("age"), ngettext("%(age)d year old", "%(age)d years old", age) % {"age": age})


PHONE_SHAPE = re.compile(r"\+?[0-9][0-9 -]{6,}")
BIRTH_DATE_MASK = "****-**-**"


def contact_mask(value: str) -> str:
    """A contact the public left (phone or e-mail): a phone number masked, an address kept."""
    return phone_mask(re.sub(r"[ -]", "", value)) if PHONE_SHAPE.fullmatch(value) else value


# Fields of the recorded models that carry a person's numbers, by field name.
RECORDED_MASKS = {
    "id_number": resident_id_mask,
    "username": login_shown,
    "phone": phone_mask,
    "contact": contact_mask,
    "birth_date": lambda value: BIRTH_DATE_MASK,
}


def recorded_value_shown(field_name: str, value, *, whole: bool = False):
    """A value of the audit's before/after columns: masked if the field carries a person's numbers."""
    mask = RECORDED_MASKS.get(field_name)
    if whole or mask is None or value in (None, ""):
        return value
    return mask(str(value))
