"""Slots a lower app names and higher apps fill, so that the lower one never imports them.

A lower app (applicants below exams and finance, say) declares each slot as a module-level
``Hook`` or ``Contributions`` named by its dotted place; the higher apps fill them from their
``AppConfig.ready()``. Signals announce that something happened; these answer a question.

``Hook``
    one answer, given by the one app that owns the fact; asking before it is filled is a
    configuration error, never a silent default.
``Contributions``
    any number of answers, each app adding its own; none is a valid answer.
"""

from collections.abc import Callable, Iterator

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """One question with one answering app."""

    def __init__(self, name: str):
        self.name = name
        self._answer: Callable | None = None

    def fill(self, answer: Callable) -> None:
        if self._answer is not None and self._answer is not answer:
            raise ImproperlyConfigured(f"{self.name} is answered twice")
        self._answer = answer

    def __call__(self, **kwargs):
        if self._answer is None:
            raise ImproperlyConfigured(f"No installed app answers {self.name}")
        return self._answer(**kwargs)


class Contributions:
    """A slot every interested app adds to; called, it yields each contribution's answer."""

    def __init__(self, name: str):
        self.name = name
        self._providers: list[Callable] = []

    def add(self, provider: Callable) -> None:
        if provider not in self._providers:
            self._providers.append(provider)

    def __call__(self, **kwargs) -> Iterator:
        return (provider(**kwargs) for provider in self._providers)

    def merged(self, **kwargs) -> dict:
        """The answers of a slot whose contributions are dicts (a page's context), as one dict."""
        merged = {}
        for answer in self(**kwargs):
            merged.update(answer)
        return merged
