"""Two people acting at once: each action in its own thread and transaction, started together.

Each action runs inside ``transaction.atomic`` and keeps its transaction open
``HOLD`` seconds after the service returns, so whichever takes a lock first
still holds it while the other is inside the service: without the lock both
would read the old state and both would write.

On PostgreSQL the second waits for the row lock, then the service refuses it.
The test database of SQLite is one shared in-memory file that serialises
writers; it may refuse the second outright ("database table is locked"),
which counts as ``LOCKED`` there and as an error anywhere else.
"""

import threading
import time

from django.db import OperationalError, connection, transaction

from jianding.errors import RuleViolation

DONE = "done"
LOCKED = "locked"
# Long enough for the other thread to reach the lock, short enough for a quick test.
HOLD = 0.2


class Outcome(str):
    """What became of one action: ``DONE``, a refusal's code, ``LOCKED`` or an error; ``message`` says it."""

    def __new__(cls, value: str, message: str = ""):
        outcome = super().__new__(cls, value)
        outcome.message = message
        return outcome


def race(*actions, ordered: bool = False) -> list[Outcome]:
    """Run the actions at once, one thread each; return each one's outcome, in the order given.

    An outcome is ``DONE``, the code of the ``RuleViolation`` that refused the
    action (its ``message`` as the user reads it, in the site's language),
    ``LOCKED`` (SQLite only), or the repr of any other error. With
    ``ordered`` each action starts only once the one before it has done its
    work and holds its locks, so the first one given is the first to act.
    """
    outcomes = [None] * len(actions)
    start = threading.Barrier(len(actions))
    inside = [threading.Event() for _ in actions]

    def run(index, action):
        try:
            start.wait()
            if ordered and index:
                inside[index - 1].wait(timeout=5)
            with transaction.atomic():
                try:
                    action()
                finally:
                    inside[index].set()
                time.sleep(HOLD)
            outcomes[index] = Outcome(DONE)
        except RuleViolation as refusal:
            outcomes[index] = Outcome(refusal.code, str(refusal.message))
        except OperationalError as error:
            locked = connection.vendor == "sqlite" and "locked" in str(error)
            outcomes[index] = Outcome(LOCKED if locked else repr(error), str(error))
        except Exception as error:  # reported in the outcome, for the test to show
            outcomes[index] = Outcome(repr(error), str(error))
        finally:
            inside[index].set()
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def refusals(*codes: str) -> set[str]:
    """The outcomes that say an action lost: the codes given, and on SQLite a refused writer."""
    return set(codes) | ({LOCKED} if connection.vendor == "sqlite" else set())
