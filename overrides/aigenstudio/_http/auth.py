"""Bearer authentication as an httpx.Auth, so the key lives in one object that never prints it."""

from __future__ import annotations

from collections.abc import Generator

import httpx

__all__ = ["BearerAuth"]


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <key>``; without a key it adds nothing.

    Whether an operation may go out without a key is decided by the request hook, which knows
    the operation (public operations are allowed, everything else fails before sending).
    """

    __slots__ = ("_header", "_origin")

    def __init__(self, api_key: str | None, base_url: str) -> None:
        self._header = f"Bearer {api_key}" if api_key else None
        url = httpx.URL(base_url)
        # Only the API's own origin gets the key, even if a caller passes an absolute URL.
        self._origin = (url.scheme, url.host, url.port)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._header is not None:
            url = request.url
            if (url.scheme, url.host, url.port) == self._origin:
                request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"BearerAuth(key={'[set]' if self._header else None})"

    def __reduce__(self) -> tuple[object, ...]:  # pickling would copy the key somewhere unseen
        raise TypeError("BearerAuth cannot be pickled")
