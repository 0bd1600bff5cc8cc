"""Every file the portal sends, and every page with whole ID numbers: never kept by a browser or cache.

Registers, question banks, tickets, documents and exports hold personal or
confidential data. ``Cache-Control: private, no-store`` keeps them out of a
shared proxy's cache and out of the browser's disk cache on a shared
computer. Each download view answers with ``file_response``; each page that
may carry whole ID numbers is decorated with ``never_stored``.
"""

from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control

never_stored = cache_control(private=True, no_store=True)


def file_response(
    content, *, filename: str, content_type: str | None = None, as_attachment: bool = True
) -> HttpResponse:
    """Send ``content`` (bytes, or an open file) named ``filename``, as a download unless told otherwise.

    Bytes need their ``content_type``; an open file's is guessed from ``filename`` when not given.
    """
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(
            content, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


# The checked uploads a page shows in place (PDF.js draws a PDF, ``<img>`` a picture).
SHOWN_INLINE = frozenset({"application/pdf", "image/jpeg", "image/png"})


def upload_response(field_file, *, content_type: str, filename: str) -> HttpResponse:
    """Send an upload the portal checked (``jianding.uploads``): a PDF or picture to view, others as a download."""
    return file_response(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=content_type not in SHOWN_INLINE,
        filename=filename,
    )
