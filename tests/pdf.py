"""The text of a real PDF the portal wrote, read back with pypdf."""

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader


def pdf_text(pdf: bytes | Path) -> str:
    """All pages' text of ``pdf``: a response's bytes or a downloaded file."""
    return "".join(
        page.extract_text() for page in PdfReader(BytesIO(pdf) if isinstance(pdf, bytes) else pdf).pages
    )
