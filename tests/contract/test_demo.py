"""`make demo` end to end: tools/demo.py as a user runs it, on the fake API (aigenstudio.testing,
the default) and on an "API" of ours given by the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aigenstudio.testing import FakeAPI, FakeServer

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tools" / "demo.py"

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


def test_demo_runs_on_the_fake_by_default() -> None:
    done = run_demo()
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "starting the fake API" in out
    assert "Idempotency-Key: idem_" in out
    assert "HTTP 201: job" in out
    assert "HTTP 200: the same job" in out
    assert "1 reservation, charges per image {'yogurt-001': 1, 'yogurt-002': 1}" in out
    assert "charged once: nothing charged twice" in out
    assert "RequestValidationError: body.images" in out
    assert "status=processing" in out
    assert "finished: partially_completed, credits used 1" in out
    assert "failed yogurt-002: image_processing_failed" in out
    assert "verified: event evt_" in out
    assert "job.partially_completed" in out
    assert "req_demo_1_" in out
    assert out.rstrip().endswith("Demo finished.")


def test_demo_runs_against_the_configured_api() -> None:
    key = "aigen_test_demo_env_key_0123456789"
    # An API in another process's reach: the fake on loopback, as `make mock` serves it.
    with FakeServer(FakeAPI()) as server:
        done = run_demo(AIGENSTUDIO_API_KEY=key, AIGENSTUDIO_BASE_URL=server.base_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Running against {server.base_url}" in done.stdout
    assert "starting the fake API" not in done.stdout  # not the demo's own in-process fake
    # The fake fails yogurt-002 by its rule (a source_url containing "fail").
    assert "finished: partially_completed" in done.stdout
    assert "Prism" not in done.stdout
    # One job for the create and its repeat, and the key never printed.
    assert len(server.api.jobs) == 1
    creates = [e for e in server.api.requests if e.operation == "createProductPhotoJob"]
    assert [e.status for e in creates] == [201, 200]
    assert key not in done.stdout + done.stderr


def test_demo_refuses_a_live_key_before_creating_anything() -> None:
    with FakeServer(FakeAPI(allow_live_keys=True)) as server:  # the demo must refuse it first
        done = run_demo(
            AIGENSTUDIO_API_KEY="aigen_live_not_for_demos_0123", AIGENSTUDIO_BASE_URL=server.base_url
        )
    assert done.returncode == 1
    assert "use a sandbox key" in done.stdout
    assert server.api.requests == []
