"""make mock ENGINE=prism: Prism on the vendored spec, on a given or free port, printing the base URL
first and stopping cleanly on Ctrl-C; an unusable port is one line and exit 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import pytest
from aigenstudio import Client, NotFoundError

from tests.servers.prism import require_prism
from tools.prism import free_port

ROOT = Path(__file__).resolve().parents[2]
MOCK = ROOT / "tools" / "mock.py"
KEY = "aigen_test_" + "m0ck" * 6
pytestmark = [pytest.mark.slow, pytest.mark.prism]


@contextmanager
def running_mock(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGENSTUDIO_")}
    process = subprocess.Popen(
        [sys.executable, str(MOCK), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline().strip()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl-C
        process.communicate(timeout=30)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_mock_prints_the_base_url_serves_the_spec_and_stops_on_ctrl_c() -> None:
    require_prism()
    port = free_port()
    with running_mock("--engine", "prism", "--port", str(port)) as (process, first_line):
        assert first_line == f"AIGENSTUDIO_BASE_URL=http://127.0.0.1:{port}"
        base_url = first_line.split("=", 1)[1]
        with Client(KEY, base_url=base_url) as client:
            assert client.product_photo_operations.list().operations
            with client.with_headers({"Prefer": "code=404"}) as missing, pytest.raises(NotFoundError):
                missing.product_photo_jobs.get(UUID("7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"))
    assert process.returncode == 0
    assert _port_is_free(port)  # Prism went with it


def test_mock_without_a_port_picks_a_free_one() -> None:
    require_prism()
    with running_mock("--engine", "prism") as (_, first_line):
        assert first_line.startswith("AIGENSTUDIO_BASE_URL=http://127.0.0.1:")
        assert int(first_line.rsplit(":", 1)[1]) > 0


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    require_prism()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(MOCK), "--engine", "prism", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"mock: error: Prism cannot start on port {port}")


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_bad_port_is_refused(port: str) -> None:
    command = [sys.executable, str(MOCK), "--port", port]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "PORT=" in done.stderr
    assert "Traceback" not in done.stderr
