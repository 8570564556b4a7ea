"""Every job of the key, page after page: a thin helper over the facade's ``iter()``.

``client.product_photo_jobs.iter(...)`` (generated) follows ``next_cursor`` lazily and raises
:class:`PaginationLoopError` on a repeated cursor or a listing without end. ``iter_jobs``
adds what a helper promises beyond it: the arguments are checked at once (not at the first
``next()``), ``page_size`` names the per-request ``limit``, a status string is strict, and a
bare generated client gets the same typed errors as ours.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus
from aigenstudio_client.models.product_photo_job_summary import ProductPhotoJobSummary

from .._contract.spec import load_spec
from .._core.errors import PaginationLoopError, RequestValidationError
from .api_calls import ApiClient, async_jobs, jobs, typed_error

__all__ = ["PaginationLoopError", "iter_jobs", "iter_jobs_async"]

# The generated function's name: the contract's key for the operation (Spec.named), and the
# name an error from a bare client describes. tests/pipeline/test_helpers_typed.py checks that
# every operation a helper names is in the contract.
_LIST_OPERATION = "list_product_photo_jobs"


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
    operation = load_spec().named.get(_LIST_OPERATION)
    if operation is not None:
        try:
            operation.validate_arguments(params={"limit": page_size})
        except RequestValidationError as exc:
            raise RequestValidationError(
                "page_size", exc.limit, f"page_size: {exc.limit} (got {page_size})"
            ) from None
    return page_size


def _status_filter(status: ProductPhotoJobStatus | str | None) -> ProductPhotoJobStatus | None:
    return None if status is None else _strict_status(status)


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
    # Typed keyword arguments, never a **dict: a spec that drops, renames or widens a parameter
    # fails mypy on this call. No page_size: the facade's own default limit goes out.
    filtered, resource = _status_filter(status), jobs(client)
    if page_size is None:
        return _typed(client, resource.iter(status=filtered))
    return _typed(client, resource.iter(status=filtered, limit=_checked_page_size(page_size)))


def _typed(client: ApiClient, items: Iterator[ProductPhotoJobSummary]) -> Iterator[ProductPhotoJobSummary]:
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as exc:
            error = typed_error(exc, client.get_httpx_client, _LIST_OPERATION, {})
            if error is None:
                raise
        else:
            yield item
            continue
        raise error  # outside the except block: no __context__ keeps the original


def iter_jobs_async(
    client: ApiClient,
    *,
    status: ProductPhotoJobStatus | str | None = None,
    page_size: int | None = None,
) -> AsyncIterator[ProductPhotoJobSummary]:
    """The async twin of :func:`iter_jobs`: ``async for job in aio.iter_jobs(client): ...``."""
    filtered, resource = _status_filter(status), async_jobs(client)  # typed, as in iter_jobs
    if page_size is None:
        return _typed_async(client, resource.iter(status=filtered))
    return _typed_async(client, resource.iter(status=filtered, limit=_checked_page_size(page_size)))


async def _typed_async(
    client: ApiClient, items: AsyncIterator[ProductPhotoJobSummary]
) -> AsyncIterator[ProductPhotoJobSummary]:
    while True:
        try:
            item = await anext(items)
        except StopAsyncIteration:
            return
        except Exception as exc:
            error = typed_error(exc, client.get_async_httpx_client, _LIST_OPERATION, {})
            if error is None:
                raise
        else:
            yield item
            continue
        raise error
