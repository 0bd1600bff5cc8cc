"""Who may see what in the books, and the one way each view gets its object.

The books are read by the management, who oversee them [所长 §3, 管理人员 §7], and kept by
finance [经费管理制度 §1, §3]; whoever asks for an expense sees his own request. Which of them may
act is the views' single role check and the services' ``require_role``.

Object access: one ``<object>_for(user, pk)`` per object type returns the object ``user`` may
see, or raises Http404; each is registered with the URL names whose views use it
(``jianding.permissions.object_access``). They rest on the selectors ``fee_plan_list``,
``application_dues``, ``expense_list`` and ``ledger_entries``.
"""

from django.shortcuts import get_object_or_404

from finance import selectors
from finance.models import Collection, Expense, ExpenseAttachment, FeeItem, FeePlan, LedgerEntry, PlanFee
from jianding.permissions import object_access


@object_access("finance:download_fee_document")
def fee_item_for(user, pk) -> FeeItem:
    """A fee item with the scan of the document that sets it."""
    return get_object_or_404(FeeItem.objects.exclude(document_scan=""), pk=pk)


@object_access(
    "finance:view_fee_plan",
    "finance:add_plan_fee",
    "finance:save_budget_line",
    "finance:submit_fee_plan",
    "finance:decide_fee_plan",
    "finance:revise_fee_plan",
    "finance:compare_fee_plans",
)
def fee_plan_for(user, pk) -> FeePlan:
    return get_object_or_404(selectors.fee_plan_list(actor=user), pk=pk)


@object_access("finance:remove_plan_fee")
def plan_fee_for(user, pk) -> PlanFee:
    return get_object_or_404(PlanFee.objects.filter(plan__in=selectors.fee_plan_list(actor=user)), pk=pk)


@object_access("finance:view_dues", "finance:collect_fee", "finance:grant_deferral")
def dues_for(user, pk):
    """The application whose fee is owed (not a draft, rejected or withdrawn one)."""
    return get_object_or_404(selectors.application_dues(actor=user), pk=pk)


@object_access("finance:download_receipt_scan", "finance:request_refund", "finance:decide_refund")
def collection_for(user, pk) -> Collection:
    collections = Collection.objects.filter(application__in=selectors.application_dues(actor=user))
    return get_object_or_404(collections, pk=pk)


@object_access(
    "finance:view_expense",
    "finance:sign_expense",
    "finance:return_expense",
    "finance:resubmit_expense",
    "finance:book_expense",
)
def expense_for(user, pk) -> Expense:
    """An expense request: the books' roles any, everybody else his own and those he must sign."""
    return get_object_or_404(selectors.expense_list(actor=user), pk=pk)


@object_access("finance:download_attachment")
def attachment_for(user, pk) -> ExpenseAttachment:
    attachments = ExpenseAttachment.objects.filter(expense__in=selectors.expense_list(actor=user))
    return get_object_or_404(attachments, pk=pk)


@object_access("finance:reverse_entry")
def entry_for(user, pk) -> LedgerEntry:
    return get_object_or_404(selectors.ledger_entries(actor=user), pk=pk)
