import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from exams.models import ExaminerProfile
from jianding.roles import Role
from jianding.second_factor import second_factor_required
from tests.factories.accounts import UserFactory, second_factor_phone
from tests.factories.applicants import ApplicantFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's default rounds take ~0.5 s per password; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def role_users(db):
    """One active user per role, keyed by the role's value."""
    users = {role.value: UserFactory(username=f"{role.value}-1", role=role) for role in Role}
    ApplicantFactory(user=users[Role.APPLICANT.value])
    ExaminerProfile.objects.create(user=users[Role.EXAMINER.value])
    return users


@pytest.fixture
def alice(db):
    """An applicant with her profile."""
    return ApplicantFactory(name="Alice").user


@pytest.fixture
def bob(db):
    """A clerk, who sees every applicant."""
    return UserFactory(username="bob", name="Bob", role=Role.CLERK)


@pytest.fixture
def charlie(db):
    """Another applicant, who must not see Alice's records."""
    return ApplicantFactory(name="Charlie").user


@pytest.fixture
def client_as(request, db):
    """Return a client signed in as a user, or as the user of a fixture named so."""

    def make(user) -> Client:
        if isinstance(user, str):
            user = request.getfixturevalue(user)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if second_factor_required(user):
            # As if the user had typed his phone's code after the password.
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = second_factor_phone(user).persistent_id
            session.save()
        return client

    return make
