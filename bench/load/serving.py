"""What the load benchmarks share: a gunicorn server on 127.0.0.1 and a headless locust run against it."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn_serving():
    """Serve the portal as in production, DEBUG off, with 2 workers × 4 threads; yield its address."""
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_FAILURE_LIMIT": "1000",
    }
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this environment
        [
            str(BIN / "gunicorn"),
            "jianding.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
            # Without it every gunicorn on the machine shares one control socket (gunicorn 25.1+).
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{host}/healthz/", timeout=1)  # noqa: S310 - our own http:// server
                break
            except OSError:
                time.sleep(0.2)
        yield host
    finally:
        server.terminate()
        server.wait(timeout=10)


def locust_run(*, locustfile: str, host: str, users: int, seconds: int, csv_prefix: str, env: dict) -> None:
    """Run ``bench/load/<locustfile>`` headless; its statistics land in ``<csv_prefix>_stats.csv``."""
    subprocess.run(  # noqa: S603 - locust from this environment
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load" / locustfile),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            csv_prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=seconds + 60,
    )
