"""The client's constructor options, checked once, so a bad one fails at construction.

Every refusal is a ConfigurationError naming the option, never a bare error at the first call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .._core.errors import ConfigurationError
from .._core.redaction import SECRET_HEADERS, fields_repr
from .._core.seconds import is_seconds
from .config import Settings, is_loopback_host
from .outgoing import header_problem
from .retries import MAX_RETRIES, RetryPolicy

__all__ = ["Options", "check_counts", "checked_httpx_args", "checked_timeout"]

# httpx_args we manage ourselves; passing them would silently drop a safety layer.
_RESERVED_HTTPX_ARGS = frozenset({"auth", "base_url", "transport", "mounts", "app", "proxies", "timeout"})


@dataclass(frozen=True, repr=False)
class Options:
    """Every constructor option but the key and base URL (those are ``Settings``), checked and
    resolved: what a client is built from, and what its copies are built from again."""

    timeout: httpx.Timeout | None
    retry_policy: RetryPolicy
    request_id: str | None
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None
    max_response_size: int
    httpx_args: dict[str, Any]

    def __repr__(self) -> str:  # not httpx_args: cookies are credentials too
        return fields_repr(self, "timeout", "retry_policy", "request_id", "max_response_size")


def check_counts(max_retries: object, retry_policy: object, max_response_size: object) -> None:
    """The retry and size options: integers in range, one retry count."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0 (got {max_retries!r})")
    if isinstance(max_response_size, bool) or not isinstance(max_response_size, int) or max_response_size < 1:
        raise ConfigurationError(f"max_response_size must be a positive integer (got {max_response_size!r})")
    if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
        raise ConfigurationError(f"retry_policy must be a RetryPolicy (got {type(retry_policy).__name__})")
    if retry_policy is not None and max_retries not in (MAX_RETRIES, retry_policy.max_retries):
        raise ConfigurationError("pass max_retries= or retry_policy=, not two different retry counts")


def checked_httpx_args(httpx_args: object, settings: Settings, *, has_transport: bool) -> dict[str, Any]:
    """``httpx_args`` as a dict, refused here (not at the first call) when it cannot work."""
    if httpx_args is None:
        return {}
    if not isinstance(httpx_args, Mapping) or not all(isinstance(k, str) for k in httpx_args):
        raise ConfigurationError("httpx_args must be a dict of httpx.Client keyword arguments")
    extra = dict(httpx_args)
    reserved = sorted(_RESERVED_HTTPX_ARGS & extra.keys())
    if reserved:
        raise ConfigurationError(
            f"httpx_args may not set {', '.join(reserved)}: use the Client's own arguments "
            "(api_key=, base_url=, timeout=, transport=)."
        )
    headers = extra.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise ConfigurationError("httpx_args headers must be a mapping of header names to values")
    for name, value in headers.items():
        # Client-wide headers are text (checked here once); only per-call values may be bytes.
        text = isinstance(name, str) and isinstance(value, str)
        problem = header_problem(name, value) if text else "names and values must be strings"
        if problem is not None:
            raise ConfigurationError(f"httpx_args header {name!r}: {problem}")
    _refuse_credential_headers(headers)
    url = httpx.URL(settings.base_url)
    if not isinstance(extra.get("event_hooks") or {}, Mapping):
        raise ConfigurationError("httpx_args event_hooks must be a dict of 'request'/'response' lists")
    if extra.get("proxy") is not None:
        if has_transport:
            raise ConfigurationError(
                "httpx_args proxy= configures the default transport; with transport= set the proxy on it."
            )
        if is_loopback_host(url.host):
            raise ConfigurationError(
                "httpx_args proxy= with a loopback base_url: the key would cross a plain-HTTP hop; "
                "a loopback API is reached directly."
            )
    return extra


def _refuse_credential_headers(headers: Mapping[str, str]) -> None:
    """A credential header would bypass the key's rules (origin-only, never over plain HTTP to
    a remote host, sandbox/live kinds) and BearerAuth would overwrite Authorization anyway."""
    secret = sorted({name for name in headers if name.lower() in SECRET_HEADERS}, key=str.lower)
    if secret:
        raise ConfigurationError(
            f"httpx_args header(s) {', '.join(secret)} carry credentials and are refused: pass the "
            "API key as api_key= (sent as Authorization: Bearer to the API's own origin only)."
        )


def checked_timeout(timeout: object) -> httpx.Timeout | None:
    """The timeout as httpx.Timeout; every part a finite number of seconds >= 0, or None."""
    if timeout is None:
        return None
    if not isinstance(timeout, httpx.Timeout):
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise ConfigurationError(f"timeout must be seconds, an httpx.Timeout or None (got {timeout!r})")
        timeout = httpx.Timeout(timeout)
    for phase, value in timeout.as_dict().items():
        if value is not None and not is_seconds(value):
            raise ConfigurationError(
                f"timeout {phase} must be a finite number of seconds >= 0 (got {value!r})"
            )
    return timeout
