import datetime

import factory
from stdnum.cn import ric

from applicants.models import Applicant, Application, ApplicationStatus
from jianding.pinyin import name_sort_key
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.finance import fees_paid


def resident_id(
    sequence: int, *, birth: datetime.date = datetime.date(2004, 5, 17), male: bool = True
) -> str:
    """Return a valid 18-character ID number, different for each ``sequence``."""
    order = (sequence % 499) * 2 + (1 if male else 0)
    base = f"320102{birth:%Y%m%d}{order:03d}"
    return base + ric.calc_check_digit(base + "0")


def resident_ids(count: int, *, first_birth: datetime.date = datetime.date(2000, 1, 1)) -> list[str]:
    """Return ``count`` distinct valid ID numbers, 500 per birth day from ``first_birth`` on."""
    numbers = []
    for index in range(count):
        birth = first_birth + datetime.timedelta(days=index // 500)
        base = f"320102{birth:%Y%m%d}{index % 500:03d}"
        numbers.append(base + ric.calc_check_digit(base + "0"))
    return numbers


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


def candidates(
    batch, classes: dict[str, int], status=ApplicationStatus.CITY_APPROVED, *, paid: bool = True
) -> list[Application]:
    """Applications of ``batch``, ``count`` per class name, each of a new applicant.

    City-approved ones have paid the batch's fee (finance's rule for tickets) unless ``paid`` is false.
    """
    made = []
    for klass, count in classes.items():
        for _ in range(count):
            made.append(
                Application.objects.create(
                    applicant=ApplicantFactory(),
                    batch=batch,
                    category="student",
                    class_name=klass,
                    status=status,
                )
            )
    if paid and status == ApplicationStatus.CITY_APPROVED:
        fees_paid(made)
    return made
