"""Admission tickets (准考证) as PDF: one page each, with photo, sessions, rules and a QR code."""

import base64
from io import BytesIO

import segno
from pypdf import PdfWriter

from exams.models import Ticket
from jianding.documents import DocumentKind
from jianding.pdf import pdf_render
from jianding.privacy import Where, id_number_shown

# Tickets rendered per WeasyPrint call in a batch job; progress moves chunk by chunk.
TICKETS_PER_CHUNK = 20


def _photo_uri(application) -> str:
    photo = next((doc for doc in application.documents.all() if doc.kind == DocumentKind.PHOTO), None)
    if photo is None:
        return ""
    with photo.file.open("rb") as stored:
        return "data:image/jpeg;base64," + base64.b64encode(stored.read()).decode()


def ticket_page(ticket: Ticket) -> dict:
    """What one ticket page shows; the QR code holds the ticket number the door scanner reads."""
    application = ticket.application
    seats = list(application.seats.all())
    return {
        "ticket": ticket,
        "applicant": application.applicant,
        "batch": application.batch,
        "masked_id": id_number_shown(application.applicant.id_number, None, Where.PUBLIC),
        "photo_uri": _photo_uri(application),
        "qr_uri": segno.make(ticket.number, error="m").svg_data_uri(scale=4, border=2),
        "seats": seats,
        "late_entry_minutes": min((seat.session.late_entry_minutes for seat in seats), default=15),
    }


def tickets_pdf(tickets) -> bytes:
    return pdf_render(
        template_name="print/tickets.html", context={"pages": [ticket_page(t) for t in tickets]}
    )


def pdf_merge(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(BytesIO(part))
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
