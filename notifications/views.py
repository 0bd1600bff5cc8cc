import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jianding.errors import RuleViolation
from jianding.permissions import role_required
from jianding.roles import Role
from notifications import selectors, services
from notifications.abilities import message_for
from notifications.forms import PreferencesForm

PAGE_SIZE = 30


def list_messages(request):
    """The user's own messages, newest first, the unread ones marked."""
    page = Paginator(selectors.message_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list_messages.html", {"page": page})


def open_message(request, pk):
    """Mark the message read and go on to the object it is about."""
    message = services.message_open(actor=request.user, message=message_for(request.user, pk))
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}):
        return redirect(message.link)
    return redirect("notifications:list_messages")


def edit_preferences(request):
    """The channels the user wants for each kind of message that may be switched off."""
    form = PreferencesForm(
        request.POST or None, user=request.user, initial=selectors.preferences_of(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(actor=request.user, choices=form.choices())
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:edit_preferences")
    return render(request, "notifications/edit_preferences.html", {"form": form})


@role_required(Role.DIRECTOR, Role.CLERK)
def list_undelivered(request):
    """The messages that reached nobody by e-mail or SMS, for someone to pass on by hand."""
    page = Paginator(selectors.undelivered_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list_undelivered.html", {"page": page})


def _secret_given(request) -> bool:
    expected = settings.SMS_RECEIPT_SECRET
    given = request.headers.get("X-Receipt-Secret") or request.GET.get("secret", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt  # the provider posts it, with the shared secret instead of a session
@login_not_required
@require_POST
def receive_sms_receipts(request):
    """Aliyun's SmsReport push: a JSON list of receipts, answered with code 0 once kept."""
    if not _secret_given(request):
        return HttpResponseForbidden()
    try:
        reports = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest()
    if not isinstance(reports, list) or not all(isinstance(report, dict) for report in reports):
        return HttpResponseBadRequest()
    services.receipts_ingest(reports=reports)
    return JsonResponse({"code": 0, "msg": "成功"})
