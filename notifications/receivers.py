"""Events of the base app that tell someone, received here because the base may not import notifications.

Connected in ``NotificationsConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind
from notifications.services import notify


def consultation_answered(*, consultation, actor, **kwargs) -> None:
    """Tell the asker who was signed in the answer to his question; the answer's page if it is public.

    An asker without an account left only a free-text contact for a reply in person: nothing is
    sent to it, since anyone may type any number or address into the public form.
    """
    asker = consultation.asked_by
    if asker is None or asker.pk == actor.pk:
        return
    notify(
        kind=Kind.ANSWERED,
        recipients=[asker],
        text=_("The office answered your question “%(question)s”: %(answer)s"),
        params={"question": consultation, "answer": consultation.answer},
        link=reverse("public:consult") if consultation.is_published else "",
    )
