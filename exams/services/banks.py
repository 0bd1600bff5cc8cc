"""Review-question banks: uploaded by exam staff, approved by the deputy, every download logged.

Rules: 副所长 §4 (the review questions are checked), 考务组 §8 (kept secret).
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import BankStatus, Occupation, QuestionBank, QuestionBankDownload
from exams.services.occupations import occupation_require_licensed
from jianding.decisions import decide
from jianding.permissions import require_role
from jianding.roles import Role
from jianding.staff import staff_holding
from jianding.uploads import upload_check_pdf
from notifications.kinds import Kind
from notifications.services import notify


@transaction.atomic
def bank_upload(
    *, actor, occupation: Occupation, level: int, title: str, upload: UploadedFile
) -> QuestionBank:
    """Store review questions as a checked PDF, waiting for the deputy's approval."""
    require_role(actor, Role.EXAM_STAFF)
    occupation_require_licensed(occupation, level)
    checked = upload_check_pdf(upload, field="file")
    bank = QuestionBank.objects.create(
        occupation=occupation,
        level=level,
        title=title,
        file=checked.content,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=staff_holding(Role.DEPUTY).exclude(pk=actor.pk),
        text=gettext_lazy(
            "The review-question bank %(bank)s waits for your approval: read it, then approve or reject it."
        ),
        params={"bank": bank},
        link=reverse("exams:list_banks") + f"?status={BankStatus.PENDING}",
    )
    return bank


@transaction.atomic
def bank_decide(*, actor, bank: QuestionBank, approve: bool, reason: str = "") -> QuestionBank:
    """Approve or reject a bank waiting for the deputy [副所长 §4]."""
    require_role(actor, Role.DEPUTY)
    bank = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    bank = decide(
        bank,
        actor=actor,
        status=BankStatus.APPROVED if approve else BankStatus.REJECTED,
        waiting=[BankStatus.PENDING],
        refusal=_("This bank was decided already (%(status)s).") % {"status": bank.get_status_display()},
        code="bank_decided",
        reason=reason,
        reason_missing="" if approve else _("Say why the bank is rejected."),
        note=_("Approved"),
    )
    if approve:
        text = gettext_lazy("The review-question bank %(bank)s was approved; applicants can now download it.")
    else:
        text = gettext_lazy(
            "The review-question bank %(bank)s was rejected: %(reason)s. Upload a corrected one."
        )
    notify(
        kind=Kind.APPROVAL_DECIDED,
        recipients=[bank.uploaded_by] if bank.uploaded_by_id != actor.pk else [],
        text=text,
        params={"bank": bank, "reason": bank.decision_reason},
        link=reverse("exams:list_banks"),
    )
    return bank


def bank_download_record(*, actor, bank: QuestionBank, ip_address: str | None) -> QuestionBankDownload:
    """Log a download; the caller has found ``bank`` through ``QuestionBank.objects.visible_to``."""
    return QuestionBankDownload.objects.create(bank=bank, user=actor, ip_address=ip_address)
