"""The error every service raises when a rule of the center refuses an action."""


class RuleViolation(Exception):
    """An action the rules do not allow, with a message fit for the user.

    ``field`` names the form field the user should fix, when there is one;
    ``code`` is stable for tests and callers.
    """

    def __init__(self, message, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self):
        return str(self.message)
