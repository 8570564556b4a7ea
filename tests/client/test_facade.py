"""The generated resource facade (aigenstudio_client.resources) with our Client / AsyncClient.

``client.<resource>.<verb>(...)`` returns the success model; every other outcome is one of
our typed errors, raised inside the call; ``with_raw_response`` keeps status and headers;
``iter`` follows ``next_cursor`` across pages.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio_client import resources
from aigenstudio_client.models import (
    ProductPhotoJobCreateResponse,
    ProductPhotoJobListResponse,
    ProductPhotoJobStatus,
    ProductPhotoJobStatusResponse,
    ProductPhotoJobSummary,
    ProductPhotoOperationListResponse,
    ProductPhotoPresetListResponse,
)
from aigenstudio_client.resources import AsyncResources, RawResponse, SyncResources

from .conftest import BASE_URL, JOB_ID, SANDBOX_KEY, Recorder, create_body, job_summary

ROOT = Path(__file__).resolve().parents[2]
C1 = "2026-06-01T10:00:00+00:00"
C2 = "2026-05-01T10:00:00+00:00"
ENVELOPE = {"error": {"code": "not_found", "message": "No such job"}, "request_id": "req_404"}


# Until _client.py mixes the resources in, a local subclass does (then these are the clients).
SyncClient: type[Any] = (
    aigenstudio.Client
    if issubclass(aigenstudio.Client, SyncResources)
    else type("SyncClient", (aigenstudio.Client, SyncResources), {})
)
AsyncClient: type[Any] = (
    aigenstudio.AsyncClient
    if issubclass(aigenstudio.AsyncClient, AsyncResources)
    else type("AsyncClient", (aigenstudio.AsyncClient, AsyncResources), {})
)


@pytest.fixture
def sync_client(recorder: Recorder) -> Iterator[Any]:
    with SyncClient(SANDBOX_KEY, base_url=BASE_URL, max_retries=0, transport=recorder.transport()) as client:
        yield client


@pytest.fixture
async def async_client(recorder: Recorder) -> AsyncIterator[Any]:
    async with AsyncClient(
        SANDBOX_KEY, base_url=BASE_URL, max_retries=0, transport=recorder.transport()
    ) as client:
        yield client


def job(n: int) -> dict[str, Any]:
    return {**job_summary(), "id": str(uuid.UUID(int=n))}


def pages(last_cursor: str | None = None) -> Any:
    """Three pages of jobs: 1 2 | 3 4 | 5, linked by next_cursor (the last one's: last_cursor)."""
    listing = {
        None: {"jobs": [job(1), job(2)], "next_cursor": C1, "request_id": "r1"},
        C1: {"jobs": [job(3), job(4)], "next_cursor": C2, "request_id": "r2"},
        C2: {"jobs": [job(5)], "next_cursor": last_cursor, "request_id": "r3"},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=listing[request.url.params.get("cursor")])

    return handler


def ids(jobs: list[ProductPhotoJobSummary]) -> list[int]:
    return [uuid.UUID(str(j.id)).int for j in jobs]


# -- every operation, sync and async ----------------------------------------------------------


def test_every_operation_returns_its_success_model(sync_client: Any, recorder: Recorder) -> None:
    operations = sync_client.product_photo_operations.list()
    assert type(operations) is ProductPhotoOperationListResponse
    assert operations.operations[0].name == "Studio packshot"
    assert type(sync_client.product_photo_presets.list()) is ProductPhotoPresetListResponse

    created = sync_client.product_photo_jobs.create(body=create_body(), idempotency_key="key-12345678")
    assert type(created) is ProductPhotoJobCreateResponse
    assert recorder.last.headers["Idempotency-Key"] == "key-12345678"
    assert (recorder.last.method, recorder.last.url.path) == ("POST", "/api/v1/product-photo-jobs")

    status = sync_client.product_photo_jobs.get(uuid.UUID(JOB_ID))
    assert type(status) is ProductPhotoJobStatusResponse
    assert recorder.last.url.path == f"/api/v1/product-photo-jobs/{JOB_ID}"

    listed = sync_client.product_photo_jobs.list(limit=20, status=ProductPhotoJobStatus.QUEUED)
    assert type(listed) is ProductPhotoJobListResponse
    assert dict(recorder.last.url.params) == {"limit": "20", "status": "queued"}


async def test_every_operation_returns_its_success_model_async(async_client: Any, recorder: Recorder) -> None:
    assert type(await async_client.product_photo_operations.list()) is ProductPhotoOperationListResponse
    assert type(await async_client.product_photo_presets.list()) is ProductPhotoPresetListResponse
    created = await async_client.product_photo_jobs.create(body=create_body(), idempotency_key="key-12345678")
    assert type(created) is ProductPhotoJobCreateResponse
    assert type(await async_client.product_photo_jobs.get(uuid.UUID(JOB_ID))) is ProductPhotoJobStatusResponse
    listed = await async_client.product_photo_jobs.list(limit=20, status=ProductPhotoJobStatus.QUEUED)
    assert type(listed) is ProductPhotoJobListResponse
    assert dict(recorder.last.url.params) == {"limit": "20", "status": "queued"}


def test_x_request_id_is_passed_through(sync_client: Any, recorder: Recorder) -> None:
    sync_client.product_photo_jobs.get(uuid.UUID(JOB_ID), x_request_id="req-mine-1")
    assert recorder.last.headers["X-Request-Id"] == "req-mine-1"


# -- auto-pagination ---------------------------------------------------------------------


def test_iter_follows_next_cursor_across_pages(sync_client: Any, recorder: Recorder) -> None:
    recorder.handler = pages()
    jobs = sync_client.product_photo_jobs.iter(limit=2, status=ProductPhotoJobStatus.QUEUED)
    assert recorder.requests == []  # lazy: nothing before the first item is asked for
    assert ids(list(jobs)) == [1, 2, 3, 4, 5]
    assert [r.url.params.get("cursor") for r in recorder.requests] == [None, C1, C2]
    assert {r.url.params["limit"] for r in recorder.requests} == {"2"}
    assert {r.url.params["status"] for r in recorder.requests} == {"queued"}


async def test_iter_follows_next_cursor_across_pages_async(async_client: Any, recorder: Recorder) -> None:
    recorder.handler = pages()
    assert ids([j async for j in async_client.product_photo_jobs.iter()]) == [1, 2, 3, 4, 5]
    assert [r.url.params.get("cursor") for r in recorder.requests] == [None, C1, C2]


def test_iter_raises_at_a_repeated_cursor(sync_client: Any, recorder: Recorder) -> None:
    # Not a silent, truncated listing: the items so far, then a typed error (like iter_jobs).
    from aigenstudio import PaginationLoopError

    recorder.handler = pages(last_cursor=C1)  # page 3 points back at page 2
    seen: list[Any] = []
    with pytest.raises(PaginationLoopError) as caught:
        seen.extend(sync_client.product_photo_jobs.iter())
    assert ids(seen) == [1, 2, 3, 4, 5]
    assert caught.value.pages == 3
    assert len(recorder.requests) == 3


def test_iter_is_bounded_against_a_listing_without_end(
    sync_client: Any, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime

    from aigenstudio import PaginationLoopError
    from aigenstudio_client import resources

    monkeypatch.setattr(resources, "MAX_PAGES", 50)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    served = iter(range(10_000))

    def endless(request: httpx.Request) -> httpx.Response:
        n = next(served)
        cursor = (start - datetime.timedelta(seconds=n)).isoformat()
        return httpx.Response(200, json={"jobs": [], "request_id": "r", "next_cursor": cursor})

    recorder.handler = endless
    with pytest.raises(PaginationLoopError):
        list(sync_client.product_photo_jobs.iter())
    assert len(recorder.requests) == 50


# -- the raw response --------------------------------------------------------------------


def test_with_raw_response_keeps_status_headers_and_request_id(sync_client: Any, recorder: Recorder) -> None:
    recorder.handler = lambda r: httpx.Response(
        200,
        json={"job": {**job_summary(), "items": []}, "request_id": "req_body"},
        headers={"X-Request-Id": "req_header"},
    )
    raw = sync_client.product_photo_jobs.with_raw_response.get(uuid.UUID(JOB_ID))
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req_header"
    assert raw.request_id == "req_body"  # the rule the errors and last_request_id follow: body, then header
    assert b"req_body" in raw.content
    parsed = raw.parse()
    assert type(parsed) is ProductPhotoJobStatusResponse
    assert parsed.request_id == "req_body"


async def test_with_raw_response_request_id_falls_back_to_the_body(async_client: Any) -> None:
    raw = await async_client.product_photo_jobs.with_raw_response.get(uuid.UUID(JOB_ID))
    assert (raw.status_code, raw.request_id) == (200, "req_server_job")
    assert type(raw.parse()) is ProductPhotoJobStatusResponse
    created = await async_client.product_photo_jobs.with_raw_response.create(
        body=create_body(), idempotency_key="key-12345678"
    )
    assert created.status_code == 201
    assert type(created.parse()) is ProductPhotoJobCreateResponse


# -- typed errors through the facade -------------------------------------------------------


def test_a_404_raises_not_found(sync_client: Any, recorder: Recorder) -> None:
    recorder.handler = lambda r: httpx.Response(404, json=ENVELOPE)
    with pytest.raises(aigenstudio.NotFoundError) as info:
        sync_client.product_photo_jobs.get(uuid.UUID(JOB_ID))
    assert (info.value.status_code, info.value.request_id) == (404, "req_404")
    with pytest.raises(aigenstudio.NotFoundError):
        sync_client.product_photo_jobs.with_raw_response.get(uuid.UUID(JOB_ID))


async def test_a_404_raises_not_found_async(async_client: Any, recorder: Recorder) -> None:
    recorder.handler = lambda r: httpx.Response(404, json=ENVELOPE)
    with pytest.raises(aigenstudio.NotFoundError):
        await async_client.product_photo_jobs.get(uuid.UUID(JOB_ID))


def test_undeclared_statuses_and_broken_bodies_raise_typed_errors(
    sync_client: Any, recorder: Recorder
) -> None:
    recorder.handler = lambda r: httpx.Response(418, json=ENVELOPE)
    with pytest.raises(aigenstudio.APIStatusError) as info:
        sync_client.product_photo_presets.list()
    assert info.value.status_code == 418
    recorder.handler = lambda r: httpx.Response(200, json={"presets": "not a list"})
    with pytest.raises(aigenstudio.APIResponseValidationError):
        sync_client.product_photo_presets.list()


def test_wrong_arguments_raise_before_sending(sync_client: Any, recorder: Recorder) -> None:
    with pytest.raises(aigenstudio.RequestValidationError):
        sync_client.product_photo_jobs.list(limit="20")
    assert recorder.requests == []


# -- the resources on the client ---------------------------------------------------------


def test_resources_are_made_once_per_client_and_bound_to_it(recorder: Recorder) -> None:
    with SyncClient(SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport()) as client:
        jobs = client.product_photo_jobs
        assert client.product_photo_jobs is jobs
        assert jobs.with_raw_response is jobs.with_raw_response
        copy = client.with_timeout(httpx.Timeout(3.0))
        assert copy.product_photo_jobs is not jobs  # a copy calls through itself
        assert copy.product_photo_jobs._client is copy
        copy.close()


def test_resource_names_shadow_no_client_attribute() -> None:
    for mixin, client in [(SyncResources, SyncClient), (AsyncResources, AsyncClient)]:
        names = [name for name, _ in inspect.getmembers(mixin) if not name.startswith("_")]
        assert names == ["product_photo_jobs", "product_photo_operations", "product_photo_presets"]
        for name in names:
            owner = next(cls for cls in client.__mro__ if name in vars(cls))
            assert owner is mixin, f"{client.__name__}.{name} comes from {owner.__name__}"


# -- types -------------------------------------------------------------------------------

RETURNS = {
    ("ProductPhotoJobs", "create"): ProductPhotoJobCreateResponse,
    ("ProductPhotoJobs", "get"): ProductPhotoJobStatusResponse,
    ("ProductPhotoJobs", "list"): ProductPhotoJobListResponse,
    ("ProductPhotoJobs", "iter"): Iterator[ProductPhotoJobSummary],
    ("ProductPhotoOperations", "list"): ProductPhotoOperationListResponse,
    ("ProductPhotoPresets", "list"): ProductPhotoPresetListResponse,
    ("AsyncProductPhotoJobs", "iter"): AsyncIterator[ProductPhotoJobSummary],
    ("ProductPhotoJobsWithRawResponse", "get"): RawResponse[ProductPhotoJobStatusResponse],
}


@pytest.mark.parametrize(("cls", "method"), sorted(RETURNS))
def test_methods_are_annotated_with_the_success_model(cls: str, method: str) -> None:
    hints = typing.get_type_hints(getattr(getattr(resources, cls), method))
    assert hints["return"] == RETURNS[cls, method]


def test_async_twins_return_the_same_models() -> None:
    for name in ["create", "get", "list"]:
        sync = typing.get_type_hints(getattr(resources.ProductPhotoJobs, name))
        twin = getattr(resources.AsyncProductPhotoJobs, name)
        assert inspect.iscoroutinefunction(twin)
        assert typing.get_type_hints(twin) == sync


SNIPPET = """\
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import assert_type

import aigenstudio
from aigenstudio_client.models import (
    ProductPhotoJobCreateRequest, ProductPhotoJobCreateResponse, ProductPhotoJobListResponse,
    ProductPhotoJobStatusResponse, ProductPhotoJobSummary, ProductPhotoOperationListResponse,
)
from aigenstudio_client.resources import AsyncResources, RawResponse, SyncResources


class Client(aigenstudio.Client, SyncResources): ...
class AsyncClient(aigenstudio.AsyncClient, AsyncResources): ...


def sync(client: Client, body: ProductPhotoJobCreateRequest, job_id: uuid.UUID) -> None:
    assert_type(client.product_photo_operations.list(), ProductPhotoOperationListResponse)
    created = client.product_photo_jobs.create(body=body, idempotency_key="k" * 8)
    assert_type(created, ProductPhotoJobCreateResponse)
    assert_type(client.product_photo_jobs.get(job_id), ProductPhotoJobStatusResponse)
    assert_type(client.product_photo_jobs.list(limit=20), ProductPhotoJobListResponse)
    assert_type(client.product_photo_jobs.iter(), Iterator[ProductPhotoJobSummary])
    raw = client.product_photo_jobs.with_raw_response.get(job_id)
    assert_type(raw, RawResponse[ProductPhotoJobStatusResponse])
    assert_type(raw.parse(), ProductPhotoJobStatusResponse)
    assert_type(raw.request_id, str | None)


async def asynchronous(client: AsyncClient, job_id: uuid.UUID) -> None:
    assert_type(await client.product_photo_jobs.get(job_id), ProductPhotoJobStatusResponse)
    assert_type(client.product_photo_jobs.iter(), AsyncIterator[ProductPhotoJobSummary])
    raw = await client.product_photo_jobs.with_raw_response.list()
    assert_type(raw, RawResponse[ProductPhotoJobListResponse])
"""


@pytest.mark.slow
def test_mypy_strict_sees_the_success_models(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy"),
            str(snippet),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
