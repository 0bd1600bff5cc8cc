import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jianding.models import User
from jianding.roles import Role
from jianding.second_factor import PHONE, RECOVERY

TEST_PASSWORD = "correct-horse-42"

# The heading of each role's dashboard, as the Chinese catalogue writes it.
DASHBOARD_TITLES = {
    Role.DIRECTOR: "所长工作台",
    Role.DEPUTY: "副所长工作台",
    Role.CLERK: "管理人员工作台",
    Role.EXAM_STAFF: "考务组工作台",
    Role.EXAMINER: "考评员工作台",
    Role.PROCTOR: "监考人员工作台",
    Role.FINANCE: "财务人员工作台",
    Role.EQUIPMENT_MANAGER: "设备管理员工作台",
    Role.APPLICANT: "申报者工作台",
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试{n}")
    phone = "13900000000"
    # A phone given to a test account counts as verified, so that its SMS notices reach it.
    phone_verified_at = factory.LazyAttribute(lambda o: timezone.now() if o.phone else None)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """One role, or several as a tuple: ``role=(Role.EXAMINER, Role.PROCTOR)``."""
        if extracted:
            roles = (extracted,) if isinstance(extracted, str) else extracted
            self.groups.add(*Group.objects.filter(name__in=[Role(role).value for role in roles]))
        if create:
            self.save()


def second_factor_phone(user) -> TOTPDevice:
    """The user's confirmed phone app (TOTP device), made once."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, name=PHONE, defaults={"confirmed": True})
    return device


def second_factor_code(user) -> str:
    """A fresh recovery code of ``user``, for a test that signs in through the pages."""
    second_factor_phone(user)
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    token = StaticToken.random_token()
    device.token_set.create(token=token)
    return token
