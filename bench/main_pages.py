"""The main pages with 10,000 applicants, 50 batches and 100 staff, against a trivial view of the same server.

A gunicorn server (2 workers × 4 threads) runs on 127.0.0.1 with the embedded
default (SQLite in WAL mode) on a throw-away database loaded with BENCH_ROWS
applicants (each with one application and its documents) spread over 50
batches in every state, and 100 staff across the roles (both scale down with
BENCH_ROWS so that a small sample stays small). One batch is being scored
(examiners' sheets open), one is being publicised (its qualified list).

Locust drives 20 users. They first sign in through the pages as a real user
does, several sessions per role: password, then for the roles of
SECOND_FACTOR_ROLES the second factor (the TOTP code computed from the
device's key for an account's first session, a one-time recovery code for the
others). Then all 20 users ask for one page after the other, each page for an
equal share of BENCH_SECONDS (default 300: 20 s a page); the first moment of
each share is not counted, so no request of the page before is. The pages:

- the two trivial views, first and again last (counted together: the
  machine may be shared and drift): ``trivial``, /healthz/, which answers
  "ok" without session, user or layout, and ``trivial_signed_in``,
  /password/done/ for exam staff, a view that does nothing but render the
  layout for a signed-in user (session, user, roles, menu);
- ``dashboard_<role>``: the dashboard (/) of each of the nine roles;
- ``review_queue``: /applicants/applications/ as the clerk opens it from the menu;
- ``application``: the staff view of a submitted application (exam staff, a random one each time);
- ``score_save``: an examiner saving an item score as his tablet does (htmx POST);
- ``publicity``: /public/publicity/. The portal has no public certificate
  verification page yet, so the public page measured is the publicity of the
  qualified list (公示), anonymous, with one batch publicised.

A response other than 200 (a redirect to the sign-in or second-factor page
included) fails the run. For each page: requests/s, 95th-percentile latency
and its ratio = page p95 ÷ the signed-in trivial view's p95; "within 5×"
means a ratio of 5 or less. Every page a person opens pays for the session,
the user and the layout, which /healthz/ skips: even the signed-in trivial
view is several times /healthz/ (its ratio against it is printed too, and
so is each page's). One line per page:
``page NAME rps R p95 P ratio X (against /healthz/ Y)``.

Last line: ``ratio main_pages <worst page ratio>``; the target is 5 or less.
"""

import csv
import datetime
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from load.serving import gunicorn_serving, locust_run

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "300"))
BATCHES = max(4, min(50, ROWS // 200))
STAFF = max(20, min(100, ROWS // 100))
SCORED = min(20, max(3, ROWS // 5))  # candidates of the session being scored
USERS = 20
SESSIONS_PER_ROLE = 4 if ROWS >= 1000 else 1  # each sign-in hashes a password: fewer on a small sample
PASSWORD = "Bench-pages-2026"  # noqa: S105 - accounts of a throw-away benchmark database
# Staff per role out of 100.
STAFF_WEIGHTS = {
    "director": 1,
    "deputy": 2,
    "clerk": 10,
    "exam_staff": 12,
    "finance": 3,
    "equipment_manager": 2,
    "proctor": 30,
    "examiner": 40,
}
DASHBOARD_ROLES = (
    "director",
    "deputy",
    "clerk",
    "exam_staff",
    "examiner",
    "proctor",
    "finance",
    "equipment_manager",
    "applicant",
)
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗曾单解", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def setup_django(work: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{work}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianding.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def resident_id(index: int) -> str:
    from stdnum.cn import ric

    birth = datetime.date(2004, 1, 1) + datetime.timedelta(days=index // 500)
    base = f"320102{birth:%Y%m%d}{index % 500:03d}"
    return base + ric.calc_check_digit(base + "0")


def batch_dates(status: str, index: int, today: datetime.date) -> dict:
    """Registration window and exam dates that fit a batch in ``status``."""
    offsets = {
        "draft": (40, 60, 80),
        "approved": (20, 40, 60),
        "registration_open": (-10, 10, 30),
        "registration_closed": (-40, -5, 10),
        "in_exam": (-50, -20, 0),
        "scoring": (-60, -30, -14),
        "reported": (-120 - index, -90 - index, -60 - index),
        "closed": (-300 - index, -270 - index, -240 - index),
    }
    opens, closes, theory = offsets[status]
    day = datetime.timedelta(days=1)
    return {
        "registration_opens": today + opens * day,
        "registration_closes": today + closes * day,
        "theory_date": today + theory * day,
        "skill_date": today + (theory + 1) * day,
    }


def staff_load(password_hash: str) -> dict[str, list]:
    """Create the staff accounts by role (in their groups, examiners with a profile); return them by role."""
    from django.contrib.auth.models import Group

    from exams.models import ExaminerProfile
    from jianding.models import User

    groups = dict(Group.objects.values_list("name", "pk"))
    by_role = {}
    for role, weight in STAFF_WEIGHTS.items():
        count = max(1, round(weight * STAFF / 100))
        by_role[role] = User.objects.bulk_create(
            User(username=f"{role}{n}", name=f"{role}{n}", password=password_hash) for n in range(count)
        )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[role])
        for role, users in by_role.items()
        for user in users
    )
    today = datetime.date.today()
    ExaminerProfile.objects.bulk_create(
        ExaminerProfile(
            user=user,
            highest_level=1,
            valid_from=today - datetime.timedelta(days=365),
            valid_until=today + datetime.timedelta(days=365),
        )
        for user in by_role["examiner"]
    )
    return by_role


def applicants_load(password_hash: str, batches: list, scoring_batch, today: datetime.date) -> list[int]:
    """Create ROWS applicants with one application each; return the submitted applications' keys."""
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from applicants.models import Applicant, Application, ApplicationDocument, ApplicationStatus
    from jianding.models import User
    from jianding.pinyin import name_sort_key

    open_cycle = ["submitted", "submitted", "submitted", "draft", "returned", "approved"]
    closed_cycle = ["approved", "city_approved", "city_approved"]
    taking = [
        batch for batch in batches if batch.status not in ("draft", "approved") and batch != scoring_batch
    ]
    names = [
        SURNAMES[index % len(SURNAMES)] + GIVEN[index // 7 % len(GIVEN)] + GIVEN[index % len(GIVEN)]
        for index in range(ROWS)
    ]
    sort_keys = {name: name_sort_key(name) for name in set(names)}
    ids = [resident_id(index) for index in range(ROWS)]
    users = User.objects.bulk_create(
        (User(username=ids[index], name=names[index], password=password_hash) for index in range(ROWS)),
        batch_size=2000,
    )
    applicant_group = Group.objects.get(name="applicant")
    User.groups.through.objects.bulk_create(
        (User.groups.through(user_id=user.pk, group_id=applicant_group.pk) for user in users), batch_size=2000
    )
    applicants = Applicant.objects.bulk_create(
        (
            Applicant(
                user=user,
                name=names[index],
                name_sort_key=sort_keys[names[index]],
                id_number=ids[index],
                birth_date=datetime.date(2004, 1, 1) + datetime.timedelta(days=index // 500),
                sex="M" if index % 2 else "F",
                phone=f"138{index:08d}",
                education="vocational",
                employer_or_class=f"23 机电 {index // 45 + 1} 班",
            )
            for index, user in enumerate(users)
        ),
        batch_size=2000,
    )
    now = timezone.now()
    applications = []
    for index, applicant in enumerate(applicants):
        if index < SCORED:
            batch, status = scoring_batch, ApplicationStatus.CITY_APPROVED
        else:
            batch = taking[index % len(taking)]
            cycle = {"registration_open": open_cycle, "registration_closed": closed_cycle}.get(
                batch.status, ["city_approved"]
            )
            status = cycle[index // len(taking) % len(cycle)]
        social = index % 7 == 0
        applications.append(
            Application(
                applicant=applicant,
                batch=batch,
                category="social" if social else "student",
                class_name="某某电气公司" if social else applicant.employer_or_class,
                status=status,
                submitted_at=None if status == "draft" else now - datetime.timedelta(minutes=index),
            )
        )
    applications = bulk_create_with_history(applications, Application, batch_size=2000)
    ApplicationDocument.objects.bulk_create(
        (
            ApplicationDocument(
                application=application,
                kind=kind,
                file=f"applications/bench-{kind}.jpg",
                content_type="image/jpeg",
                size=80_000,
                sha256="0" * 64,
            )
            for application in applications
            for kind in application.required_documents()
        ),
        batch_size=5000,
    )
    return [a.pk for a in applications if a.status == ApplicationStatus.SUBMITTED]


def scoring_prepare(batch, staff_user, examiners, proctors, today) -> dict[str, list]:
    """Seat the scoring batch, publish it and open scoring; return each examiner's [sheet, item] pairs."""
    from django.utils import timezone

    from exams import services
    from exams.models import ExaminerProfile, Room, ScoreSheet, SessionPart

    room = Room.objects.create(name="301", capacity=30)
    session = services.session_save(
        actor=staff_user,
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
    services.seats_assign(actor=staff_user, session=session)
    services.session_room_set_proctors(
        actor=staff_user, session_room=session.session_rooms.get(), proctors=proctors[:2]
    )
    for user in examiners:
        services.examiner_assign(
            actor=staff_user, session=session, examiner=ExaminerProfile.objects.get(user=user)
        )
    services.tickets_publish(actor=staff_user, batch=batch)
    session.seats.update(checked_in_at=timezone.now())
    services.standard_create(
        actor=staff_user,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.THEORY,
        effective_from=today - datetime.timedelta(days=30),
        combine_rule="mean",
        items=[
            {"title": f"第{n}题", "max_points": Decimal(10), "deductions": "", "is_subjective": False}
            for n in range(10)
        ],
    )
    services.scoring_open(actor=staff_user, session=session)
    scores = {}
    for sheet in ScoreSheet.objects.select_related("examiner__user").prefetch_related("scores"):
        scores.setdefault(sheet.examiner.user.username, []).extend(
            [sheet.pk, score.item_id] for score in sheet.scores.all()
        )
    return scores


def publicity_prepare(batch, staff_user, today) -> None:
    """Give the batch checked results (most passed) and put its qualified list on public view."""
    from django.utils import timezone

    from exams.models import ExamSession, Objection, PartResult, SessionPart, SessionStatus

    now = timezone.now()
    sessions = [
        ExamSession.objects.create(
            batch=batch,
            part=part,
            date=date,
            starts_at=datetime.time(9),
            ends_at=datetime.time(11),
            status=SessionStatus.PUBLISHED,
            tallied_by=staff_user,
            tallied_at=now,
            checked_by=staff_user,
            checked_at=now,
        )
        for part, date in ((SessionPart.THEORY, batch.theory_date), (SessionPart.SKILL, batch.skill_date))
    ]
    PartResult.objects.bulk_create(
        PartResult(
            session=session,
            application=application,
            points=Decimal(50 if (application.pk + offset) % 9 == 0 else 75),
            outcome="failed" if (application.pk + offset) % 9 == 0 else "passed",
        )
        for offset, session in enumerate(sessions)
        for application in batch.applications.all()
    )
    batch.publicity_starts = today - datetime.timedelta(days=1)
    batch.publicity_ends = today + datetime.timedelta(days=7)
    batch.publicity_started_by = staff_user
    batch.save(update_fields=["publicity_starts", "publicity_ends", "publicity_started_by"])
    Objection.objects.create(batch=batch, raised_by="某某", contact="13800000000", text="请核实。")


def second_factors(by_role: dict[str, list], sessions: dict[str, list[str]]) -> dict[str, list[dict]]:
    """Give second-factor staff a phone app and the recovery codes their sessions need; return the sign-ins.

    An account's first session types the code of its phone app (TOTP, computed
    by locust from the key); its further sessions each type one recovery code,
    as a TOTP code is accepted once per 30-second step.
    """
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jianding.second_factor import PHONE, RECOVERY

    sign_ins = {}
    for role, usernames in sessions.items():
        users = {user.username: user for user in by_role.get(role, [])}
        sign_ins[role] = []
        for index, username in enumerate(usernames):
            entry = {"username": username}
            if role in settings.SECOND_FACTOR_ROLES:
                user = users[username]
                if usernames.index(username) == index:
                    entry["totp_key"] = TOTPDevice.objects.create(user=user, name=PHONE, confirmed=True).key
                else:
                    device, _created = StaticDevice.objects.get_or_create(
                        user=user, name=RECOVERY, defaults={"confirmed": True}
                    )
                    entry["recovery_code"] = device.token_set.create(token=StaticToken.random_token()).token
            sign_ins[role].append(entry)
    return sign_ins


def prepare(work: str) -> str:
    """Load the data and write the locust plan; return its path."""
    from django.contrib.auth.hashers import make_password

    from applicants.models import Applicant
    from exams.models import Batch, ExaminerProfile, Occupation

    today = datetime.date.today()
    password_hash = make_password(PASSWORD)
    by_role = staff_load(password_hash)
    exam_staff = by_role["exam_staff"][0]
    occupations = Occupation.objects.bulk_create(
        Occupation(code=f"6-31-01-{n:02d}", name=name, levels=[3, 4, 5])
        for n, name in enumerate(["电工", "钳工", "焊工", "车工", "汽车维修工", "电子设备装接工", "数控车工"])
    )
    ExaminerProfile.occupations.through.objects.bulk_create(
        ExaminerProfile.occupations.through(examinerprofile_id=profile.pk, occupation_id=occupation.pk)
        for profile in ExaminerProfile.objects.all()
        for occupation in occupations
    )
    cycle = [
        "registration_open",
        "closed",
        "registration_open",
        "reported",
        "registration_closed",
        "closed",
        "draft",
        "in_exam",
        "approved",
    ]
    statuses = ["registration_closed", "scoring"] + [cycle[n % len(cycle)] for n in range(BATCHES - 2)]
    batches = []
    for index, status in enumerate(statuses):
        # The batch being scored sits its exam today; the one publicised sat a fortnight ago.
        dates = batch_dates("in_exam" if index == 0 else status, index, today)
        batches.append(
            Batch(
                occupation=occupations[index % len(occupations)],
                level=[4, 3, 5][index % 3],
                status=status,
                eligibility="取得相关专业中级职业资格证书",
                scheme="理论知识考试与技能操作考核分别进行。",
                created_by=exam_staff,
                **dates,
            )
        )
    batches = Batch.objects.bulk_create(batches)
    scoring_batch, publicised = batches[0], batches[1]
    submitted = applicants_load(password_hash, batches, scoring_batch, today)
    examiners = by_role["examiner"][:5]
    scores = scoring_prepare(scoring_batch, exam_staff, examiners, by_role["proctor"], today)
    publicity_prepare(publicised, exam_staff, today)
    applicant_names = list(
        Applicant.objects.filter(applications__status="returned").values_list("user__username", flat=True)[
            :SESSIONS_PER_ROLE
        ]
    ) or list(Applicant.objects.values_list("user__username", flat=True)[:SESSIONS_PER_ROLE])
    accounts = {role: [user.username for user in users] for role, users in by_role.items()}
    accounts["examiner"] = [user.username for user in examiners]
    accounts["applicant"] = applicant_names
    sessions = {
        role: [accounts[role][n % len(accounts[role])] for n in range(SESSIONS_PER_ROLE)]
        for role in DASHBOARD_ROLES
    }
    floors = [
        {"name": "trivial", "role": None, "path": "/healthz/"},
        {"name": "trivial_signed_in", "role": "exam_staff", "path": "/password/done/"},
    ]
    pages = list(floors)
    pages += [{"name": f"dashboard_{role}", "role": role, "path": "/"} for role in DASHBOARD_ROLES]
    pages += [
        {"name": "review_queue", "role": "clerk", "path": "/applicants/applications/"},
        {"name": "application", "role": "exam_staff", "path": "/applicants/applications/{pk}/"},
        {"name": "score_save", "role": "examiner", "path": "/exams/sheets/{sheet}/items/{item}/"},
        {"name": "publicity", "role": None, "path": "/public/publicity/"},
        # The floors again at the end: a machine shared with others drifts; both count as one.
        *floors,
    ]
    phase = max(1.0, SECONDS / len(pages))
    plan = {
        "password": PASSWORD,
        "sign_ins": second_factors(by_role, sessions),
        "pages": pages,
        "phase_seconds": phase,
        "settle_seconds": min(1.0, phase / 5),
        "applications": random.sample(submitted, min(200, len(submitted))),
        "scores": scores,
    }
    path = f"{work}/plan.json"
    Path(path).write_text(json.dumps(plan), encoding="utf-8")
    return path


def run_locust(host: str, plan_path: str, work: str) -> dict[str, tuple[float, float]]:
    """Run the plan; return requests/s and p95 (ms) by page."""
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    prefix = f"{work}/pages"
    # Sign-ins come first and take a while (password hashing); the plan ends the run itself.
    limit = int(len(plan["pages"]) * plan["phase_seconds"]) + 600
    locust_run(
        locustfile="pages_locust.py",
        host=host,
        users=USERS,
        seconds=limit,
        csv_prefix=prefix,
        env={"BENCH_PLAN": plan_path, "BENCH_USERS": str(USERS)},
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
        failed = [f"{row['Name']}: {row['Error']} ×{row['Occurrences']}" for row in csv.DictReader(failures)]
    if failed:
        raise SystemExit("requests failed: " + "; ".join(failed))
    missing = [page["name"] for page in plan["pages"] if page["name"] not in rows]
    if missing:
        raise SystemExit(f"no request counted for {missing}; raise BENCH_SECONDS")
    # Locust's own requests/s spans the whole run; each page is asked for only during its windows.
    window = plan["phase_seconds"] - plan["settle_seconds"]
    windows = Counter(page["name"] for page in plan["pages"])
    return {
        name: (int(rows[name]["Request Count"]) / (window * count), float(rows[name]["95%"]))
        for name, count in windows.items()
    }


def main() -> None:
    work = tempfile.mkdtemp()
    setup_django(work)
    started = time.perf_counter()
    plan = prepare(work)
    loaded = time.perf_counter() - started
    with gunicorn_serving() as host:
        results = run_locust(host, plan, work)
    trivial_rps, trivial_p95 = results.pop("trivial")
    floor_rps, floor_p95 = results.pop("trivial_signed_in")
    phase = json.loads(Path(plan).read_text(encoding="utf-8"))["phase_seconds"]
    print(
        f"applicants {ROWS}, batches {BATCHES}, staff {STAFF} (loaded in {loaded:.0f} s); "
        f"users {USERS}, {phase:.0f} s a page, gunicorn 2 workers × 4 threads, SQLite"
    )
    print(f"trivial view /healthz/: {trivial_rps:.1f} requests/s, p95 {trivial_p95:.0f} ms")
    print(f"trivial signed-in view /password/done/: {floor_rps:.1f} requests/s, p95 {floor_p95:.0f} ms")
    ratios = {}
    for name, (rps, p95) in results.items():
        ratios[name] = p95 / floor_p95
        print(
            f"page {name} rps {rps:.1f} p95 {p95:.0f} ratio {ratios[name]:.2f} "
            f"(against /healthz/ {p95 / trivial_p95:.2f})"
        )
    print(f"ratio main_pages {max(ratios.values()):.2f}")


if __name__ == "__main__":
    main()
