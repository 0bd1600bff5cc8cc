"""One POST step of a page: run a service, show its refusal or its success as a message."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages

from jianding.errors import RuleViolation


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
