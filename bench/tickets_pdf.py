"""500 admission tickets as one PDF, against WeasyPrint rendering the same pages from one static file.

The portal renders the tickets as the batch job does (``exams.tasks.tickets_print``:
queries, photos, QR codes, WeasyPrint in chunks, pypdf merge). The floor is
WeasyPrint alone on one HTML file holding the same 500 pages. Each runs in its
own process, so the peak memory (max RSS) is its own.

Last line: ``ratio tickets_pdf <portal seconds / floor seconds>``; the target is 1.5 or less.
"""

import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

TICKETS = int(os.environ.get("BENCH_ROWS", "500"))
ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianding.settings")
    import django

    django.setup()


def resident_id(index: int, ric) -> str:
    birth = datetime.date(2004, 1, 1) + datetime.timedelta(days=index // 500)
    base = f"320102{birth:%Y%m%d}{index % 500:03d}"
    return base + ric.calc_check_digit(base + "0")


def prepare(database: str, media: str) -> int:
    """Create a published batch of TICKETS candidates with photos; return its primary key."""
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from PIL import Image, ImageDraw
    from stdnum.cn import ric

    call_command("migrate", verbosity=0)
    from applicants.models import Applicant, Application, ApplicationDocument, ApplicationStatus
    from exams import services
    from exams.models import Batch, BatchStatus, ExaminerProfile, Occupation, Room, SessionPart
    from jianding.models import User
    from jianding.roles import Role

    staff = User.objects.create(username="bench-staff", name="考务")
    staff.groups.add(Group.objects.get(name=Role.EXAM_STAFF.value))
    proctors = [User.objects.create(username=f"bench-proctor{n}", name=f"监考{n}") for n in range(2)]
    for proctor in proctors:
        proctor.groups.add(Group.objects.get(name=Role.PROCTOR.value))
    occupation = Occupation.objects.create(code="6-31-01-03", name="电工", levels=[4])
    today = datetime.date.today()
    batch = Batch.objects.create(
        occupation=occupation,
        level=4,
        status=BatchStatus.REGISTRATION_CLOSED,
        registration_opens=today,
        registration_closes=today,
        theory_date=today + datetime.timedelta(days=10),
        skill_date=today + datetime.timedelta(days=11),
        # no fee item: a free batch, no fee to collect before the tickets, which is not what this measures
        eligibility="—",
        created_by=staff,
    )
    image = Image.new("L", (358, 441), 235)
    ImageDraw.Draw(image).ellipse((110, 70, 250, 260), fill=60)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    photo = buffer.getvalue()
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    for index in range(TICKETS):
        user = User.objects.create(username=f"a{index}", name="考生")
        applicant = Applicant.objects.create(
            user=user,
            name=surnames[index % 20] + given[index // 20 % 20] + given[index % 20],
            id_number=resident_id(index, ric),
            birth_date=datetime.date(2004, 1, 1),
            sex="M",
        )
        application = Application.objects.create(
            applicant=applicant,
            batch=batch,
            category="student",
            class_name=f"23 机电 {index % 10 + 1} 班",
            status=ApplicationStatus.CITY_APPROVED,
        )
        document = ApplicationDocument(
            application=application,
            kind="photo",
            content_type="image/jpeg",
            size=len(photo),
            sha256="0" * 64,
            confirmed=True,
        )
        document.file.save(f"p{index}.jpg", ContentFile(photo), save=True)
    rooms = [
        Room.objects.create(name=f"{number}", building="教学楼", capacity=30)
        for number in range(101, 101 + (TICKETS + 29) // 30)
    ]
    common = {"date": batch.theory_date, "place": "", "late_entry_minutes": 15, "sitting": 1}
    theory = services.session_save(
        actor=staff,
        batch=batch,
        rooms=rooms,
        part=SessionPart.THEORY,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
        **common,
    )
    skill = services.session_save(
        actor=staff,
        batch=batch,
        rooms=rooms,
        part=SessionPart.SKILL,
        starts_at=datetime.time(13),
        ends_at=datetime.time(16),
        technician="设备员",
        **common,
    )
    for session in (theory, skill):
        services.seats_assign(actor=staff, session=session)
        for session_room in session.session_rooms.all():
            services.session_room_set_proctors(actor=staff, session_room=session_room, proctors=proctors)
    for number in range(3):
        examiner = User.objects.create(username=f"bench-examiner{number}", name=f"考评{number}")
        examiner.groups.add(Group.objects.get(name=Role.EXAMINER.value))
        profile = ExaminerProfile.objects.create(
            user=examiner,
            highest_level=1,
            valid_from=today,
            valid_until=today + datetime.timedelta(days=365),
        )
        profile.occupations.add(occupation)
        services.examiner_assign(actor=staff, session=skill, examiner=profile)
    services.tickets_publish(actor=staff, batch=batch)
    return batch.pk


def run_portal(batch_id: int) -> None:
    from exams.tasks import tickets_print
    from jianding.jobs import job_create
    from jianding.models import Job, User

    job = job_create(actor=User.objects.get(username="bench-staff"), title="bench")
    tickets_print.call(job_id=job.pk, batch_id=batch_id)
    job = Job.objects.get(pk=job.pk)
    if job.status != "done" or job.done != TICKETS:
        raise SystemExit(f"the job did not finish: {job.status} {job.error}")


def write_floor_html(batch_id: int, path: str) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from exams.selectors import ticket_list
    from exams.tickets import ticket_page

    with translation.override("zh-hans"):
        html = render_to_string(
            "print/tickets.html",
            {"pages": [ticket_page(ticket) for ticket in ticket_list(batch_id=batch_id)]},
        )
    Path(path).write_text(html, encoding="utf-8")


def run_floor(path: str) -> None:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    from jianding.pdf import PRINT_CSS

    HTML(filename=path, base_url=str(ROOT)).write_pdf(stylesheets=[CSS(filename=finders.find(PRINT_CSS))])


def child(kind: str, database: str, media: str, argument: str) -> None:
    os.environ["MEDIA_ROOT"] = media
    setup_django(database)
    start = time.perf_counter()
    if kind == "portal":
        run_portal(int(argument))
    else:
        run_floor(argument)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak_mb:.0f}")


def measure(kind: str, database: str, media: str, argument: str) -> tuple[float, float]:
    output = subprocess.run(  # noqa: S603 - this script, with this interpreter
        [sys.executable, __file__, kind, database, media, argument],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(output[0]), float(output[1])


def main() -> None:
    # One skill-assessment group of 500 stands for the sittings a center would hold: three examiners.
    os.environ["CANDIDATES_PER_EXAMINER"] = str(TICKETS)
    work = tempfile.mkdtemp()
    database, media = f"{work}/bench.sqlite3", f"{work}/media"
    os.environ["MEDIA_ROOT"] = media
    setup_django(database)
    batch_id = prepare(database, media)
    html = f"{work}/tickets.html"
    write_floor_html(batch_id, html)
    floor_seconds, floor_mb = measure("floor", database, media, html)
    portal_seconds, portal_mb = measure("portal", database, media, str(batch_id))
    print(f"tickets {TICKETS}")
    print(
        f"floor (WeasyPrint, one static file) {floor_seconds:.2f} s, {TICKETS / floor_seconds:.1f} pages/s, peak {floor_mb:.0f} MB"
    )
    print(
        f"portal (batch job) {portal_seconds:.2f} s, {TICKETS / portal_seconds:.1f} pages/s, peak {portal_mb:.0f} MB"
    )
    print(f"ratio tickets_pdf {portal_seconds / floor_seconds:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 5:
        child(*sys.argv[1:])
    else:
        main()
