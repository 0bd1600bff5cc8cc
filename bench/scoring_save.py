"""20 examiners saving item scores at once, against a trivial view of the same server.

A gunicorn server (2 workers × 4 threads) runs on 127.0.0.1 with the embedded
default (SQLite in WAL mode). Locust drives 20 users: first each signs in as
an examiner and saves item scores as his tablet does, then the same 20 users
ask for /healthz/. Prints throughput and 95th-percentile latency of both.

Last line: ``ratio scoring_save <save requests/s ÷ trivial requests/s>``.
"""

import csv
import datetime
import json
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from load.serving import gunicorn_serving, locust_run

ROOT = Path(__file__).resolve().parent.parent
EXAMINERS = 20
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
PASSWORD = "Kao-ping-2026"  # noqa: S105 - accounts of a throw-away benchmark database


def prepare(work: str) -> str:
    """Create a published session scored by 20 examiners; return the path of the locust plan."""
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{work}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianding.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from applicants.models import Applicant, Application, ApplicationStatus
    from exams import services
    from exams.models import Batch, BatchStatus, ExaminerProfile, Occupation, Room, ScoreSheet, SessionPart
    from jianding.models import User
    from jianding.roles import Role

    def account(username, role, password=None):
        user = User.objects.create(username=username, name=username)
        if password:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role.value))
        return user

    staff = account("bench-staff", Role.EXAM_STAFF)
    occupation = Occupation.objects.create(code="6-31-01-03", name="电工", levels=[4])
    today = datetime.date.today()
    batch = Batch.objects.create(
        occupation=occupation,
        level=4,
        status=BatchStatus.REGISTRATION_CLOSED,
        registration_opens=today,
        registration_closes=today,
        theory_date=today + datetime.timedelta(days=1),
        skill_date=today + datetime.timedelta(days=2),
        # no fee item: a free batch, no fee to collect before the tickets, which is not what this measures
        eligibility="—",
        created_by=staff,
    )
    for index in range(20):
        applicant = Applicant.objects.create(
            user=account(f"a{index}", Role.APPLICANT),
            name="考生",
            id_number=f"32010220040101{index:03d}X"[:18],
            birth_date=today,
            sex="M",
        )
        Application.objects.create(
            applicant=applicant,
            batch=batch,
            category="student",
            class_name="23 机电 1 班",
            status=ApplicationStatus.CITY_APPROVED,
        )
    room = Room.objects.create(name="301", capacity=30)
    session = services.session_save(
        actor=staff,
        batch=batch,
        rooms=[room],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        place="",
        late_entry_minutes=15,
        technician="",
    )
    services.seats_assign(actor=staff, session=session)
    services.session_room_set_proctors(
        actor=staff,
        session_room=session.session_rooms.get(),
        proctors=[account(f"p{n}", Role.PROCTOR) for n in range(2)],
    )
    for number in range(EXAMINERS):
        profile = ExaminerProfile.objects.create(
            user=account(f"examiner{number}", Role.EXAMINER, PASSWORD),
            highest_level=1,
            valid_from=today,
            valid_until=today + datetime.timedelta(days=30),
        )
        profile.occupations.add(occupation)
        services.examiner_assign(actor=staff, session=session, examiner=profile)
    services.tickets_publish(actor=staff, batch=batch)
    session.seats.update(checked_in_at=timezone.now())
    services.standard_create(
        actor=staff,
        occupation=occupation,
        level=4,
        part=SessionPart.THEORY,
        effective_from=today,
        combine_rule="mean",
        items=[
            {"title": f"第{n}题", "max_points": Decimal(10), "deductions": "", "is_subjective": False}
            for n in range(10)
        ],
    )
    services.scoring_open(actor=staff, session=session)
    plan = {}
    for sheet in ScoreSheet.objects.select_related("examiner__user").prefetch_related("scores"):
        plan.setdefault(sheet.examiner.user.username, []).extend(
            [sheet.pk, score.item_id] for score in sheet.scores.all()
        )
    path = f"{work}/plan.json"
    Path(path).write_text(json.dumps(plan), encoding="utf-8")
    return path


def run_locust(target: str, host: str, plan: str, work: str) -> tuple[float, float]:
    prefix = f"{work}/{target}"
    locust_run(
        locustfile="scoring_locust.py",
        host=host,
        users=EXAMINERS,
        seconds=SECONDS,
        csv_prefix=prefix,
        env={"BENCH_TARGET": target, "BENCH_PLAN": plan, "BENCH_PASSWORD": PASSWORD},
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        row = next(
            row for row in csv.DictReader(stats) if row["Name"] == ("save" if target == "save" else "trivial")
        )
    if int(row["Failure Count"]):
        raise SystemExit(f"{target}: {row['Failure Count']} requests failed")
    return float(row["Requests/s"]), float(row["95%"])


def main() -> None:
    work = tempfile.mkdtemp()
    plan = prepare(work)
    with gunicorn_serving() as host:
        save_rps, save_p95 = run_locust("save", host, plan, work)
        trivial_rps, trivial_p95 = run_locust("trivial", host, plan, work)
    print(f"users {EXAMINERS}, {SECONDS} s each, gunicorn 2 workers × 4 threads, SQLite")
    print(f"save item score: {save_rps:.1f} requests/s, p95 {save_p95:.0f} ms")
    print(f"trivial view: {trivial_rps:.1f} requests/s, p95 {trivial_p95:.0f} ms")
    print(f"ratio scoring_save {save_rps / trivial_rps:.2f}")


if __name__ == "__main__":
    main()
