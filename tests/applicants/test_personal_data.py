"""An applicant downloads everything the portal holds about him, and nothing of anyone else."""

import json
import zipfile
from io import BytesIO

from django.core.files.base import ContentFile
from django.urls import reverse

from applicants.models import Application, ApplicationDocument
from jianding.models import Download
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory


def test_the_archive_holds_his_profile_applications_and_documents(db, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    applicant = ApplicantFactory(name="韩梅", phone="13811112222")
    someone = ApplicantFactory(name="李雷")
    batch = BatchFactory()
    mine = Application.objects.create(
        applicant=applicant, batch=batch, category="social", class_name="某公司"
    )
    theirs = Application.objects.create(
        applicant=someone, batch=batch, category="student", class_name="23 班"
    )
    for application, content in ((mine, b"%PDF-mine"), (theirs, b"%PDF-theirs")):
        document = ApplicationDocument(
            application=application, kind="id_card", content_type="application/pdf", size=9, sha256="0" * 64
        )
        document.file.save("id.pdf", ContentFile(content), save=True)
    response = client_as(applicant.user).get(reverse("applicants:export_my_data"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["name"] == "韩梅"
    assert data["profile"]["id_number"] == applicant.id_number
    assert data["account"]["phone"] == applicant.user.phone
    assert [entry["id"] for entry in data["applications"]] == [mine.pk]
    document = data["applications"][0]["documents"][0]
    assert archive.read(document["file"]) == b"%PDF-mine"
    text = archive.read("data.json").decode()
    assert "李雷" not in text
    assert "password" not in text
    assert Download.objects.get().filename == f"my-data-{applicant.pk}.zip"
