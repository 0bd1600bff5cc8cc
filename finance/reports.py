"""The reports of the books as page context and as spreadsheets, from the same selectors."""

from decimal import Decimal

from django.utils.translation import gettext as _
from tablib import Dataset

from finance import selectors
from finance.models import Collection

MONTHS = range(1, 13)


def report_context(*, year: int) -> dict:
    """Income and expenditure by subject and month, budget against actual, and per batch."""
    rows = selectors.ledger_by_subject_and_month(year=year)
    income = [row for row in rows if row.subject.kind == "income"]
    expense = [row for row in rows if row.subject.kind == "expense"]
    month_net = [sum((row.months[m] for row in rows), Decimal("0.00")) for m in range(12)]
    budget = selectors.budget_against_actual(year=year)
    batches = selectors.batch_income_and_cost(year=year)
    largest = max([abs(v) for v in month_net] + [Decimal(1)])
    return {
        "year": year,
        "years": selectors.ledger_years(),
        "months": list(MONTHS),
        "income_rows": income,
        "expense_rows": expense,
        "income_total": sum((row.total for row in income), Decimal("0.00")),
        "expense_total": sum((row.total for row in expense), Decimal("0.00")),
        "month_net": month_net,
        "month_bars": [
            {"month": m, "net": month_net[m - 1], "scale": int(abs(month_net[m - 1]) * 100 / largest)}
            for m in MONTHS
        ],
        "net_total": sum(month_net, Decimal("0.00")),
        "budget_rows": budget,
        "batch_rows": batches,
    }


def report_dataset(*, year: int) -> Dataset:
    """One sheet of three tables, each under its own header row: by subject and month, budget, per batch."""
    context = report_context(year=year)
    dataset = Dataset(headers=[_("section"), _("subject"), *[f"{m} 月" for m in MONTHS], _("total")])
    for label, rows in ((_("income"), context["income_rows"]), (_("expenditure"), context["expense_rows"])):
        for row in rows:
            dataset.append([label, str(row.subject), *row.months, row.total])
    dataset.append([_("net"), "", *context["month_net"], context["net_total"]])
    padding = [""] * 10
    dataset.append([""] * 15)
    dataset.append(
        ["", _("expense subject"), _("budget (yuan)"), _("actual (yuan)"), _("left (yuan)"), *padding]
    )
    for row in context["budget_rows"]:
        dataset.append(
            [
                _("budget against actual"),
                str(row.line.subject),
                row.line.amount,
                row.actual,
                row.left,
                *padding,
            ]
        )
    dataset.append([""] * 15)
    dataset.append(
        ["", _("appraisal batch"), _("income (yuan)"), _("cost (yuan)"), _("net (yuan)"), *padding]
    )
    for row in context["batch_rows"]:
        dataset.append([_("per batch"), row["batch"], row["income"], row["cost"], row["net"], *padding])
    return dataset


def daily_dataset(collections) -> Dataset:
    dataset = Dataset(
        headers=[
            _("kind"),
            _("receipt"),
            _("applicant"),
            _("appraisal batch"),
            _("fee"),
            _("paid"),
            _("account"),
            _("amount (yuan)"),
        ]
    )
    for c in collections:
        signed = c.amount if c.kind == Collection.Kind.PAYMENT else -c.amount
        receipt = f"{c.receipt_book.series}-{c.receipt_number}" if c.receipt_book_id else ""
        dataset.append(
            [
                c.get_kind_display(),
                receipt,
                c.application.applicant.name,
                str(c.application.batch),
                c.plan_fee.fee_item.name,
                c.get_method_display(),
                c.account.name,
                signed,
            ]
        )
    return dataset
