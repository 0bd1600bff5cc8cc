"""The dashboard cards of jianding's own features: staff accounts, and the public's questions.

Each app registers its own cards in ``jianding.portal`` from its ``AppConfig.ready()``;
these are the base's, registered from ``JiandingConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jianding import portal, staff
from jianding.models import Consultation
from jianding.portal import Card
from jianding.roles import Role


def _accounts_not_taken_over(user) -> Card:
    return Card(
        label=_("Staff accounts not yet taken over"),
        count=staff.staff_list(actor=user).filter(is_active=True, must_change_password=True).count(),
        url=reverse("accounts:list_staff") + "?is_active=true&taken_over=false",
        hint=_("Created, but their holders have not yet chosen their own password."),
    )


def _questions_to_answer(user) -> Card:
    return Card(
        label=_("Questions from the public to answer"),
        count=Consultation.objects.unanswered().count(),
        url=reverse("outreach:list_consultations") + "?open=1",
    )


def register() -> None:
    portal.cards_add(Role.DIRECTOR, _accounts_not_taken_over, order=50)
    portal.cards_add(Role.CLERK, _questions_to_answer, order=50)
