"""Examiners and exam staff take proctoring duties [考评组 §2, 考务组 §5], never in a session they score."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from exams import services
from exams.forms import AbsenceDecisionForm, ProctorsForm
from exams.models import AbsenceKind, ExaminerAssignment, ExaminerProfile
from jianding import staff as staff_accounts
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory


def examiner_for(batch, *, username, roles=(Role.EXAMINER,)):
    """An examiner inside the batch's scope, holding ``roles``."""
    user = UserFactory(username=username, name=f"考评{username}", role=roles)
    profile = ExaminerProfile.objects.create(
        user=user,
        highest_level=1,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=batch.theory_date + datetime.timedelta(days=30),
    )
    profile.occupations.add(batch.occupation)
    return profile


def test_an_examiner_or_exam_staff_member_is_named_a_rooms_proctor_on_the_page(arranged):
    batch, session, http = arranged["batch"], arranged["session"], arranged["http"]
    examiner = examiner_for(batch, username="kp").user
    helper = UserFactory(username="kaowu2", name="考务二", role=Role.EXAM_STAFF)
    finance = UserFactory(username="caiwu-2", role=Role.FINANCE)
    choices = set(ProctorsForm().fields["proctors"].queryset)
    assert {examiner, helper, *arranged["proctors"]} <= choices
    assert finance not in choices
    assert {examiner, helper} <= set(AbsenceDecisionForm().fields["replacement"].queryset)
    session_room = session.session_rooms.get(order=1)
    response = http.post(
        reverse("exams:set_proctors", args=[session_room.pk]),
        {f"room{session_room.pk}-proctors": [examiner.pk, helper.pk]},
    )
    assert response.status_code == 302
    assert set(session_room.proctors.all()) == {examiner, helper}
    with pytest.raises(RuleViolation) as caught:
        services.session_room_set_proctors(
            actor=arranged["staff"], session_room=session_room, proctors=[finance]
        )
    assert (caught.value.field, caught.value.code) == ("proctors", "not_proctor")


def test_an_examiner_of_the_session_is_refused_as_its_proctor_with_the_reason(arranged, client_as):
    batch, session, staff = arranged["batch"], arranged["session"], arranged["staff"]
    profile = examiner_for(batch, username="kp", roles=(Role.EXAMINER, Role.PROCTOR))
    services.examiner_assign(actor=staff, session=session, examiner=profile)
    session_room = session.session_rooms.get(order=1)
    with pytest.raises(RuleViolation) as caught:
        services.session_room_set_proctors(
            actor=staff, session_room=session_room, proctors=[arranged["proctors"][0], profile.user]
        )
    assert (caught.value.field, caught.value.code) == ("proctors", "examiner_of_session")
    assert profile.user.name in caught.value.message
    assert "考评员" in caught.value.message
    assert not session_room.proctors.exists()
    response = arranged["http"].post(
        reverse("exams:set_proctors", args=[session_room.pk]),
        {f"room{session_room.pk}-proctors": [profile.user.pk]},
    )
    assert [str(message) for message in get_messages(response.wsgi_request)][-1] == caught.value.message
    assert not session_room.proctors.exists()


def test_a_proctor_of_the_session_is_refused_as_its_examiner_with_the_reason(arranged):
    batch, session, staff = arranged["batch"], arranged["session"], arranged["staff"]
    profile = examiner_for(batch, username="kp")
    session_room = session.session_rooms.get(order=2)
    services.session_room_set_proctors(actor=staff, session_room=session_room, proctors=[profile.user])
    with pytest.raises(RuleViolation) as caught:
        services.examiner_assign(actor=staff, session=session, examiner=profile)
    assert (caught.value.field, caught.value.code) == ("examiner", "proctor_of_session")
    assert profile.user.name in caught.value.message
    assert "监考" in caught.value.message
    assert not ExaminerAssignment.objects.filter(session=session).exists()


def test_an_examiner_of_the_session_is_refused_as_a_replacement_proctor(published):
    batch, session, staff = published["batch"], published["session"], published["staff"]
    session_room = session.session_rooms.get(order=1)
    first = session_room.proctors.order_by("username").first()
    profile = examiner_for(batch, username="kp")
    ExaminerAssignment.objects.create(session=session, examiner=profile, assigned_by=staff)
    absence = services.absence_request(
        actor=first, session_room=session_room, kind=AbsenceKind.LEAVE, reason="家中有事"
    )
    with pytest.raises(RuleViolation) as caught:
        services.absence_decide(actor=staff, absence=absence, approve=True, replacement=profile.user)
    assert (caught.value.field, caught.value.code) == ("replacement", "examiner_of_session")
    assert first in session_room.proctors.all()
    other = examiner_for(batch, username="kp2").user
    services.absence_decide(actor=staff, absence=absence, approve=True, replacement=other)
    assert other in session_room.proctors.all()


def test_an_examiner_named_to_a_room_works_its_record_through_the_pages(arranged, client_as):
    """From the dashboard card to My duties, the room record and the papers he receives."""
    batch, session, staff = arranged["batch"], arranged["session"], arranged["staff"]
    examiner = examiner_for(batch, username="kp").user
    idle = examiner_for(batch, username="kp2").user
    session_room = session.session_rooms.get(order=1)
    services.session_room_set_proctors(
        actor=staff, session_room=session_room, proctors=[examiner, arranged["proctors"][0]]
    )
    http = client_as(examiner)
    cards = {card.url: card.count for card in http.get(reverse("dashboard")).context["cards"]}
    assert cards[reverse("exams:my_duties")] == 1
    duties = http.get(reverse("exams:my_duties"))
    assert duties.status_code == 200
    assert reverse("exams:print_badge", args=[session_room.pk]) in duties.content.decode()
    record_url = reverse("exams:room_record", args=[session_room.pk])
    page = http.get(record_url)
    assert page.context["handover_direction"] == "out"
    response = http.post(
        reverse("exams:record_handover", args=[session_room.pk]),
        {"count": 12, "sealed": "on", "given_by": staff.pk},
    )
    assert response.status_code == 302
    assert session_room.handovers.get().received_by == examiner
    # Exam staff then take the papers back, from a proctor of the room.
    assert arranged["http"].get(record_url).context["handover_direction"] == "back"
    # An examiner named to no room has no card, and sees no other room.
    idle_cards = client_as(idle).get(reverse("dashboard")).context["cards"]
    assert reverse("exams:my_duties") not in {card.url for card in idle_cards}
    assert client_as(idle).get(record_url).status_code == 404


def test_an_examiner_who_sees_identities_by_another_role_is_refused_both_ways(arranged):
    """Nobody scores a session in which he sees who the candidates are [考评员 §5]."""
    batch, session, staff = arranged["batch"], arranged["session"], arranged["staff"]
    clerk_examiner = examiner_for(batch, username="kp", roles=(Role.EXAMINER, Role.CLERK))
    with pytest.raises(RuleViolation) as caught:
        services.examiner_assign(actor=staff, session=session, examiner=clerk_examiner)
    assert (caught.value.field, caught.value.code) == ("examiner", "sees_identities")
    assert not ExaminerAssignment.objects.filter(examiner=clerk_examiner).exists()

    examiner = examiner_for(batch, username="kp2")
    services.examiner_assign(actor=staff, session=session, examiner=examiner)
    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    with pytest.raises(RuleViolation) as caught:
        staff_accounts.staff_update(
            actor=director,
            user=examiner.user,
            name=examiner.user.name,
            phone="13800000000",
            roles=[Role.EXAMINER, Role.FINANCE],
            is_active=True,
            reason="兼任财务",
        )
    assert (caught.value.field, caught.value.code) == ("roles", "sees_identities")
    assert examiner.user.name in caught.value.message
    examiner.user.refresh_from_db()
    assert set(examiner.user.groups.values_list("name", flat=True)) == {Role.EXAMINER.value}


def test_a_proctor_with_another_role_works_only_the_door_and_badge_of_his_own_room(arranged, client_as):
    session = arranged["session"]
    mine, other = session.session_rooms.order_by("order")
    proctor = UserFactory(username="jk-cw", role=(Role.PROCTOR, Role.FINANCE))
    services.session_room_set_proctors(actor=arranged["staff"], session_room=mine, proctors=[proctor])
    http = client_as(proctor)
    assert http.get(reverse("exams:print_badge", args=[mine.pk])).status_code == 200
    assert http.get(reverse("exams:print_badge", args=[other.pk])).status_code == 404
    door = http.get(reverse("exams:check_in", args=[session.pk]))
    assert {seat.session_room_id for seat in door.context["seats"]} == {mine.pk}
    assert http.get(reverse("exams:room_record", args=[other.pk])).status_code == 404
