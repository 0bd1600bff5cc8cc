from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("", views.view_books, name="view_books"),
    path("accounts/new/", views.create_account, name="create_account"),
    path("subjects/new/", views.create_subject, name="create_subject"),
    path("receipt-books/new/", views.create_receipt_book, name="create_receipt_book"),
    path("fee-items/new/", views.create_fee_item, name="create_fee_item"),
    path("fee-items/<int:pk>/document/", views.download_fee_document, name="download_fee_document"),
    path("plans/", views.list_fee_plans, name="list_fee_plans"),
    path("plans/new/", views.create_fee_plan, name="create_fee_plan"),
    path("plans/<int:pk>/", views.view_fee_plan, name="view_fee_plan"),
    path("plans/<int:pk>/fees/", views.add_plan_fee, name="add_plan_fee"),
    path("plans/<int:pk>/budget/", views.save_budget_line, name="save_budget_line"),
    path("plans/<int:pk>/submit/", views.submit_fee_plan, name="submit_fee_plan"),
    path("plans/<int:pk>/decide/", views.decide_fee_plan, name="decide_fee_plan"),
    path("dues/", views.list_dues, name="list_dues"),
    path("dues/<int:pk>/", views.view_dues, name="view_dues"),
    path("dues/<int:pk>/collect/", views.collect_fee, name="collect_fee"),
    path("dues/<int:pk>/defer/", views.grant_deferral, name="grant_deferral"),
    path("collections/<int:pk>/scan/", views.download_receipt_scan, name="download_receipt_scan"),
    path("collections/<int:pk>/refund/", views.request_refund, name="request_refund"),
    path("collections/<int:pk>/decide/", views.decide_refund, name="decide_refund"),
    path("collections/daily/", views.daily_report, name="daily_report"),
    path("collections/daily/export/", views.export_daily_report, name="export_daily_report"),
    path("expenses/", views.list_expenses, name="list_expenses"),
    path("expenses/new/", views.create_expense, name="create_expense"),
    path("expenses/<int:pk>/", views.view_expense, name="view_expense"),
    path("expenses/<int:pk>/sign/", views.sign_expense, name="sign_expense"),
    path("expenses/<int:pk>/return/", views.return_expense, name="return_expense"),
    path("expenses/<int:pk>/resubmit/", views.resubmit_expense, name="resubmit_expense"),
    path("expenses/<int:pk>/book/", views.book_expense, name="book_expense"),
    path("attachments/<int:pk>/", views.download_attachment, name="download_attachment"),
    path("ledger/", views.list_entries, name="list_entries"),
    path("ledger/<int:pk>/reverse/", views.reverse_entry, name="reverse_entry"),
    path("reports/", views.view_reports, name="view_reports"),
    path("reports/export/", views.export_reports, name="export_reports"),
]
