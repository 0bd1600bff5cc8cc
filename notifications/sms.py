"""Text-message backends: the console's, and Aliyun's SendSms API; ``SMS_BACKEND`` picks one.

A backend sends one text to one number and returns the provider's id of the sending; it raises
``SmsRefused`` when trying again cannot help (no template for the kind, a number the provider
refuses) and ``SmsError`` (or ``OSError``) when it may.
"""

import base64
import datetime
import hashlib
import hmac
import json
import sys
import uuid
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider did not take the message this time; it may be tried again."""


class SmsRefused(SmsError):
    """The message cannot be sent as it is; trying again would not help."""


class SmsBackend:
    def send(self, *, phone: str, kind: str, text: str, out_id: str) -> str:
        """Send ``text`` (a message of ``kind``) to ``phone``; return the provider's id of the sending."""
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Print the message, for development and demonstrations."""

    def send(self, *, phone: str, kind: str, text: str, out_id: str) -> str:
        sys.stdout.write(f"SMS to {phone} [{kind}]: {text}\n")
        return f"console-{out_id}"


def _encode(value: str) -> str:
    """Percent-encode as Aliyun's signature requires (RFC 3986: only A–Z a–z 0–9 - _ . ~ stay)."""
    return quote(value, safe="~")


def aliyun_signature(params: dict[str, str], *, secret: str, method: str = "GET") -> str:
    """The RPC signature (version 1.0, HMAC-SHA1) of ``params`` as Aliyun documents it."""
    canonical = "&".join(f"{_encode(key)}={_encode(params[key])}" for key in sorted(params))
    string_to_sign = f"{method}&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# Answers of SendSms after which the same request would be refused again.
ALIYUN_PERMANENT = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.PARAM_LENGTH_LIMIT",
    }
)


class AliyunBackend(SmsBackend):
    """Aliyun's SendSms (API version 2017-05-25), by the template registered for each kind.

    The template's one variable is ``${text}``; ``SMS_ALIYUN_ENDPOINT`` may point elsewhere (a test
    server, a proxy).
    """

    timeout = 10  # seconds: a provider outage must not hold the worker

    def send(self, *, phone: str, kind: str, text: str, out_id: str) -> str:
        template = settings.SMS_TEMPLATES.get(kind)
        if not template:
            raise SmsRefused(f"no SMS template for {kind} (SMS_TEMPLATES)")
        params = {
            "AccessKeyId": settings.SMS_ALIYUN_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": phone,
            "SignName": settings.SMS_SIGN_NAME,
            "TemplateCode": template,
            "TemplateParam": json.dumps({"text": text}, ensure_ascii=False),
            "OutId": out_id,
        }
        params["Signature"] = aliyun_signature(params, secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET)
        response = requests.get(settings.SMS_ALIYUN_ENDPOINT, params=params, timeout=self.timeout)
        try:
            answer = response.json()
        except ValueError as error:
            raise SmsError(f"HTTP {response.status_code}: not JSON") from error
        code = answer.get("Code", "")
        if code == "OK":
            return answer.get("BizId", "")
        why = f"{code}: {answer.get('Message', '')}"
        raise SmsRefused(why) if code in ALIYUN_PERMANENT else SmsError(why)


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
