import datetime
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from exams.models import AppraisalPlan, Batch, BatchStatus, Occupation, PlanLine, PlanStatus
from tests.factories.accounts import UserFactory


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"6-{n % 90 + 10:02d}-01-03")
    name = factory.Sequence(lambda n: f"工种{n}")
    levels = [5, 4, 3]


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppraisalPlan

    year = 2027
    created_by = factory.SubFactory(UserFactory, role="clerk")


class PlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanLine

    plan = factory.SubFactory(PlanFactory)
    occupation = factory.SubFactory(OccupationFactory)
    level = 4
    month = 6
    expected_applicants = 40
    department = "机电系"


def approved_line(**kwargs) -> PlanLine:
    line = PlanLineFactory(**kwargs)
    AppraisalPlan.objects.filter(pk=line.plan_id).update(status=PlanStatus.APPROVED)
    line.plan.refresh_from_db()
    return line


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    occupation = factory.SubFactory(OccupationFactory)
    level = 4
    registration_opens = factory.LazyFunction(lambda: days_from_today(-5))
    registration_closes = factory.LazyFunction(lambda: days_from_today(20))
    theory_date = factory.LazyFunction(lambda: days_from_today(40))
    skill_date = factory.LazyFunction(lambda: days_from_today(41))
    eligibility = "在校生须完成本专业中级工课程。"
    scheme = "理论考试在教学楼，技能考核在实训车间。"
    created_by = factory.SubFactory(UserFactory, role="clerk")
    status = BatchStatus.DRAFT


def pdf_upload(name: str = "questions.pdf", *, body: bytes | None = None) -> SimpleUploadedFile:
    """A real one-page PDF (or ``body`` as given) as a browser would upload it."""
    if body is None:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        buffer = BytesIO()
        writer.write(buffer)
        body = buffer.getvalue()
    return SimpleUploadedFile(name, body, content_type="application/pdf")
