"""``Client`` and ``AsyncClient``: the generated client with the resource facade, auth,
request ids, checks and typed errors."""

from __future__ import annotations

from typing import NoReturn, Self

from aigenstudio_client.resources import AsyncResources, SyncResources

from .base import BaseClient

__all__ = ["AsyncClient", "Client"]

_PARAMETERS = """
    Args:
        api_key: The API key (``aigen_test_...`` sandbox, ``aigen_live_...`` live); default
            ``AIGENSTUDIO_API_KEY``. Without one, only the spec's public operations work.
        base_url: The API's URL; default ``AIGENSTUDIO_BASE_URL``, else the spec's server.
            Plain ``http://`` only for a loopback host; user:password in it is dropped.
        timeout: Seconds (or an ``httpx.Timeout``) for each attempt; None waits forever.
        max_retries: Retries of a safe request (GET, or a create with an idempotency key)
            after a connection error, 429 or 5xx; 0 turns retrying off.
        retry_policy: A ``RetryPolicy`` for backoff, caps and a total time budget
            (overrides ``max_retries``).
        request_id: An ``X-Request-Id`` for every request (default: a fresh id for each).
        allow_unknown_key_prefix: Accept a key of neither prefix (a self-hosted test server).
        transport: An httpx transport in place of the SDK's connection pool, under its sending
            transport (tests, custom networking).
        max_response_size: Bytes a response body may have before the read is refused.
        max_download_size: Bytes a download (an image, a PDF, an archive: a body of bytes the
            caller streams) may have: a larger declared length is refused up front, a longer
            body is cut off at the limit.
        strict_response_validation: False reads a 2xx body that breaks the spec's response
            schema as it is, with a warning (for a live API that drifted from the spec); a body
            no model can hold still raises. Default True: APIResponseValidationError.
        httpx_args: Further ``httpx.Client`` arguments (``headers``, ``limits``, ``proxy``,
            ``verify``, ``event_hooks``...); credential headers and redirects are refused.
"""


class Client(BaseClient, SyncResources):
    __doc__ = (
        """The AI Gen Studio client: ``client.<resource>.<verb>(...)`` returns the success model.

    The resources (``client.product_photo_jobs.get(job_id)``, ``.list()``, ``.iter()``,
    ``.create(...)``, ``.with_raw_response...``) are generated from the spec; every other
    outcome raises a typed error (``aigenstudio.NotFoundError``...). The generated endpoint
    functions accept this client too. Use it as ``with Client() as client:`` or call
    ``close()``.
"""
        + _PARAMETERS
    )

    def close(self) -> None:
        """Close the connection pool (``with Client() as client`` does it on leaving)."""
        self._pools.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


class AsyncClient(BaseClient, AsyncResources):
    __doc__ = (
        """The async twin of :class:`Client`, with the same parameters:
    ``async with AsyncClient() as client``, then ``await client.product_photo_jobs.get(job_id)``.
"""
        + _PARAMETERS
    )

    async def close(self) -> None:
        """Close every connection pool this client opened (as ``aclose()``, and as leaving
        ``async with AsyncClient() as client`` does)."""
        await self.aclose()

    def __enter__(self) -> NoReturn:
        raise TypeError("use 'async with AsyncClient() as client' (a plain 'with' would close nothing)")
