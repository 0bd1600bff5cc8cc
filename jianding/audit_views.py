"""The director's audit pages: changes by person, kind and date; sign-ins and downloads; one record's history."""

import datetime

from django.contrib.auth.models import Group
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jianding import audit
from jianding.abilities import audited_model_for
from jianding.client import client_ip
from jianding.downloads import never_stored
from jianding.forms import id_asked
from jianding.models import User
from jianding.permissions import role_required
from jianding.privacy import recorded_value_shown
from jianding.roles import Role
from jianding.searches import search_data, search_posted

PAGE_SIZE = 50


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _page(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 40))
    except ValueError:
        return 1


@role_required(Role.DIRECTOR)
def audit_changes(request):
    models = audit.audited_models()
    kind = request.GET.get("kind", "")
    chosen = id_asked(request.GET.get("user", ""))
    user = User.objects.filter(pk=chosen).first() if chosen else None
    start, end = _day(request.GET.get("start", "")), _day(request.GET.get("end", ""))
    page = _page(request)
    found = audit.changes_search(kind=kind, user=user, start=start, end=end, limit=page * PAGE_SIZE + 1)
    rows = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(
        request,
        "audit/changes.html",
        {
            "rows": rows,
            "kinds": [(label, model._meta.verbose_name) for label, model in models.items()],
            "kind": kind,
            "chosen_user": user,
            "staff": User.objects.filter(
                is_active=True, groups__name__in=[r.value for r in Role if r != Role.APPLICANT]
            )
            .distinct()
            .order_by("username"),
            "start": start,
            "end": end,
            "page": page,
            "has_next": len(found) > page * PAGE_SIZE,
        },
    )


def _object_shown(obj) -> str:
    if isinstance(obj, Group) and obj.name in Role.values:
        return str(Role(obj.name).label)
    return str(obj)


def _links_shown(field, rows) -> str:
    """What a many-to-many field held (an account's roles, a room's proctors), by name, from the
    rows of its historical through table."""
    key = field.m2m_reverse_field_name()
    held = field.related_model._default_manager.in_bulk([row[key] for row in rows])
    return "、".join(_object_shown(held[row[key]]) for row in rows if row[key] in held)


def _value_shown(model, change, value, *, whole: bool):
    many = {field.name: field for field in model._meta.many_to_many}
    if change.field in many:
        return _links_shown(many[change.field], value)
    return recorded_value_shown(change.field, value, whole=whole)


def _record_page(request, model, kind, pk, *, whole: bool):
    records = (
        model.history.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = {
        field.name: field.verbose_name for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
    }
    steps = []
    previous = None
    for record in records:
        changes = record.diff_against(previous).changes if previous is not None else []
        steps.append(
            {
                "record": record,
                "changes": [
                    (
                        labels.get(change.field, change.field),
                        _value_shown(model, change, change.old, whole=whole),
                        _value_shown(model, change, change.new, whole=whole),
                    )
                    for change in changes
                ],
            }
        )
        previous = record
    steps.reverse()
    return render(
        request,
        "audit/record.html",
        {"model": model, "kind": kind, "pk": pk, "steps": steps, "whole": whole},
    )


@role_required(Role.DIRECTOR)
def audit_record(request, kind, pk):
    """Every recorded change of one record, each with what changed: before and after, numbers masked."""
    return _record_page(request, audited_model_for(request.user, kind, pk), kind, pk, whole=False)


@never_stored
@require_POST
@role_required(Role.DIRECTOR)
def show_whole_record(request, kind, pk):
    """The same history with ID and phone numbers whole, on the director's explicit request, recorded."""
    model = audited_model_for(request.user, kind, pk)
    audit.disclosure_record(actor=request.user, kind=kind, object_pk=pk, ip_address=client_ip(request))
    return _record_page(request, model, kind, pk, whole=True)


@never_stored  # a search by an applicant's login name, his ID number, shows it again in the search box
@role_required(Role.DIRECTOR)
@search_posted
def audit_access(request):
    data = search_data(request)
    who = data.get("who", "").strip()[:50]
    start, end = _day(data.get("start", "")), _day(data.get("end", ""))
    page = _page(request)
    found = audit.access_search(who=who, start=start, end=end, limit=page * PAGE_SIZE + 1)
    return render(
        request,
        "audit/access.html",
        {
            "rows": found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            "who": who,
            "start": start,
            "end": end,
            "page": page,
            "has_next": len(found) > page * PAGE_SIZE,
        },
    )
