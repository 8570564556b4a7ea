"""Copies of a client with one setting changed (``with_headers``, ``with_timeout``...).

A copy is built from its original's resolved ``Settings`` and ``Options``: the same key and
base URL whatever the environment says at copy time (a copy never reads
``AIGENSTUDIO_API_KEY`` or ``AIGENSTUDIO_BASE_URL`` again). Only the changed option is
checked, with the constructor's own checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Self

import httpx

from .._core.errors import ConfigurationError
from .._http.settings import (
    Options,
    Settings,
    checked_httpx_args,
    checked_timeout,
    credential_header_names,
    credential_headers_error,
)

__all__ = ["Copies"]


class Copies:
    _settings: Settings
    _options: Options

    def _build(self, settings: Settings, options: Options) -> None:
        raise NotImplementedError  # BaseClient composes the client

    def _copy(self, **changes: Any) -> Self:
        copy = object.__new__(type(self))
        copy._build(self._settings, dataclasses.replace(self._options, **changes))
        return copy

    def with_timeout(self, timeout: httpx.Timeout | float | None) -> Self:
        """A new client like this one with another timeout: what the constructor takes (seconds,
        an ``httpx.Timeout`` or None)."""
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
