"""One POST step of a page: run a service, show its refusal or its success as a message.

Also the two steps every revised plan shares (the annual plan, the fee plan): the director's
approve-or-return, and starting a revision.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from jianding.errors import RuleViolation
from jianding.forms import DecisionForm, RevisionForm


def _labelled(form: forms.Form | None, field: str | None, text: str) -> str:
    label = form.fields[field].label if form is not None and field in form.fields else ""
    return f"{label}：{text}" if label else text


def step_run(
    request,
    action: Callable[..., Any],
    done: str | Callable[[Any], str],
    *,
    form: forms.Form | None = None,
) -> bool:
    """Call ``action``; a RuleViolation becomes an error message, success the ``done`` message.

    With ``form``, the step runs only when the form is valid, ``action`` gets its cleaned data as
    keyword arguments, and its errors, or a refusal naming one of its fields, come back as a
    message naming the field. ``done`` may take the action's result (a count, say). Returns
    whether the step went through.
    """
    if form is not None and not form.is_valid():
        messages.error(
            request,
            " ".join(_labelled(form, name, "；".join(errors)) for name, errors in form.errors.items()),
        )
        return False
    try:
        result = action(**form.cleaned_data) if form is not None else action()
    except RuleViolation as error:
        messages.error(request, _labelled(form, error.field, error.message))
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


def decision_step(
    request,
    *,
    approve: Callable[[str], Any],
    give_back: Callable[[str], Any],
    approved: str,
    returned: str,
) -> None:
    """An approver's approve-or-return (a plan, a fee plan, a batch): run the service chosen with the
    reason posted."""
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    decision = request.POST.get("decision")
    if decision == "approve":
        step_run(request, lambda: approve(reason), approved)
    elif decision == "return":
        step_run(request, lambda: give_back(reason), returned)
    else:
        messages.error(request, _("Choose to approve or to return it."))


def revision_step(request, revise: Callable[[str], Any]):
    """Start a revision on the basis posted (the service refuses a blank one); return the new
    revision, or None once its refusal is shown."""
    form = RevisionForm(request.POST)
    basis = form.cleaned_data["basis"] if form.is_valid() else ""
    try:
        revision = revise(basis)
    except RuleViolation as error:
        messages.error(request, error.message)
        return None
    messages.success(request, _("Revision %(revision)d started.") % {"revision": revision.revision})
    return revision
