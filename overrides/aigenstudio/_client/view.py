"""What callers read of a client: its URL, key kind, request ids; and how it prints and compares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .._http.request_id import Exchange, RequestIdState
from .._http.settings import KeyKind, Settings

__all__ = ["ClientView"]


class ClientView:
    _settings: Settings
    _request_ids: RequestIdState

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def key_kind(self) -> KeyKind | None:
        """``"sandbox"``, ``"live"``, ``"unknown"`` (allowed unknown prefix) or None (no key)."""
        return self._settings.key_kind

    @property
    def is_sandbox(self) -> bool:
        """True for an ``aigen_test_`` key: requests are validated and simulated, nothing is charged."""
        return self._settings.key_kind == "sandbox"

    @property
    def has_api_key(self) -> bool:
        return self._settings.api_key is not None

    @property
    def key_fingerprint(self) -> str | None:
        """12 hex digits that name the key without revealing it (None without a key); the
        catalog journal records it to resume a batch with the key that created it."""
        key = self._settings.api_key
        return None if key is None else key.fingerprint()

    @property
    def last_request_id(self) -> str | None:
        """The request id of the last exchange in this context (thread or task), else of this client."""
        return self._request_ids.last

    @property
    def last_exchange(self) -> Exchange | None:
        """This context's last answered call (its request id, attempts and start), which
        ``with_raw_response`` reads for ``request_id``, ``retries_taken`` and ``elapsed``."""
        return self._request_ids.last_exchange

    @property
    def request_id(self) -> str | None:
        """The client-wide default X-Request-Id (None: a fresh id per request)."""
        return self._request_ids.default

    @contextmanager
    def request_id_scope(self, request_id: str) -> Iterator[str]:
        """Send ``request_id`` on every request made in this block (this thread or task only)."""
        with self._request_ids.scope(request_id) as value:
            yield value

    def __repr__(self) -> str:
        # Also for a client whose constructor failed: tracebacks with locals repr ``self``.
        settings = getattr(self, "_settings", None)
        if settings is None:
            return f"{type(self).__name__}(<not built>)"
        return f"{type(self).__name__}(base_url={settings.base_url!r}, key_kind={settings.key_kind!r})"

    __str__ = __repr__
