from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from jianding.errors import RuleViolation
from jianding.steps import step_run


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def refuse():
    raise RuleViolation("不行", code="no")


def test_a_step_reports_its_refusal_or_its_result():
    request = request_with_messages()
    assert step_run(request, lambda: 3, lambda count: f"{count} 个") is True
    assert step_run(request, refuse, "不会显示") is False
    assert [(message.level_tag, message.message) for message in get_messages(request)] == [
        ("success", "3 个"),
        ("error", "不行"),
    ]
