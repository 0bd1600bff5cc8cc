"""Printed forms: HTML templates rendered to PDF by WeasyPrint.

Chinese text needs a CJK font on the machine (Debian's fonts-noto-cjk, which
`make run` installs); WeasyPrint embeds the subset each document uses, so the
PDF prints the same anywhere. Render after the transaction commits: it is slow.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML

from jianding.downloads import file_response

PRINT_CSS = "css/print.css"


def pdf_render(*, template_name: str, context: dict) -> bytes:
    """Render ``template_name`` with ``context`` to the bytes of a PDF, in Chinese."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    stylesheet = CSS(filename=finders.find(PRINT_CSS))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])


def pdf_response(pdf: bytes, *, filename: str, as_attachment: bool = True) -> HttpResponse:
    """Send rendered PDF bytes, as a download unless ``as_attachment`` is off (to print in the browser)."""
    return file_response(pdf, filename=filename, content_type="application/pdf", as_attachment=as_attachment)
