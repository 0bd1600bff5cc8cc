from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applicants.models import Applicant
from jianding.errors import RuleViolation
from jianding.identity import resident_id_parse
from jianding.models import User
from jianding.pinyin import name_sort_key
from jianding.roles import Role


def applicant_register(*, name: str, id_number: str, phone: str, password: str) -> Applicant:
    """Create an applicant's account, signed in with his resident ID number.

    Birth date and sex are taken from the ID number; ``validate_password`` runs
    against the new account so the ID number itself is refused as a password.
    """
    resident = resident_id_parse(id_number)
    user = User(username=resident.number, name=name, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="password1", code="weak_password") from None
    user.set_password(password)
    taken = RuleViolation(
        _("An account with this ID number exists already; sign in, or ask the center to reset the password."),
        field="id_number",
        code="id_number_taken",
    )
    if User.objects.filter(username=resident.number).exists():
        raise taken
    try:
        with transaction.atomic():
            user._change_reason = _("Applicant signed up")
            user.save()
            user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
            return Applicant.objects.create(
                user=user,
                name=name,
                name_sort_key=name_sort_key(name),
                id_number=resident.number,
                birth_date=resident.birth_date,
                sex=resident.sex,
                phone=phone,
            )
    except IntegrityError:
        # Two sign-ups with one number at the same moment: the second loses here.
        raise taken from None


@transaction.atomic
def applicant_profile_update(
    *, actor, applicant: Applicant, phone: str, education: str, work_history: str, employer_or_class: str
) -> Applicant:
    """Complete or change the applicant's own profile; name and ID number stay as registered."""
    if applicant.user_id != actor.pk:
        raise PermissionDenied
    applicant.phone, applicant.education = phone, education
    applicant.work_history, applicant.employer_or_class = work_history, employer_or_class
    applicant.save(update_fields=["phone", "education", "work_history", "employer_or_class"])
    return applicant
