import base64

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from applicants import contributions, selectors, services
from applicants.abilities import (
    application_for,
    batch_for,
    can_review_application,
    declaration_for,
    document_for,
    invitation_for,
)
from applicants.filters import InvitationFilter, MyApplicationFilter, ReviewFilter
from applicants.forms import (
    ActivateForm,
    ApplyForm,
    CaptchaForm,
    CityApprovalForm,
    DocumentForm,
    PhoneCodeForm,
    ProfileForm,
    ResetCodeRequestForm,
    ResetWithCodeForm,
    ReviewForm,
    SignUpForm,
)
from applicants.models import Applicant, ApplicationStatus
from applicants.personal_data import personal_data_archive
from applicants.resources import ClassListResource, applications_dataset
from applicants.tables import InvitationTable, ReviewTable
from jianding.client import client_ip
from jianding.documents import DocumentKind
from jianding.downloads import file_response, never_stored, upload_response
from jianding.errors import RuleViolation
from jianding.forms import ImportForm, form_refuse
from jianding.imports import import_step
from jianding.next_page import next_page, with_next
from jianding.pdf import pdf_render, pdf_response
from jianding.permissions import role_required
from jianding.privacy import Where, birth_shown, id_number_shown, phone_shown
from jianding.roles import REVIEWER_ROLES, Role, has_role
from jianding.searches import search_posted
from jianding.spreadsheets import xlsx_response
from jianding.steps import step_run
from jianding.views import locked_out
from notifications import verification

QUEUE_PAGE_SIZE = 50


@login_not_required
def sign_up(request):
    """Create an applicant account, then verify the phone; ``next`` (the batch he chose) comes after."""
    after = next_page(request)
    if request.user.is_authenticated:
        return redirect(after or "dashboard")
    address = client_ip(request)
    form = SignUpForm(request.POST or None, captcha=selectors.sign_up_captcha_needed(ip_address=address))
    if request.method == "POST":
        try:
            # Every sending counts, also one the form refuses, before anything is checked.
            services.sign_up_attempt_record(ip_address=address)
            if form.is_valid():
                applicant = services.applicant_register(
                    name=form.cleaned_data["name"],
                    id_number=form.cleaned_data["id_number"],
                    phone=form.cleaned_data["phone"],
                    password=form.cleaned_data["password1"],
                    ip_address=address,
                )
                login(request, applicant.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Your account is ready. Welcome, %(name)s.") % {"name": applicant.name}
                )
                # the center's text messages reach him once he has typed the code sent to his phone
                return redirect(with_next(reverse("applicants:verify_phone"), after))
        except RuleViolation as error:
            form_refuse(form, error)
    return render(request, "applicants/sign_up.html", {"form": form, "next": after})


@role_required(Role.APPLICANT)
def export_my_data(request):
    """Everything the portal holds about the applicant himself, as a zip."""
    applicant = get_object_or_404(Applicant, user=request.user)
    return file_response(
        personal_data_archive(applicant),
        filename=f"my-data-{applicant.pk}.zip",
        content_type="application/zip",
    )


@role_required(Role.APPLICANT)
def edit_profile(request):
    applicant = get_object_or_404(Applicant, user=request.user)
    initial = {
        "phone": applicant.phone,
        "education": applicant.education,
        "employer_or_class": applicant.employer_or_class,
        "work_history": applicant.work_history,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.applicant_profile_update(actor=request.user, applicant=applicant, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect(next_page(request) or "dashboard")
    return render(
        request,
        "applicants/edit_profile.html",
        {
            "form": form,
            "applicant": applicant,
            "masked_id": id_number_shown(applicant.id_number, request.user, Where.RECORD),
            "birth": birth_shown(applicant.birth_date, request.user, Where.RECORD),
        },
    )


@role_required(Role.APPLICANT)
def create_application(request, batch_pk):
    batch = get_object_or_404(contributions.batches_open(), pk=batch_pk)
    form = ApplyForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, batch=batch, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Application started. Upload the documents, then submit it."))
            return redirect("applicants:view_application", pk=application.pk)
    applicant = get_object_or_404(Applicant, user=request.user)
    return render(
        request,
        "applicants/create_application.html",
        {"form": form, "batch": batch, "missing": selectors.applicant_profile_missing(applicant=applicant)},
    )


@never_stored
@role_required(Role.APPLICANT, *REVIEWER_ROLES)
def view_application(request, pk, upload_form=None):
    application = application_for(request.user, pk)
    documents = {document.kind: document for document in application.documents.all()}
    is_owner = application.applicant.user_id == request.user.pk
    rows = [
        {
            "kind": kind,
            "label": DocumentKind(kind).label,
            "document": documents.get(kind),
            "form": upload_form
            if upload_form is not None and upload_form.data.get("kind") == kind
            else DocumentForm(kind=kind),
        }
        for kind in application.required_documents()
    ]
    can_review = can_review_application(request.user, application)
    queue = QueryDict(request.GET.get("queue", ""))
    asks_original = can_review and application.original_required and application.original_seen_at is None
    return render(
        request,
        "applicants/view_application.html",
        {
            "application": application,
            "applicant": application.applicant,
            "id_number": id_number_shown(application.applicant.id_number, request.user, Where.RECORD),
            "phone": phone_shown(application.applicant.phone, request.user, Where.RECORD),
            "birth": birth_shown(application.applicant.birth_date, request.user, Where.RECORD),
            "rows": rows,
            "is_owner": is_owner,
            "missing": services.application_missing(application),
            "checks": selectors.application_checks(application=application) if not is_owner else [],
            "review_form": ReviewForm(
                initial={"version": application.version, "queue": queue.urlencode()},
                asks_original=asks_original,
            )
            if can_review
            else None,
            "asks_original": asks_original,
            "queue": queue.urlencode() if not is_owner else "",
            "can_record_original": has_role(request.user, Role.CLERK, Role.EXAM_STAFF),
            "history": application.history.select_related("history_user").order_by("-history_date")[:20]
            if not is_owner
            else [],
            # what the higher apps show here: exams the results, finance the fee and how to pay it
            **contributions.application_page.merged(application=application),
        },
    )


@require_POST
@role_required(Role.APPLICANT)
def upload_document(request, pk):
    application = application_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES, kind=request.POST.get("kind", ""))
    if form.is_valid():
        try:
            services.application_document_upload(
                actor=request.user,
                application=application,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("applicants:view_application", pk=application.pk)
    return view_application(request, pk, upload_form=form)


def _application_step(request, pk, service, done: str):
    """Run ``service`` on the application ``pk`` the user may see, and go back to its page."""
    application = application_for(request.user, pk)
    step_run(request, lambda: service(actor=request.user, application=application), done)
    return redirect("applicants:view_application", pk=application.pk)


@require_POST
@role_required(Role.APPLICANT)
def confirm_photo(request, pk):
    return _application_step(request, pk, services.application_photo_confirm, _("Photo accepted."))


@require_POST
@role_required(Role.APPLICANT)
def submit_application(request, pk):
    return _application_step(
        request, pk, services.application_submit, _("Submitted. The center reviews it and tells you here.")
    )


@require_POST
@role_required(Role.APPLICANT)
def withdraw_application(request, pk):
    return _application_step(request, pk, services.application_withdraw, _("Application withdrawn."))


@require_POST
@role_required(Role.CLERK, Role.EXAM_STAFF)
def review_application(request, pk):
    """Decide, then open the next application waiting in the reviewer's queue, under its filters."""
    application = application_for(request.user, pk)
    form = ReviewForm(request.POST)
    queue = QueryDict(request.POST.get("queue", ""))
    try:
        if not form.is_valid():
            raise RuleViolation(_("Reload the application and decide again."), code="changed_meanwhile")
        decided = services.application_review(
            actor=request.user,
            application=application,
            decision=request.POST.get("decision", ""),
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            original_seen=form.cleaned_data["original_seen"],
        )
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect(_in_queue(application.pk, queue))
    messages.success(
        request,
        _("Decision recorded: %(name)s, %(status)s.")
        % {"name": application.applicant.name, "status": decided.status_label},
    )
    queue_filter = ReviewFilter(request, queryset=selectors.review_queue(actor=request.user), params=queue)
    following = selectors.review_next(queue=queue_filter.qs, after=application)
    if following is None:
        messages.info(request, _("No other application in this queue waits for a decision."))
        queue_list = reverse("applicants:list_applications")
        return redirect(f"{queue_list}?{queue.urlencode()}" if queue else queue_list)
    return redirect(_in_queue(following.pk, queue))


def _in_queue(pk: int, queue: QueryDict) -> str:
    """The address of application ``pk`` carrying the review queue's filters."""
    address = reverse("applicants:view_application", args=[pk])
    return f"{address}?{urlencode({'queue': queue.urlencode()})}" if queue else address


@role_required(Role.APPLICANT, *REVIEWER_ROLES)
def download_document(request, pk):
    """Serve a document to its owner or a reviewer, to be shown in the page (a PDF or a picture)."""
    document = document_for(request.user, pk)
    return upload_response(
        document.file,
        content_type=document.content_type,
        filename=f"{document.kind}-{document.application_id}.{document.file.name.rsplit('.', 1)[-1]}",
    )


@role_required(Role.APPLICANT)
def my_applications(request):
    application_filter = MyApplicationFilter(
        request.GET, queryset=selectors.application_list(actor=request.user)
    )
    applications = (
        application_filter.qs.select_related("ticket")
        .prefetch_related(*contributions.my_applications_prefetch())
        .order_by("-created_at")
    )
    return render(
        request,
        "applicants/my_applications.html",
        {
            "filter": application_filter,
            "applications": applications,
            "open_batches": selectors.open_batches(actor=request.user),
        },
    )


@never_stored  # a search by a whole ID number shows it again in the search box
@role_required(*REVIEWER_ROLES)
@search_posted
def list_applications(request):
    review_filter = ReviewFilter(request, queryset=selectors.review_queue(actor=request.user))
    table = ReviewTable(review_filter.qs)
    RequestConfig(request, paginate={"per_page": QUEUE_PAGE_SIZE}).configure(table)
    return render(request, "applicants/list_applications.html", {"filter": review_filter, "table": table})


@role_required(Role.APPLICANT, *REVIEWER_ROLES)
def print_application(request, pk):
    """The application form (申请表) as a PDF, with the photo, for signing at the desk."""
    application = application_for(request.user, pk)
    photo = application.documents.filter(kind=DocumentKind.PHOTO).first()
    photo_uri = ""
    if photo is not None:
        with photo.file.open("rb") as stored:
            photo_uri = "data:image/jpeg;base64," + base64.b64encode(stored.read()).decode()
    pdf = pdf_render(
        template_name="print/application_form.html",
        context={
            "application": application,
            "applicant": application.applicant,
            "photo_uri": photo_uri,
            "viewer": request.user,
        },
    )
    return pdf_response(pdf, filename=f"application-{application.pk}.pdf")


@require_POST
@role_required(Role.CLERK, Role.EXAM_STAFF)
def record_original_seen(request, pk):
    return _application_step(
        request, pk, services.application_record_original_seen, _("Recorded: original certificate seen.")
    )


@role_required(*REVIEWER_ROLES)
def list_declarations(request):
    waiting = selectors.batches_with_approved_applications(actor=request.user)
    batches = contributions.batches_visible(actor=request.user).in_bulk([row["batch_id"] for row in waiting])
    return render(
        request,
        "applicants/list_declarations.html",
        {
            "declarations": selectors.declaration_list(actor=request.user),
            "waiting": [
                (batches[row["batch_id"]], row["waiting"]) for row in waiting if row["batch_id"] in batches
            ],
            "is_clerk": has_role(request.user, Role.CLERK),
        },
    )


@require_POST
@role_required(Role.CLERK)
def declare_batch(request, batch_pk):
    batch = batch_for(request.user, batch_pk)
    try:
        declaration = services.declaration_create(actor=request.user, batch=batch)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("applicants:list_declarations")
    messages.success(request, _("Declared. Export the list for the city center."))
    return redirect("applicants:view_declaration", pk=declaration.pk)


@role_required(*REVIEWER_ROLES)
def view_declaration(request, pk, approval_form=None):
    declaration = declaration_for(request.user, pk)
    applications = selectors.declaration_applications(declaration=declaration)
    declared = [a for a in applications if a.status == ApplicationStatus.DECLARED]
    form = None
    if has_role(request.user, Role.CLERK) and declared:
        form = approval_form or CityApprovalForm(declared=declared)
    return render(
        request,
        "applicants/view_declaration.html",
        {"declaration": declaration, "applications": applications, "form": form},
    )


@role_required(*REVIEWER_ROLES)
def export_declaration(request, pk):
    declaration = declaration_for(request.user, pk)
    applications = selectors.declaration_applications(declaration=declaration)
    return xlsx_response(
        applications_dataset(applications, viewer=request.user),
        title="申报名单",
        filename=f"declaration-{declaration.pk}.xlsx",
    )


@require_POST
@role_required(Role.CLERK)
def record_city_approval(request, pk):
    declaration = declaration_for(request.user, pk)
    declared = declaration.applications.filter(status=ApplicationStatus.DECLARED).select_related("applicant")
    form = CityApprovalForm(request.POST, request.FILES, declared=declared)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.declaration_record_approval(
                actor=request.user,
                declaration=declaration,
                document_number=data["document_number"],
                approved_on=data["approved_on"],
                scan=data["scan"],
                application_ids=data["applications"] or None,
            )
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("The city center's approval is recorded."))
            return redirect("applicants:view_declaration", pk=declaration.pk)
    return view_declaration(request, pk, approval_form=form)


ROSTER_FORMS = {"roster": "花名册", "register": "报名人员登记表"}


@role_required(*REVIEWER_ROLES)
def print_roster(request, batch_pk):
    """The roster, or the applicants' half of the register (?form=register), as a PDF."""
    batch = batch_for(request.user, batch_pk)
    form = request.GET.get("form") if request.GET.get("form") in ROSTER_FORMS else "roster"
    pdf = pdf_render(
        template_name="print/roster.html",
        context={
            "batch": batch,
            "title": ROSTER_FORMS[form],
            "applications": selectors.roster(actor=request.user, batch_id=batch.pk),
            "printed_at": timezone.now(),
            "viewer": request.user,
        },
    )
    return pdf_response(pdf, filename=f"{form}-{batch.pk}.pdf")


@role_required(*REVIEWER_ROLES)
def export_roster(request, batch_pk):
    batch = batch_for(request.user, batch_pk)
    applications = selectors.roster(actor=request.user, batch_id=batch.pk)
    return xlsx_response(
        applications_dataset(applications, viewer=request.user),
        title="花名册",
        filename=f"roster-{batch.pk}.xlsx",
    )


# --- class lists and invitations -----------------------------------------

INVITATION_SLIPS_MAX = 600


@role_required(Role.CLERK)
def import_class_list(request):
    """A class list becomes applicant accounts: preview with every bad row, then confirm."""
    form = ImportForm(request.POST or None, request.FILES or None)
    step = import_step(request, form, resource=ClassListResource(), purpose="class-list")
    if step.done:
        messages.success(
            request,
            _(
                "Imported: %(new)d new accounts, %(updated)d changed, %(unchanged)d unchanged. Print the invitation slips for the new ones."
            )
            % {"new": step.report.new, "updated": step.report.updated, "unchanged": step.report.unchanged},
        )
        return redirect("applicants:list_invitations")
    return render(
        request,
        "applicants/import_class_list.html",
        {"form": form, "report": step.report, "token": step.token},
    )


def _filtered_invitations(request) -> InvitationFilter:
    return InvitationFilter(request, queryset=selectors.invitation_list())


@never_stored  # a search by a whole ID number shows it again in the search box
@role_required(Role.CLERK, Role.EXAM_STAFF)
@search_posted
def list_invitations(request):
    invitation_filter = _filtered_invitations(request)
    table = InvitationTable(invitation_filter.qs)
    RequestConfig(request, paginate={"per_page": QUEUE_PAGE_SIZE}).configure(table)
    return render(
        request,
        "applicants/list_invitations.html",
        {
            "filter": invitation_filter,
            "table": table,
            "slips_max": INVITATION_SLIPS_MAX,
            "can_import": has_role(request.user, Role.CLERK),
        },
    )


@role_required(Role.CLERK, Role.EXAM_STAFF)
def print_invitations(request):
    """The invitation slips of the listed accounts, eight to a page, to cut and hand out."""
    applicants = list(_filtered_invitations(request).qs[: INVITATION_SLIPS_MAX + 1])
    if not applicants:
        messages.warning(request, _("No invitation slip matches; change the filter."))
        return redirect(f"{reverse('applicants:list_invitations')}?{request.GET.urlencode()}")
    if len(applicants) > INVITATION_SLIPS_MAX:
        messages.error(
            request,
            _("More than %(limit)d slips: filter by class and print one class at a time.")
            % {"limit": INVITATION_SLIPS_MAX},
        )
        return redirect(f"{reverse('applicants:list_invitations')}?{request.GET.urlencode()}")
    slips = [
        {
            "applicant": applicant,
            "masked_id": id_number_shown(applicant.id_number, None, Where.PUBLIC),
            "code": services.applicant_invitation_code(applicant.user),
        }
        for applicant in applicants
    ]
    pdf = pdf_render(
        template_name="print/invitation_slips.html",
        context={"slips": slips, "activate_url": request.build_absolute_uri(reverse("applicants:activate"))},
    )
    return pdf_response(pdf, filename="invitations.pdf")


@require_POST
@role_required(Role.CLERK, Role.EXAM_STAFF)
def reissue_invitation(request, pk):
    applicant = invitation_for(request.user, pk)
    step_run(
        request,
        lambda: services.applicant_invitation_reissue(actor=request.user, applicant=applicant),
        _("The old slip of %(name)s no longer works; print the new one.") % {"name": applicant.name},
    )
    return redirect(f"{reverse('applicants:list_invitations')}?{urlencode({'q': applicant.name})}")


@require_POST
@role_required(Role.CLERK, Role.EXAM_STAFF)
def reset_password(request, pk):
    """Void an applicant's forgotten password; his new invitation slip lets him choose the next one."""
    application = application_for(request.user, pk)
    applicant = application.applicant
    if step_run(
        request,
        lambda: services.applicant_password_reset(actor=request.user, applicant=applicant),
        _("The password of %(name)s no longer works; print his new invitation slip and hand it to him.")
        % {"name": applicant.name},
    ):
        # by name and class, never by ID number: an address ends up in histories and logs
        query = urlencode({"q": applicant.name, "employer_or_class": applicant.employer_or_class})
        return redirect(f"{reverse('applicants:list_invitations')}?{query}")
    return redirect("applicants:view_application", pk=application.pk)


@login_not_required
def activate(request):
    """An imported student sets his first password with the code on his slip, then goes on to ``next``."""
    after = next_page(request)
    if request.user.is_authenticated:
        return redirect(after or "dashboard")
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A wrong code counts as a failed sign-in of that account: django-axes locks it alike.
        credentials = {"username": data["id_number"]}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request, None, credentials)
        try:
            user = services.applicant_activate(
                id_number=data["id_number"], code=data["code"], password=data["password1"]
            )
        except RuleViolation as error:
            if error.code == "invitation_invalid":
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form_refuse(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Complete your profile, then apply."))
            return redirect(after or "dashboard")
    return render(request, "applicants/activate.html", {"form": form, "next": after})


@role_required(Role.APPLICANT)
def verify_phone(request):
    """The applicant proves his phone is his: a captcha, then the code texted to it; then on to ``next``."""
    user = request.user
    after = next_page(request)
    captcha_form, code_form = CaptchaForm(), PhoneCodeForm()
    if request.method == "POST" and "send" in request.POST:
        captcha_form = CaptchaForm(request.POST)
        if captcha_form.is_valid():
            try:
                verification.phone_verification_send(actor=user)
            except RuleViolation as error:
                form_refuse(captcha_form, error)
            else:
                messages.success(request, _("A code was texted to your phone; type it below."))
                return redirect(with_next(reverse("applicants:verify_phone"), after))
    elif request.method == "POST":
        code_form = PhoneCodeForm(request.POST)
        if code_form.is_valid():
            try:
                verification.phone_verify(actor=user, code=code_form.cleaned_data["code"])
            except RuleViolation as error:
                form_refuse(code_form, error)
            else:
                messages.success(
                    request, _("Your phone is verified: the center's text messages now reach it.")
                )
                return redirect(after or "dashboard")
    return render(
        request,
        "applicants/verify_phone.html",
        {
            "phone": phone_shown(user.phone, user, Where.RECORD),
            "verified_at": user.phone_verified_at,
            "captcha_form": captcha_form,
            "code_form": code_form,
            "next": after,
        },
    )


# The account and number a password reset by text message is for, between its two pages.
RESET_SESSION_KEY = "reset_by_phone"


@login_not_required
def request_reset_code(request):
    """A forgotten password, first page: ID number, verified phone and captcha; a code is texted."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = ResetCodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        id_number, phone = form.cleaned_data["id_number"], form.cleaned_data["phone"]
        credentials = {"username": id_number}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request, None, credentials)
        try:
            code_id = services.applicant_password_reset_code_send(id_number=id_number, phone=phone)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            request.session[RESET_SESSION_KEY] = {"id_number": id_number, "phone": phone, "code_id": code_id}
            return redirect("applicants:reset_password_with_code")
    return render(request, "applicants/request_reset_code.html", {"form": form})


@login_not_required
def reset_password_with_code(request):
    """A forgotten password, second page: the texted code and the new password twice."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    pending = request.session.get(RESET_SESSION_KEY)
    if not pending:
        return redirect("applicants:request_reset_code")
    form = ResetWithCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A wrong code counts as a failed sign-in of that account: django-axes locks it alike.
        credentials = {"username": pending["id_number"]}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request, None, credentials)
        try:
            user = services.applicant_password_reset_by_code(
                **pending, code=form.cleaned_data["code"], password=form.cleaned_data["password1"]
            )
        except RuleViolation as error:
            if error.code in {"wrong_code", "code_expired"}:
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form_refuse(form, error)
        else:
            del request.session[RESET_SESSION_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your new password is set."))
            return redirect("dashboard")
    return render(request, "applicants/reset_password_with_code.html", {"form": form})
