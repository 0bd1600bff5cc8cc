import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.finance import books
from tests.factories.images import portrait


def invoice(name="invoice.png"):
    return SimpleUploadedFile(name, portrait(size=(200, 100), fmt="PNG"), content_type="image/png")


@pytest.fixture
def people(db):
    return {
        "director": UserFactory(username="suozhang", name="所长", role=Role.DIRECTOR),
        "clerk": UserFactory(username="guanli", name="管理", role=Role.CLERK),
        "finance": UserFactory(username="caiwu", name="财务", role=Role.FINANCE),
        "staff": UserFactory(username="kaowu", name="考务", role=Role.EXAM_STAFF),
        "deputy": UserFactory(username="fusuozhang", name="副所长", role=Role.DEPUTY),
    }


@pytest.fixture
def ledger(people, tmp_path, settings):
    """The year's approved plan (fee ¥150, budget ¥1000 for 考务费) and two unpaid applications."""
    settings.MEDIA_ROOT = tmp_path
    setup = books()
    # registration opened today, so that the batch's fee is in this year's plan
    batch = BatchFactory(
        status="registration_closed", fee_item=setup["item"], registration_opens=timezone.localdate()
    )
    applications = candidates(batch, {"23 机电 1 班": 2}, paid=False)
    return {**people, **setup, "batch": batch, "applications": applications}
