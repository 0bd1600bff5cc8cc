"""A local SMS provider that answers like Aliyun's SendSms and keeps every request it got."""

import datetime
import json
import threading
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine

from notifications.kinds import Kind

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A working morning, outside the quiet hours of the night.
MORNING = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
# An Aliyun template id for every kind, as the center registers them (SMS_TEMPLATES).
TEMPLATES = {kind.value: f"SMS_{100001 + number}" for number, kind in enumerate(Kind)}


class _Provider(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(dict(parse_qsl(urlsplit(self.path).query)))
        status, body = (
            self.server.answers.pop(0)
            if self.server.answers
            else (200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(self.server.requests)}"})
        )
        payload = json.dumps(body).encode() if isinstance(body, dict) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def sms_provider(settings):
    """Aliyun's SendSms on a local port: ``requests`` it received, ``answers`` to give next
    (``(status, body)``; by default it accepts)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    server.requests, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "notifications.sms.AliyunBackend"
    settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "test-key-id"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "test-key-secret"
    settings.SMS_SIGN_NAME = "鉴定所"
    settings.SMS_TEMPLATES = TEMPLATES
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def clock():
    """The clock, stopped on a working morning in Shanghai; ``clock.move_to(…)`` moves it."""
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller
