"""Pages of the books. Each view parses input, calls one service and renders."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from finance import selectors, services
from finance.abilities import (
    attachment_for,
    collection_for,
    dues_for,
    entry_for,
    expense_for,
    fee_item_for,
    fee_plan_for,
    plan_fee_for,
)
from finance.filters import DueFilter, EntryFilter, ExpenseFilter, FeePlanFilter
from finance.forms import (
    AccountForm,
    BookForm,
    BudgetLineForm,
    CollectionForm,
    DayForm,
    DeferralForm,
    ExpenseForm,
    FeeItemForm,
    FeePlanForm,
    PlanFeeForm,
    ReceiptBookForm,
    RefundForm,
    ResubmitForm,
    SignForm,
    SubjectForm,
)
from finance.models import Account, Collection, FeeItem, ReceiptBook, Subject
from finance.reports import daily_dataset, report_context, report_dataset
from finance.tables import DueTable, EntryTable, ExpenseTable, FeePlanTable
from jianding.downloads import never_stored, upload_response
from jianding.errors import RuleViolation
from jianding.forms import DecisionForm, RevisionForm, form_refuse, year_asked
from jianding.permissions import role_required
from jianding.revisions import revision_previous
from jianding.roles import BOOKS_ROLES, STAFF_ROLES, Role, has_role
from jianding.searches import search_posted
from jianding.spreadsheets import xlsx_response
from jianding.steps import decision_step, revision_step, step_run

PAGE_SIZE = 20


# --- accounts, subjects, fee items, receipt books


@role_required(*BOOKS_ROLES)
def view_books(request):
    return render(
        request,
        "finance/view_books.html",
        {
            "accounts": Account.objects.all(),
            "balances": {b["account__name"]: b["balance"] for b in selectors.account_balances()},
            "subjects": Subject.objects.all(),
            "fee_items": FeeItem.objects.select_related("subject"),
            "receipt_books": ReceiptBook.objects.all(),
            "is_finance": has_role(request.user, Role.FINANCE),
            "may_add_fee_item": has_role(request.user, Role.FINANCE, Role.CLERK),
            "account_form": AccountForm(prefix="account"),
            "subject_form": SubjectForm(prefix="subject"),
            "book_form": ReceiptBookForm(prefix="book"),
            "fee_item_form": FeeItemForm(prefix="item"),
        },
    )


@require_POST
@role_required(Role.FINANCE)
def create_account(request):
    step_run(
        request,
        lambda **data: services.account_create(actor=request.user, **data),
        _("Account opened."),
        form=AccountForm(request.POST, prefix="account"),
    )
    return redirect("finance:view_books")


@require_POST
@role_required(Role.FINANCE)
def create_subject(request):
    step_run(
        request,
        lambda **data: services.subject_create(actor=request.user, **data),
        _("Subject added."),
        form=SubjectForm(request.POST, prefix="subject"),
    )
    return redirect("finance:view_books")


@require_POST
@role_required(Role.FINANCE)
def create_receipt_book(request):
    step_run(
        request,
        lambda **data: services.receipt_book_create(actor=request.user, **data),
        _("Receipt book registered."),
        form=ReceiptBookForm(request.POST, prefix="book"),
    )
    return redirect("finance:view_books")


@require_POST
@role_required(Role.FINANCE, Role.CLERK)
def create_fee_item(request):
    step_run(
        request,
        lambda **data: services.fee_item_create(actor=request.user, **data),
        _("Fee item added."),
        form=FeeItemForm(request.POST, request.FILES, prefix="item"),
    )
    return redirect("finance:view_books")


@role_required(*BOOKS_ROLES)
def download_fee_document(request, pk):
    item = fee_item_for(request.user, pk)
    suffix = item.document_scan.name.rsplit(".", 1)[-1]
    return upload_response(
        item.document_scan,
        content_type=item.document_content_type,
        filename=f"fee-document-{item.pk}.{suffix}",
    )


# --- the fee plan and budget


@role_required(*BOOKS_ROLES)
def list_fee_plans(request):
    fee_plans = FeePlanFilter(request.GET, queryset=selectors.fee_plan_list(actor=request.user))
    table = FeePlanTable(fee_plans.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(
        request,
        "finance/list_fee_plans.html",
        {
            "filter": fee_plans,
            "table": table,
            "form": FeePlanForm(initial={"year": timezone.localdate().year + 1}),
            "can_create": has_role(request.user, Role.CLERK),
        },
    )


@require_POST
@role_required(Role.CLERK)
def create_fee_plan(request):
    form = FeePlanForm(request.POST)
    if form.is_valid():
        try:
            plan = services.fee_plan_create(actor=request.user, year=form.cleaned_data["year"])
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            return redirect("finance:view_fee_plan", pk=plan.pk)
    else:
        messages.error(request, _("Give the year of the plan."))
    return redirect("finance:list_fee_plans")


@role_required(*BOOKS_ROLES)
def view_fee_plan(request, pk):
    plan = fee_plan_for(request.user, pk)
    return render(
        request,
        "finance/view_fee_plan.html",
        {
            "plan": plan,
            "previous": revision_previous(plan),
            "revise_form": RevisionForm(),
            "fees": plan.fees.select_related("fee_item__subject"),
            "budget_lines": plan.budget_lines.select_related("subject"),
            "fee_form": PlanFeeForm(),
            "budget_form": BudgetLineForm(),
            "decision_form": DecisionForm(),
            "is_clerk": has_role(request.user, Role.CLERK),
            "is_director": has_role(request.user, Role.DIRECTOR),
            "history": plan.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@require_POST
@role_required(Role.CLERK)
def add_plan_fee(request, pk):
    plan = fee_plan_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.plan_fee_add(actor=request.user, plan=plan, **data),
        _("Fee added to the plan."),
        form=PlanFeeForm(request.POST),
    )
    return redirect("finance:view_fee_plan", pk=plan.pk)


@require_POST
@role_required(Role.CLERK)
def save_budget_line(request, pk):
    plan = fee_plan_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.budget_line_save(actor=request.user, plan=plan, **data),
        _("Budget line saved."),
        form=BudgetLineForm(request.POST),
    )
    return redirect("finance:view_fee_plan", pk=plan.pk)


@require_POST
@role_required(Role.CLERK)
def submit_fee_plan(request, pk):
    plan = fee_plan_for(request.user, pk)
    step_run(
        request, lambda: services.fee_plan_submit(actor=request.user, plan=plan), _("Sent to the director.")
    )
    return redirect("finance:view_fee_plan", pk=plan.pk)


@require_POST
@role_required(Role.DIRECTOR)
def decide_fee_plan(request, pk):
    plan = fee_plan_for(request.user, pk)
    decision_step(
        request,
        approve=lambda reason: services.fee_plan_approve(actor=request.user, plan=plan, reason=reason),
        give_back=lambda reason: services.fee_plan_return(actor=request.user, plan=plan, reason=reason),
        approved=_("The fee plan and budget are approved."),
        returned=_("The plan went back to the clerk."),
    )
    return redirect("finance:view_fee_plan", pk=plan.pk)


@require_POST
@role_required(Role.CLERK)
def revise_fee_plan(request, pk):
    plan = fee_plan_for(request.user, pk)
    revision = revision_step(
        request, lambda basis: services.fee_plan_revise(actor=request.user, plan=plan, basis=basis)
    )
    return redirect("finance:view_fee_plan", pk=(revision or plan).pk)


@role_required(*BOOKS_ROLES)
def compare_fee_plans(request, pk, other):
    plan, old = fee_plan_for(request.user, pk), fee_plan_for(request.user, other)
    return render(
        request,
        "finance/compare_fee_plans.html",
        {"plan": plan, "old": old, "changes": selectors.fee_plan_compare(old=old, new=plan)},
    )


@require_POST
@role_required(Role.CLERK)
def remove_plan_fee(request, pk):
    fee = plan_fee_for(request.user, pk)
    step_run(
        request,
        lambda: services.plan_fee_remove(actor=request.user, fee=fee),
        _("Fee taken out of the plan."),
    )
    return redirect("finance:view_fee_plan", pk=fee.plan_id)


# --- collections


@never_stored  # a search by a whole ID number shows it again in the search box
@role_required(*BOOKS_ROLES)
@search_posted
def list_dues(request):
    dues = DueFilter(request, queryset=selectors.application_dues(actor=request.user))
    table = DueTable(dues.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "finance/list_dues.html", {"table": table, "filter": dues})


@role_required(*BOOKS_ROLES)
def view_dues(request, pk):
    application = dues_for(request.user, pk)
    book = ReceiptBook.objects.filter(next_number__lte=F("last_number")).order_by("series").first()
    initial = {
        "method": Collection.Method.DESK,
        "account": Account.objects.filter(kind="cash", active=True).first(),
    }
    plan_fee = selectors.batch_plan_fee(batch=application.batch)
    if plan_fee is not None:
        initial["amount"] = plan_fee.amount
    if book is not None:
        initial.update(receipt_book=book, receipt_number=book.next_number)
    collections = list(selectors.application_collections(application=application))
    for collection in collections:
        # one refund or decision form per row: the prefixes keep every id of the page unique
        collection.refund_form = RefundForm(prefix=f"refund{collection.pk}")
        collection.decision_form = DecisionForm(prefix=f"decision{collection.pk}")
    return render(
        request,
        "finance/view_dues.html",
        {
            "application": application,
            "plan_fee": plan_fee,
            "status": selectors.application_fee_status(application=application),
            "collections": collections,
            "collection_form": CollectionForm(initial=initial),
            "deferral_form": DeferralForm(),
            "is_finance": has_role(request.user, Role.FINANCE),
            "is_director": has_role(request.user, Role.DIRECTOR),
            "history": selectors.application_collections_history(application=application)[:20],
        },
    )


@require_POST
@role_required(Role.FINANCE)
def collect_fee(request, pk):
    application = dues_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.collection_record(actor=request.user, application=application, **data),
        _("Fee collected and booked."),
        form=CollectionForm(request.POST, request.FILES),
    )
    return redirect("finance:view_dues", pk=application.pk)


@role_required(*BOOKS_ROLES)
def download_receipt_scan(request, pk):
    collection = collection_for(request.user, pk)
    if not collection.scan:
        raise Http404
    suffix = collection.scan.name.rsplit(".", 1)[-1]
    return upload_response(
        collection.scan,
        content_type=collection.scan_content_type,
        filename=f"receipt-{collection.pk}.{suffix}",
    )


@require_POST
@role_required(Role.FINANCE)
def request_refund(request, pk):
    payment = collection_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.refund_request(actor=request.user, payment=payment, **data),
        _("Refund sent to the director for approval."),
        form=RefundForm(request.POST, prefix=f"refund{payment.pk}"),
    )
    return redirect("finance:view_dues", pk=payment.application_id)


@require_POST
@role_required(Role.DIRECTOR)
def decide_refund(request, pk):
    refund = collection_for(request.user, pk)
    form = DecisionForm(request.POST, prefix=f"decision{refund.pk}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if request.POST.get("decision") == "approve":
        step_run(
            request, lambda: services.refund_approve(actor=request.user, refund=refund), _("Refund approved.")
        )
    elif request.POST.get("decision") == "refuse":
        step_run(
            request,
            lambda: services.refund_refuse(actor=request.user, refund=refund, reason=reason),
            _("Refund refused."),
        )
    else:
        messages.error(request, _("Choose to approve or to refuse the refund."))
    return redirect("finance:view_dues", pk=refund.application_id)


@require_POST
@role_required(Role.DIRECTOR)
def grant_deferral(request, pk):
    application = dues_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.deferral_grant(actor=request.user, application=application, **data),
        _("Payment deferred; the applicant gets his ticket."),
        form=DeferralForm(request.POST),
    )
    return redirect("finance:view_dues", pk=application.pk)


def _day(request) -> datetime.date:
    form = DayForm(request.GET)
    return form.cleaned_data["date"] if form.is_valid() else timezone.localdate()


@role_required(*BOOKS_ROLES)
def daily_report(request):
    day = _day(request)
    collections = list(selectors.collections_of_day(day=day))
    return render(
        request,
        "finance/daily_report.html",
        {
            "day": day,
            "collections": collections,
            "totals": selectors.day_totals(collections),
            "form": DayForm(initial={"date": day}),
        },
    )


@role_required(*BOOKS_ROLES)
def export_daily_report(request):
    day = _day(request)
    dataset = daily_dataset(list(selectors.collections_of_day(day=day)))
    return xlsx_response(dataset, title=_("Collections"), filename=f"收费日报-{day:%Y%m%d}.xlsx")


# --- expenses


@role_required(*STAFF_ROLES)
def list_expenses(request):
    expenses = ExpenseFilter(request.GET, queryset=selectors.expense_list(actor=request.user))
    table = ExpenseTable(expenses.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "finance/list_expenses.html", {"table": table, "filter": expenses})


@role_required(*STAFF_ROLES)
def create_expense(request):
    form = ExpenseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.expense_submit(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("The request waits for the director's signature."))
            return redirect("finance:view_expense", pk=expense.pk)
    return render(request, "finance/create_expense.html", {"form": form})


@role_required(*STAFF_ROLES)
def view_expense(request, pk, sign_form=None):
    expense = expense_for(request.user, pk)
    line = services.budget_line_for(subject=expense.subject, year=timezone.localdate().year)
    may_sign = expense.status == "submitted" and services.expense_may_sign(
        actor=request.user, expense=expense
    )
    return render(
        request,
        "finance/view_expense.html",
        {
            "expense": expense,
            "attachments": expense.attachments.all(),
            "line": line,
            "over": services.expense_over_budget(expense=expense) if expense.status == "submitted" else None,
            "why_waiting": services.expense_why_waiting(expense=expense),
            "may_sign": may_sign,
            "may_book": expense.status == "signed" and has_role(request.user, Role.FINANCE),
            "sign_form": sign_form or SignForm(),
            "return_form": DecisionForm(),
            "book_form": BookForm(),
            "may_resubmit": expense.status == "returned" and expense.submitted_by_id == request.user.pk,
            "resubmit_form": ResubmitForm(initial={"amount": expense.amount, "purpose": expense.purpose}),
            "entry": getattr(expense, "entry", None),
            "history": expense.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@require_POST
@role_required(*STAFF_ROLES)
def sign_expense(request, pk):
    expense = expense_for(request.user, pk)
    if not services.expense_may_sign(actor=request.user, expense=expense):
        raise PermissionDenied
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.expense_sign(actor=request.user, expense=expense, **form.cleaned_data)
        except RuleViolation as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Signed; finance may book it now."))
            return redirect("finance:view_expense", pk=expense.pk)
    return view_expense(request, pk, sign_form=form)


@require_POST
@role_required(*STAFF_ROLES)
def return_expense(request, pk):
    expense = expense_for(request.user, pk)
    if not services.expense_may_sign(actor=request.user, expense=expense):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    step_run(
        request,
        lambda: services.expense_return(actor=request.user, expense=expense, reason=reason),
        _("The request went back with your reason."),
    )
    return redirect("finance:view_expense", pk=expense.pk)


@require_POST
@role_required(*STAFF_ROLES)
def resubmit_expense(request, pk):
    expense = expense_for(request.user, pk)
    if expense.submitted_by_id != request.user.pk:
        raise PermissionDenied
    step_run(
        request,
        lambda **data: services.expense_resubmit(actor=request.user, expense=expense, **data),
        _("The request waits for the director's signature."),
        form=ResubmitForm(request.POST, request.FILES),
    )
    return redirect("finance:view_expense", pk=expense.pk)


@require_POST
@role_required(Role.FINANCE)
def book_expense(request, pk):
    expense = expense_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.expense_book(actor=request.user, expense=expense, **data),
        lambda entry: _("Booked with voucher %(voucher)s.") % {"voucher": entry.voucher_number},
        form=BookForm(request.POST),
    )
    return redirect("finance:view_expense", pk=expense.pk)


@role_required(*STAFF_ROLES)
def download_attachment(request, pk):
    attachment = attachment_for(request.user, pk)
    suffix = attachment.file.name.rsplit(".", 1)[-1]
    return upload_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=f"invoice-{attachment.expense_id}-{attachment.pk}.{suffix}",
    )


# --- ledger and reports


@role_required(*BOOKS_ROLES)
def list_entries(request):
    entries = EntryFilter(request.GET, queryset=selectors.ledger_entries(actor=request.user))
    table = EntryTable(entries.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(
        request,
        "finance/list_entries.html",
        {"table": table, "filter": entries, "is_finance": has_role(request.user, Role.FINANCE)},
    )


@require_POST
@role_required(Role.FINANCE)
def reverse_entry(request, pk):
    entry = entry_for(request.user, pk)
    step_run(
        request,
        lambda **data: services.entry_reverse(actor=request.user, entry=entry, reason=data["reason"]),
        lambda reversal: _("Reversed by voucher %(voucher)s.") % {"voucher": reversal.voucher_number},
        form=DecisionForm(request.POST),
    )
    return redirect("finance:list_entries")


@role_required(*BOOKS_ROLES)
def view_reports(request):
    year = year_asked(request.GET)
    return render(request, "finance/view_reports.html", report_context(year=year))


@role_required(*BOOKS_ROLES)
def export_reports(request):
    year = year_asked(request.GET)
    return xlsx_response(report_dataset(year=year), title=_("Books"), filename=f"收支报表-{year}.xlsx")
