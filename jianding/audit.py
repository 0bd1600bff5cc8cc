"""What the director searches: every recorded change, every sign-in and every file that left.

Changes come from django-simple-history's tables, one per audited model;
sign-ins and failed sign-ins from django-axes' logs; downloads from
``Download``, written by ``DownloadLogMiddleware`` for every response sent as
a file (registers, exports, PDFs, identity documents, question banks); and
each time the director had a record's history shown with whole ID and phone
numbers, from ``Disclosure``.
"""

import datetime
import re
from dataclasses import dataclass
from heapq import merge
from urllib.parse import unquote

from axes.models import AccessFailureLog, AccessLog
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import registered_models

from jianding.client import client_ip
from jianding.models import Disclosure, Download
from jianding.permissions import require_role
from jianding.privacy import login_shown
from jianding.roles import Role

FILENAME = re.compile(r"filename\*=utf-8''([^;]+)|filename=\"?([^\";]+)", re.IGNORECASE)


class DownloadLogMiddleware:
    """Record every response sent as a file with the user, the address and the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and disposition and request.user.is_authenticated:
            match = FILENAME.search(disposition)
            name = next((group for group in match.groups() if group), "") if match else ""
            Download.objects.create(
                user=request.user,
                ip_address=client_ip(request),
                path=request.get_full_path()[:300],
                filename=unquote(name)[:200],
            )
        return response


def audited_models() -> dict[str, type]:
    """Every model with a history, by "app_label.model_name"."""
    return {
        f"{model._meta.app_label}.{model._meta.model_name}": model
        for model in sorted(registered_models.values(), key=lambda m: (m._meta.app_label, m._meta.model_name))
        # m2m through tables are recorded inside their owner's history, not on their own
        if hasattr(model, "history")
    }


@dataclass(frozen=True)
class Change:
    kind: str
    model: type
    record: object

    @property
    def when(self) -> datetime.datetime:
        return self.record.history_date

    @property
    def object_pk(self):
        return getattr(self.record, self.model._meta.pk.attname)


def _window(queryset, field: str, start, end):
    if start:
        queryset = queryset.filter(**{f"{field}__date__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__date__lte": end})
    return queryset


def changes_search(*, kind: str = "", user=None, start=None, end=None, limit: int) -> list[Change]:
    """The latest ``limit`` recorded changes across the audited models (or one kind), newest first."""
    models = audited_models()
    chosen = {kind: models[kind]} if kind in models else models
    streams = []
    for label, model in chosen.items():
        records = _window(model.history.select_related("history_user"), "history_date", start, end)
        if user is not None:
            records = records.filter(history_user=user)
        streams.append(
            [
                Change(label, model, record)
                for record in records.order_by("-history_date", "-history_id")[:limit]
            ]
        )
    return list(merge(*streams, key=lambda change: change.when, reverse=True))[:limit]


def disclosure_record(*, actor, kind: str, object_pk, ip_address: str) -> Disclosure:
    """Record that ``actor`` had one record's history shown with whole numbers."""
    require_role(actor, Role.DIRECTOR)
    return Disclosure.objects.create(user=actor, kind=kind, object_pk=str(object_pk), ip_address=ip_address)


ACCESS_KINDS = {
    "sign_in": _("signed in"),
    "sign_in_failed": _("sign-in failed"),
    "locked_out": _("locked out"),
    "download": _("downloaded"),
    "disclosure": _("whole numbers shown"),
}


@dataclass(frozen=True)
class AccessEvent:
    when: datetime.datetime
    kind: str
    who: str
    address: str
    detail: str

    @property
    def label(self) -> str:
        return ACCESS_KINDS[self.kind]


def _record_label(models: dict[str, type], disclosure: Disclosure) -> str:
    model = models.get(disclosure.kind)
    return f"{model._meta.verbose_name if model else disclosure.kind} #{disclosure.object_pk}"


def access_search(*, who: str = "", start=None, end=None, limit: int) -> list[AccessEvent]:
    """Sign-ins, failed sign-ins (with lock-outs), downloads and disclosures, newest first."""
    sign_ins = _window(AccessLog.objects.all(), "attempt_time", start, end)
    failures = _window(AccessFailureLog.objects.all(), "attempt_time", start, end)
    downloads = _window(Download.objects.select_related("user"), "at", start, end)
    disclosures = _window(Disclosure.objects.select_related("user"), "at", start, end)
    if who:
        sign_ins = sign_ins.filter(username__icontains=who)
        failures = failures.filter(username__icontains=who)
        by_user = Q(user__username__icontains=who) | Q(user__name__icontains=who)
        downloads = downloads.filter(by_user)
        disclosures = disclosures.filter(by_user)
    models = audited_models()
    streams = [
        [
            AccessEvent(
                row.attempt_time, "sign_in", login_shown(row.username), row.ip_address or "", row.path_info
            )
            for row in sign_ins.order_by("-attempt_time")[:limit]
        ],
        [
            AccessEvent(
                row.attempt_time,
                "locked_out" if row.locked_out else "sign_in_failed",
                login_shown(row.username),
                row.ip_address or "",
                row.path_info,
            )
            for row in failures.order_by("-attempt_time")[:limit]
        ],
        [
            AccessEvent(row.at, "download", str(row.user) if row.user else "", row.ip_address, row.filename)
            for row in downloads.order_by("-at")[:limit]
        ],
        [
            AccessEvent(row.at, "disclosure", str(row.user), row.ip_address, _record_label(models, row))
            for row in disclosures.order_by("-at")[:limit]
        ],
    ]
    return list(merge(*streams, key=lambda event: event.when, reverse=True))[:limit]
