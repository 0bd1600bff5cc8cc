"""The nine roles of the center and what each may do.

A role is a Django group of the same name. ``ROLE_PERMISSIONS`` is the one
declaration of the model permissions each group holds; ``role_groups_sync``
makes the groups match it (the data migration creates them, and every
``migrate`` brings them up to date as later apps add models). A person may
hold several roles (the director grants and withdraws each: ``jianding/staff.py``);
every check asks whether he holds one of the roles it names. Object-level rules
(own application, assigned room, examiner scope) live in each app's
``abilities.py``, not here.
"""

from fnmatch import fnmatchcase

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("director")
    DEPUTY = "deputy", _("deputy director")
    CLERK = "clerk", _("clerk")
    EXAM_STAFF = "exam_staff", _("exam staff")
    EXAMINER = "examiner", _("examiner")
    PROCTOR = "proctor", _("proctor")
    FINANCE = "finance", _("finance officer")
    EQUIPMENT_MANAGER = "equipment_manager", _("equipment manager")
    APPLICANT = "applicant", _("applicant")


STAFF_ROLES = tuple(role for role in Role if role != Role.APPLICANT)
# Roles that see every record of the center, as the rules give them oversight.
MANAGEMENT_ROLES = (Role.DIRECTOR, Role.DEPUTY, Role.CLERK)
# Staff who work with the occupation catalogue and the review-question banks.
CATALOGUE_ROLES = (*MANAGEMENT_ROLES, Role.EXAM_STAFF)
# Staff who read applications; clerks and exam staff also decide them.
REVIEWER_ROLES = CATALOGUE_ROLES
# Staff who follow every batch: the above, and finance for the fees.
BATCH_VIEWER_ROLES = (*CATALOGUE_ROLES, Role.FINANCE)
# Who may be named a room's proctor: proctors, and examiners and exam staff, whose duties include
# proctoring [考评组 §2, 考务组 §5]. Each of them sees his duties ("My duties").
PROCTORING_ROLES = (Role.PROCTOR, Role.EXAMINER, Role.EXAM_STAFF)
# Exam staff arrange rooms and seats and issue tickets [考务组 §2–§3]; clerks help.
ARRANGER_ROLES = (Role.EXAM_STAFF, Role.CLERK)
# Staff who see who the candidates are in every batch: an examiner holding one of these never
# scores, for an examiner never learns whom he scores [考评员 §5].
IDENTITY_ROLES = BATCH_VIEWER_ROLES
# Staff who read the center's books: management oversees them [所长 §3, 管理人员 §7], finance keeps them.
BOOKS_ROLES = (*MANAGEMENT_ROLES, Role.FINANCE)

# "app_label.codename", or a shell pattern over those ("exams.view_*").
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.DIRECTOR: (
        "jianding.view_user",
        "jianding.add_user",
        "jianding.change_user",
        "applicants.view_*",
        "exams.view_*",
        "exams.add_examinerprofile",
        "exams.change_examinerprofile",
        "finance.view_*",
    ),
    Role.DEPUTY: (
        "applicants.view_*",
        "exams.view_*",
        "finance.view_*",
        "exams.change_examinerprofile",
    ),
    Role.CLERK: (
        "applicants.view_*",
        "applicants.change_applicant",
        "exams.view_*",
        "exams.add_occupation",
        "exams.change_occupation",
        "finance.view_*",
    ),
    Role.EXAM_STAFF: (
        "applicants.view_applicant",
        "applicants.change_applicant",
        "exams.view_occupation",
        "exams.view_examinerprofile",
    ),
    Role.EXAMINER: ("exams.view_occupation",),
    Role.PROCTOR: ("exams.view_occupation",),
    Role.FINANCE: ("exams.view_occupation", "finance.view_*"),
    Role.EQUIPMENT_MANAGER: ("exams.view_occupation",),
    Role.APPLICANT: (),
}


def role_permission_keys(role: Role, available: set[str]) -> set[str]:
    """Return the "app_label.codename" keys of ``available`` granted to ``role``."""
    granted = set()
    for pattern in ROLE_PERMISSIONS[role]:
        granted.update(key for key in available if fnmatchcase(key, pattern))
    return granted


def role_groups_sync(*, apps, strict: bool) -> None:
    """Create one group per role and give it exactly its declared permissions.

    With ``strict`` an exact name that matches no permission is an error (a
    typo in the declaration); without it, as in the data migration, names of
    models that do not exist yet are passed over.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    by_key = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role:
        if strict:
            unknown = [
                p for p in ROLE_PERMISSIONS[role] if not any(ch in p for ch in "*?[") and p not in by_key
            ]
            if unknown:
                raise LookupError(f"Role {role.value} names unknown permissions: {unknown}")
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(by_key[key] for key in role_permission_keys(role, set(by_key)))


# Sent after the director changed an account's roles (or created it), inside the transaction, with
# ``user``, ``roles`` (the role names it now holds) and ``is_chief_examiner``. The apps that keep
# something per role subscribe in their ``AppConfig.ready()`` (exams keeps the examiner profile).
roles_changed = Signal()


def user_roles(user) -> frozenset[str]:
    """Return the role names of ``user``, cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_jianding_roles", None)
    if cached is None:
        valid = {role.value for role in Role}
        cached = frozenset(name for name in user.groups.values_list("name", flat=True) if name in valid)
        user._jianding_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    """Tell whether ``user`` holds at least one of ``roles``."""
    return not user_roles(user).isdisjoint(role.value for role in roles)
