"""Background work of the notifications app, run by the task worker (``manage.py db_worker``)."""

from django.tasks import task

from notifications.sending import delivery_attempt


@task()
def deliveries_send(*, delivery_ids: list[int]) -> None:
    """Try each delivery once; the failed ones wait for ``manage.py notifications_send``."""
    for delivery_id in delivery_ids:
        delivery_attempt(delivery_id=delivery_id)
