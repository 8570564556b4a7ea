"""The client's constructor options, checked once, so a bad one fails at construction.

Every refusal is a ConfigurationError naming the option, never a bare error at the first call.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import httpx

from ._config import Settings, is_loopback_host
from ._errors import ConfigurationError
from ._redaction import SECRET_HEADERS
from ._request_id import header_value_problem

__all__ = ["checked_httpx_args", "checked_timeout"]

# httpx_args we manage ourselves; passing them would silently drop a safety layer.
_RESERVED_HTTPX_ARGS = frozenset({"auth", "base_url", "transport", "mounts", "app", "proxies", "timeout"})


def checked_httpx_args(httpx_args: object, settings: Settings) -> dict[str, Any]:
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
        problem = "must be a string" if not isinstance(value, str) else header_value_problem(value)
        if not isinstance(name, str) or problem is not None:
            raise ConfigurationError(f"httpx_args header {name!r}: {problem or 'the name must be a string'}")
    url = httpx.URL(settings.base_url)
    secret = sorted(name for name in headers if name.lower() in SECRET_HEADERS)
    if secret and url.scheme == "http" and not is_loopback_host(url.host):
        raise ConfigurationError(
            f"Refusing to send the credential header(s) {', '.join(secret)} over plain HTTP to "
            f"{url.host!r}: use an https:// base_url (and api_key= for the API key)."
        )
    if not isinstance(extra.get("event_hooks") or {}, Mapping):
        raise ConfigurationError("httpx_args event_hooks must be a dict of 'request'/'response' lists")
    return extra


def checked_timeout(timeout: object) -> httpx.Timeout | None:
    """The timeout as httpx.Timeout; every part a finite number of seconds >= 0, or None."""
    if timeout is None:
        return None
    if not isinstance(timeout, httpx.Timeout):
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise ConfigurationError(f"timeout must be seconds, an httpx.Timeout or None (got {timeout!r})")
        timeout = httpx.Timeout(timeout)
    for phase, value in timeout.as_dict().items():
        # TIMEOUT_MAX: the longest wait the platform can express (larger values overflow later).
        if value is not None and (isinstance(value, bool) or not 0 <= value <= threading.TIMEOUT_MAX):
            raise ConfigurationError(
                f"timeout {phase} must be a finite number of seconds >= 0 (got {value!r})"
            )
    return timeout
