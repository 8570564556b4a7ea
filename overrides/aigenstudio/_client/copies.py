"""Copies of a client with some options changed (``with_options``, ``with_headers``,
``with_timeout``...).

A copy is built from its original's resolved ``Settings`` and ``Options``: the same key and
base URL whatever the environment says at copy time (a copy never reads
``AIGENSTUDIO_API_KEY`` or ``AIGENSTUDIO_BASE_URL`` again). Only the changed options are
checked, with the constructor's own checks. A copy sends on its original's connection pool
(``_http/pools.py``): it opens no sockets of its own, closing it leaves the original working,
and closing the original ends the copy too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Final, Self

import httpx

from .._core.errors import ConfigurationError
from .._http.pools import Pools
from .._http.retries import MAX_RETRIES, RetryPolicy
from .._http.settings import (
    Options,
    Settings,
    check_counts,
    checked_httpx_args,
    checked_timeout,
    credential_header_names,
    credential_headers_error,
)

__all__ = ["UNCHANGED", "Copies", "Unchanged"]

TimeoutTypes = httpx.Timeout | float | None


class Unchanged:
    """The default of ``with_options``'s arguments: keep the original's value."""

    def __repr__(self) -> str:
        return "<unchanged>"


UNCHANGED: Final = Unchanged()


class Copies:
    _settings: Settings
    _options: Options
    _pools: Pools

    def _build(self, settings: Settings, options: Options, parent: Pools | None = None) -> None:
        raise NotImplementedError  # BaseClient composes the client

    def _copy(self, **changes: Any) -> Self:
        copy = object.__new__(type(self))
        copy._build(self._settings, dataclasses.replace(self._options, **changes), self._pools)
        return copy

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | Unchanged = UNCHANGED,
        max_retries: int | Unchanged = UNCHANGED,
        retry_policy: RetryPolicy | Unchanged = UNCHANGED,
        request_id: str | Unchanged | None = UNCHANGED,
        headers: Mapping[str, str] | Unchanged = UNCHANGED,
        max_response_size: int | Unchanged = UNCHANGED,
        max_download_size: int | Unchanged = UNCHANGED,
    ) -> Self:
        """A client like this one with the given options changed, on this one's connection pool.

        ``client.with_options(timeout=5, max_retries=1).product_photo_jobs.get(job_id)``: the
        arguments mean what the constructor's do; ``headers`` are added to this client's. The
        copy needs no closing (closing it stops the copy only); closing this client ends it too.
        The key and base URL stay: another key or API is another ``Client``.
        """
        refused = credential_header_names({"headers": headers})
        if refused:  # dropped first, as in with_headers
            del headers
            raise credential_headers_error(refused)
        changes: dict[str, Any] = {}
        if not isinstance(headers, Unchanged):
            changes["httpx_args"] = self._merged_httpx_arg("headers", headers)
        if not isinstance(timeout, Unchanged):
            changes["timeout"] = checked_timeout(timeout)
        if not isinstance(request_id, Unchanged):
            changes["request_id"] = request_id  # checked where the copy is built
        policy = self._changed_retry_policy(max_retries, retry_policy)
        if policy is not None:
            changes["retry_policy"] = policy
        sizes = {"max_response_size": max_response_size, "max_download_size": max_download_size}
        changes.update((name, value) for name, value in sizes.items() if not isinstance(value, Unchanged))
        options = self._options
        check_counts(
            MAX_RETRIES,
            None,
            changes.get("max_response_size", options.max_response_size),
            changes.get("max_download_size", options.max_download_size),
        )
        return self._copy(**changes)

    def _changed_retry_policy(
        self, max_retries: int | Unchanged, retry_policy: RetryPolicy | Unchanged
    ) -> RetryPolicy | None:
        """The copy's retry policy (checked as the constructor checks it), or None: unchanged."""
        if isinstance(max_retries, Unchanged) and isinstance(retry_policy, Unchanged):
            return None
        retries = MAX_RETRIES if isinstance(max_retries, Unchanged) else max_retries
        policy = None if isinstance(retry_policy, Unchanged) else retry_policy
        check_counts(retries, policy, 1, 1)
        if policy is not None:
            return policy
        return dataclasses.replace(self._options.retry_policy, max_retries=retries)

    def with_timeout(self, timeout: TimeoutTypes) -> Self:
        """A new client like this one with another timeout (seconds, an ``httpx.Timeout`` or None)."""
        return self._copy(timeout=checked_timeout(timeout))

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A new client like this one that also sends ``headers`` (e.g. Prism's ``Prefer``)."""
        refused = credential_header_names({"headers": headers})
        if refused:  # dropped first: no frame of ours keeps a credential's value
            del headers
            raise credential_headers_error(refused)
        return self._copy(httpx_args=self._merged_httpx_arg("headers", headers))

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        return self._copy(httpx_args=self._merged_httpx_arg("cookies", cookies))

    def _merged_httpx_arg(self, name: str, values: object) -> dict[str, Any]:
        if not isinstance(values, Mapping):
            raise ConfigurationError(f"with_{name}() takes a mapping of names to values")
        extra = dict(self._options.httpx_args)
        extra[name] = {**extra.get(name, {}), **values}
        has_transport = self._options.transport is not None
        return checked_httpx_args(extra, self._settings, has_transport=has_transport)
