"""wait_for_job: polls to a terminal status with backoff, Retry-After, progress and a deadline."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aigenstudio import aio
from aigenstudio._core.errors import AigenStudioError, NotFoundError, RequestValidationError
from aigenstudio._core.retry_after import MAX_RETRY_AFTER
from aigenstudio._workflow.waiting import JobWaitTimeout, Progress, is_terminal, wait_for_job
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus

from .conftest import FakeApi, FakeClock, FakeJob, envelope


def add_job(api: FakeApi, script: list[str], n_images: int = 3, failing: set[str] | None = None) -> uuid.UUID:
    images = [{"source_url": f"https://img.test/{i}.jpg", "external_id": f"sku-{i}"} for i in range(n_images)]
    job = FakeJob(uuid.uuid4(), images, script, failing or set())
    api.jobs[job.id] = job
    return job.id


def test_polls_until_terminal_with_progress(api: FakeApi, client: Any, clock: FakeClock) -> None:
    job_id = add_job(api, ["queued", "queued", "processing", "partially_completed"], failing={"sku-1"})
    seen: list[Progress] = []
    job = wait_for_job(client, job_id, on_progress=seen.append, clock=clock, sleep=clock.sleep)
    assert job.status == ProductPhotoJobStatus.PARTIALLY_COMPLETED
    assert isinstance(job.items, list)
    assert len(job.items) == 3
    assert api.jobs[job_id].polls == 4
    # Only polls where something moved are reported: the second "queued" is not.
    assert [(p.status, p.completed, p.failed, p.total) for p in seen] == [
        ("queued", 0, 0, 3),
        ("processing", 0, 0, 3),
        ("partially_completed", 2, 1, 3),
    ]


def test_interval_grows_and_is_capped(api: FakeApi, client: Any, clock: FakeClock) -> None:
    job_id = add_job(api, ["processing"] * 7 + ["completed"])
    wait_for_job(client, job_id, poll_interval=2.0, max_interval=6.0, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [2.0, 3.0, 4.5, 6.0, 6.0, 6.0, 6.0]


def test_timeout_carries_the_last_status(api: FakeApi, client: Any, clock: FakeClock) -> None:
    job_id = add_job(api, ["queued", "processing"])
    with pytest.raises(JobWaitTimeout) as info:
        wait_for_job(
            client, job_id, timeout=20, poll_interval=2, max_interval=5, clock=clock, sleep=clock.sleep
        )
    error = info.value
    assert isinstance(error, AigenStudioError)
    assert error.job_id == job_id
    assert error.last_status == ProductPhotoJobStatus.PROCESSING
    assert "processing" in str(error)
    # Never slept past the deadline; the last poll happened exactly on it.
    assert sum(clock.sleeps) == pytest.approx(20)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(api: FakeApi, client: Any, clock: FakeClock, status: int) -> None:
    job_id = add_job(api, ["processing", "completed"])
    api.get_interjections = [envelope(status, "slow_down", "later", headers={"Retry-After": "7"})]
    job = wait_for_job(client, job_id, poll_interval=2.0, clock=clock, sleep=clock.sleep)
    assert job.status == ProductPhotoJobStatus.COMPLETED
    assert clock.sleeps[0] == 7.0  # at least what the server asked, not the 2 s interval
    assert api.jobs[job_id].polls == 2


def test_retry_after_beyond_the_deadline_times_out_at_once(
    api: FakeApi, client: Any, clock: FakeClock
) -> None:
    job_id = add_job(api, ["processing"])
    api.get_interjections = [envelope(429, "slow_down", "later", headers={"Retry-After": "120"})]
    with pytest.raises(JobWaitTimeout) as info:
        wait_for_job(client, job_id, timeout=60, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == []
    assert info.value.last_status is None  # no poll answered
    assert isinstance(info.value.__cause__, AigenStudioError)


@pytest.mark.parametrize("header", ["9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_an_absurd_retry_after_times_out_at_once(
    api: FakeApi, client: Any, clock: FakeClock, header: str
) -> None:
    # The hint is clamped to a day (never inf): beyond a 60 s deadline, so no sleep at all.
    job_id = add_job(api, ["processing"])
    api.get_interjections = [envelope(429, "slow_down", "later", headers={"Retry-After": header})]
    with pytest.raises(JobWaitTimeout):
        wait_for_job(client, job_id, timeout=60, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == []


def test_an_absurd_retry_after_within_a_long_deadline_waits_a_day(
    api: FakeApi, client: Any, clock: FakeClock
) -> None:
    job_id = add_job(api, ["processing", "completed"])
    api.get_interjections = [envelope(429, "slow_down", "later", headers={"Retry-After": "9" * 400})]
    wait_for_job(client, job_id, timeout=3 * 86400, clock=clock, sleep=clock.sleep)
    assert clock.sleeps[0] == MAX_RETRY_AFTER


def test_unknown_status_is_not_terminal(api: FakeApi, client: Any, clock: FakeClock) -> None:
    job_id = add_job(api, ["queued", "upscaling", "completed"])
    seen: list[Progress] = []
    job = wait_for_job(client, job_id, on_progress=seen.append, clock=clock, sleep=clock.sleep)
    assert job.status == ProductPhotoJobStatus.COMPLETED
    unknown = seen[1].status
    assert unknown is not None
    assert unknown.value == "upscaling"
    assert not unknown.is_known
    assert not is_terminal(unknown)


def test_other_errors_are_raised_typed(api: FakeApi, client: Any, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError) as info:
        wait_for_job(client, uuid.uuid4(), clock=clock, sleep=clock.sleep)
    assert info.value.code == "job_not_found"
    assert clock.sleeps == []


def test_an_error_names_the_request_it_answers_behind_either_client(
    api: FakeApi, client: Any, clock: FakeClock
) -> None:
    # A bare client keeps no request: the error's is described from the contract's operation.
    job_id = uuid.uuid4()
    with pytest.raises(NotFoundError) as info:
        wait_for_job(client, job_id, clock=clock, sleep=clock.sleep)
    assert info.value.request is not None
    assert info.value.request.method == "GET"
    assert info.value.request.url.path.endswith(f"/product-photo-jobs/{job_id}")


def test_bad_job_id_is_refused_before_sending(api: FakeApi, client: Any) -> None:
    with pytest.raises(RequestValidationError) as info:
        wait_for_job(client, "../../etc/passwd")
    assert info.value.field == "job_id"
    assert api.requests == []


async def test_async_polls_until_terminal_with_progress(
    api: FakeApi, async_client: Any, clock: FakeClock
) -> None:
    job_id = add_job(api, ["queued", "processing", "completed"])
    seen: list[Progress] = []
    job = await aio.wait_for_job(
        async_client, str(job_id), on_progress=seen.append, clock=clock, sleep=clock.async_sleep
    )
    assert job.status == ProductPhotoJobStatus.COMPLETED
    assert [p.status for p in seen] == ["queued", "processing", "completed"]
    assert clock.sleeps == [2.0, 3.0]


async def test_async_timeout_and_retry_after(api: FakeApi, async_client: Any, clock: FakeClock) -> None:
    job_id = add_job(api, ["processing"])
    api.get_interjections = [envelope(503, "busy", "later", headers={"Retry-After": "9"})]
    with pytest.raises(aio.JobWaitTimeout) as info:
        await aio.wait_for_job(async_client, job_id, timeout=30, clock=clock, sleep=clock.async_sleep)
    assert clock.sleeps[0] == 9.0
    assert info.value.last_status == ProductPhotoJobStatus.PROCESSING
    assert sum(clock.sleeps) == pytest.approx(30)


# The client's own retry layer honours Retry-After too (up to 60 s, twice by default): inside
# wait_for_job it may not wait past the wait's timeout, or timeout=2 could take two minutes.
@pytest.mark.parametrize("asynchronous", [False, True])
async def test_the_retry_layer_stays_within_the_waits_timeout(asynchronous: bool) -> None:
    import httpx
    from aigenstudio import AsyncClient, Client

    served: list[httpx.Request] = []

    def busy(request: httpx.Request) -> httpx.Response:
        served.append(request)
        return httpx.Response(503, headers={"Retry-After": "30"}, json={"error": {"code": "busy"}})

    job_id = uuid.UUID("3f1c2b4a-0000-4000-8000-000000000001")
    kwargs: dict[str, Any] = {"transport": httpx.MockTransport(busy), "max_retries": 2}
    if asynchronous:
        async with AsyncClient("aigen_test_k", **kwargs) as aclient:
            with pytest.raises(JobWaitTimeout):
                await aio.wait_for_job(aclient, job_id, timeout=2.0)
    else:
        with Client("aigen_test_k", **kwargs) as client, pytest.raises(JobWaitTimeout):
            wait_for_job(client, job_id, timeout=2.0)
    # Without the budget the retry layer would have slept 30 s twice and sent 3 requests.
    assert len(served) == 1
