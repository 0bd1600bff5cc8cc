"""The upload checker every upload goes through: type by content, size, no active content.

Files are stored under generated names in the default storage (MEDIA_ROOT, or
the S3 bucket when S3_BUCKET is set), which no URL serves; views hand them out
after checking permission.
"""

import hashlib
import re
import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from jianding.errors import RuleViolation

PDF_MAX_BYTES = 20 * 1024 * 1024
# Names that make a PDF act (run script, open files, carry other files). The
# byte scan catches them written plainly; the parsed walk catches them in
# object streams and written with #xx escapes.
PDF_ACTIVE_NAMES = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/AA"}
)
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
)
PDF_ACTIVE_BYTES = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)\b"
)
# What a reader does by itself on opening the file: an /OpenAction may show a page (a
# destination, or a /GoTo action with nothing after it) and nothing else; /AA is refused above.
PDF_OPEN_ACTION_HARMLESS = "/GoTo"
# A walk through more objects than this is refused rather than followed.
PDF_MAX_OBJECTS = 200_000


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    size: int
    sha256: str


def _pdf_open_action_acts(value) -> bool:
    """Whether an /OpenAction does more than show a page: any action but a lone /GoTo."""
    value = value.get_object()
    if not isinstance(value, DictionaryObject):
        return False  # a destination: the page to show first
    return value.get("/S") != PDF_OPEN_ACTION_HARMLESS or "/Next" in value


def _pdf_has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the catalogue, looking for actions and attachments."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer["/Root"]]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise LimitReachedError("too many objects")
        if isinstance(node, DictionaryObject):
            if PDF_ACTIVE_NAMES & set(node.keys()):
                return True
            if node.get("/S") in PDF_ACTIVE_ACTIONS:
                return True
            if "/OpenAction" in node and _pdf_open_action_acts(node["/OpenAction"]):
                return True
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def upload_check_pdf(upload: UploadedFile, *, field: str, max_bytes: int = PDF_MAX_BYTES) -> CheckedFile:
    """Return the upload as a checked PDF under a generated name, or raise RuleViolation on ``field``.

    Slow for a large file: call it before opening a transaction.
    """
    if upload.size is None or upload.size > max_bytes:
        raise RuleViolation(
            _("The file is larger than %(limit)d MB; make it smaller and upload it again.")
            % {"limit": max_bytes // (1024 * 1024)},
            field=field,
            code="file_too_large",
        )
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise RuleViolation(
            _("This file is not a PDF (whatever its name says). Save or print it as PDF and upload that."),
            field=field,
            code="not_pdf",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RuleViolation(_("The file is too large."), field=field, code="file_too_large")
    active = RuleViolation(
        _("The PDF contains scripts, attachments or forms that run by themselves; print it to a plain PDF."),
        field=field,
        code="pdf_active_content",
    )
    if PDF_ACTIVE_BYTES.search(data):
        raise active
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise RuleViolation(
                _("The PDF is password-protected; upload it without a password."),
                field=field,
                code="pdf_encrypted",
            )
        if _pdf_has_active_content(reader):
            raise active
        page_count = len(reader.pages)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, RecursionError) as error:
        # pypdf raises many kinds for a broken file; every one means "damaged".
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


IMAGE_MAX_BYTES = 8 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}


def _kind_of(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in _SIGNATURES.items() if head.startswith(magic)), None)


def upload_decode_image(upload: UploadedFile, *, field: str, max_bytes: int = IMAGE_MAX_BYTES) -> Image.Image:
    """Decode a JPEG or PNG within size and pixel limits, or raise RuleViolation on ``field``."""
    if upload.size is None or upload.size > max_bytes:
        raise RuleViolation(
            _("The picture is larger than %(limit)d MB; take it again at a lower resolution.")
            % {"limit": max_bytes // (1024 * 1024)},
            field=field,
            code="file_too_large",
        )
    if _kind_of(upload) not in ("image/jpeg", "image/png"):
        raise RuleViolation(
            _("This is not a JPEG or PNG picture (whatever its name says)."), field=field, code="not_image"
        )
    damaged = RuleViolation(
        _("The picture is damaged or incomplete; take or save it again."), field=field, code="image_damaged"
    )
    too_large = RuleViolation(
        _("The picture has too many pixels; take it at a lower resolution."),
        field=field,
        code="image_too_large",
    )
    # WeasyPrint turns on Pillow's leniency for truncated images when it is
    # imported; uploads must be whole, and everything we print is re-encoded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning becomes our refusal below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(upload)
        with probe:
            width, height = probe.size
            if width * height > IMAGE_MAX_PIXELS:
                raise too_large
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except RuleViolation:
        raise
    except Image.DecompressionBombError:
        # Beyond twice Pillow's own limit it refuses to open the picture at all.
        raise too_large from None
    except (OSError, SyntaxError, ValueError):
        raise damaged from None
    return ImageOps.exif_transpose(image)


def image_encode(image: Image.Image, *, kind: str = "JPEG", quality: int = 88) -> CheckedFile:
    """Write ``image`` afresh (no metadata, nothing after the image data) under a generated name."""
    buffer = BytesIO()
    if kind == "JPEG":
        image.convert("L" if image.mode in ("L", "LA") else "RGB").save(
            buffer, "JPEG", quality=quality, optimize=True
        )
        suffix = "jpg"
    else:
        image.save(buffer, "PNG", optimize=True)
        suffix = "png"
    data = buffer.getvalue()
    return CheckedFile(
        content=ContentFile(data, name=f"{uuid.uuid4().hex}.{suffix}"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def upload_check_document(upload: UploadedFile, *, field: str) -> tuple[CheckedFile, str]:
    """Check a scanned document (PDF, JPEG or PNG) by its content; return it and its content type."""
    kind = _kind_of(upload)
    if kind == "application/pdf":
        return upload_check_pdf(upload, field=field), kind
    if kind is None:
        raise RuleViolation(
            _("Upload a PDF, JPEG or PNG file; this one is none of them, whatever its name says."),
            field=field,
            code="unsupported_type",
        )
    image = upload_decode_image(upload, field=field)
    return image_encode(image), "image/jpeg"
