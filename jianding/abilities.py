"""The one way each view of the base gets its object: staff accounts, background jobs, notices,
consultations and audited records.

Each ``<object>_for(user, …)`` returns the object ``user`` may see, or raises Http404, and is
registered with the URL names whose views use it (``jianding.permissions.object_access``). The
director manages the staff accounts and reads the audit; the clerk keeps the notices and answers
the consultations (the views' role checks); a job's page and file belong to whoever asked for it.
"""

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from jianding import audit, staff
from jianding.models import Consultation, Job, JobStatus, Notice, User
from jianding.permissions import object_access


@object_access("accounts:edit_staff")
def staff_for(user, pk) -> User:
    return get_object_or_404(staff.staff_list(actor=user), pk=pk)


@object_access("view_job")
def job_for(user, pk) -> Job:
    return get_object_or_404(Job.objects.visible_to(user), pk=pk)


@object_access("download_job")
def finished_job_for(user, pk) -> Job:
    """A job of ``user`` whose file is ready."""
    return get_object_or_404(Job.objects.visible_to(user), pk=pk, status=JobStatus.DONE)


@object_access("outreach:edit_notice", "outreach:delete_notice")
def notice_for(user, pk) -> Notice:
    return get_object_or_404(Notice, pk=pk)


@object_access("outreach:answer_consultation")
def consultation_for(user, pk) -> Consultation:
    return get_object_or_404(Consultation, pk=pk)


@object_access("audit_record", "show_whole_record")
def audited_model_for(user, kind, pk) -> type[models.Model]:
    """The audited model of ``kind`` that has a history for ``pk``."""
    model = audit.audited_models().get(kind)
    if model is None or not model.history.filter(**{model._meta.pk.attname: pk}).exists():
        raise Http404
    return model
