"""The ``aigenstudio`` logger is silent until the application configures logging, and then its
records carry what the README's "Logging" section says they carry."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import httpx
import pytest
from aigenstudio import Client, RetryPolicy

KEY = "aigen_test_" + "l0gg1ng" * 4
BASE_URL = "https://api.example.test/api/v1"
OPERATIONS = {
    "operations": [{"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}],
    "request_id": "req_server_ops",
}
UNAVAILABLE = {"error": {"code": "unavailable", "message": "try again"}, "request_id": "req_server_503"}

# A GET answered 503 once, then 200: the client retries it and logs one WARNING.
RETRIED_CALL = f"""
import httpx
from aigenstudio import Client, RetryPolicy

answers = iter([httpx.Response(503, json={UNAVAILABLE!r}), httpx.Response(200, json={OPERATIONS!r})])
policy = RetryPolicy(max_retries=1, initial_backoff=0.0, max_backoff=0.0)
transport = httpx.MockTransport(lambda request: next(answers))
with Client({KEY!r}, base_url={BASE_URL!r}, transport=transport, retry_policy=policy) as client:
    client.product_photo_operations.list()
print("call done")
"""


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter: no pytest logging handlers, the logging module as an app finds it."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_package_logger_has_a_null_handler_on_import() -> None:
    done = run_python(
        """
        import logging
        import aigenstudio
        print([type(h).__name__ for h in logging.getLogger("aigenstudio").handlers])
        """
    )
    assert done.returncode == 0, done.stderr
    assert "NullHandler" in done.stdout


def test_a_retry_warning_prints_nothing_when_logging_is_not_configured() -> None:
    done = run_python(RETRIED_CALL)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "call done\n"
    assert done.stderr == ""  # no "last resort" handler output on stderr


def test_the_application_turns_the_records_on() -> None:
    done = run_python("import logging\nlogging.basicConfig(level=logging.WARNING)\n" + RETRIED_CALL)
    assert done.returncode == 0, done.stderr
    expected = "WARNING:aigenstudio.retries:Retrying GET /api/v1/product-photo-operations after HTTP 503"
    assert expected in done.stderr
    assert KEY not in done.stderr


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    caplog.set_level(logging.DEBUG, logger="aigenstudio")
    answers = iter([httpx.Response(503, json=UNAVAILABLE), httpx.Response(200, json=OPERATIONS)])
    policy = RetryPolicy(max_retries=1, initial_backoff=0.0, max_backoff=0.0)
    transport = httpx.MockTransport(lambda request: next(answers))
    with (
        Client(KEY, base_url=BASE_URL, transport=transport, retry_policy=policy) as client,
        client.request_id_scope("req_logging_1"),
    ):
        client.product_photo_operations.list()
    return [record for record in caplog.records if record.name.startswith("aigenstudio")]


def test_each_record_carries_the_documented_fields(records: list[logging.LogRecord]) -> None:
    by_kind = {record.getMessage().split(" ", 1)[0]: record for record in records}
    request, retry, response = by_kind["request"], by_kind["Retrying"], by_kind["response"]

    assert (request.name, request.levelname) == ("aigenstudio", "DEBUG")
    assert (request.request_id, request.method, request.path) == (  # type: ignore[attr-defined]
        "req_logging_1",
        "GET",
        "/api/v1/product-photo-operations",
    )
    assert (retry.name, retry.levelname) == ("aigenstudio.retries", "WARNING")
    assert (retry.request_id, retry.attempt) == ("req_logging_1", 2)  # type: ignore[attr-defined]
    assert "HTTP 503" in retry.getMessage()
    assert (response.name, response.levelname) == ("aigenstudio", "INFO")  # one line per call
    assert response.status == 200  # type: ignore[attr-defined]
    assert response.method == "GET"  # type: ignore[attr-defined]
    assert response.path == "/api/v1/product-photo-operations"  # type: ignore[attr-defined]
    assert isinstance(response.elapsed_ms, float)  # type: ignore[attr-defined]
    assert response.request_id == "req_server_ops"  # type: ignore[attr-defined]  # the API's id


def test_no_record_holds_the_key_or_a_header(records: list[logging.LogRecord]) -> None:
    for record in records:
        text = record.getMessage() + repr(record.__dict__)
        assert KEY not in text
        assert "Authorization" not in text


def run_with_log_switch(value: str, code: str = RETRIED_CALL) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIGENSTUDIO_LOG": value}
    env.pop("AIGENSTUDIO_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def test_aigenstudio_log_debug_prints_every_request_and_response_without_a_secret() -> None:
    done = run_with_log_switch("debug")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any("aigenstudio - DEBUG] request GET /api/v1/product-photo-operations" in line for line in lines)
    assert any("aigenstudio.retries - WARNING] Retrying GET" in line for line in lines)
    assert any(
        "aigenstudio - INFO] response GET /api/v1/product-photo-operations -> 200" in line for line in lines
    )
    assert "request_id=req_server_ops" in done.stderr
    assert KEY not in done.stderr
    assert "Authorization" not in done.stderr
    assert done.stdout == "call done\n"


def test_aigenstudio_log_info_prints_one_line_per_call_and_the_retries() -> None:
    done = run_with_log_switch("INFO")
    assert done.returncode == 0, done.stderr
    assert "] response GET /api/v1/product-photo-operations -> 200" in done.stderr
    assert "] Retrying GET" in done.stderr
    assert "] request GET" not in done.stderr  # the request lines are debug's
    assert KEY not in done.stderr


def test_an_unknown_aigenstudio_log_value_warns_and_configures_nothing() -> None:
    done = run_with_log_switch("verbose")
    assert done.returncode == 0, done.stderr
    assert "AIGENSTUDIO_LOG='verbose'" in done.stderr
    assert "] response" not in done.stderr


def test_the_switch_adds_one_handler_to_the_package_logger_only() -> None:
    done = run_with_log_switch(
        "debug",
        """
        import logging
        import aigenstudio
        from aigenstudio._core.log import configure_from_environment
        configure_from_environment()  # twice: still one handler
        package = logging.getLogger("aigenstudio")
        print(sorted(type(h).__name__ for h in package.handlers), logging.getLogger().handlers)
        """,
    )
    assert done.stdout.strip() == "['NullHandler', '_EnvironmentHandler'] []"  # the root logger untouched
