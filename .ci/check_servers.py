"""Prove over HTTP that two app servers and a task worker make one portal.

``.ci/servers`` starts two gunicorn servers (A and B) and one ``manage.py db_worker`` on
one PostgreSQL database loaded by ``manage.py seed_demo``, then runs this script, which
works as a browser would (real sign-in forms, CSRF tokens, the second factor, cookies)
and crosses from one server to the other at every step:

- an applicant signs in on A and goes on on B with the same session cookie; after he
  signs out on B, A refuses that cookie (sessions live in the database);
- he uploads a document on A and downloads the same bytes from B;
- a clerk types her password on A and her authenticator code on B, queues the batch
  of admission tickets on A, and collects the worker's PDF from B;
- B serves the static files with DEBUG off, and a missing page shows no internals;
- with ``--s3-bucket``, the uploaded document and the PDF are objects in that bucket,
  and, with ``--media-root``, nothing was written to the local upload folder.

It lives in ``.ci/`` and not in ``deploy/``: it signs in with the demo accounts' known
passwords and second-factor key, which exist only in a demo database (seed_demo
refuses to run without DEBUG), so it is a check for CI, never a tool to point at a
real installation. It uses the standard library's HTTP client, and pypdf, boto3 and
django-otp's TOTP, which the portal itself depends on.

Usage: check_servers.py URL_A URL_B [--s3-bucket NAME] [--media-root DIR]
Exit status 0 when everything was proved; 1, with the reason, at the first failure.
"""

import argparse
import base64
import hashlib
import http.client
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import boto3
from django_otp.oath import totp
from pypdf import PdfReader, PdfWriter

# The demo data (jianding/management/commands/seed_demo.py).
DEMO_PASSWORD = "jianding2026"  # noqa: S105 - the demo accounts' published password
DEMO_TOTP_KEY = "NJUWC3TENFXGOLLEMVWW6LLLMV4Q"  # base32, as the README gives it
APPLICANT = "320102200503151230"  # 张伟, with a draft application to the open electrician batch
CLERK = "clerk"  # a role that needs the second factor and may print a batch's tickets

READY_SECONDS = 60
JOB_SECONDS = 120
TIMEOUT = 60


class CheckFailed(Exception):
    pass


@dataclass
class Response:
    method: str
    url: str
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def describe(self) -> str:
        detail = f" to {self.location}" if self.location else ""
        return f"{self.method} {self.url} answered {self.status}{detail}"


class Browser:
    """One person's browser: one cookie jar for every server, redirects left to the caller."""

    def __init__(self, who: str):
        self.who = who
        self.cookies: dict[str, str] = {}

    def request(self, method, url, *, body=b"", content_type="", headers=None) -> Response:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        all_headers = {"Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            all_headers["Content-Type"] = content_type
        if method == "POST":
            # What a browser sends with a form: the page's own origin.
            all_headers["Origin"] = f"{parts.scheme}://{parts.netloc}"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, path, body=body or None, headers=all_headers)
            answer = connection.getresponse()
            response = Response(method, url, answer.status, answer.headers, answer.read())
        except OSError as error:
            raise CheckFailed(f"{method} {url}: {error}") from error
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url, *, expect=200) -> Response:
        return _expect(self.request("GET", url), expect, self.who)

    def post(self, url, fields, *, files=None, expect=302) -> Response:
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return _expect(self.request("POST", url, body=body, content_type=content_type), expect, self.who)


def _expect(response: Response, status: int, who: str) -> Response:
    if response.status != status:
        hint = ""
        if response.status == 403 and "CSRF" in response.text:
            hint = " (refused by the CSRF check)"
        raise CheckFailed(f"{who}: {response.describe()}, expected {status}{hint}")
    return response


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content_type, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def csrf_token(page: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not match:
        raise CheckFailed(f"{page.url} has no form with a CSRF token")
    return match.group(1)


def authenticator_code(key: str) -> str:
    """The code an authenticator app shows now for the base32 ``key``, as django-otp computes it."""
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8))):06d}"


def sample_pdf(marker: str) -> bytes:
    """A one-page PDF of its own, so that the bytes downloaded can only be this upload's."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"check_servers {marker}"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


class Check:
    def __init__(self, server_a: str, server_b: str):
        self.a, self.b = server_a.rstrip("/"), server_b.rstrip("/")
        self.proved: list[str] = []

    def proved_that(self, text: str) -> None:
        self.proved.append(text)
        print(f"  ok  {text}", flush=True)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        for server in (self.a, self.b):
            while True:
                try:
                    if Browser("probe").request("GET", f"{server}/healthz/").status == 200:
                        break
                except CheckFailed:
                    pass
                if time.monotonic() > deadline:
                    raise CheckFailed(f"{server} did not answer /healthz/ within {READY_SECONDS} s")
                time.sleep(0.3)

    def sign_in(self, browser: Browser, server: str, username: str) -> Response:
        """Post the sign-in form of ``server``; return its redirect."""
        page = browser.get(f"{server}/sign-in/")
        return browser.post(
            f"{server}/sign-in/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": DEMO_PASSWORD},
        )

    def static_and_errors(self) -> None:
        visitor = Browser("visitor")
        page = visitor.get(f"{self.a}/sign-in/")
        stylesheets = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', page.text)
        if not stylesheets:
            raise CheckFailed(f"{page.url} links no stylesheet under /static/")
        for path in stylesheets:
            sheet = visitor.get(f"{self.b}{path}")
            if not sheet.headers.get("Content-Type", "").startswith("text/css") or not sheet.body:
                raise CheckFailed(f"{sheet.url} is not a stylesheet: {sheet.headers.get('Content-Type')}")
        self.proved_that(
            f"B serves the {len(stylesheets)} stylesheets A's page links (WhiteNoise, DEBUG off)"
        )

    def applicant(self) -> bytes:
        alice = Browser(f"applicant {APPLICANT}")
        signed_in = self.sign_in(alice, self.a, APPLICANT)
        session = alice.cookies.get("sessionid")
        if not session:
            raise CheckFailed(f"signing in on A set no session cookie ({signed_in.describe()})")
        mine = alice.get(f"{self.b}/applicants/mine/")
        self.proved_that("an applicant signed in on A is signed in on B with the same session cookie")

        applications = sorted(set(re.findall(r'href="/applicants/applications/(\d+)/"', mine.text)))
        if not applications:
            raise CheckFailed(f"{mine.url} lists no application of {APPLICANT} (was seed_demo run?)")
        application_url = f"/applicants/applications/{applications[0]}/"
        page = alice.get(f"{self.b}{application_url}")
        kinds = re.findall(r'<input[^>]*name="kind"[^>]*value="(\w+)"', page.text) + re.findall(
            r'<input[^>]*value="(\w+)"[^>]*name="kind"', page.text
        )
        kind = next((k for k in kinds if k != "photo"), None)
        if kind is None:
            raise CheckFailed(f"{page.url} offers no document upload (kinds found: {kinds})")
        document = sample_pdf(uuid.uuid4().hex)
        # The form (and its CSRF token) came from B; it is posted to A.
        uploaded = alice.post(
            f"{self.a}{application_url}documents/",
            {"csrfmiddlewaretoken": csrf_token(page), "kind": kind},
            files={"file": ("scan.pdf", "application/pdf", document)},
        )
        if urlsplit(uploaded.location).path != application_url:
            raise CheckFailed(f"the upload on A was not accepted: {uploaded.describe()}")
        page = alice.get(f"{self.a}{application_url}")
        links = sorted(set(re.findall(r'href="(/applicants/documents/\d+/)"', page.text)))
        matching = [link for link in links if alice.get(f"{self.b}{link}").body == document]
        if not matching:
            raise CheckFailed(
                f"none of the documents {links} of {page.url} downloads from B as the {len(document)} bytes uploaded to A"
            )
        self.proved_that(f"a document uploaded on A ({len(document)} bytes) downloads byte for byte from B")

        # Sign out on B; the cookie A had issued must then be dead on A too.
        page = alice.get(f"{self.b}/applicants/mine/")
        alice.post(f"{self.b}/sign-out/", {"csrfmiddlewaretoken": csrf_token(page)})
        replay = Browser("replayed cookie")
        replay.cookies["sessionid"] = session
        after = replay.request("GET", f"{self.a}/applicants/mine/")
        if after.status != 302 or "/sign-in/" not in after.location:
            raise CheckFailed(f"after signing out on B, A still accepts the old session: {after.describe()}")
        self.proved_that(
            "after signing out on B, A refuses the old session cookie (sessions live in the database)"
        )
        return document

    def clerk(self) -> Response:
        clerk = Browser(CLERK)
        signed_in = self.sign_in(clerk, self.a, CLERK)
        # The password alone leads, on any page and on either server, to the second factor.
        half = clerk.request("GET", urljoin(f"{self.b}/", signed_in.location))
        if half.status != 302 or "/two-factor/verify/" not in half.location:
            raise CheckFailed(
                f"after the clerk's password on A, B did not ask for the second factor: {half.describe()}"
            )
        verify_url = urljoin(f"{self.b}/", half.location)
        page = clerk.get(verify_url)
        verified = clerk.post(
            verify_url, {"csrfmiddlewaretoken": csrf_token(page), "token": authenticator_code(DEMO_TOTP_KEY)}
        )
        if "/two-factor/" in verified.location or "/sign-in/" in verified.location:
            raise CheckFailed(f"the authenticator code was refused on B: {verified.describe()}")
        clerk.get(urljoin(f"{self.a}/", verified.location))
        self.proved_that(
            "a clerk's password typed on A and authenticator code typed on B sign her in on both"
        )

        missing = clerk.request("GET", f"{self.a}/no-such-page-{uuid.uuid4().hex}/")
        if missing.status != 404 or "Traceback" in missing.text or "urlpatterns" in missing.text:
            raise CheckFailed(f"a missing page is not a plain 404 with DEBUG off: {missing.describe()}")
        self.proved_that("A runs with DEBUG off: a missing page is a plain 404")

        batches = clerk.get(f"{self.a}/exams/batches/")
        printable = None
        for pk in sorted(set(re.findall(r'href="/exams/batches/(\d+)/', batches.text)), key=int):
            arrange = clerk.get(f"{self.a}/exams/batches/{pk}/sessions/")
            if f'action="/exams/batches/{pk}/tickets/print/"' in arrange.text:
                printable = (pk, arrange)
                break
        if printable is None:
            raise CheckFailed(
                f"no batch on {batches.url} has published tickets to print (was seed_demo run?)"
            )
        pk, arrange = printable
        queued = clerk.post(
            f"{self.a}/exams/batches/{pk}/tickets/print/", {"csrfmiddlewaretoken": csrf_token(arrange)}
        )
        job_path = urlsplit(queued.location).path
        if not re.fullmatch(r"/jobs/\d+/", job_path):
            raise CheckFailed(f"printing the tickets on A did not queue a job: {queued.describe()}")

        started, deadline = time.monotonic(), time.monotonic() + JOB_SECONDS
        while True:
            page = clerk.get(f"{self.b}{job_path}")
            if 'data-testid="job-download"' in page.text:
                break
            if "alert-danger" in page.text:
                raise CheckFailed(f"the worker reports job {job_path} failed; see the worker's log")
            if time.monotonic() > deadline:
                raise CheckFailed(
                    f"job {job_path} was not done within {JOB_SECONDS} s: is db_worker running?"
                )
            time.sleep(0.5)
        pdf = clerk.get(f"{self.b}{job_path}download/")
        if not pdf.body.startswith(b"%PDF") or pdf.headers.get("Content-Type") != "application/pdf":
            raise CheckFailed(f"{pdf.url} is not a PDF ({pdf.headers.get('Content-Type')})")
        pages = len(PdfReader(BytesIO(pdf.body)).pages)
        self.proved_that(
            f"tickets of batch {pk} queued on A were rendered by the worker in {time.monotonic() - started:.1f} s "
            f"and downloaded from B ({pages} pages, {len(pdf.body) // 1024} KB)"
        )
        return pdf

    def storage(self, *, bucket: str, document: bytes, pdf: bytes, media_root: Path | None) -> None:
        if bucket:
            s3 = boto3.client(
                "s3",
                endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
                region_name=os.environ.get("S3_REGION") or None,
                aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
                aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            )
            prefix = os.environ.get("S3_PREFIX", "")
            keys = [
                item["Key"]
                for listing in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
                for item in listing.get("Contents", [])
            ]
            stored = {
                hashlib.sha256(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest()
                for key in keys
            }
            for what, data in (("uploaded document", document), ("tickets PDF", pdf)):
                if hashlib.sha256(data).hexdigest() not in stored:
                    raise CheckFailed(f"the {what} is no object of the bucket {bucket} ({len(keys)} objects)")
            self.proved_that(f"both files are objects of the S3 bucket {bucket} ({len(keys)} objects in all)")
        if media_root is not None:
            local = [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []
            if local:
                raise CheckFailed(f"files were written to the local MEDIA_ROOT {media_root}: {local[:5]}")
            self.proved_that(f"nothing was written to the local MEDIA_ROOT ({media_root})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("server_a", help="base URL of app server A, e.g. http://127.0.0.1:8001")
    parser.add_argument("server_b", help="base URL of app server B")
    parser.add_argument("--s3-bucket", default="", help="check that the files are objects of this bucket")
    parser.add_argument("--media-root", type=Path, help="check that no file was written under this folder")
    args = parser.parse_args()

    check = Check(args.server_a, args.server_b)
    print(f"Checking the portal on {check.a} (A) and {check.b} (B) with one task worker:", flush=True)
    started = time.monotonic()
    try:
        check.wait_until_ready()
        check.static_and_errors()
        document = check.applicant()
        pdf = check.clerk()
        check.storage(bucket=args.s3_bucket, document=document, pdf=pdf.body, media_root=args.media_root)
    except CheckFailed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print(f"Proved {len(check.proved)} things about two app servers in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
