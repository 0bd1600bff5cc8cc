"""Locust users for bench/scoring_save.py: examiners saving item scores, or the trivial view.

BENCH_TARGET=save: each user signs in as one examiner (from BENCH_PLAN, a JSON
file of username → [[sheet, item], …]) and saves item scores as a tablet does.
BENCH_TARGET=trivial: the same users only ask for /healthz/.
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, task

PLAN = (
    json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
    if os.environ.get("BENCH_PLAN")
    else {}
)
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
ACCOUNTS = itertools.cycle(sorted(PLAN))


class Examiner(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        if os.environ.get("BENCH_TARGET") != "save":
            return
        self.username = next(ACCOUNTS)
        self.targets = PLAN[self.username]
        self.client.get("/sign-in/", name="sign-in")
        token = self.client.cookies.get("csrftoken")
        self.client.post(
            "/sign-in/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/sign-in/"},
            name="sign-in",
        )
        self.csrf = self.client.cookies.get("csrftoken")

    @task
    def work(self):
        if os.environ.get("BENCH_TARGET") != "save":
            self.client.get("/healthz/", name="trivial")
            return
        sheet, item = random.choice(self.targets)  # noqa: S311 - load, not secrets
        self.client.post(
            f"/exams/sheets/{sheet}/items/{item}/",
            {"points": str(random.randint(0, 10))},  # noqa: S311
            headers={
                "X-CSRFToken": self.csrf,
                "HX-Request": "true",
                "Referer": self.host + "/exams/scoring/",
            },
            name="save",
        )
