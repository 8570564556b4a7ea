"""Bearer authentication as an httpx.Auth, so the key lives in one object that never prints it."""

from __future__ import annotations

from collections.abc import Generator

import httpx

from .._core.api_key import APIKey

__all__ = ["BearerAuth"]


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <key>``; without a key it adds nothing.

    Whether an operation may go out without a key is decided by the request hook, which knows
    the operation (public operations are allowed, everything else fails before sending).
    The key's text is revealed only inside the header assignment: no attribute or local
    holds it as a str.
    """

    __slots__ = ("_key", "_origin")

    def __init__(self, api_key: APIKey | None, base_url: str) -> None:
        self._key = api_key
        url = httpx.URL(base_url)
        # Only the API's own origin gets the key, even if a caller passes an absolute URL.
        self._origin = (url.scheme, url.host, url.port)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._key is not None and (request.url.scheme, request.url.host, request.url.port) == self._origin:
            request.headers["Authorization"] = "Bearer " + self._key.reveal()
        yield request

    def __repr__(self) -> str:  # also on a half-built one (object.__new__, a failed __init__)
        return f"BearerAuth(key={'[set]' if getattr(self, '_key', None) is not None else None})"

    def __reduce__(self) -> tuple[object, ...]:  # pickling would copy the key somewhere unseen
        raise TypeError("BearerAuth cannot be pickled")
