"""Background work of the exams app, run by the task worker (``manage.py db_worker``)."""

from django.tasks import task

from exams.selectors import ticket_list
from exams.tickets import TICKETS_PER_CHUNK, pdf_merge, tickets_pdf
from jianding.jobs import job_advance, job_fail, job_finish, job_start


@task()
def tickets_print(*, job_id: int, batch_id: int, session_room_id: int | None = None) -> None:
    """Render the tickets of a batch (or one room) chunk by chunk into one PDF, advancing the job."""
    try:
        tickets = list(ticket_list(batch_id=batch_id, session_room_id=session_room_id))
        job = job_start(job_id=job_id, total=len(tickets))
        parts = []
        for start in range(0, len(tickets), TICKETS_PER_CHUNK):
            chunk = tickets[start : start + TICKETS_PER_CHUNK]
            parts.append(tickets_pdf(chunk))
            job_advance(job=job, done=start + len(chunk))
        suffix = f"-room{session_room_id}" if session_room_id else ""
        job_finish(
            job=job,
            content=pdf_merge(parts) if parts else tickets_pdf([]),
            filename=f"tickets-{batch_id}{suffix}.pdf",
        )
    except Exception as error:
        job_fail(job_id=job_id, error=repr(error))
        raise
