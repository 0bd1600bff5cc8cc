"""Uploads in an S3 bucket (S3_BUCKET): every view that reads a stored file reads it from there.

The bucket is served by moto's S3 server on 127.0.0.1, a real HTTP endpoint that
boto3 talks to as it would to any S3-compatible store; the storage settings are the
ones jianding/settings.py builds from the environment. `.ci/servers` runs the same
storage under two gunicorn servers and a task worker.
"""

import datetime
import logging
import runpy
import uuid
import zipfile
from io import BytesIO

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer

from applicants import services
from exams.models import BatchStatus
from jianding import imports
from jianding.jobs import job_create, job_finish
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory, pdf_upload
from tests.factories.images import portrait, upload

# The module's fixture runs the S3 server once: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group("s3")

SETTINGS_FILE = django_settings.BASE_DIR / "jianding" / "settings.py"
S3_VARIABLES = (
    "S3_BUCKET",
    "S3_PREFIX",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_ADDRESSING_STYLE",
)


def storages_from_environment(monkeypatch, **env) -> dict:
    """Return STORAGES as jianding/settings.py builds it from these environment variables."""
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))["STORAGES"]


@pytest.fixture(scope="module")
def s3_endpoint():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new, empty bucket as the default storage; returns a client to look inside it."""
    name = f"jianding-{uuid.uuid4().hex[:12]}"
    env = {
        "S3_BUCKET": name,
        "S3_PREFIX": "media",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test-secret",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = storages_from_environment(monkeypatch, **env)
    settings.MEDIA_ROOT = "/nonexistent/media-root-must-not-be-used"

    class Bucket:
        def names(self) -> list[str]:
            return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]

        def read(self, key: str) -> bytes:
            return client.get_object(Bucket=name, Key=key)["Body"].read()

    return Bucket()


def test_without_a_bucket_uploads_stay_under_media_root(monkeypatch):
    storages = storages_from_environment(monkeypatch)
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_makes_s3_the_default_storage(monkeypatch):
    storages = storages_from_environment(
        monkeypatch,
        S3_BUCKET="uploads",
        S3_ENDPOINT_URL="https://minio.internal:9000",
        S3_ADDRESSING_STYLE="path",
    )
    default = storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "uploads"
    assert default["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert default["OPTIONS"]["addressing_style"] == "path"
    # Unset: boto3's own lookup (AWS_* variables, the machine's role), not empty strings.
    assert default["OPTIONS"]["access_key"] is None
    assert default["OPTIONS"]["region_name"] is None
    # A name in use gets a new one, as on disk; nothing is public.
    assert default["OPTIONS"]["file_overwrite"] is False
    assert default["OPTIONS"]["default_acl"] is None
    assert storages["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_an_applicants_documents_go_to_the_bucket_and_every_view_reads_them_back(
    bucket, db, client_as, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory(
        name="张伟",
        education="vocational",
        employer_or_class="23 机电 1 班",
        birth_date=datetime.date(2004, 5, 17),
    )
    batch = BatchFactory(occupation=OccupationFactory(levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN)
    application = services.application_create(actor=applicant.user, batch=batch, category="student")
    services.application_document_upload(
        actor=applicant.user, application=application, kind="photo", upload=upload("me.jpg", portrait())
    )
    scan = pdf_upload("id.pdf")
    http = client_as(applicant.user)
    response = http.post(
        reverse("applicants:upload_document", args=[application.pk]), {"kind": "id_card", "file": scan}
    )
    assert response.status_code == 302
    document = application.documents.get(kind="id_card")
    scan.seek(0)
    sent = scan.read()
    assert bucket.read(f"media/{document.file.name}") == sent
    assert len(bucket.names()) == 2  # the photo and the scan, nothing else

    download = http.get(reverse("applicants:download_document", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == sent
    reviewer = client_as(UserFactory(role=Role.EXAM_STAFF))
    download = reviewer.get(reverse("applicants:download_document", args=[document.pk]))
    assert b"".join(download.streaming_content) == sent

    form = http.get(reverse("applicants:print_application", args=[application.pk]))
    assert form.status_code == 200
    assert form.content[:4] == b"%PDF"
    assert b"/Subtype /Image" in form.content  # the photo, read from the bucket

    archive = zipfile.ZipFile(BytesIO(http.get(reverse("applicants:export_my_data")).content))
    assert sent in [archive.read(name) for name in archive.namelist() if name.startswith("documents/")]

    # A replaced document leaves the bucket once the new one is committed.
    with django_capture_on_commit_callbacks(execute=True):
        http.post(
            reverse("applicants:upload_document", args=[application.pk]),
            {"kind": "id_card", "file": pdf_upload("id-2.pdf")},
        )
    assert f"media/{document.file.name}" not in bucket.names()


def test_a_jobs_file_is_written_to_the_bucket_and_downloaded_from_it(bucket, db, client_as):
    clerk = UserFactory(role=Role.CLERK)
    first, second = (job_create(actor=clerk, title="准考证") for _ in range(2))
    job_finish(job=first, content=b"%PDF-1.7 first", filename="tickets-1.pdf")
    job_finish(job=second, content=b"%PDF-1.7 second", filename="tickets-1.pdf")
    # Two jobs of one batch: the second file does not replace the first.
    assert first.file.name != second.file.name
    assert sorted(bucket.names()) == sorted(f"media/{job.file.name}" for job in (first, second))
    response = client_as(clerk).get(reverse("download_job", args=[first.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 first"
    assert response["Content-Disposition"] == 'attachment; filename="tickets-1.pdf"'


def test_expired_spreadsheet_stashes_are_purged_from_the_bucket(bucket, db, monkeypatch):
    stale = default_storage.save(f"{imports.STASH_DIR}stale.xlsx", ContentFile(b"PK\x03\x04 stale"))
    assert f"media/{stale}" in bucket.names()
    # Every stash older than a minute from now counts as expired.
    monkeypatch.setattr(imports, "TOKEN_MAX_AGE", -60)
    imports._purge_stale_stashes()
    assert bucket.names() == []


@pytest.mark.django_db
def test_backup_and_restore_refuse_uploads_in_a_bucket(bucket, tmp_path):
    with pytest.raises(CommandError, match="S3 bucket"):
        call_command("backup", output=tmp_path / "backup.tar.gz")
    assert not list(tmp_path.iterdir())
    archive = tmp_path / "jianding-20260601-023000.tar.gz"
    archive.write_bytes(b"not read")
    with pytest.raises(CommandError, match="S3 bucket"):
        call_command("restore", str(archive))
