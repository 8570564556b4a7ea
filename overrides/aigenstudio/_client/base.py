"""What ``Client`` and ``AsyncClient`` share: a generated client composed with our parts.

It subclasses the generated ``aigenstudio_client.client.Client`` (so every generated
endpoint function accepts it). What it hands the generated code through
``get_httpx_client()`` / ``get_async_httpx_client()`` is built by
``_http/httpx_clients.py`` and kept by ``_http/pools.py``; this module only composes them.

The constructor resolves its arguments once (``Settings`` for the key and URL, ``Options``
for the rest) and builds from those in ``_build``; a copy (``copies.py``) builds from its
original's resolved ones, never from the arguments or the environment again.
"""

from __future__ import annotations

from typing import Any, Self

import httpx
from aigenstudio_client.client import Client as _GeneratedClient

from .._contract.arguments import check_request_body, request_error
from .._core.api_key import conceal
from .._core.errors import ConfigurationError, PaginationLoopError
from .._http.attempt import DEFAULT_MAX_RESPONSE_SIZE
from .._http.auth import BearerAuth
from .._http.download import DEFAULT_MAX_DOWNLOAD_SIZE
from .._http.hooks import RequestHooks
from .._http.httpx_clients import HttpxClients
from .._http.pools import Pools
from .._http.request_id import RequestIdState
from .._http.response_check import parse_error
from .._http.retries import MAX_RETRIES, RetryPolicy
from .._http.settings import (
    DEFAULT_TIMEOUT,
    Options,
    Settings,
    check_counts,
    checked_httpx_args,
    checked_timeout,
    credential_header_names,
    credential_headers_error,
    resolve_settings,
)
from .._version import __version__
from .copies import Copies
from .view import ClientView

__all__ = ["USER_AGENT", "BaseClient"]

USER_AGENT = f"aigenstudio-python/{__version__}"

TimeoutTypes = httpx.Timeout | float | None


class _RefusedSetters:
    # The generated client's setters would swap out every layer above (auth, checks, retries,
    # typed errors) and were silently ignored: refused, with what to use instead.
    def set_httpx_client(self, client: httpx.Client) -> Self:
        raise _no_httpx_client_setter("set_httpx_client")

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        raise _no_httpx_client_setter("set_async_httpx_client")


class BaseClient(ClientView, Copies, _RefusedSetters, _GeneratedClient):
    """Settings, the httpx clients and the pools composed into a generated client."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        request_id: str | None = None,
        allow_unknown_key_prefix: bool = False,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        httpx_args: dict[str, Any] | None = None,
        max_download_size: int = DEFAULT_MAX_DOWNLOAD_SIZE,
        strict_response_validation: bool = True,
    ) -> None:
        # Error trackers and traceback(capture_locals=True) record every local of this frame:
        # from the first line on, the key is an APIKey (redacted repr), never text.
        key = conceal(api_key)
        del api_key
        refused = credential_header_names(httpx_args)  # their values (a key) leave this frame first
        if refused:
            del httpx_args
            raise credential_headers_error(refused)
        settings = resolve_settings(key, base_url, allow_unknown_key_prefix=allow_unknown_key_prefix)
        check_counts(max_retries, retry_policy, max_response_size, max_download_size)
        options = Options(
            timeout=checked_timeout(timeout),
            # retry_policy= tunes backoff and caps too; max_retries= is the common shorthand.
            retry_policy=retry_policy or RetryPolicy(max_retries=max_retries),
            request_id=request_id,
            transport=transport,
            max_response_size=max_response_size,
            max_download_size=max_download_size,
            httpx_args=checked_httpx_args(httpx_args, settings, has_transport=transport is not None),
            strict_response_validation=strict_response_validation,
        )
        self._build(settings, options)

    def _build(self, settings: Settings, options: Options, parent: Pools | None = None) -> None:
        """Compose the client from resolved settings and options (the constructor's or an
        original's); a copy sends on its original's connection pool (``parent``)."""
        super().__init__(base_url=settings.base_url, timeout=options.timeout)
        self._settings: Settings = settings
        self._options: Options = options
        self._request_ids = RequestIdState(options.request_id)
        self._hooks = RequestHooks(settings, self._request_ids, strict=options.strict_response_validation)
        clients = HttpxClients(
            settings=settings,
            auth=BearerAuth(settings.api_key, settings.base_url),
            hooks=self._hooks,
            retry_policy=options.retry_policy,
            timeout=options.timeout,
            transport=options.transport,
            httpx_args=options.httpx_args,
            max_response_size=options.max_response_size,
            max_download_size=options.max_download_size,
            user_agent=USER_AGENT,
        )
        self._pools = Pools(type(self).__name__, clients, parent)

    # attrs' field-wise equality would make two clients with one URL "equal"; identity is
    # right, and hashing must agree with it (clients as dict keys, in sets, in caches).
    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__  # type: ignore[assignment]  # attrs' eq=True set it to None

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds an API key)")

    # -- the generated client's extension points ---------------------------------------

    # The generated endpoint functions raise what this returns for a wrong-typed argument
    # (aigenstudio_client.errors.argument_error), before anything is sent.
    convert_invalid_argument = staticmethod(request_error)

    # The facade checks a body built from keyword arguments here (aigenstudio_client.errors.
    # check_body) against the spec, before its model is built: RequestValidationError.
    check_request_body = staticmethod(check_request_body)

    # What the facade's iter() raises for a repeated cursor or a listing without end.
    convert_pagination_error = staticmethod(PaginationLoopError)

    # And what they raise for a response body their models cannot read
    # (aigenstudio_client.errors.parse_error): APIResponseValidationError with the request id.
    @staticmethod
    def convert_parse_error(response: httpx.Response, error: Exception) -> Exception:
        return parse_error(response, error) or error

    def get_httpx_client(self) -> httpx.Client:
        return self._pools.sync()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self._pools.async_()

    # -- lifetime ------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close every connection pool this client opened."""
        await self._pools.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


def _no_httpx_client_setter(name: str) -> ConfigurationError:
    return ConfigurationError(
        f"{name}() is not supported: the client builds its own httpx clients (auth, request "
        "checks, retries, typed errors). Pass transport= (an httpx transport) or httpx_args= "
        "(limits, proxy, verify, headers, event_hooks...) to the constructor instead."
    )
