"""What exams does when a lower app announces an event: the one place exams subscribes.

The examiner profile follows the account's roles: the director grants or
withdraws the examiner role on the staff pages (``jianding.staff``), which
announce it with ``roles_changed``; before they take effect, exams says why an examiner
assigned to score may not take a role that sees who the candidates are.
"""

from exams.services import examiner_profile_sync
from exams.services.examiners import examiner_role_grant_problem
from jianding import staff
from jianding.roles import Role, roles_changed


def examiner_profile_follow(sender, *, user, roles, is_chief_examiner, **kwargs) -> None:
    """Keep ``user``'s examiner profile in step with the roles he now holds."""
    examiner_profile_sync(user=user, is_examiner=Role.EXAMINER in roles, is_chief_examiner=is_chief_examiner)


def receivers_connect() -> None:
    """Subscribe to the events above; called once from ``ExamsConfig.ready()``."""
    roles_changed.connect(examiner_profile_follow, dispatch_uid="exams.examiner_profile_follow")
    staff.role_grant_problems.add(examiner_role_grant_problem)
