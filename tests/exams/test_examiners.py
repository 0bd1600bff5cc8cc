import datetime

import pytest
from django.urls import reverse

from exams import services
from exams.forms import ExaminerProfileForm
from exams.models import ExaminerProfile, ExaminerState, Recusal, SessionPart
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import resident_id


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
