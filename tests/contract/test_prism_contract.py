"""Every operation, sync and async, through aigenstudio.Client against Prism validating the spec.

Valid input must pass Prism's request validation (it runs with --errors, so a violation
answers 422 or carries an sl-violations header); the client's own guards must refuse bad
input before a single byte reaches Prism.
"""

from __future__ import annotations

import httpx
import pytest
from aigenstudio import RequestValidationError
from aigenstudio._workflow.operations import find_operation as operation
from aigenstudio._workflow.operations import operation_names

from tests.contract.cases import GUARD_CASES, VALID_CASES, Case
from tests.contract.clients import SANDBOX_KEY, AsyncSetup, SyncSetup
from tests.servers.counting import Sent
from tools.prism import PrismServer

pytestmark = [pytest.mark.prism, pytest.mark.slow]


def assert_accepted(
    sent: list[Sent], status: int, parsed: object, case: Case, last_request_id: str | None
) -> None:
    assert len(sent) == 1, f"{case.id}: expected exactly one request on the wire, got {sent}"
    assert sent[0].violations is None, f"{case.id}: Prism reported violations: {sent[0].violations}"
    assert 200 <= status < 300, f"{case.id}: HTTP {status}"
    assert case.expected is not None
    assert isinstance(parsed, case.expected), f"{case.id}: parsed {type(parsed).__name__}"
    assert sent[0].request_id, "every request carries an X-Request-Id"
    assert last_request_id, "the client exposes the exchange's request id"


@pytest.mark.parametrize("case", VALID_CASES, ids=lambda c: c.id)
def test_valid_input_passes_prism_validation_sync(sync_setup: SyncSetup, case: Case) -> None:
    response = operation(case.operation).sync_detailed(client=sync_setup.client, **case.kwargs())
    assert_accepted(
        sync_setup.wire.log.sent,
        int(response.status_code),
        response.parsed,
        case,
        sync_setup.client.last_request_id,
    )


@pytest.mark.parametrize("case", VALID_CASES, ids=lambda c: c.id)
async def test_valid_input_passes_prism_validation_async(async_setup: AsyncSetup, case: Case) -> None:
    response = await operation(case.operation).asyncio_detailed(client=async_setup.client, **case.kwargs())
    assert_accepted(
        async_setup.wire.log.sent,
        int(response.status_code),
        response.parsed,
        case,
        async_setup.client.last_request_id,
    )


@pytest.mark.parametrize("case", GUARD_CASES, ids=lambda c: c.id)
def test_bad_input_is_refused_before_reaching_prism_sync(sync_setup: SyncSetup, case: Case) -> None:
    with pytest.raises(RequestValidationError) as caught:
        operation(case.operation).sync_detailed(client=sync_setup.client, **case.kwargs())
    assert caught.value.field == case.field
    assert sync_setup.wire.log.count == 0


@pytest.mark.parametrize("case", GUARD_CASES, ids=lambda c: c.id)
async def test_bad_input_is_refused_before_reaching_prism_async(async_setup: AsyncSetup, case: Case) -> None:
    with pytest.raises(RequestValidationError) as caught:
        await operation(case.operation).asyncio_detailed(client=async_setup.client, **case.kwargs())
    assert caught.value.field == case.field
    assert async_setup.wire.log.count == 0


def test_every_operation_has_a_contract_case() -> None:
    covered = {case.operation for case in VALID_CASES}
    assert set(operation_names()) == covered


def test_prism_really_rejects_what_the_guards_stop(prism: PrismServer) -> None:
    # The harness is only worth something if Prism validates: the same bad limit, sent raw
    # past the client, must come back as a validation error.
    response = httpx.get(
        f"{prism.base_url}/product-photo-jobs",
        params={"limit": 0},
        headers={"Authorization": f"Bearer {SANDBOX_KEY}"},
    )
    assert response.status_code == 422
    assert "limit" in response.text


def test_prism_flags_a_missing_key(prism: PrismServer) -> None:
    response = httpx.get(f"{prism.base_url}/product-photo-jobs")
    assert response.status_code == 401
    assert "sl-violations" in response.headers
