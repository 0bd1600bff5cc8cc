"""The benchmarks still run: each on a small sample, reporting its ratio line (no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


# Each runs a gunicorn and a load on both cores: one at a time, on one xdist worker.
@pytest.mark.xdist_group("bench")
@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda path: path.stem)
def test_benchmark_runs_and_ends_with_its_ratio(script, tmp_path):
    env = {
        **os.environ,
        "BENCH_ROWS": "30",
        "BENCH_RUNS": "1",
        # main_pages shares its seconds among 17 pages: give each a few; scoring_save's 20 examiners
        # first sign in (a slow password hash each), which on a busy machine can fill 10 seconds.
        "BENCH_SECONDS": {"main_pages": "40", "scoring_save": "20"}.get(script.stem, "10"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/bench.sqlite3",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1].split()
    assert last[:2] == ["ratio", script.stem]
    assert float(last[2]) > 0
