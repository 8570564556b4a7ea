"""Lazy iteration over every job, following ``next_cursor`` from page to page.

Nothing is requested until the first job is asked for, and a page is fetched only when the
previous one is used up. Iteration stops on a null or absent cursor; a cursor the API
already handed out raises :class:`PaginationLoopError` rather than fetching the same pages
forever.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Iterator
from typing import Any

from aigenstudio_client.models.product_photo_job_list_response import ProductPhotoJobListResponse
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus
from aigenstudio_client.models.product_photo_job_summary import ProductPhotoJobSummary
from aigenstudio_client.types import UNSET

from .._contract.spec import load_spec
from .._core.errors import MAX_PAGES, AigenStudioError, PaginationLoopError, RequestValidationError
from .._workflow.operations import ApiClient, call, call_async

__all__ = ["PaginationLoopError", "iter_jobs", "iter_jobs_async"]

_LIST_OPERATION = "list_product_photo_jobs"
_LIST_OPERATION_ID = "listProductPhotoJobs"


def _strict_status(status: ProductPhotoJobStatus | str) -> ProductPhotoJobStatus:
    # Strict on the way out: a typo must not turn into an unfiltered or empty listing.
    try:
        return ProductPhotoJobStatus(status)
    except ValueError:
        allowed = ", ".join(member.value for member in ProductPhotoJobStatus)
        raise RequestValidationError("status", f"one of {allowed}") from None


def _checked_page_size(page_size: int) -> int:
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise RequestValidationError("page_size", "an integer")
    # The spec's own bounds for `limit` (1-100 today), checked now rather than at the first page.
    operation = load_spec().operations.get(_LIST_OPERATION_ID)
    if operation is not None:
        try:
            operation.validate_arguments(params={"limit": page_size})
        except RequestValidationError as exc:
            raise RequestValidationError(
                "page_size", exc.limit, f"page_size: {exc.limit} (got {page_size})"
            ) from None
    return page_size


class _Pager:
    """The cursor bookkeeping shared by the sync and async iterators."""

    def __init__(self, status: ProductPhotoJobStatus | str | None, page_size: int | None) -> None:
        self._base: dict[str, Any] = {}
        if status is not None:
            self._base["status"] = _strict_status(status)
        if page_size is not None:
            self._base["limit"] = _checked_page_size(page_size)
        self._cursor: datetime.datetime | None = None
        self._seen: set[datetime.datetime] = set()
        self.pages = 0
        self.done = False
        self._problem: AigenStudioError | None = None

    def request_kwargs(self) -> dict[str, Any]:
        return {**self._base, "cursor": UNSET if self._cursor is None else self._cursor}

    def accept(self, page: ProductPhotoJobListResponse) -> list[ProductPhotoJobSummary]:
        """The page's jobs; a bad cursor is raised by :meth:`check` once they are yielded."""
        self.pages += 1
        cursor = page.next_cursor
        if cursor is None or cursor is UNSET:
            self.done = True
        elif not isinstance(cursor, datetime.datetime):
            self._problem = AigenStudioError(
                f"next_cursor {cursor!r} is not a date-time; cannot send it back"
            )
        elif cursor in self._seen or self.pages >= MAX_PAGES:
            self._problem = PaginationLoopError(cursor, self.pages)
        else:
            self._seen.add(cursor)
            self._cursor = cursor
        return list(page.jobs)

    def check(self) -> None:
        if self._problem is not None:
            raise self._problem


def iter_jobs(
    client: ApiClient,
    *,
    status: ProductPhotoJobStatus | str | None = None,
    page_size: int | None = None,
) -> Iterator[ProductPhotoJobSummary]:
    """Yield every job of the key, newest pages first, fetching pages only as they are needed.

    ``status`` filters on the server; ``page_size`` is the per-request ``limit`` (the API's
    default when None). Arguments are checked at once; the first request waits for the
    first ``next()``. Raises :class:`PaginationLoopError` if the API repeats a cursor.
    """
    return _pages(client, _Pager(status, page_size))


def _pages(client: ApiClient, pager: _Pager) -> Iterator[ProductPhotoJobSummary]:
    while not pager.done:
        page = call(client, _LIST_OPERATION, ProductPhotoJobListResponse, **pager.request_kwargs())
        yield from pager.accept(page)
        pager.check()


def iter_jobs_async(
    client: ApiClient,
    *,
    status: ProductPhotoJobStatus | str | None = None,
    page_size: int | None = None,
) -> AsyncIterator[ProductPhotoJobSummary]:
    """The async twin of :func:`iter_jobs`: ``async for job in aio.iter_jobs(client): ...``."""
    return _pages_async(client, _Pager(status, page_size))


async def _pages_async(client: ApiClient, pager: _Pager) -> AsyncIterator[ProductPhotoJobSummary]:
    while not pager.done:
        page = await call_async(
            client, _LIST_OPERATION, ProductPhotoJobListResponse, **pager.request_kwargs()
        )
        for job in pager.accept(page):
            yield job
        pager.check()
