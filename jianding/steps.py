"""One POST step of a page: run a service, show its refusal or its success as a message."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages

from jianding.errors import RuleViolation


def step_run(request, action: Callable[[], Any], done: str | Callable[[Any], str]) -> bool:
    """Call ``action``; a RuleViolation becomes an error message, success the ``done`` message.

    ``done`` may take the action's result (a count, say). Returns whether the step went through.
    """
    try:
        result = action()
    except RuleViolation as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True
