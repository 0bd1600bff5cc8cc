"""1,000 ticket notices queued in one transaction, against a plain bulk insert of the same messages.

The portal queues them as publishing a batch's tickets does: ``notifications.services.notify_each``
with one notice per candidate, each his own text (session, room, seat) and link, to candidates with
an e-mail address and a phone, so each message gets two deliveries (the task that sends them is
enqueued on commit, which the rollback leaves out of both). The floor is one ``bulk_create`` of
the same 1,000 ``Message`` rows, texts ready. Each is run ``BENCH_RUNS`` times inside a
transaction that is rolled back; the best of each counts.

Last line: ``ratio notify_enqueue <notify_each seconds / floor seconds>``; the target is 3 or less.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

NOTICES = int(os.environ.get("BENCH_ROWS", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ROOT = Path(__file__).resolve().parent.parent


class RolledBack(Exception):
    """Raised at the end of a timed run so that every run starts from the same database."""


def setup_django(work: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianding.settings")
    import django

    django.setup()


def prepare() -> list:
    """Create NOTICES candidates with an e-mail address and a phone; return them."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from jianding.models import User

    verified = timezone.now()
    User.objects.bulk_create(
        User(
            username=f"a{index}",
            name=f"考生{index}",
            email=f"a{index}@example.cn",
            phone=f"139{index:08d}",
            phone_verified_at=verified,
        )
        for index in range(NOTICES)
    )
    return list(User.objects.filter(username__startswith="a").order_by("pk"))


def notices(users) -> list:
    from django.utils.translation import gettext_lazy

    from notifications.services import Notice

    text = gettext_lazy(
        "Your admission ticket is published: %(session)s, room %(room)s, seat %(seat)s. Bring your ID card."
    )
    return [
        Notice(
            recipient=user,
            text=text,
            params={"session": "2026-06-20 09:00 理论", "room": 101 + index // 30, "seat": index % 30 + 1},
            link=f"/exams/tickets/{index + 1}/",
        )
        for index, user in enumerate(users)
    ]


def timed(run, check) -> float:
    """The best of RUNS runs of ``run``, each checked by ``check`` (untimed) and rolled back."""
    from django.db import transaction

    best = float("inf")
    for _ in range(RUNS):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                run()
                best = min(best, time.perf_counter() - start)
                check()
                raise RolledBack
        except RolledBack:
            pass
    return best


def main() -> None:
    setup_django(tempfile.mkdtemp())
    from notifications.kinds import Kind
    from notifications.models import Delivery, Message
    from notifications.services import notice_text, notify_each

    users = prepare()
    batch = notices(users)
    ready = [(notice.recipient, notice_text(notice.text, notice.params), notice.link) for notice in batch]

    def floor():
        Message.objects.bulk_create(
            Message(recipient=user, kind=Kind.TICKETS_PUBLISHED, text=text, link=link)
            for user, text, link in ready
        )

    def portal():
        notify_each(kind=Kind.TICKETS_PUBLISHED, notices=batch)

    def written(messages: int, deliveries: int):
        def check():
            # the benchmark measures what it claims: every row is written
            if (Message.objects.count(), Delivery.objects.count()) != (messages, deliveries):
                raise SystemExit(f"expected {messages} messages and {deliveries} deliveries")

        return check

    floor_seconds = timed(floor, written(NOTICES, 0))
    portal_seconds = timed(portal, written(NOTICES, 2 * NOTICES))
    print(f"notices {NOTICES}, best of {RUNS}, SQLite, one transaction each")
    print(f"floor (bulk_create of the messages) {floor_seconds * 1000:.1f} ms")
    print(f"notify_each (messages and their deliveries) {portal_seconds * 1000:.1f} ms")
    print(f"ratio notify_enqueue {portal_seconds / floor_seconds:.2f}")


if __name__ == "__main__":
    main()
