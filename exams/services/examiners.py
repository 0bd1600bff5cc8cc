"""Examiners: their profile and scope, assignment to sessions, and declared relations.

Rules: 考评员 §2 (only within the approved occupations and levels), 考评员 §7 (recusal),
考评组 §2 (examiners proctor too, never a session they score).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.selectors import session_candidates
from exams.models import (
    REPORTED_STATUSES,
    ExaminerAssignment,
    ExaminerProfile,
    ExaminerRelation,
    ExaminerState,
    ExamSession,
    Level,
    Recusal,
    SessionRoom,
)
from exams.services.recusals import recusal_apply, recused_place_open
from exams.services.seats import duty_when, require_arranger, require_arranging
from jianding.errors import RuleViolation
from jianding.identity import resident_id_parse
from jianding.roles import IDENTITY_ROLES, Role, has_role
from notifications.kinds import Kind
from notifications.services import notify


@transaction.atomic
def examiner_profile_sync(*, user, is_examiner: bool, is_chief_examiner: bool) -> None:
    """Keep the examiner profile in step with the account's roles.

    Called when the staff-account service, which has checked the director's role,
    announces a change of roles (``exams.receivers``).
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


def _require_director(actor) -> None:
    if not has_role(actor, Role.DIRECTOR):
        raise PermissionDenied


@transaction.atomic
def examiner_profile_update(
    *,
    actor,
    profile: ExaminerProfile,
    certificate_number: str,
    occupations,
    highest_level: int | None,
    valid_from,
    valid_until,
    state: str,
    state_note: str,
) -> ExaminerProfile:
    """The director records an examiner's qualification, scope and state."""
    _require_director(actor)
    profile = ExaminerProfile.objects.select_for_update().get(pk=profile.pk)
    if valid_from and valid_until and valid_until < valid_from:
        raise RuleViolation(
            _("The qualification must end after it begins."), field="valid_until", code="validity_order"
        )
    if occupations and highest_level is None:
        raise RuleViolation(
            _("Give the highest level he assesses."), field="highest_level", code="level_required"
        )
    if state != ExaminerState.ACTIVE and not state_note.strip():
        raise RuleViolation(
            _("Record the misconduct and the decision that suspends or revokes the qualification."),
            field="state_note",
            code="note_required",
        )
    profile.certificate_number, profile.highest_level = certificate_number, highest_level
    profile.valid_from, profile.valid_until = valid_from, valid_until
    profile.state, profile.state_note = state, state_note
    profile._history_user = actor
    profile.save()
    profile.occupations.set(occupations)
    return profile


def examiner_scope_problem(profile: ExaminerProfile, session: ExamSession) -> str:
    """Why ``profile`` may not assess ``session`` [考评员 §2], or "" when he may."""
    batch = session.batch
    if profile.state != ExaminerState.ACTIVE:
        return _("%(name)s's qualification is %(state)s.") % {
            "name": profile.user.name,
            "state": profile.get_state_display(),
        }
    if (
        not profile.valid_from
        or not profile.valid_until
        or not profile.valid_from <= session.date <= profile.valid_until
    ):
        return _("%(name)s's qualification is not valid on %(date)s.") % {
            "name": profile.user.name,
            "date": session.date.isoformat(),
        }
    if not profile.occupations.filter(pk=batch.occupation_id).exists():
        return _("%(name)s does not assess %(occupation)s.") % {
            "name": profile.user.name,
            "occupation": batch.occupation.name,
        }
    if profile.highest_level is None or batch.level < profile.highest_level:
        return _("%(name)s assesses up to %(level)s only.") % {
            "name": profile.user.name,
            "level": Level(profile.highest_level).label if profile.highest_level else "—",
        }
    return ""


def examiner_is_recused(profile: ExaminerProfile, session: ExamSession) -> bool:
    """Whether a declared relation of ``profile`` is a candidate of ``session`` [考评员 §7]."""
    numbers = profile.relations.values_list("id_number", flat=True)
    return (
        session_candidates(batch_id=session.batch_id, part=session.part)
        .filter(applicant__id_number__in=numbers)
        .exists()
    )


def examiner_assign(*, actor, session: ExamSession, examiner: ExaminerProfile) -> ExaminerAssignment:
    """Assign an examiner to a session, refused outside his scope or when he must be recused.

    A recusal is recorded even though the assignment is refused: exam staff
    learn which examiner to replace, the examiner only that he is recused.
    """
    require_arranger(actor)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        if not recused_place_open(session):
            require_arranging(session)
        problem = examiner_scope_problem(examiner, session)
        if problem:
            raise RuleViolation(problem, field="examiner", code="out_of_scope")
        # Nobody scores a session in which he sees identities (``proctors_check`` the other way round).
        if has_role(examiner.user, *IDENTITY_ROLES):
            raise RuleViolation(
                _(
                    "%(name)s also holds a role that sees who the candidates are; he may not score as an examiner."
                )
                % {"name": examiner.user.name},
                field="examiner",
                code="sees_identities",
            )
        if SessionRoom.objects.filter(session=session, proctors=examiner.user_id).exists():
            raise RuleViolation(
                _(
                    "%(name)s guards a room of this session; he may not score it as an examiner, having seen who the candidates are."
                )
                % {"name": examiner.user.name},
                field="examiner",
                code="proctor_of_session",
            )
        recused = examiner_is_recused(examiner, session)
        if recused:
            Recusal.objects.get_or_create(session=session, examiner=examiner)
        else:
            assignment, created = ExaminerAssignment.objects.get_or_create(
                session=session, examiner=examiner, defaults={"assigned_by": actor}
            )
            if created:
                _assignment_notify(
                    actor=actor,
                    assignment=assignment,
                    text=gettext_lazy(
                        "You are an examiner of %(session)s on %(date)s, %(starts)s–%(ends)s, in %(rooms)s."
                    ),
                )
    if recused:
        raise RuleViolation(
            _(
                "%(name)s must be recused from this session: a relation he declared is a candidate. Assign another examiner."
            )
            % {"name": examiner.user.name},
            field="examiner",
            code="recused",
        )
    if not created:
        raise RuleViolation(_("He is assigned to this session already."), field="examiner", code="assigned")
    return assignment


@transaction.atomic
def examiner_unassign(*, actor, assignment: ExaminerAssignment) -> None:
    require_arranger(actor)
    recused = Recusal.objects.filter(session=assignment.session_id, examiner=assignment.examiner_id).exists()
    # A recused examiner leaves the session at any time; others only while it is arranged.
    if not recused:
        require_arranging(assignment.session)
    assignment.delete()
    _assignment_notify(
        actor=actor,
        assignment=assignment,
        text=gettext_lazy("You are no longer an examiner of %(session)s on %(date)s, %(starts)s–%(ends)s."),
    )


def _assignment_notify(*, actor, assignment: ExaminerAssignment, text) -> None:
    """Tell the examiner his assignment to a session, or its end; not when he made it himself."""
    session = assignment.session
    rooms = session.session_rooms.select_related("room").order_by("order")
    notify(
        kind=Kind.DUTY,
        recipients=[assignment.examiner.user] if assignment.examiner.user_id != actor.pk else [],
        text=text,
        params={**duty_when(session), "rooms": "、".join(str(r.room) for r in rooms)},
        link=reverse("exams:my_examiner"),
    )


@transaction.atomic
def relation_declare(*, actor, name: str, id_number: str, kind: str) -> ExaminerRelation:
    """An examiner declares a relative or apprentice; sessions he is assigned to are checked at once."""
    profile = ExaminerProfile.objects.filter(user=actor).first()
    if profile is None:
        raise PermissionDenied
    try:
        number = resident_id_parse(id_number).number
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), field="id_number", code="ric_invalid") from None
    if profile.relations.count() >= settings.EXAMINER_RELATIONS_MAX:
        raise RuleViolation(
            _("At most %(count)d people can be declared; ask exam staff to record more.")
            % {"count": settings.EXAMINER_RELATIONS_MAX},
            code="too_many_relations",
        )
    relation, created = ExaminerRelation.objects.get_or_create(
        examiner=profile, id_number=number, defaults={"name": name, "kind": kind}
    )
    if not created:
        raise RuleViolation(_("You have declared this person already."), field="id_number", code="declared")
    for assignment in profile.assignments.select_related("session"):
        if examiner_is_recused(profile, assignment.session):
            recusal_apply(actor=actor, session=assignment.session, examiner=profile)
    return relation


def examiner_role_grant_problem(*, user, roles) -> str | None:
    """Why ``user`` may not hold ``roles``: one that sees who the candidates are, while he is
    assigned to score a session of a batch not yet reported [考评员 §5]."""
    if not set(roles) & set(IDENTITY_ROLES):
        return None
    scoring = ExaminerAssignment.objects.filter(examiner__user=user).exclude(
        session__batch__status__in=REPORTED_STATUSES
    )
    if not scoring.exists():
        return None
    return _(
        "%(name)s is assigned to score a session not yet reported; while he is, he may not hold a role that sees who the candidates are."
    ) % {"name": user.name}
