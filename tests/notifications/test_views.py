"""The bell, the message list, opening a message, the preferences page and the receipts endpoint."""

import json

import pytest
from django.urls import reverse

from jianding.roles import Role
from notifications.kinds import Channel, Kind
from notifications.models import Delivery, DeliveryStatus, Message, Preference, Receipt
from tests.factories.accounts import UserFactory


def message_to(user, text="您的报名已被退回：照片不清楚", link="/applicants/applications/7/"):
    return Message.objects.create(recipient=user, kind=Kind.APPLICATION_RETURNED, text=text, link=link)


def test_the_bell_counts_unread_messages_on_every_page(alice, client_as):
    message_to(alice)
    message_to(alice)
    http = client_as(alice)
    for url in (reverse("dashboard"), reverse("password_change")):
        page = http.get(url).content.decode()
        assert 'data-testid="unread-count">2<' in page, url
    Message.objects.filter(recipient=alice).update(read_at="2026-06-01T10:00:00+08:00")
    assert 'data-testid="unread-count"' not in http.get(reverse("dashboard")).content.decode()


def test_the_list_marks_unread_and_opening_marks_read_and_goes_on(alice, client_as):
    read, unread = message_to(alice, text="第一条"), message_to(alice, text="第二条")
    read.read_at = read.created_at
    read.save()
    http = client_as(alice)
    page = http.get(reverse("notifications:list_messages")).content.decode()
    assert page.count('text-bg-primary me-1">未读</span>') == 1
    assert "第一条" in page
    assert "第二条" in page
    response = http.get(reverse("notifications:open_message", args=[unread.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/applicants/applications/7/"
    unread.refresh_from_db()
    assert unread.read_at is not None


def test_a_link_elsewhere_is_not_followed(alice, client_as):
    message = message_to(alice, link="https://evil.example/")
    response = client_as(alice).get(reverse("notifications:open_message", args=[message.pk]))
    assert response["Location"] == reverse("notifications:list_messages")


def test_charlie_gets_404_for_alices_message_and_it_stays_unread(alice, charlie, client_as):
    message = message_to(alice)
    assert client_as(charlie).get(reverse("notifications:open_message", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_the_message_list_keeps_its_queries_flat(alice, client_as, django_assert_num_queries):
    http = client_as(alice)
    message_to(alice)
    url = reverse("notifications:list_messages")
    http.get(url)  # warm the session and caches
    # session, user, the user's roles, the bell, the row count, one page of rows
    with django_assert_num_queries(6):
        http.get(url)
    for _ in range(20):
        message_to(alice)
    with django_assert_num_queries(6):
        http.get(url)


def test_preferences_page_saves_the_channels_chosen(alice, client_as):
    http = client_as(alice)
    page = http.get(reverse("notifications:edit_preferences")).content.decode()
    assert "报名退回修改" in page
    assert 'name="application_returned"' in page
    assert 'name="exam_day"' not in page  # not to be switched off, so not offered
    response = http.post(
        reverse("notifications:edit_preferences"), {Kind.APPLICATION_RETURNED: [Channel.SMS]}
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=alice, kind=Kind.APPLICATION_RETURNED)
    assert (preference.email, preference.sms) == (False, True)


@pytest.fixture
def receipts_url(settings):
    settings.SMS_RECEIPT_SECRET = "shared-secret"
    return reverse("notifications:receive_sms_receipts")


def test_receipts_need_the_shared_secret_and_are_kept_once(alice, client, receipts_url):
    delivery = Delivery.objects.create(
        message=message_to(alice),
        channel=Channel.SMS,
        address="13900000000",
        idempotency_key="x:sms",
        status=DeliveryStatus.SENT,
        provider_id="biz-9",
    )
    body = json.dumps(
        [{"phone_number": "13900000000", "success": True, "err_code": "DELIVERED", "biz_id": "biz-9"}]
    )
    assert client.post(receipts_url, body, content_type="application/json").status_code == 403
    wrong = client.post(
        receipts_url, body, content_type="application/json", headers={"X-Receipt-Secret": "no"}
    )
    assert wrong.status_code == 403
    for _ in range(2):
        response = client.post(
            receipts_url, body, content_type="application/json", headers={"X-Receipt-Secret": "shared-secret"}
        )
        assert response.json() == {"code": 0, "msg": "成功"}
    assert Receipt.objects.count() == 1
    delivery.refresh_from_db()
    assert delivery.receipt_status == "DELIVERED"
    bad = client.post(
        receipts_url, "{}", content_type="application/json", headers={"X-Receipt-Secret": "shared-secret"}
    )
    assert bad.status_code == 400


def test_undelivered_messages_show_on_the_director_s_dashboard(alice, client_as):
    Delivery.objects.create(
        message=message_to(alice),
        channel=Channel.SMS,
        address="13900000000",
        idempotency_key="y:sms",
        status=DeliveryStatus.GIVEN_UP,
    )
    director = UserFactory(role=Role.DIRECTOR)
    http = client_as(director)
    dashboard = http.get(reverse("dashboard")).content.decode()
    assert "未能送达的消息" in dashboard
    assert reverse("notifications:list_undelivered") in dashboard
    listed = http.get(reverse("notifications:list_undelivered")).content.decode()
    assert "照片不清楚" in listed
