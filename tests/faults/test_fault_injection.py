"""Faults injected on purpose between aigenstudio.Client and the fake API (aigenstudio.testing)
served on 127.0.0.1 by FakeServer, so resets, lost answers and timeouts happen on real sockets.

Each scenario runs sync and async and checks what the caller sees (a correct result or the
expected typed error, with a request id), how many requests went out, and that the create
call never produced a second job -- also when the caller repeats it with the same key after
an error. Every captured output (logs, stdout/stderr, error texts) is searched for the key.
The figures land in reports/faults.json (see conftest.py).
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aigenstudio import AigenStudioError, AsyncClient, Client, RetryPolicy
from aigenstudio._workflow.operations import find_operation as operation
from aigenstudio.testing import Exchange, FakeAPI, FakeServer, Fault
from aigenstudio_client.models.product_photo_job_create_response import ProductPhotoJobCreateResponse

from tests.contract.cases import create_body
from tests.faults.report import FaultReport, Row
from tests.faults.scenarios import CREATE, MAX_RETRIES, SCENARIOS, AnsweredLate, Scenario

# Which faults are retried, and how often, is the default policy's; only the pauses shrink so
# a retried fault costs milliseconds (Retry-After hints are still honoured as sent).
FAST_RETRIES = RetryPolicy(max_retries=MAX_RETRIES, initial_backoff=0.01, max_backoff=0.02)

API_KEY = "aigen_test_fAuLtSuItE0secret7c41d2"
IDEMPOTENCY_KEY = "idem_fault_suite_0001"
# Reads give up after 0.2 s; a late answer is held until the call has returned.
TIMEOUT = httpx.Timeout(0.2, connect=2.0)
# How long the late answers may take to be recorded once released.
RECORD_LIMIT = 10.0

pytestmark = pytest.mark.slow


def _create_kwargs() -> dict[str, Any]:
    return {"body": create_body(), "idempotency_key": IDEMPOTENCY_KEY}


def _client(server: FakeServer) -> Client:
    return Client(API_KEY, base_url=server.base_url, timeout=TIMEOUT, retry_policy=FAST_RETRIES)


def _async_client(server: FakeServer) -> AsyncClient:
    return AsyncClient(API_KEY, base_url=server.base_url, timeout=TIMEOUT, retry_policy=FAST_RETRIES)


def _text_of(outcome: object) -> str:
    if isinstance(outcome, BaseException):
        return "".join(traceback.format_exception(outcome)) + repr(outcome)
    return repr(outcome)


@dataclass
class Run:
    """What one faulted create call did, and the caller's repeat after an error."""

    outcome: object  # the parsed result or the AigenStudioError raised
    request_id: str | None
    requests_sent: int
    jobs_after_call: int  # before any repeat by the caller
    retry_outcome: object = None  # only after an error: the same call, fault cleared


def _check(scenario: Scenario, mode: str, api: FakeAPI, run: Run, captured: str, report: FaultReport) -> None:
    """Assert the scenario's expectations; record the row first so failures are counted too."""
    posts = _creates(api)
    jobs = len(api.jobs)
    leaked = API_KEY in captured + _text_of(run.outcome) + _text_of(run.retry_outcome)
    report.add(
        Row(
            fault=scenario.name,
            scenario=scenario.id,
            mode=mode,
            outcome=type(run.outcome).__name__,
            request_id_present=bool(run.request_id),
            requests_sent=run.requests_sent,
            jobs_created=jobs,
            clean=isinstance(run.outcome, scenario.expected) and bool(run.request_id),
            secret_leaked=leaked,
        )
    )
    assert isinstance(run.outcome, scenario.expected), f"{scenario.id}: got {run.outcome!r}"
    assert run.request_id, "the caller can quote a request id"
    assert run.requests_sent == scenario.requests
    assert run.jobs_after_call == scenario.jobs_after_call
    assert not leaked, "the API key appeared in logs, output or an error text"
    if scenario.requests > 1:  # proves the search above saw the client's real log output
        assert "Retrying POST" in captured
    # Every attempt of the logical call carried the same key and the same request id.
    assert {p.request.headers.get("idempotency-key") for p in posts} == {IDEMPOTENCY_KEY}
    assert len({p.request.headers.get("x-request-id") for p in posts[: run.requests_sent]}) == 1
    assert jobs == 1, f"{jobs} jobs on the server for one logical create call"
    (job_id,) = api.jobs
    final = run.outcome if run.retry_outcome is None else run.retry_outcome
    # The caller ends up holding the one job, whether at once or by repeating the call.
    assert isinstance(final, ProductPhotoJobCreateResponse), final
    assert str(final.job.id) == job_id


def _status_detail(scenario: Scenario, response: Any) -> None:
    if scenario.replay:
        assert int(response.status_code) == 200, "the retry got the existing job back"
    if scenario.id == "unknown_enum_value":
        status = response.parsed.job.status
        assert status.value == "awaiting_moderation"
        assert status.is_known is False


def _request_id(outcome: object, last_request_id: str | None) -> str | None:
    """The id the caller would quote: the error's own, else the client's last exchange."""
    if isinstance(outcome, AigenStudioError):
        return outcome.request_id
    return last_request_id


def _creates(api: FakeAPI) -> list[Exchange]:
    """The create requests the fake received, faulted ones included."""
    return [exchange for exchange in api.requests if exchange.operation == CREATE]


def _held_answers(fault: Fault) -> int:
    """Requests whose answer ``AnsweredLate`` holds (the fake records an exchange once answered)."""
    return fault.transform.held if isinstance(fault.transform, AnsweredLate) else 0


def _counts(api: FakeAPI, fault: Fault) -> tuple[int, int]:
    """(create requests received, jobs created) so far: the answered ones and the held ones."""
    return len(_creates(api)) + _held_answers(fault), len(api.jobs)


def _release_late_answers(api: FakeAPI, fault: Fault, received: int) -> None:
    """Send the answers ``AnsweredLate`` holds (the caller has gone) and wait until recorded."""
    if isinstance(fault.transform, AnsweredLate):
        fault.transform.release.set()
    deadline = time.monotonic() + RECORD_LIMIT
    while len(_creates(api)) < received and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def captured_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # httpx, httpcore and aigenstudio loggers included
    return caplog


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_fault_sync(
    scenario: Scenario,
    fake_server: FakeServer,
    fault_report: FaultReport,
    captured_logs: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    create = operation("create_product_photo_job")
    api = fake_server.api
    fault = scenario.make_fault()
    api.inject(fault)
    with _client(fake_server) as client:
        try:
            response = create.sync_detailed(client=client, **_create_kwargs())
            outcome: object = response.parsed
            _status_detail(scenario, response)
        except AigenStudioError as error:
            outcome = error
        run = Run(outcome, _request_id(outcome, client.last_request_id), *_counts(api, fault))
        _release_late_answers(api, fault, run.requests_sent)
        if isinstance(outcome, Exception):
            api.faults.clear()  # the caller repeats the call once the API behaves
            run.retry_outcome = create.sync_detailed(client=client, **_create_kwargs()).parsed
    out, err = capfd.readouterr()
    _check(scenario, "sync", api, run, captured_logs.text + out + err, fault_report)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
async def test_fault_async(
    scenario: Scenario,
    fake_server: FakeServer,
    fault_report: FaultReport,
    captured_logs: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    create = operation("create_product_photo_job")
    api = fake_server.api
    fault = scenario.make_fault()
    api.inject(fault)
    async with _async_client(fake_server) as client:
        try:
            response = await create.asyncio_detailed(client=client, **_create_kwargs())
            outcome: object = response.parsed
            _status_detail(scenario, response)
        except AigenStudioError as error:
            outcome = error
        run = Run(outcome, _request_id(outcome, client.last_request_id), *_counts(api, fault))
        _release_late_answers(api, fault, run.requests_sent)
        if isinstance(outcome, Exception):
            api.faults.clear()  # the caller repeats the call once the API behaves
            run.retry_outcome = (await create.asyncio_detailed(client=client, **_create_kwargs())).parsed
    out, err = capfd.readouterr()
    _check(scenario, "async", api, run, captured_logs.text + out + err, fault_report)
