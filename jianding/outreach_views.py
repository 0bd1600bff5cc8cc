"""The public pages (no sign-in) and the clerks' pages behind them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jianding import outreach, portal
from jianding.abilities import consultation_for, notice_for
from jianding.client import client_ip
from jianding.errors import RuleViolation
from jianding.forms import form_refuse
from jianding.models import Consultation, Notice
from jianding.outreach_forms import AnswerForm, AskForm, NoticeForm
from jianding.permissions import role_required
from jianding.roles import Role

PAGE_SIZE = 20


@login_not_required
def home(request):
    """The public home: what the apps show the public (the open batches, the publicity), the latest
    notices, how to apply, and where to find the center."""
    blocks = [(block.template, block.context()) for block in portal.public_blocks()]
    center = {
        "address": settings.CENTER_ADDRESS,
        "phone": settings.CENTER_PHONE,
        "desk_hours": settings.CENTER_DESK_HOURS,
    }
    return render(
        request,
        "public/home.html",
        {"blocks": blocks, "notices": Notice.objects.published()[:5], "center": center},
    )


@login_not_required
def list_notices(request):
    page = Paginator(Notice.objects.published(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/list_notices.html", {"page": page})


@login_not_required
def view_notice(request, pk):
    return render(
        request, "public/view_notice.html", {"notice": get_object_or_404(Notice.objects.published(), pk=pk)}
    )


@login_not_required
def consult(request):
    """The consultation box: published answers, and a form to ask."""
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outreach.consultation_ask(
                question=data["question"],
                asker_name=data["asker_name"],
                contact=data["contact"],
                ip_address=client_ip(request),
                asker=request.user if request.user.is_authenticated else None,
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(
                request, _("Thank you. The office answers on this page, usually within two working days.")
            )
            return redirect("public:consult")
    page = Paginator(Consultation.objects.published(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/consult.html", {"form": form, "page": page})


# --- the clerks' side ------------------------------------------------------


@role_required(Role.CLERK)
def list_notices_staff(request):
    page = Paginator(Notice.objects.select_related("created_by"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/list_notices.html", {"page": page})


@role_required(Role.CLERK)
def create_notice(request):
    return _notice_form(request, None)


@role_required(Role.CLERK)
def edit_notice(request, pk):
    return _notice_form(request, notice_for(request.user, pk))


def _notice_form(request, notice):
    initial = (
        {"title": notice.title, "body": notice.body, "publish_at": notice.publish_at} if notice else None
    )
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outreach.notice_save(actor=request.user, notice=notice, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Notice saved."))
            return redirect("outreach:list_notices")
    return render(request, "outreach/edit_notice.html", {"form": form, "notice": notice})


@role_required(Role.CLERK)
def delete_notice(request, pk):
    notice = notice_for(request.user, pk)
    if request.method == "POST":
        outreach.notice_delete(actor=request.user, notice=notice)
        messages.success(request, _("Notice removed."))
        return redirect("outreach:list_notices")
    return render(
        request, "confirm_delete.html", {"object": notice, "cancel_url": reverse("outreach:list_notices")}
    )


@role_required(Role.CLERK)
def list_consultations(request):
    consultations = Consultation.objects.select_related("answered_by")
    if request.GET.get("open") == "1":
        consultations = consultations.unanswered()
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/list_consultations.html", {"page": page})


@role_required(Role.CLERK)
def answer_consultation(request, pk):
    consultation = consultation_for(request.user, pk)
    initial = {
        "answer": consultation.answer,
        "seen_answer": consultation.answer,
        "publish": consultation.is_published or not consultation.answer,
    }
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outreach.consultation_answer(
                actor=request.user,
                consultation=consultation,
                answer=form.cleaned_data["answer"],
                publish=form.cleaned_data["publish"],
                seen_answer=form.cleaned_data["seen_answer"],
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Answer saved."))
            return redirect(reverse("outreach:list_consultations") + "?open=1")
    return render(request, "outreach/answer_consultation.html", {"form": form, "consultation": consultation})
