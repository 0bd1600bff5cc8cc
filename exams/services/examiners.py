from django.db import transaction

from exams.models import ExaminerProfile


@transaction.atomic
def examiner_profile_sync(*, user, is_examiner: bool, is_chief_examiner: bool) -> None:
    """Keep the examiner profile in step with the account's role.

    Caller is the staff-account service, which has checked the director's role.
    A chief examiner who stops being an examiner loses the flag with the role.
    """
    if is_examiner:
        profile, _created = ExaminerProfile.objects.select_for_update().get_or_create(user=user)
    else:
        profile = ExaminerProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            return
        is_chief_examiner = False
    if profile.is_chief_examiner != is_chief_examiner:
        profile.is_chief_examiner = is_chief_examiner
        profile.save(update_fields=["is_chief_examiner"])
