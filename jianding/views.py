from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from jianding import outreach_views, portal, staff
from jianding.abilities import finished_job_for, job_for, staff_for
from jianding.client import client_ip
from jianding.downloads import file_response, never_stored
from jianding.errors import RuleViolation
from jianding.filters import StaffFilter
from jianding.forms import SignInForm, StaffCreateForm, StaffUpdateForm, form_refuse
from jianding.models import JobStatus
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.privacy import Where, birth_shown, id_number_shown
from jianding.resources import StaffResource, role_labels
from jianding.roles import Role, user_roles
from jianding.searches import search_posted
from jianding.spreadsheets import xlsx_response
from jianding.tables import StaffTable

STAFF_PAGE_SIZE = 25


def locked_out(request, response, credentials):
    """Render the lock-out page of django-axes, saying when to try again."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/lockout.html", {"cooloff_minutes": minutes}, status=429)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form came back without its token (an old page, a session that ended)."""
    page = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        page = reverse("dashboard")
    context = {"page": page, "no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Staff with an e-mail address reset a forgotten password by mail; a few requests an hour per address.

    Applicants have no e-mail on record: the desk resets theirs (a new invitation slip).
    """

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        try:
            staff.password_reset_record(email=form.cleaned_data["email"], ip_address=client_ip(self.request))
        except RuleViolation as error:
            form_refuse(form, error)
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user._change_reason = _("Password changed by its owner")
            user.save(update_fields=["must_change_password"])
        return response


@login_not_required
def dashboard(request):
    """What waits for the user under each of his roles, and an applicant's own details;
    a visitor who has not signed in gets the public home."""
    if not request.user.is_authenticated:
        return outreach_views.home(request)
    names = user_roles(request.user)
    roles = [role for role in Role if role.value in names]
    applicant = getattr(request.user, "applicant", None) if Role.APPLICANT in roles else None
    return render(
        request,
        "dashboard.html",
        {
            "roles": " · ".join(str(role.label) for role in roles),
            "cards": portal.cards_for(request.user),
            "applicant": applicant,
            "masked_id": id_number_shown(applicant.id_number, request.user, Where.RECORD)
            if applicant
            else "",
            "birth": birth_shown(applicant.birth_date, request.user, Where.RECORD) if applicant else None,
        },
    )


def _filtered_staff(request) -> StaffFilter:
    return StaffFilter(request, queryset=staff.staff_list(actor=request.user))


@never_stored  # a search by a login name or phone shows it again in the search box
@role_required(Role.DIRECTOR)
@search_posted
def list_staff(request):
    staff_filter = _filtered_staff(request)
    table = StaffTable(staff_filter.qs)
    RequestConfig(request, paginate={"per_page": STAFF_PAGE_SIZE}).configure(table)
    return render(
        request,
        "accounts/list_staff.html",
        {"filter": staff_filter, "table": table, "query": request.GET.urlencode()},
    )


@role_required(Role.DIRECTOR)
def export_staff(request):
    dataset = StaffResource().export(_filtered_staff(request).qs)
    return xlsx_response(dataset, title=_("Staff accounts"), filename="staff-accounts.xlsx")


@role_required(Role.DIRECTOR)
def print_staff(request):
    accounts = _filtered_staff(request).qs
    pdf = pdf_render(
        template_name="print/staff_list.html",
        context={"accounts": [(user, role_labels(user)) for user in accounts], "printed_at": timezone.now()},
    )
    return pdf_response(pdf, filename="staff-accounts.pdf", as_attachment=False)


@role_required(Role.DIRECTOR)
def create_staff(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff.staff_create(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return redirect("accounts:list_staff")
    return render(request, "accounts/edit_staff.html", {"form": form, "creating": True})


@role_required(Role.DIRECTOR)
def edit_staff(request, pk):
    user = staff_for(request.user, pk)
    roles = staff.staff_roles(user)
    profile = getattr(user, "examiner_profile", None)
    initial = {
        "name": user.name,
        "phone": user.phone,
        "roles": [role.value for role in roles],
        "is_active": user.is_active,
        "is_chief_examiner": Role.EXAMINER in roles and bool(profile and profile.is_chief_examiner),
    }
    form = StaffUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            staff.staff_update(actor=request.user, user=user, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Account %(username)s saved.") % {"username": user.username})
            return redirect("accounts:list_staff")
    return render(
        request,
        "accounts/edit_staff.html",
        {
            "form": form,
            "account": user,
            "creating": False,
            "role_history": staff.staff_role_history(actor=request.user, user=user),
        },
    )


def view_job(request, pk):
    """A background job's progress; htmx swaps in the progress part until the job ends."""
    job = job_for(request.user, pk)
    template = "jobs/view_job.html#progress" if request.headers.get("HX-Request") else "jobs/view_job.html"
    return render(
        request, template, {"job": job, "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    )


def download_job(request, pk):
    job = finished_job_for(request.user, pk)
    return file_response(job.file.open("rb"), filename=job.filename)


@login_not_required
def healthz(request):
    """For load balancers and the benchmarks: the server answers, nothing else."""
    return HttpResponse("ok", content_type="text/plain")
