import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from applicants.models import Applicant
from demo.management.commands.seed_demo import (
    DEMO_MORE_ROLES,
    DEMO_PASSWORD,
    DEMO_RECOVERY_CODES,
    DEMO_STAFF,
)
from exams.models import ExaminerProfile, Level, Occupation
from jianding.identity import RESIDENT_ID_SHAPE, resident_id_parse
from jianding.models import User
from jianding.roles import Role, user_roles


@pytest.mark.django_db
def test_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_one_account_per_role_and_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Applicant.objects.count(), Occupation.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Applicant.objects.count(), Occupation.objects.count()) == counts

    roles = set().union(*(user_roles(user) for user in User.objects.all()))
    assert roles == set(Role)
    for login, _name, role, chief in DEMO_STAFF:
        user = User.objects.get(username=login)
        assert user.check_password(DEMO_PASSWORD)
        assert user_roles(user) == {role, *DEMO_MORE_ROLES.get(login, ())}
        if role == Role.EXAMINER:
            assert ExaminerProfile.objects.get(user=user).is_chief_examiner == chief


@pytest.mark.django_db
def test_catalogue_holds_real_occupations_and_the_five_levels(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    electrician = Occupation.objects.get(code="6-31-01-03")
    assert electrician.name == "电工"
    assert sorted(electrician.levels) == sorted(Level.values)
    assert electrician.level_labels()[0] == Level.FIVE.label


@pytest.mark.django_db
def test_demo_pages_have_something_to_show(settings, client, client_as):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "电工" in client.get("/public/").content.decode()
    director = User.objects.get(username="director")
    assert client_as(director).get("/exams/plans/").content.decode().count("已批准") >= 1
    deputy_cards = client_as(User.objects.get(username="deputy")).get("/").context["cards"]
    assert any(card.count for card in deputy_cards)


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["clerk", "examstaff"])
def test_demo_staff_who_need_a_second_factor_sign_in_with_the_printed_code(settings, client, login):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.post(reverse("login"), {"username": login, "password": DEMO_PASSWORD})
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": DEMO_RECOVERY_CODES[0]})
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_every_id_number_the_demo_writes_is_valid(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    written = [
        value
        for model in apps.get_models()
        if any(field.name == "id_number" for field in model._meta.fields)
        for value in model.objects.values_list("id_number", flat=True)
    ]
    written += [
        name for name in User.objects.values_list("username", flat=True) if RESIDENT_ID_SHAPE.fullmatch(name)
    ]
    assert len(written) > 24
    for number in written:
        resident_id_parse(number)  # raises on a wrong check digit or birth date
