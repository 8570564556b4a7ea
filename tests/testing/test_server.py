"""The loopback way in: ``make mock`` (tools/mock.py, the fake by default) and
``python -m aigenstudio mock`` serve the stateful fake; jobs created there finish."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from aigenstudio import Client, wait_for_job
from aigenstudio.testing import FakeAPI, FakeServer, Fault, Timing
from aigenstudio.testing._server import parse_timing
from aigenstudio_client.models import ProductPhotoImageInput, ProductPhotoJobCreateRequest

ROOT = Path(__file__).resolve().parents[2]
KEY = "aigen_test_" + "serv" * 6


def _body(*urls: str) -> ProductPhotoJobCreateRequest:
    return ProductPhotoJobCreateRequest(images=[ProductPhotoImageInput(source_url=u) for u in urls])


@contextmanager
def _running(*command: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGENSTUDIO_")}
    process = subprocess.Popen(
        [sys.executable, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline().strip()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


@pytest.mark.parametrize(
    "command", [("tools/mock.py",), ("-m", "aigenstudio", "mock", "--quiet")], ids=["make-mock", "python-m"]
)
def test_the_mock_serves_jobs_that_finish(command: tuple[str, ...]) -> None:
    with _running(*command) as (process, first_line):
        assert first_line.startswith("AIGENSTUDIO_BASE_URL=http://127.0.0.1:")
        base_url = first_line.split("=", 1)[1]
        with Client(KEY, base_url=base_url) as client:
            created = client.product_photo_jobs.create(
                body=_body("https://shop.test/1.jpg", "https://shop.test/fail.jpg"),
                idempotency_key="server-0001",
            )
            assert created.job.total_items == 2
            job = wait_for_job(client, created.job.id, poll_interval=0.01)
            assert job.status is not None
            assert job.status.value == "partially_completed"
    assert process.returncode == 0


@pytest.mark.parametrize("allow", [False, True], ids=["refused", "allowed"])
def test_make_mock_lets_live_keys_in_only_when_told(allow: bool) -> None:
    live = "aigen_live_" + "mock" * 6
    with _running("tools/mock.py", *(["--allow-live-keys"] if allow else [])) as (_, first_line):
        base_url = first_line.split("=", 1)[1]
        response = httpx.get(base_url + "/product-photo-jobs", headers={"Authorization": f"Bearer {live}"})
    assert response.status_code == (200 if allow else 401)
    if not allow:
        assert "--allow-live-keys" in response.json()["error"]["message"]


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "aigenstudio", "mock", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"mock: error: cannot listen on 127.0.0.1:{port}")


def test_a_lost_answer_over_loopback_is_retried_as_a_replay() -> None:
    api = FakeAPI(timing=Timing.instant(), base_url="http://127.0.0.1/api/v1")
    api.inject(Fault.lost_response(operation="createProductPhotoJob"))
    with FakeServer(api) as server, Client(KEY, base_url=server.base_url) as client:
        created = client.product_photo_jobs.create(
            body=_body("https://shop.test/l.jpg"), idempotency_key="lost-0001"
        )
    assert [e.status for e in api.requests if e.operation == "createProductPhotoJob"] == [201, 200]
    assert list(api.jobs) == [str(created.job.id)]
    assert api.ledger.charges("https://shop.test/l.jpg") == 1


def test_a_reset_over_loopback_drops_the_connection() -> None:
    api = FakeAPI(base_url="http://127.0.0.1/api/v1")
    api.inject(Fault.reset())
    with FakeServer(api) as server:
        with pytest.raises(httpx.TransportError):
            httpx.get(server.base_url + "/product-photo-operations")
        assert httpx.get(server.base_url + "/product-photo-operations").status_code == 200
    seen = [(e.operation, e.status, e.fault) for e in api.requests]
    assert seen == [("listProductPhotoOperations", None, "reset"), ("listProductPhotoOperations", 200, None)]


@pytest.mark.parametrize("length", ["99999999999", "-5", "abc"])
def test_a_hostile_content_length_is_refused_without_reading(length: str) -> None:
    with FakeServer() as server, socket.create_connection(("127.0.0.1", server.port)) as raw:
        head = f"POST /api/v1/product-photo-jobs HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"
        raw.sendall(head.encode())
        answer = raw.recv(200)
    assert answer.split(b" ")[1] in (b"400", b"413")
    assert server.api.requests == []


def test_a_webhook_receiver_that_raises_does_not_break_the_api() -> None:
    def broken(body: bytes, headers: object) -> None:
        raise RuntimeError("receiver bug")

    api = FakeAPI(base_url="http://127.0.0.1/api/v1")
    api.register_webhook(broken)
    with FakeServer(api) as server, Client(KEY, base_url=server.base_url) as client:
        created = client.product_photo_jobs.create(
            body=_body("https://shop.test/r.jpg"), idempotency_key="recv-0001"
        )
        job = wait_for_job(client, created.job.id, poll_interval=0.01)
    assert job.status is not None
    assert api.deliveries[0].answers == ["RuntimeError: receiver bug"]


@pytest.mark.parametrize(
    ("text", "timing"),
    [
        ("instant", Timing.instant()),
        ("polls:3", Timing.after_polls(3)),
        ("seconds:2.5", Timing.after_seconds(2.5)),
        ("polls:1,seconds:5", Timing(polls=1, seconds=5.0)),
    ],
)
def test_make_mock_timings(text: str, timing: Timing) -> None:
    assert parse_timing(text) == timing


@pytest.mark.parametrize(
    "text", ["", "soon", "polls:", "polls:-1", "polls:1.5", "seconds:nan", "polls:1,polls:2"]
)
def test_a_bad_timing_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_timing(text)


def _raw_get(port: int, path: str) -> bytes:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(request.encode())
        return raw.recv(65536)


def test_a_reset_over_loopback_is_a_tcp_reset() -> None:
    api = FakeAPI(base_url="http://127.0.0.1/api/v1")
    api.inject(Fault.reset())
    with FakeServer(api) as server, pytest.raises(ConnectionResetError):
        _raw_get(server.port, "/api/v1/product-photo-operations")


def test_a_lost_answer_over_loopback_closes_without_a_word() -> None:
    api = FakeAPI(base_url="http://127.0.0.1/api/v1")
    api.inject(Fault.lost_response())
    with FakeServer(api) as server:
        assert _raw_get(server.port, "/api/v1/product-photo-operations") == b""


def test_a_client_gone_before_its_answer_leaves_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    api = FakeAPI(base_url="http://127.0.0.1/api/v1")
    release, held = threading.Event(), threading.Event()
    api.inject(Fault.hold(release, held=held, times=1))
    with FakeServer(api) as server:
        raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.sendall(
            f"GET /api/v1/product-photo-presets HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\n\r\n".encode()
        )
        assert held.wait(10)
        raw.close()  # gone (a reset) before the answer is written
        release.set()
        for _ in range(500):  # until the handler has answered into the closed connection
            if api.requests:
                break
            time.sleep(0.01)
        assert api.requests
    assert "Traceback" not in capfd.readouterr().err


def test_clear_faults_removes_the_standing_ones() -> None:
    api = FakeAPI()
    api.inject(Fault.status(503, times=None))
    api.inject(Fault.latency(1.0, times=3))
    api.clear_faults()
    assert api.faults == []
