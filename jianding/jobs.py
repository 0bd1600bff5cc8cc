"""Background jobs: a row per job that the worker advances and the job's page polls."""

from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jianding.models import Job, JobStatus


def job_create(*, actor, title: str) -> Job:
    return Job.objects.create(requested_by=actor, title=title)


def job_enqueue(*, actor, title: str, task, **arguments) -> Job:
    """Create the job's row and run ``task(job_id=…, **arguments)`` in the background once it is
    committed, so that the worker finds the row; ``arguments`` are ids, never model instances."""
    job = job_create(actor=actor, title=title)
    transaction.on_commit(partial(task.enqueue, job_id=job.pk, **arguments))
    return job


def job_start(*, job_id: int, total: int) -> Job:
    job = Job.objects.get(pk=job_id)
    job.status, job.total, job.done = JobStatus.RUNNING, total, 0
    job.save(update_fields=["status", "total", "done"])
    return job


def job_advance(*, job: Job, done: int) -> None:
    """Record progress; written at once, outside any transaction, so the page sees it."""
    job.done = done
    Job.objects.filter(pk=job.pk).update(done=done)


def job_finish(*, job: Job, content: bytes, filename: str) -> None:
    job.file.save(filename, ContentFile(content), save=False)
    job.filename, job.status, job.done, job.finished_at = filename, JobStatus.DONE, job.total, timezone.now()
    job.save(update_fields=["file", "filename", "status", "done", "finished_at"])


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=error, finished_at=timezone.now())
