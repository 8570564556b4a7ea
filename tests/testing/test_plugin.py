"""The pytest plugin's fixtures: configurable through ``aigenstudio_fake_api``, closed after use."""

from __future__ import annotations

import asyncio
import subprocess
import textwrap
from pathlib import Path

import pytest
from aigenstudio import ClientClosedError
from aigenstudio.testing import FakeAPI, FakeSession, Fault, Timing
from aigenstudio_client.models import ProductPhotoImageInput, ProductPhotoJobCreateRequest

from .user_files import run_pytest


@pytest.fixture
def aigenstudio_fake_api() -> FakeAPI:
    return FakeAPI(timing=Timing.after_polls(3))


def test_the_fake_is_configured_by_overriding_its_fixture(aigenstudio_fake: FakeSession) -> None:
    body = ProductPhotoJobCreateRequest(images=[ProductPhotoImageInput(source_url="https://shop.test/1.jpg")])
    client = aigenstudio_fake.client
    created = client.product_photo_jobs.create(body=body, idempotency_key="plugin-0001")
    statuses = [client.product_photo_jobs.get(created.job.id).job.status for _ in range(3)]
    assert [str(status) for status in statuses] == ["processing", "processing", "completed"]


def test_both_fixtures_share_one_fake(
    aigenstudio_fake: FakeSession, aigenstudio_fake_async: FakeSession
) -> None:
    assert aigenstudio_fake.api is aigenstudio_fake_async.api


def test_the_session_closes_its_clients() -> None:
    session = FakeSession()
    client, async_client = session.client, session.async_client
    session.close()
    with pytest.raises(ClientClosedError):
        client.product_photo_presets.list()
    with pytest.raises(ClientClosedError):
        asyncio.run(async_client.product_photo_presets.list())


def _run_user_file(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "test_user.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return run_pytest(path)


def test_a_fault_that_never_met_a_request_fails_the_test(tmp_path: Path) -> None:
    done = _run_user_file(
        tmp_path,
        """
        from aigenstudio.testing import Fault

        def test_resilient(aigenstudio_fake):
            aigenstudio_fake.api.inject(Fault.status(503, operation="createProductPhotoJob"))
            aigenstudio_fake.client.product_photo_presets.list()  # never a create

        def test_cleared(aigenstudio_fake):
            aigenstudio_fake.api.inject(Fault.status(503, operation="createProductPhotoJob"))
            aigenstudio_fake.api.clear_faults()
        """,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 passed, 1 error" in done.stdout  # test_resilient's teardown is the error
    assert "never met a request: Fault.status(operation='createProductPhotoJob', after=0)" in done.stdout


def test_a_held_request_is_released_when_the_test_fails(tmp_path: Path) -> None:
    done = _run_user_file(
        tmp_path,
        """
        import threading
        from aigenstudio.testing import Fault

        def test_mid_flight(aigenstudio_fake):
            release, held = threading.Event(), threading.Event()
            aigenstudio_fake.api.inject(Fault.hold(release, held=held, times=1))
            worker = threading.Thread(target=aigenstudio_fake.client.product_photo_presets.list)
            worker.start()
            assert held.wait(10)
            assert False, "the user's assertion fails while the request is held"
        """,
    )
    assert "1 failed" in done.stdout, done.stdout + done.stderr  # and within the timeout, not 300 s


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault.status(503, operation="createProductPhotoJobs"), "no such operation"),
        (Fault.status(503, api_key="sk-not-ours"), "not an API key"),
    ],
)
def test_a_fault_that_could_never_apply_is_refused(fault: Fault, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FakeAPI().inject(fault)


def test_a_fault_takes_the_python_name_of_an_operation_too() -> None:
    fake = FakeAPI()
    fault = Fault.reset(operation="create_product_photo_job")
    fake.inject(fault)
    assert fault.operation == "createProductPhotoJob"


def test_a_status_fault_is_an_error_status() -> None:
    with pytest.raises(ValueError, match=r"400\.\.599"):
        Fault.status(200)
