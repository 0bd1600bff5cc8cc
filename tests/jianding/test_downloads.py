"""Every file leaves through one response that no browser or proxy keeps (``jianding/downloads.py``)."""

import ast
from pathlib import Path

from django.conf import settings
from django.core.files import File
from tablib import Dataset

from jianding.downloads import file_response, upload_response
from jianding.pdf import pdf_response
from jianding.spreadsheets import xlsx_response

NO_STORE = "private, no-store"
HELPER = Path(settings.BASE_DIR) / "jianding" / "downloads.py"
FILE_MAKERS = {"FileResponse", "content_disposition_header"}
SKIPPED = {".venv", "node_modules", "tests", "bench", "migrations", "var", ".ci"}


def _project_modules():
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        if not SKIPPED.intersection(path.relative_to(settings.BASE_DIR).parts) and path != HELPER:
            yield path


def test_no_view_builds_a_file_response_of_its_own():
    """A view that sent a file by hand would forget the header: only the helper may."""
    found = []
    for path in _project_modules():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", "") in FILE_MAKERS
            header_set = (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and getattr(node.slice, "value", None) == "Content-Disposition"
            )
            if called or header_set:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert found == []


def test_the_pdf_and_spreadsheet_helpers_are_never_stored():
    pdf = pdf_response(b"%PDF-1.7", filename="tickets.pdf")
    sheet = xlsx_response(Dataset(["1"], headers=["a"]), title="t", filename="register.xlsx")
    for response in (pdf, sheet, pdf_response(b"%PDF-1.7", filename="list.pdf", as_attachment=False)):
        assert response["Cache-Control"] == NO_STORE
    assert pdf["Content-Disposition"] == 'attachment; filename="tickets.pdf"'


def test_a_stored_file_is_sent_never_stored(tmp_path):
    stored = tmp_path / "bank.pdf"
    stored.write_bytes(b"%PDF-1.7")
    with stored.open("rb") as handle:
        response = file_response(handle, filename="题库.pdf")
        assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert response["Cache-Control"] == NO_STORE
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_checked_upload_shows_inline_as_a_pdf_or_image_and_anything_else_downloads(tmp_path):
    responses = {}
    for name, content_type in (
        ("scan.pdf", "application/pdf"),
        ("scan.jpg", "image/jpeg"),
        ("scan.png", "image/png"),
        ("scan.svg", "image/svg+xml"),
    ):
        (tmp_path / name).write_bytes(b"x")
        with File((tmp_path / name).open("rb")) as stored:
            responses[name] = upload_response(stored, content_type=content_type, filename=name)
            assert b"".join(responses[name].streaming_content) == b"x"
    for name in ("scan.pdf", "scan.jpg", "scan.png"):
        assert responses[name]["Content-Disposition"].startswith("inline")
    assert responses["scan.svg"]["Content-Disposition"].startswith("attachment")
    assert {response["Cache-Control"] for response in responses.values()} == {NO_STORE}
