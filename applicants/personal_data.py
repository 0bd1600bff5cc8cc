"""Everything the portal holds about an applicant, as one download of his own [个人信息保护].

A zip with ``data.json`` (his account, profile, applications with their
documents' details, tickets and what the higher apps add through
``contributions.personal_data``, such as released results) and every document
he uploaded, under ``documents/``.
"""

import json
import zipfile
from io import BytesIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from applicants import contributions
from applicants.models import Applicant

# Never part of the export: secrets, and what only staff work with.
LEFT_OUT = {"password", "user", "applicant", "reviewed_by", "original_seen_by", "declaration"}


def _fields(instance: Model) -> dict:
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in LEFT_OUT
    }


def personal_data_archive(applicant: Applicant) -> bytes:
    """The zip of ``applicant``'s data and documents."""
    user = applicant.user
    applications = applicant.applications.select_related("batch__occupation", "ticket").prefetch_related(
        "documents"
    )
    added = dict(contributions.personal_data(applicant=applicant))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = []
        for application in applications:
            documents = []
            for document in application.documents.all():
                name = f"documents/{application.pk}-{document.kind}-{document.pk}.{document.file.name.rsplit('.', 1)[-1]}"
                with document.file.open("rb") as stored:
                    archive.writestr(name, stored.read())
                documents.append({**_fields(document), "file": name})
            ticket = getattr(application, "ticket", None)
            entries.append(
                {
                    **_fields(application),
                    "batch": str(application.batch),
                    "documents": documents,
                    "admission_ticket": ticket.number if ticket else None,
                    **{key: lists.get(application.pk, []) for key, lists in added.items()},
                }
            )
        data = {
            "account": {
                "username": user.username,
                "name": user.name,
                "phone": user.phone,
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            },
            "profile": _fields(applicant),
            "applications": entries,
        }
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    return buffer.getvalue()
