"""The portal's settings for the test suite, with background tasks run at once, in the request."""

from jianding.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
