import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from applicants import services
from applicants.models import Application, ApplicationStatus
from exams.models import BatchStatus
from jianding.errors import RuleViolation
from jianding.pinyin import name_sort_key
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory, pdf_upload
from tests.factories.images import portrait, upload
from tests.pdf import pdf_text


@pytest.fixture
def setup(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
    )
    clerk = UserFactory(username="clerk", role=Role.CLERK)
    applications = []
    # class B first in creation order; the roster must sort class A first, then pinyin within a class
    for name, klass in (
        ("赵六", "23 机电 2 班"),
        ("曾小明", "23 机电 1 班"),
        ("陈一", "23 机电 1 班"),
        ("单华", "23 机电 1 班"),
    ):
        applicant = ApplicantFactory(name=name, education="vocational", employer_or_class=klass)
        applications.append(
            Application.objects.create(
                applicant=applicant,
                batch=batch,
                category="student",
                class_name=klass,
                status=ApplicationStatus.APPROVED,
            )
        )
    return {"batch": batch, "clerk": clerk, "applications": applications}


def test_pinyin_reads_surnames_as_surnames():
    assert name_sort_key("曾小明") == "zeng xiao ming"
    assert name_sort_key("单华") == "shan hua"
    assert name_sort_key("陈一") < name_sort_key("单华") < name_sort_key("曾小明")


def test_declaration_takes_every_approved_application_and_writes_history(setup):
    declaration = services.declaration_create(actor=setup["clerk"], batch=setup["batch"])
    assert declaration.applications.count() == 4
    assert set(declaration.applications.values_list("status", flat=True)) == {ApplicationStatus.DECLARED}
    assert Application.history.filter(status=ApplicationStatus.DECLARED).count() == 4
    with pytest.raises(RuleViolation) as caught:
        services.declaration_create(actor=setup["clerk"], batch=setup["batch"])
    assert caught.value.code == "nothing_to_declare"


def test_city_approval_for_some_or_all(setup):
    declaration = services.declaration_create(actor=setup["clerk"], batch=setup["batch"])
    first = setup["applications"][0]
    with pytest.raises(RuleViolation) as caught:
        services.declaration_record_approval(
            actor=setup["clerk"],
            declaration=declaration,
            document_number=" ",
            approved_on=datetime.date(2026, 12, 1),
        )
    assert caught.value.field == "document_number"
    services.declaration_record_approval(
        actor=setup["clerk"],
        declaration=declaration,
        document_number="宁职鉴〔2026〕88 号",
        approved_on=datetime.date(2026, 12, 1),
        scan=pdf_upload("approval.pdf"),
        application_ids=[first.pk],
    )
    first.refresh_from_db()
    assert (first.status, first.city_document_number) == (
        ApplicationStatus.CITY_APPROVED,
        "宁职鉴〔2026〕88 号",
    )
    assert Application.objects.filter(status=ApplicationStatus.DECLARED).count() == 3
    declaration.refresh_from_db()
    assert declaration.city_scan.name.startswith("declarations/")
    services.declaration_record_approval(
        actor=setup["clerk"],
        declaration=declaration,
        document_number="宁职鉴〔2026〕89 号",
        approved_on=datetime.date(2026, 12, 2),
    )
    assert Application.objects.filter(status=ApplicationStatus.CITY_APPROVED).count() == 4


def test_roster_sorts_by_class_then_pinyin_and_prints_chinese(setup, client_as):
    http = client_as(setup["clerk"])
    sheet = load_workbook(
        BytesIO(http.get(reverse("applicants:export_roster", args=[setup["batch"].pk])).content)
    ).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["陈一", "单华", "曾小明", "赵六"]
    assert sheet["D2"].value == setup["applications"][2].applicant.id_number
    response = http.get(reverse("applicants:print_roster", args=[setup["batch"].pk]))
    text = pdf_text(response.content)
    assert "职业技能鉴定花名册" in text
    assert text.index("陈一") < text.index("单华") < text.index("曾小明") < text.index("赵六")
    register = pdf_text(
        http.get(reverse("applicants:print_roster", args=[setup["batch"].pk]), {"form": "register"}).content
    )
    assert "报名人员登记表" in register


def test_declaration_export_is_the_city_layout(setup, client_as):
    declaration = services.declaration_create(actor=setup["clerk"], batch=setup["batch"])
    response = client_as(setup["clerk"]).get(reverse("applicants:export_declaration", args=[declaration.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:4] == ["序号", "姓名", "性别", "身份证号"]
    assert sheet.max_row == 5


def test_declaration_is_named_after_the_centers_day_not_utcs(setup, client_as):
    # 01:06 on 8 December in Beijing is still 7 December in UTC.
    with time_machine.travel(
        datetime.datetime(2026, 12, 8, 1, 6, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        declaration = services.declaration_create(actor=setup["clerk"], batch=setup["batch"])
        page = client_as(setup["clerk"]).get(reverse("applicants:view_declaration", args=[declaration.pk]))
    heading = page.content.decode().split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "申报 2026-12-08" in heading
    listing = client_as(setup["clerk"]).get(reverse("applicants:list_declarations")).content.decode()
    assert "2026-12-08 01:06" in listing


def test_application_form_prints_with_the_photo(setup, client_as):
    application = setup["applications"][1]
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.DRAFT)
    application.refresh_from_db()
    services.application_document_upload(
        actor=application.applicant.user,
        application=application,
        kind="photo",
        upload=upload("me.jpg", portrait()),
    )
    response = client_as(application.applicant.user).get(
        reverse("applicants:print_application", args=[application.pk])
    )
    assert response.content[:4] == b"%PDF"
    reader = PdfReader(BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "职业技能鉴定申请表" in text
    assert "曾小明" in text
    assert application.applicant.id_number in text
    assert reader.pages[0].images, "the photo is on the form"


def test_desk_records_the_original_certificate_of_social_applicants(setup, client_as):
    application = setup["applications"][0]
    with pytest.raises(RuleViolation):
        services.application_record_original_seen(actor=setup["clerk"], application=application)
    Application.objects.filter(pk=application.pk).update(category="social")
    application.refresh_from_db()
    application = services.application_record_original_seen(actor=setup["clerk"], application=application)
    assert application.original_seen_by == setup["clerk"]
    assert application.original_seen_at is not None
