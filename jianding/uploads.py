"""The upload checker every upload goes through: type by content, size, no active content.

Files are stored under generated names below MEDIA_ROOT, which no URL serves;
views hand them out after checking permission.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from jianding.errors import RuleViolation

PDF_MAX_BYTES = 20 * 1024 * 1024
# Names that make a PDF act (run script, open files, carry other files).
PDF_ACTIVE_CONTENT = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)\b"
)


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    size: int
    sha256: str


def upload_check_pdf(upload: UploadedFile, *, field: str, max_bytes: int = PDF_MAX_BYTES) -> CheckedFile:
    """Return the upload as a checked PDF under a generated name, or raise RuleViolation on ``field``."""
    if upload.size is None or upload.size > max_bytes:
        raise RuleViolation(
            _("The file is larger than %(limit)d MB; make it smaller and upload it again.")
            % {"limit": max_bytes // (1024 * 1024)},
            field=field,
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    if head != b"%PDF-":
        raise RuleViolation(
            _("This file is not a PDF (whatever its name says). Save or print it as PDF and upload that."),
            field=field,
            code="not_pdf",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RuleViolation(_("The file is too large."), field=field, code="file_too_large")
    refusal = RuleViolation(
        _("The PDF contains scripts, attachments or forms that run by themselves; print it to a plain PDF."),
        field=field,
        code="pdf_active_content",
    )
    if PDF_ACTIVE_CONTENT.search(data):
        raise refusal
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise RuleViolation(
                _("The PDF is password-protected; upload it without a password."),
                field=field,
                code="pdf_encrypted",
            )
        # Object streams hide names from the byte scan; the catalogue is read parsed.
        catalog = reader.trailer["/Root"]
        names = catalog.get("/Names") or {}
        if "/AA" in catalog or "/JavaScript" in names or "/EmbeddedFiles" in names:
            raise refusal
        page_count = len(reader.pages)
    except (PdfReadError, KeyError, ValueError) as error:
        raise RuleViolation(
            _("The PDF is damaged or incomplete; save it again and upload the new file."),
            field=field,
            code="pdf_damaged",
        ) from error
    if page_count == 0:
        raise RuleViolation(_("The PDF has no pages."), field=field, code="pdf_empty")
    return CheckedFile(
        content=ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
