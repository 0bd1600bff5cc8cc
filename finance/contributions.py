"""What finance tells the applicants app, which sits below it and cannot import it.

``register()``, called from ``FinanceConfig.ready()``, adds these to the slots of ``applicants.contributions``. Rule: the
applicant sees what his application owes and how to pay it, and is told so once it is approved
[经费 §3].
"""

from applicants import contributions as applicants
from finance import selectors
from finance.services.collections import fee_due_notify


def application_fee(*, application) -> dict:
    """The application page's ``fee_status`` and ``how_to_pay``."""
    return {
        "fee_status": selectors.application_fee_status(application=application),
        "how_to_pay": selectors.how_to_pay(application=application),
    }


def register() -> None:
    """Add finance's answers to the slots of ``applicants.contributions``."""
    applicants.application_page.add(application_fee)
    applicants.application_approved.add(fee_due_notify)
