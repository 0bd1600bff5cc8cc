from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance.models import (
    Account,
    BudgetLine,
    Collection,
    Deferral,
    Expense,
    ExpenseAttachment,
    FeeItem,
    FeePlan,
    LedgerEntry,
    PlanFee,
    ReceiptBook,
    Subject,
    VoucherSequence,
)

for model in (
    Account,
    Subject,
    FeeItem,
    FeePlan,
    PlanFee,
    BudgetLine,
    ReceiptBook,
    Deferral,
    ExpenseAttachment,
):
    admin.site.register(model, SimpleHistoryAdmin)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Money records are written by the services only; corrections are reversing entries."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "status", "application", "amount", "receipt_book", "receipt_number")
    list_filter = ("kind", "status", "method")


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "subject", "amount", "status", "submitted_by", "decided_by")
    list_filter = ("status",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("voucher_number", "date", "kind", "account", "subject", "amount")
    list_filter = ("kind", "account")


@admin.register(VoucherSequence)
class VoucherSequenceAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")
