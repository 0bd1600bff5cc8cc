"""Two clerks deciding or declaring the same applications at once: one decides, the other is told."""

import pytest

from applicants import services
from applicants.models import Application, ApplicationStatus, Declaration
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.races import DONE, race, refusals

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clerks():
    return [
        UserFactory(username="guanli", role=Role.CLERK),
        UserFactory(username="kaowu", role=Role.EXAM_STAFF),
    ]


def test_two_reviewers_at_once_one_decides_the_other_is_refused(clerks):
    (application,) = candidates(BatchFactory(status="registration_open"), {"23 机电 1 班": 1}, "submitted")
    seen, records = application.version, application.history.count()
    decisions = [("approve", ""), ("return", "学生证复印件不清楚")]

    def review(actor, decision, reason):
        return lambda: services.application_review(
            actor=actor, application=application, decision=decision, reason=reason, version=seen
        )

    outcomes = race(*(review(actor, *decision) for actor, decision in zip(clerks, decisions, strict=True)))

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("changed_meanwhile"), outcomes
    winner = outcomes.index(DONE)
    application.refresh_from_db()
    assert application.status == services.REVIEW_DECISIONS[decisions[winner][0]]
    assert application.reviewed_by == clerks[winner]
    assert application.version == seen + 1
    assert application.history.count() == records + 1


def test_changed_meanwhile_names_the_new_state(clerks):
    (application,) = candidates(BatchFactory(status="registration_open"), {"23 机电 1 班": 1}, "submitted")
    seen = application.version

    def approve(actor):
        return lambda: services.application_review(
            actor=actor, application=application, decision="approve", reason="", version=seen
        )

    outcomes = race(*(approve(actor) for actor in clerks), ordered=True)

    assert outcomes[0] == DONE
    assert outcomes[1] in refusals("changed_meanwhile"), outcomes
    if outcomes[1] == "changed_meanwhile":
        assert "已有变化" in outcomes[1].message
        assert "已批准" in outcomes[1].message


def test_two_clerks_declaring_a_batch_at_once_make_one_declaration(clerks):
    clerks[1] = UserFactory(username="guanli2", role=Role.CLERK)
    batch = BatchFactory(status="registration_closed")
    applications = candidates(batch, {"23 机电 1 班": 3, "23 机电 2 班": 2}, ApplicationStatus.APPROVED)

    outcomes = race(
        *(lambda actor=actor: services.declaration_create(actor=actor, batch=batch) for actor in clerks)
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("nothing_to_declare"), outcomes
    declaration = Declaration.objects.get()
    assert declaration.declared_by == clerks[outcomes.index(DONE)]
    for application in Application.objects.filter(pk__in=[a.pk for a in applications]):
        assert (application.status, application.declaration) == (ApplicationStatus.DECLARED, declaration)
        assert application.history.filter(status=ApplicationStatus.DECLARED).count() == 1


def test_the_city_approval_recorded_twice_at_once_is_recorded_once(clerks):
    clerks[1] = UserFactory(username="guanli2", role=Role.CLERK)
    batch = BatchFactory(status="registration_closed")
    candidates(batch, {"23 机电 1 班": 3}, ApplicationStatus.APPROVED)
    declaration = services.declaration_create(actor=clerks[0], batch=batch)
    numbers = ["苏鉴〔2026〕7号", "苏鉴〔2026〕8号"]

    def record(actor, number):
        return lambda: services.declaration_record_approval(
            actor=actor,
            declaration=declaration,
            document_number=number,
            approved_on=batch.registration_closes,
        )

    outcomes = race(*(record(actor, number) for actor, number in zip(clerks, numbers, strict=True)))

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("nothing_to_approve"), outcomes
    number = numbers[outcomes.index(DONE)]
    declaration.refresh_from_db()
    assert declaration.city_document_number == number
    for application in batch.applications.all():
        assert application.city_document_number == number
        assert application.history.filter(status=ApplicationStatus.CITY_APPROVED).count() == 1
