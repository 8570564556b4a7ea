"""Copies of a client with one setting changed (``with_headers``, ``with_timeout``...).

A copy is a new client built from the same constructor arguments, so it runs every check
again; the key travels from the original's settings, never through a second stored copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import httpx

from .._core.errors import ConfigurationError
from .._http.config import Settings

__all__ = ["Copies"]


class Copies:
    _settings: Settings
    _init_args: dict[str, Any]  # the constructor's arguments but the key

    def _copy(self, **changes: Any) -> Self:
        args = {**self._init_args, **changes}
        return type(self)(self._settings.api_key, **args)  # type: ignore[call-arg]

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A new client like this one with another timeout (the generated API, kept working)."""
        return self._copy(timeout=timeout)

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A new client like this one that also sends ``headers`` (e.g. Prism's ``Prefer``)."""
        return self._copy(httpx_args=self._merged_httpx_arg("headers", headers))

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        return self._copy(httpx_args=self._merged_httpx_arg("cookies", cookies))

    def _merged_httpx_arg(self, name: str, values: object) -> dict[str, Any]:
        if not isinstance(values, Mapping):
            raise ConfigurationError(f"with_{name}() takes a mapping of names to values")
        extra = dict(self._init_args["httpx_args"] or {})
        extra[name] = {**extra.get(name, {}), **values}
        return extra
