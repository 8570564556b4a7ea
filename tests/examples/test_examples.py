"""examples/: each script type-checks as a user's code (mypy --strict, pyright strict) and runs.

Run against the fake API that ``make mock`` serves (``aigenstudio.testing.FakeServer``): each
script runs as a user would run it, with a sandbox key and the mock's URL in the environment,
must exit 0 with its jobs finished and its results read, and every request it sent must have
been one the spec allows (the fake answers 422 otherwise, and checks its own answers against the
spec's schemas); the webhook receiver verifies the fake's signed deliveries. Run against the
same fake where a finished job's read lists no items (the spec allows an empty ``items``), they
report each image as not reported, for a retry; the errors example also meets a 503 that the
client retries. The webhook receiver verifies signed deliveries in-process and over loopback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.util import setup_testing_defaults

import httpx
import pytest
from aigenstudio import Client, wait_for_job
from aigenstudio.testing import FakeAPI, FakeServer, Fault, Reply
from aigenstudio_client.models import ProductPhotoImageInput, ProductPhotoJobCreateRequest

from tests.docs.test_readme_examples import (
    API_KEY,
    PYRIGHT,
)
from tests.webhooks.signing import sign
from tools.prism import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
WEBHOOK = EXAMPLES / "webhook_receiver.py"
TIMEOUT = 60.0
CREATE = "createProductPhotoJob"
# What each script prints on each server: the mock, and the mock whose job reads list no items.
ON_FAKE = {
    "one_job.py": [
        "image(s) (request id",
        "finished: completed",
        "done    image-2: https://cdn.aigenstudio.fake/",
    ],
    "catalog_progress.py": ["processing 45 images", "45/45 images: 45 done, 0 failed; 3 job(s) finished"],
    "errors_and_retries.py": [
        "refused before sending: body.images: at most 20 items",
        "created job",
        "no job 00000000-0000-4000-8000-000000000000 for this key (HTTP 404",
    ],
    "async_job.py": ["presets: ['marketplace_white', 'studio_soft']", "completed: 1 completed, 0 failed"],
}
ON_NO_ITEMS = {
    "one_job.py": ["finished: completed", "missing image-1", "2 image(s) to retry"],
    "catalog_progress.py": [
        "20/45 images",
        "45/45 images: 0 done, 45 failed; 3 job(s) finished",
        "0 completed, 45 failed, in 3 job(s)",
        "sku-0001: the job reported no item for this image",
    ],
    "errors_and_retries.py": [
        "refused before sending",
        "created job",
        "no job 00000000-0000-4000-8000-000000000000 for this key (HTTP 404",
    ],
    "async_job.py": ["0 recent job(s)", "completed: 0 completed, 0 failed, 1 not reported"],
}
pytestmark = pytest.mark.slow


def test_every_example_has_expectations() -> None:
    names = {script.name for script in SCRIPTS}
    assert names == {*ON_FAKE, *ON_NO_ITEMS, WEBHOOK.name}
    assert len(names) >= 5


def test_examples_pass_mypy_strict() -> None:
    config = str(ROOT / "pyproject.toml")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", config, *map(str, SCRIPTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not PYRIGHT.exists(), reason="pyright needs Node (npm ci)")
def test_examples_pass_pyright_strict(tmp_path: Path) -> None:
    # The configuration the README examples are checked with.
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT / "generated"), str(ROOT / "overrides")],
        "reportMissingTypeStubs": False,
    }
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--project", str(tmp_path), *map(str, SCRIPTS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _environment(base_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIGENSTUDIO_")}
    env.update(AIGENSTUDIO_API_KEY=API_KEY, AIGENSTUDIO_BASE_URL=base_url, EXAMPLE_WAIT_SECONDS="2")
    return {**env, "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize("name", sorted(ON_FAKE))
def test_example_runs_to_completion_against_the_mock(name: str) -> None:
    with FakeServer() as mock:
        done = _run(EXAMPLES / name, mock.base_url)
    report = f"\nthe mock saw: {mock.api.requests}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, f"examples/{name} exited {done.returncode}" + report
    assert mock.api.requests, f"examples/{name} sent nothing" + report
    refused = [r for r in mock.api.requests if r[2] == 422]
    assert not refused, f"examples/{name}: the mock refused a request the spec forbids: {refused}" + report
    for expected in ON_FAKE[name]:
        assert expected in done.stdout, f"{expected!r} not printed" + report
    assert API_KEY not in done.stdout + done.stderr


def without_items(reply: Reply) -> Reply:
    """A job read that lists no items (``items`` is optional and may be empty in the spec)."""
    if "job" in reply.body:
        reply.body["job"]["items"] = []
    return reply


@pytest.fixture
def no_items() -> Iterator[FakeServer]:
    """The mock, with every job read's items left out: the examples' "not reported" path."""
    api = FakeAPI()
    api.inject(Fault.rewrite(without_items, operation="getProductPhotoJob", times=None))
    with FakeServer(api) as server:
        yield server


def _creates(server: FakeServer) -> list[int | None]:
    """The status of each create request the mock received."""
    return [e.status for e in server.api.requests if e.operation == CREATE]


def _run(script: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=script.parent,
        env=_environment(base_url),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(ON_NO_ITEMS))
def test_example_reports_images_a_finished_job_does_not_list(name: str, no_items: FakeServer) -> None:
    done = _run(EXAMPLES / name, no_items.base_url)
    report = f"\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, report
    for expected in ON_NO_ITEMS[name]:
        assert expected in done.stdout, f"{expected!r} not printed" + report
    assert API_KEY not in done.stdout + done.stderr


def test_catalog_example_resumes_without_new_jobs(no_items: FakeServer) -> None:
    first = _run(EXAMPLES / "catalog_progress.py", no_items.base_url)
    again = _run(EXAMPLES / "catalog_progress.py", no_items.base_url)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert len(no_items.api.jobs) == 3  # the re-run got the same three jobs back
    assert _creates(no_items) == [201] * 3 + [200] * 3


def test_errors_example_shows_a_retried_503() -> None:
    api = FakeAPI()
    api.inject(Fault.status(503, retry_after="0", operation=CREATE))
    with FakeServer(api) as server:
        done = _run(EXAMPLES / "errors_and_retries.py", server.base_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "WARNING aigenstudio.retries: Retrying POST /api/v1/product-photo-jobs after HTTP 503" in done.stderr
    )
    assert "created job" in done.stdout
    assert len(api.jobs) == 1
    assert _creates(server) == [503, 201]


# -- the webhook receiver ---------------------------------------------------------------------

WEBHOOK_KEY = "aigen_test_4f9a1c2e8b7d6a5f3e2d1c0b"  # the key tests/webhooks/signing.py signs with
EVENT = b'{"type":"job.completed","data":{"job_id":"3f1c2b4a-0000-4000-8000-000000000001"}}'


def _load_receiver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_webhook_receiver", WEBHOOK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _delivery(body: bytes, event_id: str, timestamp: int, key: str = WEBHOOK_KEY) -> dict[str, str]:
    return {
        "X-Aigen-Signature": sign(body, timestamp, event_id, key),
        "X-Aigen-Timestamp": str(timestamp),
        "X-Aigen-Event-Id": event_id,
        "Content-Type": "application/json",
    }


def _call(app: Any, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> str:
    """Call the WSGI app in-process; its status line."""
    from io import BytesIO

    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_LENGTH": str(len(body))}
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    environ["wsgi.input"] = BytesIO(body)
    statuses: list[str] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: object = None) -> Any:
        statuses.append(status)
        return lambda data: None

    b"".join(app(environ, start_response))
    return statuses[0]


def test_webhook_receiver_verifies_and_deduplicates(capsys: pytest.CaptureFixture[str]) -> None:
    receiver = _load_receiver()
    app = receiver.make_app(WEBHOOK_KEY)
    path, now = receiver.PATH, int(time.time())

    assert _call(app, "POST", path, EVENT, _delivery(EVENT, "evt_1", now)) == "204 No Content"
    assert "event evt_1:" in capsys.readouterr().out
    # The vendor's retry of the same delivery: acknowledged, not handled twice.
    assert _call(app, "POST", path, EVENT, _delivery(EVENT, "evt_1", now)) == "204 No Content"
    assert "evt_1" not in capsys.readouterr().out

    forged = _delivery(EVENT, "evt_2", now, key="aigen_test_someone_else_0000000")
    assert _call(app, "POST", path, EVENT, forged) == "400 Bad Request"
    tampered = EVENT.replace(b"completed", b"failed")
    assert _call(app, "POST", path, tampered, _delivery(EVENT, "evt_3", now)) == "400 Bad Request"
    stale = _delivery(EVENT, "evt_4", now - 3600)
    assert _call(app, "POST", path, EVENT, stale) == "400 Bad Request"
    assert _call(app, "POST", path, EVENT, {}) == "400 Bad Request"
    assert "evt_" not in capsys.readouterr().out  # nothing untrusted was handled
    assert _call(app, "GET", path) == "405 Method Not Allowed"
    assert _call(app, "POST", "/elsewhere", EVENT, _delivery(EVENT, "evt_5", now)) == "404 Not Found"


def test_webhook_receiver_serves_over_loopback() -> None:
    port = free_port()
    env = _environment("http://127.0.0.1:1")  # the receiver calls no API
    env.update(AIGENSTUDIO_API_KEY=WEBHOOK_KEY, WEBHOOK_PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, str(WEBHOOK)],
        cwd=EXAMPLES,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "listening on" in process.stdout.readline()
        url = f"http://127.0.0.1:{port}/webhooks/aigenstudio"
        answer = httpx.post(url, content=EVENT, headers=_delivery(EVENT, "evt_loop", int(time.time())))
        assert answer.status_code == 204
        assert httpx.post(url, content=EVENT, headers={"X-Aigen-Event-Id": "evt_x"}).status_code == 400
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "event evt_loop:" in out
    assert WEBHOOK_KEY not in out + err


def test_webhook_receiver_verifies_the_mocks_deliveries() -> None:
    receiver = _load_receiver()
    app = receiver.make_app(WEBHOOK_KEY)
    statuses: list[str] = []

    def route(body: bytes, headers: Mapping[str, str]) -> None:  # the app, mounted as a callable
        statuses.append(_call(app, "POST", receiver.PATH, body, dict(headers)))

    with FakeServer() as mock, Client(WEBHOOK_KEY, base_url=mock.base_url) as client:
        mock.api.register_webhook(route)
        images = [ProductPhotoImageInput(source_url="https://shop.example/fail.jpg")]
        created = client.product_photo_jobs.create(
            body=ProductPhotoJobCreateRequest(images=images), idempotency_key="webhook-example-1"
        )
        wait_for_job(client, created.job.id, poll_interval=0.01)
    assert statuses == ["204 No Content"]
    (delivery,) = mock.api.deliveries
    assert b'"type":"job.failed"' in delivery.body
