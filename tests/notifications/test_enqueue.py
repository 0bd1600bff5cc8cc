"""Queuing many notices costs the same few queries however many they are [#18]."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jianding.models import User
from notifications import services
from notifications.kinds import Kind
from notifications.models import Delivery, Message


def _queue(count: int, capture) -> int:
    """Queue ``count`` ticket notices to people with an e-mail and a phone; return the queries."""
    User.objects.bulk_create(
        User(
            username=f"n{count}-{i}",
            name="考生",
            email=f"n{i}@example.cn",
            phone=f"139{i:08d}",
            phone_verified_at=timezone.now(),
        )
        for i in range(count)
    )
    people = list(User.objects.filter(username__startswith=f"n{count}-"))
    notices = [
        services.Notice(
            recipient=person,
            text=gettext_lazy("Seat %(seat)s"),
            params={"seat": index + 1},
            link=f"/exams/tickets/{index + 1}/",
        )
        for index, person in enumerate(people)
    ]
    with capture(), CaptureQueriesContext(connection) as queries:
        services.notify_each(kind=Kind.TICKETS_PUBLISHED, notices=notices)
    assert Message.objects.filter(recipient__in=people).count() == count
    assert Delivery.objects.filter(message__recipient__in=people).count() == 2 * count
    return len(queries)


@pytest.mark.django_db
def test_a_thousand_notices_take_as_many_queries_as_ten(django_capture_on_commit_callbacks):
    assert _queue(10, django_capture_on_commit_callbacks) == _queue(1000, django_capture_on_commit_callbacks)
