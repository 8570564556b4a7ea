"""`make demo` end to end: tools/demo.py as a user runs it, on Prism and on an "API" of ours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.fault_server import JOBS_PATH, running_fault_server
from tests.servers.prism import require_prism

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tools" / "_demo_tmp.py"

pytestmark = pytest.mark.slow


def run_demo(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AIGENSTUDIO_")}
    return subprocess.run(
        [sys.executable, str(DEMO)],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.mark.prism
def test_demo_runs_on_prism_by_default() -> None:
    require_prism()
    done = run_demo()
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "starting Prism" in out
    assert "Idempotency-Key: idem_" in out
    assert "the same job, nothing charged twice" in out
    assert "RequestValidationError: body.images" in out
    assert "still queued" in out  # Prism's example job never moves; the demo says so
    assert "req_demo_1_" in out
    assert out.rstrip().endswith("Demo finished.")


def test_demo_runs_against_the_configured_api() -> None:
    key = "aigen_test_demo_env_key_0123456789"
    with running_fault_server() as api:  # a well-behaved stand-in: no fault injected
        done = run_demo(AIGENSTUDIO_API_KEY=key, AIGENSTUDIO_BASE_URL=api.base_url)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"Running against {api.base_url}" in done.stdout
        assert "finished: completed" in done.stdout
        assert "Prism" not in done.stdout
        # One job for the create and its repeat, and the key never printed.
        assert api.state.jobs_created == 1
        assert len(api.requests_to("POST", JOBS_PATH)) == 2
        assert key not in done.stdout + done.stderr


def test_demo_refuses_a_live_key_before_creating_anything() -> None:
    with running_fault_server() as api:
        done = run_demo(
            AIGENSTUDIO_API_KEY="aigen_live_not_for_demos_0123", AIGENSTUDIO_BASE_URL=api.base_url
        )
        assert done.returncode == 1
        assert "use a sandbox key" in done.stdout
        assert api.state.requests == []
