"""iter_jobs: lazy, cursor-following, stops on a null cursor, refuses a repeated cursor."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aigenstudio import aio
from aigenstudio._core.errors import AuthenticationError, RequestValidationError
from aigenstudio._workflow.pagination import PaginationLoopError, iter_jobs
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus

from .conftest import FakeApi, envelope, make_client

C1 = "2026-06-01T10:00:00+00:00"
C2 = "2026-05-01T10:00:00+00:00"


def job(n: int, status: str = "completed") -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=n)),
        "status": status,
        "total_items": 1,
        "credits_reserved": 1,
        "sandbox": True,
    }


def three_pages(api: FakeApi, last_cursor: str | None = None, *, omit_last: bool = False) -> None:
    api.list_pages = {
        None: {"jobs": [job(1), job(2)], "next_cursor": C1, "request_id": "r1"},
        C1: {"jobs": [job(3), job(4)], "next_cursor": C2, "request_id": "r2"},
        C2: {"jobs": [job(5)], "request_id": "r3"}
        if omit_last
        else {"jobs": [job(5)], "next_cursor": last_cursor, "request_id": "r3"},
    }


def ids(jobs: list[Any]) -> list[int]:
    return [j.id.int for j in jobs]


def test_follows_cursors_across_pages_until_null(api: FakeApi, client: Any) -> None:
    three_pages(api)
    assert ids(list(iter_jobs(client))) == [1, 2, 3, 4, 5]
    cursors = [r.url.params.get("cursor") for r in api.requests]
    assert cursors == [None, C1, C2]


def test_absent_cursor_also_stops(api: FakeApi, client: Any) -> None:
    three_pages(api, omit_last=True)
    assert ids(list(iter_jobs(client))) == [1, 2, 3, 4, 5]
    assert len(api.requests) == 3


def test_is_lazy_page_by_page(api: FakeApi, client: Any) -> None:
    three_pages(api)
    jobs = iter_jobs(client)
    assert api.requests == []  # nothing before the first next()
    assert next(jobs).id.int == 1
    assert len(api.requests) == 1
    next(jobs)
    assert len(api.requests) == 1  # the second job is on the page already fetched
    next(jobs)
    assert len(api.requests) == 2


def test_repeated_cursor_raises_instead_of_looping(api: FakeApi, client: Any) -> None:
    three_pages(api, last_cursor=C1)  # page 3 points back to page 2
    jobs = iter_jobs(client)
    assert [next(jobs).id.int for _ in range(5)] == [1, 2, 3, 4, 5]  # every job once...
    with pytest.raises(PaginationLoopError) as info:
        next(jobs)  # ...then a clear stop instead of page 2 again
    assert len(api.requests) == 3
    assert info.value.pages == 3


def test_status_and_page_size_are_sent(api: FakeApi, client: Any) -> None:
    api.list_pages = {None: {"jobs": [job(1, "failed")], "next_cursor": None, "request_id": "r"}}
    jobs = list(iter_jobs(client, status="failed", page_size=50))
    assert [j.status for j in jobs] == [ProductPhotoJobStatus.FAILED]
    params = api.requests[0].url.params
    assert params["status"] == "failed"
    assert params["limit"] == "50"


def test_bad_arguments_fail_at_call_time_without_requests(api: FakeApi, client: Any) -> None:
    with pytest.raises(RequestValidationError) as info:
        iter_jobs(client, status="done")
    assert info.value.field == "status"
    for bad in (0, 101):
        with pytest.raises(RequestValidationError) as info:
            iter_jobs(client, page_size=bad)
        assert info.value.field == "page_size"
    assert "at most 100" in str(info.value)
    assert api.requests == []


@pytest.mark.parametrize("kind", ["bare", "ours"])
def test_api_error_is_typed(kind: str) -> None:
    client = make_client(kind, lambda request: envelope(401, "invalid_api_key", "bad key"))
    with pytest.raises(AuthenticationError) as info:
        next(iter_jobs(client))
    assert info.value.code == "invalid_api_key"
    assert info.value.request is not None
    assert info.value.request.url.path.endswith("/product-photo-jobs")


async def test_async_follows_cursors_and_is_lazy(api: FakeApi, async_client: Any) -> None:
    three_pages(api)
    jobs = aio.iter_jobs(async_client)
    assert api.requests == []
    collected = [j async for j in jobs]
    assert ids(collected) == [1, 2, 3, 4, 5]
    assert [r.url.params.get("cursor") for r in api.requests] == [None, C1, C2]


async def test_async_repeated_cursor_raises(api: FakeApi, async_client: Any) -> None:
    three_pages(api, last_cursor=C2)  # page 3 repeats its own cursor
    jobs = aio.iter_jobs(async_client)
    assert [(await anext(jobs)).id.int for _ in range(5)] == [1, 2, 3, 4, 5]
    with pytest.raises(aio.PaginationLoopError):
        await anext(jobs)
    assert len(api.requests) == 3
