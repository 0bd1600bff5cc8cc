"""Load the demo data: one account per role and the occupation catalogue.

Idempotent: running it again updates what it made and adds nothing twice.
Refused when DEBUG is off, so it never runs against a real installation.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applicants.models import Applicant
from exams.models import ExaminerProfile, Occupation
from jianding.identity import resident_id_parse
from jianding.models import User
from jianding.roles import Role

DEMO_PASSWORD = "jianding2026"

# (login, name, role, chief examiner)
DEMO_STAFF = (
    ("director", "王建国", Role.DIRECTOR, False),
    ("deputy", "李明华", Role.DEPUTY, False),
    ("clerk", "赵丽", Role.CLERK, False),
    ("examstaff", "钱勇", Role.EXAM_STAFF, False),
    ("examiner", "孙志强", Role.EXAMINER, False),
    ("chief", "周德明", Role.EXAMINER, True),
    ("proctor", "吴芳", Role.PROCTOR, False),
    ("finance", "郑秀英", Role.FINANCE, False),
    ("equipment", "冯海涛", Role.EQUIPMENT_MANAGER, False),
)

# (ID number, name, phone): a student and a social applicant.
DEMO_APPLICANTS = (
    ("320102200503151230", "张伟", "13812345678"),
    ("320106198807204560", "李娜", "13987654321"),
)

# Occupations of the national classification (2022 edition) and the levels
# the demo center is licensed for (5 = 五级/初级工 … 1 = 一级/高级技师).
DEMO_OCCUPATIONS = (
    ("6-31-01-03", "电工", [5, 4, 3, 2, 1]),
    ("6-18-01-01", "车工", [5, 4, 3, 2]),
    ("6-18-01-02", "铣工", [5, 4, 3]),
    ("6-18-02-04", "焊工", [5, 4, 3, 2]),
    ("6-31-01-02", "机修钳工", [5, 4, 3]),
    ("4-12-01-01", "汽车维修工", [5, 4, 3, 2]),
    ("4-03-02-01", "中式烹调师", [5, 4, 3, 2, 1]),
    ("4-03-02-02", "中式面点师", [5, 4, 3]),
    ("4-03-02-04", "西式面点师", [5, 4, 3]),
    ("4-03-02-07", "茶艺师", [5, 4, 3]),
    ("4-10-03-01", "美发师", [5, 4, 3]),
    ("4-10-01-02", "育婴员", [5, 4, 3]),
    ("4-10-01-03", "保育员", [5, 4, 3]),
    ("4-01-02-02", "电子商务师", [5, 4, 3]),
)


class Command(BaseCommand):
    help = "Load demo accounts (one per role) and the occupation catalogue. Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with known passwords.")
        with transaction.atomic():
            self._seed_staff()
            self._seed_applicants()
            self._seed_occupations()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Sign in with (password {DEMO_PASSWORD}):"))
        for login, name, role, chief in DEMO_STAFF:
            extra = " + chief examiner" if chief else ""
            self.stdout.write(f"  {login:<12} {role.label}{extra} ({name})")
        for number, name, _phone in DEMO_APPLICANTS:
            self.stdout.write(f"  {number} {Role.APPLICANT.label} ({name})")

    def _account(self, username: str, name: str, phone: str, role: Role) -> User:
        user, created = User.objects.get_or_create(username=username, defaults={"name": name, "phone": phone})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.name, user.phone, user.is_active, user.must_change_password = name, phone, True, False
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        return user

    def _seed_staff(self) -> None:
        for index, (login, name, role, chief) in enumerate(DEMO_STAFF, start=1):
            user = self._account(login, name, f"1390000{index:04d}", role)
            if role == Role.EXAMINER:
                ExaminerProfile.objects.update_or_create(user=user, defaults={"is_chief_examiner": chief})

    def _seed_applicants(self) -> None:
        for number, name, phone in DEMO_APPLICANTS:
            resident = resident_id_parse(number)
            user = self._account(resident.number, name, phone, Role.APPLICANT)
            Applicant.objects.update_or_create(
                user=user,
                defaults={
                    "name": name,
                    "id_number": resident.number,
                    "birth_date": resident.birth_date,
                    "sex": resident.sex,
                    "phone": phone,
                },
            )

    def _seed_occupations(self) -> None:
        for code, name, levels in DEMO_OCCUPATIONS:
            Occupation.objects.update_or_create(code=code, defaults={"name": name, "levels": levels})
