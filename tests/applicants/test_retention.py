"""Documents of batches reported longer ago than the retention period go; the photo and the records stay."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import translation

from applicants.models import Application, ApplicationDocument
from applicants.services.retention import documents_expire, retention_cutoff
from exams.models import BatchStatus
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENT_RETENTION_YEARS = 3
    return tmp_path


def application_with_documents(*, status, reported_on):
    batch = BatchFactory(status=status, reported_on=reported_on)
    application = Application.objects.create(
        applicant=ApplicantFactory(), batch=batch, category="student", class_name="23 机电 1 班"
    )
    for kind in ("id_card", "student_card", "photo"):
        document = ApplicationDocument(
            application=application, kind=kind, content_type="application/pdf", size=1000, sha256="0" * 64
        )
        document.file.save(f"{kind}.pdf", ContentFile(b"%PDF-" + kind.encode()), save=True)
    return application


def test_the_cutoff_counts_whole_years_back_and_copes_with_29_february(settings):
    settings.DOCUMENT_RETENTION_YEARS = 3
    assert retention_cutoff(TODAY) == datetime.date(2023, 11, 26)
    settings.DOCUMENT_RETENTION_YEARS = 1
    assert retention_cutoff(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_documents_past_retention_go_with_their_files_and_a_reason_in_the_history(
    db, media, django_capture_on_commit_callbacks
):
    old = application_with_documents(status=BatchStatus.CLOSED, reported_on=datetime.date(2023, 11, 26))
    recent = application_with_documents(status=BatchStatus.REPORTED, reported_on=datetime.date(2023, 11, 27))
    unreported = application_with_documents(status=BatchStatus.SCORING, reported_on=None)
    old_files = {document.kind: media / document.file.name for document in old.documents.all()}

    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        expired = documents_expire(today=TODAY)

    assert (expired.documents, expired.applications, expired.bytes) == (2, 1, 2000)
    assert list(old.documents.values_list("kind", flat=True)) == ["photo"]
    assert old_files["photo"].exists()
    assert not old_files["id_card"].exists()
    assert not old_files["student_card"].exists()
    assert recent.documents.count() == 3
    assert unreported.documents.count() == 3
    removal = ApplicationDocument.history.get(application_id=old.pk, kind="id_card", history_type="-")
    assert removal.history_change_reason == "超过 3 年保存期限，已删除"
    Application.objects.get(pk=old.pk)  # the application itself, which the archive's forms draw on, stays


def test_a_dry_run_counts_and_removes_nothing(db, media, capsys):
    old = application_with_documents(status=BatchStatus.REPORTED, reported_on=datetime.date(2020, 6, 1))
    call_command("documents_expire", "--dry-run")
    assert "would remove 2 documents of 1 applications" in capsys.readouterr().out
    assert old.documents.count() == 3
    call_command("documents_expire")
    assert "removed 2 documents of 1 applications" in capsys.readouterr().out
    assert old.documents.count() == 1
