import datetime

import factory
from stdnum.cn import ric

from applicants.models import Applicant
from jianding.pinyin import name_sort_key
from jianding.roles import Role
from tests.factories.accounts import UserFactory


def resident_id(
    sequence: int, *, birth: datetime.date = datetime.date(2004, 5, 17), male: bool = True
) -> str:
    """Return a valid 18-character ID number, different for each ``sequence``."""
    order = (sequence % 499) * 2 + (1 if male else 0)
    base = f"320102{birth:%Y%m%d}{order:03d}"
    return base + ric.calc_check_digit(base + "0")


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    id_number = factory.Sequence(resident_id)
    name = factory.Sequence(lambda n: f"申报者{n}")
    name_sort_key = factory.LazyAttribute(lambda o: name_sort_key(o.name))
    phone = "13800000000"
    birth_date = datetime.date(2004, 5, 17)
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    user = factory.SubFactory(
        UserFactory,
        username=factory.SelfAttribute("..id_number"),
        name=factory.SelfAttribute("..name"),
        role=Role.APPLICANT,
    )
