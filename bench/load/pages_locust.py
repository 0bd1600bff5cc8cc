"""Locust users for bench/main_pages.py: the main pages one after the other, and the trivial view.

BENCH_PLAN is a JSON file written by main_pages.py: the sign-ins per role
(username, and the phone app's key or a recovery code for the second factor),
the pages in order, the seconds each page is asked for, the applications to
open and each examiner's [sheet, item] pairs.

The users first sign in every session of the plan between them, through the
pages (password, then the second factor where the role has one), and share
the sessions' cookies. Once all are signed in, the clock starts: all users ask
for the first page for ``phase_seconds``, then the next, and so on; requests
in the first moment of a page are named ``settle`` and not counted. After the
last page the run ends. A response other than 200 is a failure.
"""

import itertools
import json
import os
import random
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, constant, task
from locust.clients import HttpSession

PLAN = (
    json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
    if os.environ.get("BENCH_PLAN")
    else {"sign_ins": {}, "pages": [], "phase_seconds": 1.0}
)
SIGN_INS = [(role, entry) for role, entries in PLAN["sign_ins"].items() for entry in entries]
USERS = int(os.environ.get("BENCH_USERS", "20"))
PHASE = PLAN["phase_seconds"]
SETTLE = PLAN.get("settle_seconds", 0.0)
NUMBERS = itertools.count()
SESSIONS: dict[str, list[dict]] = {}  # role → cookies of its signed-in sessions
READY = Event()
START = [0.0]
STOPPING = []


def second_factor_code(entry: dict) -> str:
    if "totp_key" not in entry:
        return entry["recovery_code"]
    # Imported here, after locust's gevent patching: django_otp touches Django's lazy settings.
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(entry['totp_key'])):06d}"


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        number = next(NUMBERS)
        for role, entry in SIGN_INS[number::USERS]:
            cookies = self.sign_in(entry)
            if cookies is None:  # counted as a failure; the script reports it
                self.stop_run()
                return
            SESSIONS.setdefault(role, []).append(cookies)
        if sum(len(sessions) for sessions in SESSIONS.values()) == len(SIGN_INS) and not READY.is_set():
            START[0] = time.monotonic()
            READY.set()
        READY.wait()

    def stop_run(self):
        if not STOPPING:
            STOPPING.append(True)
            gevent.spawn(self.environment.runner.quit)

    def sign_in(self, entry: dict) -> dict | None:
        """Sign in as the entry's account in a session of its own; return that session's cookies."""
        client = HttpSession(self.host, self.environment.events.request, self)
        client.get("/sign-in/", name="sign-in")
        steps = [
            (
                "/sign-in/",
                "sign-in",
                {"username": entry["username"], "password": PLAN["password"]},
            )
        ]
        if "totp_key" in entry or "recovery_code" in entry:
            steps.append(
                ("/two-factor/verify/", "second factor", {"token": second_factor_code(entry), "next": "/"})
            )
        for path, name, data in steps:
            with client.post(
                path,
                {**data, "csrfmiddlewaretoken": client.cookies.get("csrftoken")},
                headers={"Referer": self.host + path},
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"{entry['username']} refused ({response.status_code})")
                    return None
        return {
            "username": entry["username"],
            "cookies": {
                "sessionid": client.cookies.get("sessionid"),
                "csrftoken": client.cookies.get("csrftoken"),
            },
        }

    @task
    def visit(self):
        elapsed = time.monotonic() - START[0]
        index = int(elapsed // PHASE)
        if index >= len(PLAN["pages"]):
            self.stop_run()
            gevent.sleep(1)
            return
        page = PLAN["pages"][index]
        name = page["name"] if elapsed - index * PHASE >= SETTLE else "settle"
        session = random.choice(SESSIONS[page["role"]]) if page["role"] else None  # noqa: S311 - load
        cookies = session["cookies"] if session else {}
        self.client.cookies.clear()
        if page["name"] == "score_save":
            sheet, item = random.choice(PLAN["scores"][session["username"]])  # noqa: S311
            request = self.client.post(
                page["path"].format(sheet=sheet, item=item),
                {"points": str(random.randint(0, 10))},  # noqa: S311
                headers={
                    "X-CSRFToken": cookies["csrftoken"],
                    "HX-Request": "true",
                    "Referer": self.host + "/exams/scoring/",
                },
                cookies=cookies,
                name=name,
                allow_redirects=False,
                catch_response=True,
            )
        else:
            path = page["path"].format(pk=random.choice(PLAN["applications"] or [0]))  # noqa: S311
            request = self.client.get(
                path, cookies=cookies, name=name, allow_redirects=False, catch_response=True
            )
        with request as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
