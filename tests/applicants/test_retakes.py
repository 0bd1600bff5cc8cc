import datetime

import pytest
from django.utils import timezone

from applicants import services
from applicants.models import Application, ApplicationStatus, Attempt
from applicants.selectors import session_candidates
from exams.models import BatchStatus, ExamSession, PartResult
from exams.selectors import months_before
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory, days_from_today


def earlier_results(applicant, occupation, *, theory: str, skill: str, days_ago: int = 90):
    """A closed batch of the same occupation and level with checked results of both parts."""
    exam_day = days_from_today(-days_ago)
    batch = BatchFactory(
        occupation=occupation,
        status=BatchStatus.CLOSED,
        registration_opens=exam_day - datetime.timedelta(days=40),
        registration_closes=exam_day - datetime.timedelta(days=20),
        theory_date=exam_day,
        skill_date=exam_day + datetime.timedelta(days=1),
    )
    application = Application.objects.create(
        applicant=applicant,
        batch=batch,
        category="student",
        class_name="23 机电 1 班",
        status=ApplicationStatus.CITY_APPROVED,
    )
    for part, outcome, day in (("theory", theory, batch.theory_date), ("skill", skill, batch.skill_date)):
        session = ExamSession.objects.create(
            batch=batch,
            part=part,
            date=day,
            starts_at=datetime.time(9),
            ends_at=datetime.time(11),
            status="published",
            checked_at=timezone.now(),
        )
        PartResult.objects.create(
            session=session,
            application=application,
            outcome=outcome,
            points=72 if outcome == "passed" else 41,
        )
    return application


@pytest.fixture
def setting(db):
    occupation = OccupationFactory(name="电工", levels=[4])
    applicant = ApplicantFactory(education="vocational", employer_or_class="23 机电 1 班")
    batch = BatchFactory(occupation=occupation, status=BatchStatus.REGISTRATION_OPEN)
    return {"occupation": occupation, "applicant": applicant, "batch": batch}


def test_a_passed_part_is_found_by_id_number_and_kept_once(setting):
    applicant, batch = setting["applicant"], setting["batch"]
    earlier = earlier_results(applicant, setting["occupation"], theory="passed", skill="failed")
    application = services.application_create(actor=applicant.user, batch=batch, category="student")
    assert (application.theory_attempt, application.skill_attempt) == (Attempt.KEPT, Attempt.RETAKE)
    assert application.retake_of == earlier
    application.status = ApplicationStatus.CITY_APPROVED
    application.save()
    assert application not in session_candidates(batch_id=batch.pk, part="theory")
    assert application in session_candidates(batch_id=batch.pk, part="skill")
    # The retake is used: another batch starts afresh.
    later = BatchFactory(occupation=setting["occupation"], status=BatchStatus.REGISTRATION_OPEN)
    again = services.application_create(actor=applicant.user, batch=later, category="student")
    assert (again.theory_attempt, again.skill_attempt, again.retake_of) == (Attempt.NEW, Attempt.NEW, None)


def test_no_retake_when_both_parts_failed_or_the_pass_is_too_old(setting):
    applicant, batch = setting["applicant"], setting["batch"]
    earlier_results(applicant, setting["occupation"], theory="passed", skill="absent", days_ago=400)
    application = services.application_create(actor=applicant.user, batch=batch, category="student")
    assert (application.theory_attempt, application.retake_of) == (Attempt.NEW, None)
    other = ApplicantFactory(education="vocational", employer_or_class="23 机电 1 班")
    earlier_results(other, setting["occupation"], theory="failed", skill="failed")
    assert services.application_create(actor=other.user, batch=batch, category="student").retake_of is None


def test_months_before_clamps_the_day():
    assert months_before(datetime.date(2027, 3, 31), 1) == datetime.date(2027, 2, 28)
    assert months_before(datetime.date(2027, 1, 15), 12) == datetime.date(2026, 1, 15)
