"""Load the demo data: one account per role, the occupation catalogue, a plan, batches, notices.

Idempotent: running it again updates what it made and adds nothing twice.
Refused when DEBUG is off, so it never runs against a real installation.
"""

import datetime
from base64 import b32encode
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from stdnum.cn import ric

from applicants.models import Applicant, Application, ApplicationStatus
from applicants.services import applicant_record_create
from exams import services
from exams.models import (
    AppraisalPlan,
    Batch,
    BatchStatus,
    ExaminerProfile,
    ExamSession,
    Objection,
    Occupation,
    PlanLine,
    PlanStatus,
    Room,
    RoomKind,
    Seat,
    SessionPart,
    SessionRoom,
    SessionStatus,
    TheoryMark,
    Ticket,
)
from finance import services as finance
from finance.models import FeePlan
from jianding.identity import resident_id_parse
from jianding.models import Consultation, Notice, User
from jianding.phones import phone_assign
from jianding.pinyin import name_sort_key
from jianding.roles import Role
from jianding.second_factor import PHONE, RECOVERY
from jianding.workdays import working_days_between

DEMO_PASSWORD = "jianding2026"
# Development only (seed_demo refuses to run without DEBUG): a known second factor for the demo.
DEMO_TOTP_KEY = "6a69616e64696e672d64656d6f2d6b6579"
DEMO_RECOVERY_CODES = ("demo2026a", "demo2026b", "demo2026c")

# The center's subjects (科目): income by kind of fee, expenditure by kind of cost.
DEMO_SUBJECTS = (
    ("4101", "鉴定费收入", "income"),
    ("4102", "培训费收入", "income"),
    ("5101", "考评员劳务费", "expense"),
    ("5102", "考务费（试卷、场地）", "expense"),
    ("5103", "材料耗材费", "expense"),
)

# (login, name, role, chief examiner)
DEMO_STAFF = (
    ("director", "王建国", Role.DIRECTOR, False),
    ("deputy", "李明华", Role.DEPUTY, False),
    ("clerk", "赵丽", Role.CLERK, False),
    ("examstaff", "钱勇", Role.EXAM_STAFF, False),
    ("examiner", "孙志强", Role.EXAMINER, False),
    ("chief", "周德明", Role.EXAMINER, True),
    ("examiner2", "黄建平", Role.EXAMINER, False),
    ("proctor", "吴芳", Role.PROCTOR, False),
    ("proctor2", "陈静", Role.PROCTOR, False),
    ("finance", "郑秀英", Role.FINANCE, False),
    ("equipment", "冯海涛", Role.EQUIPMENT_MANAGER, False),
)
# Roles a demo account holds besides its own: the clerk also keeps the books, as in a small center.
DEMO_MORE_ROLES = {"clerk": (Role.FINANCE,)}

# (ID number, name, phone, education, class or employer): a student and a social applicant.
DEMO_APPLICANTS = (
    ("320102200503151230", "张伟", "13812345678", "vocational", "23 机电 1 班"),
    ("320106198807204560", "李娜", "13987654321", "senior_high", "南京某电气安装公司"),
)

# The cookery class examined last week (names and classes), whose list is being publicised.
DEMO_COOKS = tuple(
    (f"{family}{given}", "23 烹饪 1 班" if n < 14 else "23 烹饪 2 班")
    for n, (family, given) in enumerate(
        zip(
            "陈林黄周吴徐孙胡朱高何郭马罗梁宋郑谢韩唐冯于董萧",
            "晓明子涵浩然欣怡宇轩梓萱俊杰雨桐博文佳琪思远诗雨",
            strict=True,
        )
    )
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
        self._checked_hashes = {}
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with known passwords.")
        with transaction.atomic():
            self._seed_staff()
            self._seed_applicants()
            self._seed_occupations()
            self._seed_examiner_scope()
            self._seed_plans_and_batches()
            self._seed_rooms()
            self._seed_outreach()
            self._seed_applications()
            self._seed_scored_batch()
            self._seed_finance()
            self._seed_second_factor()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Sign in with (password {DEMO_PASSWORD}):"))
        for login, name, role, chief in DEMO_STAFF:
            extra = "".join(f" + {more.label}" for more in DEMO_MORE_ROLES.get(login, ()))
            extra += " + chief examiner" if chief else ""
            extra += " + second factor" if role.value in settings.SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {login:<12} {role.label}{extra} ({name})")
        for number, name, *_rest in DEMO_APPLICANTS:
            self.stdout.write(f"  {number} {Role.APPLICANT.label} ({name})")
        self.stdout.write(
            f"Second factor: add the key {b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip('=')} to an authenticator app "
            f"(one key for every demo account), or type a recovery code: {', '.join(DEMO_RECOVERY_CODES)}."
        )

    @cached_property
    def _demo_password_hash(self) -> str:
        # One PBKDF2 run (about half a second) for all the demo accounts, not one each: the
        # password is published, so a salt they share hides nothing. It keeps seeding quick.
        return make_password(DEMO_PASSWORD)

    def _is_demo_password(self, encoded: str) -> bool:
        if encoded not in self._checked_hashes:
            self._checked_hashes[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._checked_hashes[encoded]

    def _account(self, username: str, name: str, phone: str, *roles: Role) -> User:
        user, created = User.objects.get_or_create(username=username, defaults={"name": name, "phone": phone})
        if created or not self._is_demo_password(user.password):
            user.password = self._demo_password_hash
        user.name, user.is_active, user.must_change_password = name, True, False
        # the demo's people have all typed the code texted to their phones: their SMS notices go out
        phone_assign(user, phone, verified=True)
        user.save()
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        return user

    def _seed_staff(self) -> None:
        for index, (login, name, role, chief) in enumerate(DEMO_STAFF, start=1):
            user = self._account(login, name, f"1390000{index:04d}", role, *DEMO_MORE_ROLES.get(login, ()))
            if role == Role.EXAMINER:
                ExaminerProfile.objects.update_or_create(user=user, defaults={"is_chief_examiner": chief})

    def _seed_examiner_scope(self) -> None:
        """The demo examiners assess electricians and welders up to level 3, valid for two more years."""
        today = timezone.localdate()
        for number, profile in enumerate(
            ExaminerProfile.objects.filter(user__username__in=["examiner", "chief", "examiner2"]), 1
        ):
            profile.certificate_number = f"KPY-{today.year - 1}-{number:03d}"
            profile.highest_level = 3
            profile.valid_from = today - datetime.timedelta(days=365)
            profile.valid_until = today + datetime.timedelta(days=730)
            profile.save()
            profile.occupations.set(Occupation.objects.filter(code__in=["6-31-01-03", "6-18-02-04"]))

    def _seed_applicants(self) -> None:
        for number, name, phone, education, employer_or_class in DEMO_APPLICANTS:
            resident = resident_id_parse(number)
            user = self._account(resident.number, name, phone, Role.APPLICANT)
            Applicant.objects.update_or_create(
                user=user,
                defaults={
                    "name": name,
                    "name_sort_key": name_sort_key(name),
                    "id_number": resident.number,
                    "birth_date": resident.birth_date,
                    "sex": resident.sex,
                    "phone": phone,
                    "education": education,
                    "employer_or_class": employer_or_class,
                },
            )

    def _seed_occupations(self) -> None:
        for code, name, levels in DEMO_OCCUPATIONS:
            Occupation.objects.update_or_create(code=code, defaults={"name": name, "levels": levels})

    def _seed_plans_and_batches(self) -> None:
        today = timezone.localdate()
        clerk, director, deputy = (
            User.objects.get(username=name) for name in ("clerk", "director", "deputy")
        )
        plan, _created = AppraisalPlan.objects.get_or_create(
            year=today.year,
            revision=1,
            defaults={
                "basis": "依据各系部本年度专业教学计划编制。",
                "created_by": clerk,
                "status": PlanStatus.APPROVED,
                "decided_by": director,
                "decided_at": timezone.now(),
            },
        )
        lines = {}
        for code, level, month, expected, department in (
            ("6-31-01-03", 4, 12, 60, "机电工程系"),
            ("6-18-02-04", 4, 12, 30, "机电工程系"),
            ("4-03-02-01", 5, 12, 45, "旅游烹饪系"),
        ):
            lines[code], _created = PlanLine.objects.get_or_create(
                plan=plan,
                occupation=Occupation.objects.get(code=code),
                level=level,
                month=month,
                defaults={"expected_applicants": expected, "department": department},
            )
        for code, status in (
            ("6-31-01-03", BatchStatus.REGISTRATION_OPEN),
            ("6-18-02-04", BatchStatus.DRAFT),
        ):
            line = lines[code]
            Batch.objects.get_or_create(
                plan_line=line,
                defaults={
                    "occupation": line.occupation,
                    "level": line.level,
                    "status": status,
                    "registration_opens": today - datetime.timedelta(days=3),
                    "registration_closes": today + datetime.timedelta(days=20),
                    "theory_date": today + datetime.timedelta(days=35),
                    "skill_date": today + datetime.timedelta(days=36),
                    "eligibility": "在校生：完成本专业相应课程；社会人员：从事本职业工作满两年。",
                    "scheme": "理论考试在教学楼，技能考核在实训中心；考评员由市鉴定中心派出。",
                    "created_by": clerk,
                    "decided_by": deputy if status != BatchStatus.DRAFT else None,
                    "decided_at": timezone.now() if status != BatchStatus.DRAFT else None,
                },
            )

    def _seed_rooms(self) -> None:
        for name, building, kind, capacity, equipment in (
            ("301", "教学楼", RoomKind.CLASSROOM, 30, ""),
            ("302", "教学楼", RoomKind.CLASSROOM, 30, ""),
            ("机房 A", "信息楼", RoomKind.COMPUTER, 40, ""),
            ("电工车间", "实训中心", RoomKind.WORKSHOP, 12, "电工实训台\n万用表\n兆欧表"),
        ):
            Room.objects.get_or_create(
                name=name,
                defaults={"building": building, "kind": kind, "capacity": capacity, "equipment": equipment},
            )

    def _seed_outreach(self) -> None:
        clerk = User.objects.get(username="clerk")
        Notice.objects.get_or_create(
            title="关于本年度职业技能鉴定报名的通知",
            defaults={
                "body": "电工四级（中级工）鉴定现已开始报名，请登录本系统在线申报并上传材料。",
                "publish_at": timezone.now(),
                "created_by": clerk,
            },
        )
        Consultation.objects.get_or_create(
            question="社会人员报考需要带哪些材料？",
            defaults={
                "asker_name": "刘先生",
                "answer": "身份证复印件、学历证书原件及复印件、黑白 2 寸照片两张。",
                "answered_by": clerk,
                "answered_at": timezone.now(),
                "is_published": True,
            },
        )
        Consultation.objects.get_or_create(
            question="理论考试是机考还是笔试？", defaults={"asker_name": "陈同学"}
        )

    def _seed_applications(self) -> None:
        batch = Batch.objects.get(
            plan_line__occupation__code="6-31-01-03", status=BatchStatus.REGISTRATION_OPEN
        )
        for number, category in (("320102200503151230", "student"), ("320106198807204560", "social")):
            applicant = Applicant.objects.get(id_number=number)
            Application.objects.get_or_create(
                applicant=applicant,
                batch=batch,
                defaults={"category": category, "class_name": applicant.employer_or_class},
            )

    def _seed_scored_batch(self) -> None:
        """A cookery batch examined last week: theory marked on paper, tallied, checked, being publicised."""
        line = PlanLine.objects.get(occupation__code="4-03-02-01", level=5)
        if Batch.objects.filter(plan_line=line).exists():
            return
        today = timezone.localdate()
        clerk, staff, deputy = (User.objects.get(username=name) for name in ("clerk", "examstaff", "deputy"))
        theory = today - datetime.timedelta(days=8)
        batch = Batch.objects.create(
            plan_line=line,
            occupation=line.occupation,
            level=line.level,
            status=BatchStatus.SCORING,
            registration_opens=theory - datetime.timedelta(days=50),
            registration_closes=theory - datetime.timedelta(days=20),
            theory_date=theory,
            skill_date=theory,
            eligibility="旅游烹饪系在校生，完成中式烹调课程。",
            scheme="理论考试在教学楼 302，纸笔作答，人工阅卷。",
            created_by=clerk,
            decided_by=deputy,
            decided_at=timezone.now(),
        )
        session = ExamSession.objects.create(
            batch=batch,
            part=SessionPart.THEORY,
            date=theory,
            starts_at=datetime.time(9),
            ends_at=datetime.time(10, 30),
            status=SessionStatus.PUBLISHED,
        )
        session_room = SessionRoom.objects.create(session=session, room=Room.objects.get(name="302"), order=1)
        session_room.proctors.set(User.objects.filter(username__in=["proctor", "proctor2"]))
        for number, (name, class_name) in enumerate(DEMO_COOKS, start=1):
            birth = datetime.date(2007, 1 + number % 12, 1 + number)
            body = f"320102{birth:%Y%m%d}{600 + number:03d}"
            id_number = body + ric.calc_check_digit(body + "0")  # it reads the 17 digits before the last
            user = self._account(id_number, name, f"1370000{number:04d}", Role.APPLICANT)
            applicant, _created = Applicant.objects.update_or_create(
                user=user,
                defaults={
                    "name": name,
                    "name_sort_key": name_sort_key(name),
                    "id_number": id_number,
                    "birth_date": birth,
                    "sex": "M" if number % 2 else "F",
                    "phone": user.phone,
                    "education": "vocational",
                    "employer_or_class": class_name,
                },
            )
            application = Application.objects.create(
                applicant=applicant,
                batch=batch,
                category="student",
                class_name=class_name,
                status=ApplicationStatus.APPROVED,
                submitted_at=timezone.now(),
                reviewed_by=staff,
                reviewed_at=timezone.now(),
            )
            Ticket.objects.create(
                application=application, number=f"{theory:%Y}{batch.pk:04d}{number:04d}", issued_by=staff
            )
            seat = Seat.objects.create(
                session=session, session_room=session_room, number=number, application=application
            )
            # One stayed away; the others came in.
            if number != 7:
                seat.checked_in_at = timezone.make_aware(
                    datetime.datetime.combine(theory, datetime.time(8, 50))
                )
                seat.checked_in_by = User.objects.get(username="proctor")
                seat.save()
        services.codes_give(actor=staff, session=session)
        # Marks spread from 45 to 96, a few under the pass mark.
        for index, code in enumerate(session.codes.order_by("seat__number")):
            TheoryMark.objects.create(code=code, points=45 + index * 37 % 52, imported_by=staff)
        services.results_tally(actor=staff, session=session)
        # The clerk checks it, typing each paper mark a second time.
        lines = services.tally_check_lines(session)
        services.results_check(
            actor=clerk,
            session=session,
            confirmed={line.seat.pk for line in lines},
            second_entries={line.seat.pk: line.paper for line in lines},
        )
        started = today
        while working_days_between(started, today) < 2:
            started -= datetime.timedelta(days=1)
        services.publicity_start(actor=staff, batch=batch, today=started)
        Objection.objects.create(
            batch=batch,
            raised_by="刘先生",
            contact="13700001111",
            text="名单中的一位考生考试当天似乎未到场，请核实。",
        )

    def _seed_second_factor(self) -> None:
        """The demo accounts that need a second factor share one TOTP key and fixed recovery codes."""
        for login, _name, role, _chief in DEMO_STAFF:
            if role.value not in settings.SECOND_FACTOR_ROLES:
                continue
            user = User.objects.get(username=login)
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name=PHONE, key=DEMO_TOTP_KEY, confirmed=True)
            device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY)
            device.token_set.all().delete()
            device.token_set.bulk_create(
                StaticToken(device=device, token=code) for code in DEMO_RECOVERY_CODES
            )

    def _seed_finance(self) -> None:
        """The year's approved fee plan and budget, two fees collected, one unpaid, an expense to sign."""
        year = timezone.localdate().year
        if FeePlan.objects.filter(year=year).exists():
            return
        clerk, director, officer = (
            User.objects.get(username=name) for name in ("clerk", "director", "finance")
        )
        subjects = {
            code: finance.subject_create(actor=officer, code=code, name=name, kind=kind)
            for code, name, kind in DEMO_SUBJECTS
        }
        cash = finance.account_create(actor=officer, name="现金", kind="cash")
        finance.account_create(
            actor=officer, name="鉴定所银行账户", kind="bank", number="3201 0158 0000 1234"
        )
        book = finance.receipt_book_create(actor=officer, series=f"{year}A", first_number=1, last_number=500)
        items = [
            finance.fee_item_create(
                actor=clerk,
                name=name,
                subject=subjects[code],
                amount=Decimal(amount),
                document_number="苏价费〔2025〕12号",
                document_date=datetime.date(2025, 3, 1),
            )
            for name, code, amount in (
                ("鉴定费（电工四级）", "4101", "150.00"),
                ("培训费", "4102", "600.00"),
                ("鉴定费（中式面点师五级）", "4101", "120.00"),
            )
        ]
        plan = finance.fee_plan_create(actor=clerk, year=year)
        plan_fees = [
            finance.plan_fee_add(actor=clerk, plan=plan, fee_item=item, expected_count=60) for item in items
        ]
        for code, amount in (("5101", "6000.00"), ("5102", "9000.00"), ("5103", "3000.00")):
            finance.budget_line_save(actor=clerk, plan=plan, subject=subjects[code], amount=Decimal(amount))
        finance.fee_plan_submit(actor=clerk, plan=plan)
        finance.fee_plan_approve(actor=director, plan=plan, reason="同意。")
        # each batch charges its fee item of the approved plan [经费 §3]
        Batch.objects.filter(occupation__code__in=["6-31-01-03", "6-18-02-04"]).update(fee_item=items[0])
        Batch.objects.filter(occupation__code="4-03-02-01").update(fee_item=items[2])
        batch = Batch.objects.get(
            plan_line__occupation__code="6-31-01-03", status=BatchStatus.REGISTRATION_OPEN
        )
        for index, name in enumerate(("王磊", "刘洋", "陈杰")):
            base = f"32010220040{index + 1}1{index}00{index * 2 + 1}"
            number = base + ric.calc_check_digit(base + "0")
            resident = resident_id_parse(number)
            user, _created = User.objects.get_or_create(username=resident.number, defaults={"name": name})
            user.set_unusable_password()
            user.save()
            applicant = applicant_record_create(
                user=user, name=name, resident=resident, phone="13800000000", employer_or_class="23 机电 2 班"
            )
            application = Application.objects.create(
                applicant=applicant,
                batch=batch,
                category="student",
                class_name="23 机电 2 班",
                status=ApplicationStatus.APPROVED,
            )
            if index < 2:  # the third has not paid yet
                book.refresh_from_db()
                finance.collection_record(
                    actor=officer,
                    application=application,
                    amount=plan_fees[0].amount,
                    method="desk",
                    account=cash,
                    receipt_book=book,
                    receipt_number=book.next_number,
                )
        image = BytesIO()
        Image.new("RGB", (600, 400), (250, 250, 245)).save(image, "PNG")
        finance.expense_submit(
            actor=clerk,
            subject=subjects["5103"],
            amount=Decimal("386.40"),
            purpose="电工四级技能考核耗材（导线、接线端子）",
            batch=batch,
            invoices=[SimpleUploadedFile("发票.png", image.getvalue(), content_type="image/png")],
        )
