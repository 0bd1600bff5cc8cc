import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exams import selectors, services
from exams.forms import ExaminerProfileForm
from exams.models import ExaminerProfile, ExaminerState, Recusal, SessionPart, SheetStatus
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import resident_id
from tests.factories.scoring import ITEMS


@pytest.fixture
def skill(arranged):
    """The arranged batch gets a skill-assessment session in one workshop, with its candidates seated."""
    from exams.models import Room

    workshop = Room.objects.create(name="电工车间", building="实训中心", kind="workshop", capacity=20)
    session = services.session_save(
        actor=arranged["staff"],
        batch=arranged["batch"],
        rooms=[workshop],
        part=SessionPart.SKILL,
        sitting=1,
        date=arranged["batch"].skill_date,
        starts_at=datetime.time(13),
        ends_at=datetime.time(16),
        place="",
        late_entry_minutes=15,
        technician="",
    )
    services.seats_assign(actor=arranged["staff"], session=session)
    return {**arranged, "skill": session}


def examiner(name, batch, *, level=3, state=ExaminerState.ACTIVE, until=None):
    user = UserFactory(role=Role.EXAMINER, name=name)
    profile = ExaminerProfile.objects.create(
        user=user,
        highest_level=level,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=until or batch.skill_date + datetime.timedelta(days=365),
        state=state,
    )
    profile.occupations.add(batch.occupation)
    return profile


def test_assignment_is_refused_outside_scope_with_the_reason(skill):
    batch, staff, session = skill["batch"], skill["staff"], skill["skill"]  # batch level 4
    cases = {
        "suspended": examiner("停职", batch, state=ExaminerState.SUSPENDED),
        "expired": examiner("过期", batch, until=batch.skill_date - datetime.timedelta(days=1)),
        "level": examiner("低级", batch, level=5),
    }
    other = examiner("他职", batch)
    other.occupations.clear()
    cases["occupation"] = other
    for profile in cases.values():
        with pytest.raises(RuleViolation) as caught:
            services.examiner_assign(actor=staff, session=session, examiner=profile)
        assert (caught.value.code, caught.value.field) == ("out_of_scope", "examiner")
        assert profile.user.name in caught.value.message
    assert services.examiner_assign(actor=staff, session=session, examiner=examiner("合格", batch))


def test_recusal_names_the_examiner_to_staff_and_nothing_to_him(skill, client_as):
    batch, staff, session = skill["batch"], skill["staff"], skill["skill"]
    profile = examiner("周考评", batch)
    candidate = skill["applications"][3].applicant
    services.relation_declare(
        actor=profile.user, name=candidate.name, id_number=candidate.id_number.lower(), kind="relative"
    )
    with pytest.raises(RuleViolation) as caught:
        services.examiner_assign(actor=staff, session=session, examiner=profile)
    assert caught.value.code == "recused"
    assert "周考评" in caught.value.message
    assert candidate.name not in caught.value.message
    assert Recusal.objects.filter(session=session, examiner=profile).exists()
    page = client_as(profile.user).get(reverse("exams:my_examiner")).content.decode()
    assert "回避" not in page
    assert candidate.id_number not in page
    staff_page = client_as(staff).get(reverse("exams:view_session", args=[session.pk])).content.decode()
    assert "周考评" in staff_page


def test_what_a_declaration_tells_the_examiner_does_not_depend_on_the_candidates(skill, client_as):
    """Declaring a candidate's ID number and a stranger's look the same to him; staff see the recusal."""
    batch, staff, session = skill["batch"], skill["staff"], skill["skill"]
    candidate = skill["applications"][3].applicant
    pages, answers = [], []
    for name, number in (("甲", candidate.id_number), ("乙", resident_id(777))):
        profile = examiner(f"考评{name}", batch)
        services.examiner_assign(actor=staff, session=session, examiner=profile)
        http = client_as(profile.user)
        answer = http.post(
            reverse("exams:my_examiner"),
            {"name": name, "id_number": number, "kind": "relative"},
            follow=True,
        )
        answers.append([str(message) for message in answer.context["messages"]])
        page = answer.content.decode()
        assert "回避" not in page
        sessions_and_relations = page.split('id="my-sessions"')[1].split("<form")[0]
        pages.append(sessions_and_relations.replace(name, ""))
    assert answers[0] == answers[1]
    assert pages[0] == pages[1]
    assert Recusal.objects.filter(session=session, examiner__user__name="考评甲").exists()
    assert not Recusal.objects.filter(session=session, examiner__user__name="考评乙").exists()
    staff_page = client_as(staff).get(reverse("exams:view_session", args=[session.pk])).content.decode()
    assert "考评甲" in staff_page


def test_declaring_after_assignment_blocks_publishing_until_replaced(skill):
    batch, staff, session = skill["batch"], skill["staff"], skill["skill"]
    profiles = [examiner(f"考评{n}", batch) for n in range(5)]
    for profile in profiles[:4]:
        services.examiner_assign(actor=staff, session=session, examiner=profile)
    problems = " ".join(services.duty_shortfalls(session))
    # 20 candidates need max(3, 20/5=4) → 5 examiners, odd; and a technician.
    assert "考评组须为单数且不少于 5 人，已安排 4 人" in problems
    assert "请填写现场技术保障人员。" in problems
    services.examiner_assign(actor=staff, session=session, examiner=profiles[4])
    session.technician = "冯海涛"
    session.save()
    assert services.duty_shortfalls(session) == []
    candidate = skill["applications"][0].applicant
    services.relation_declare(
        actor=profiles[0].user, name=candidate.name, id_number=candidate.id_number, kind="apprentice"
    )
    problems = services.duty_shortfalls(session)
    assert any("考评0" in problem for problem in problems)
    # Even after publishing, a recused examiner can be taken out of the session.
    session.status = "published"
    session.save()
    services.examiner_unassign(actor=staff, assignment=session.examiner_assignments.get(examiner=profiles[0]))
    with pytest.raises(RuleViolation):
        services.examiner_unassign(
            actor=staff, assignment=session.examiner_assignments.get(examiner=profiles[1])
        )


def test_profile_update_checks_dates_level_and_the_revocation_note(skill):
    director = UserFactory(role=Role.DIRECTOR)
    profile = examiner("李考评", skill["batch"])
    common = {
        "certificate_number": "KP-2024-001",
        "occupations": [skill["batch"].occupation],
        "highest_level": 3,
        "valid_from": datetime.date(2025, 1, 1),
        "valid_until": datetime.date(2027, 12, 31),
        "state": ExaminerState.ACTIVE,
        "state_note": "",
    }
    with pytest.raises(RuleViolation) as caught:
        services.examiner_profile_update(
            actor=director, profile=profile, **{**common, "valid_until": datetime.date(2024, 1, 1)}
        )
    assert caught.value.field == "valid_until"
    with pytest.raises(RuleViolation) as caught:
        services.examiner_profile_update(
            actor=director, profile=profile, **{**common, "state": ExaminerState.REVOKED}
        )
    assert caught.value.field == "state_note"
    services.examiner_profile_update(
        actor=director,
        profile=profile,
        **{**common, "state": ExaminerState.REVOKED, "state_note": "泄露考题，撤销资格。"},
    )
    profile.refresh_from_db()
    assert profile.state == ExaminerState.REVOKED
    assert profile.history.latest().history_user == director


def test_date_fields_keep_their_value_for_the_browsers_date_picker():
    # The Chinese input format (2020/01/01) is not a value <input type="date"> accepts: an edit
    # page would show the field empty and saving it would wipe the date.
    form = ExaminerProfileForm(initial={"valid_from": datetime.date(2020, 1, 1)})
    assert 'value="2020-01-01"' in str(form["valid_from"])


def _scored_skill_session(skill):
    """The skill session published with five examiners, everyone in, a standard in force and sheets open."""
    batch, staff, session = skill["batch"], skill["staff"], skill["skill"]
    profiles = [examiner(f"考评{n}", batch) for n in range(5)]
    for profile in profiles:
        services.examiner_assign(actor=staff, session=session, examiner=profile)
    session.status, session.technician = "published", "冯海涛"
    session.save()
    session.seats.update(checked_in_at=timezone.now())
    services.standard_create(
        actor=staff,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.SKILL,
        effective_from=batch.skill_date,
        combine_rule="mean",
        items=ITEMS,
    )
    assert services.scoring_open(actor=staff, session=session) == 20 * 5
    return profiles


def _score(profile, points, *, sign=True, sheets=None):
    for sheet in sheets if sheets is not None else profile.sheets.all():
        for score, value in zip(sheet.scores.order_by("item__order"), points, strict=True):
            services.item_score_save(
                actor=profile.user, sheet=sheet, item_id=score.item_id, points=Decimal(value)
            )
        if sign:
            services.sheet_sign(actor=profile.user, sheet=sheet, password=TEST_PASSWORD)


def test_a_recusal_after_scoring_opened_takes_his_points_out_until_his_place_is_filled(skill, client_as):
    batch, staff, session = skill["batch"], skill["staff"], skill["skill"]
    profiles = _scored_skill_session(skill)
    for profile in profiles[1:]:
        _score(profile, ["10", "50", "20"])
    # He signed half his sheets with generous points and was still scoring the rest.
    recused = profiles[0]
    sheets = list(recused.sheets.order_by("code__code"))
    _score(recused, ["10", "60", "30"], sheets=sheets[:10])
    _score(recused, ["10", "60", "30"], sign=False, sheets=sheets[10:])
    candidate = skill["applications"][5].applicant
    services.relation_declare(
        actor=recused.user, name=candidate.name, id_number=candidate.id_number, kind="relative"
    )

    statuses = dict(recused.sheets.values_list("pk", "status"))
    assert {statuses[sheet.pk] for sheet in sheets[:10]} == {SheetStatus.SET_ASIDE}
    assert {statuses[sheet.pk] for sheet in sheets[10:]} == {SheetStatus.WITHDRAWN}
    history = sheets[0].history.order_by("-history_date")
    assert history[0].history_change_reason.startswith("考评员回避本场次")
    assert candidate.name not in history[0].history_change_reason
    assert history[1].status == SheetStatus.SIGNED
    assert selectors.sheets_to_score(actor=recused.user).count() == 0
    assert services.sheet_total(sheets[0]) == Decimal(100)

    # Four examiners are left of a group that needs five: the tally waits for his replacement.
    with pytest.raises(RuleViolation) as caught:
        services.results_tally(actor=staff, session=session)
    assert caught.value.code == "recused_not_replaced"
    assert "其余考评员 4 人评分；考评组至少需要 5 人" in caught.value.message
    page = client_as(staff).get(reverse("exams:view_session", args=[session.pk])).content.decode()
    assert reverse("exams:assign_examiner", args=[session.pk]) in page
    replacement = examiner("替补", batch)
    services.examiner_assign(actor=staff, session=session, examiner=replacement)
    assert services.scoring_open(actor=staff, session=session) == 20
    _score(replacement, ["10", "50", "20"])

    assert services.results_tally(actor=staff, session=session) == 20
    assert {result.points for result in session.results.all()} == {Decimal(80)}


def test_a_recusal_leaves_a_valid_group_so_the_tally_runs_without_his_points(scoring):
    staff, session = scoring["staff"], scoring["session"]
    kept, recused = scoring["examiners"][:2], scoring["examiners"][2]
    for profile in kept:
        _score(profile, ["10", "50", "20"])
    _score(recused, ["0", "0", "0"])
    candidate = scoring["applications"][7].applicant
    services.relation_declare(
        actor=recused.user, name=candidate.name, id_number=candidate.id_number, kind="apprentice"
    )
    # Two blind markers are left on the theory papers: the group stands without him.
    assert services.results_tally(actor=staff, session=session) == 20
    assert {result.points for result in session.results.exclude(outcome="absent")} == {Decimal(80)}
