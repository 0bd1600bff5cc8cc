from django import forms
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


class CountForm(forms.Form):
    count = forms.IntegerField(label="数量")


def refuse_count(count):
    raise RuleViolation("太多", field="count", code="too_many")


def test_a_step_with_a_form_runs_on_its_data_and_names_the_field_of_an_error():
    request = request_with_messages()
    assert step_run(request, lambda count: count, lambda count: f"{count} 个", form=CountForm({"count": "3"}))
    assert not step_run(request, lambda count: count, "不会显示", form=CountForm({"count": "x"}))
    assert not step_run(request, refuse_count, "不会显示", form=CountForm({"count": "9"}))
    assert [(message.level_tag, message.message) for message in get_messages(request)] == [
        ("success", "3 个"),
        ("error", "数量：输入整数。"),
        ("error", "数量：太多"),
    ]
