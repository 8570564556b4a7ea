"""What a client is built from: its constructor's arguments and the environment, resolved and
checked once, so a bad one fails at construction with a ConfigurationError naming it (never a
bare error at the first call). ``Settings`` holds the key and base URL, ``Options`` the rest;
a copy of a client is built from its original's, never from the arguments again.

Key rules (vendor docs): ``aigen_test_`` keys are sandbox keys, ``aigen_live_`` keys spend
paid credits; any other prefix is refused unless the caller opts in (self-hosted test
servers). A client may be built without a key: the public operations (spec ``security: []``)
work, every other operation fails before sending with the missing-key error.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from .._core.api_key import APIKey, NotAKey, check_key_characters
from .._core.errors import ConfigurationError
from .._core.redaction import SECRET_HEADERS, fields_repr, redact_url_text, safe_url
from .._core.seconds import is_seconds
from .request_build import header_problem
from .retries import MAX_RETRIES, RetryPolicy

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "LIVE_PREFIX",
    "SANDBOX_PREFIX",
    "KeyKind",
    "Options",
    "Settings",
    "check_counts",
    "checked_httpx_args",
    "checked_timeout",
    "credential_header_names",
    "credential_headers_error",
    "is_loopback_host",
    "key_kind",
    "missing_key_error",
    "resolve_settings",
]

API_KEY_ENV = "AIGENSTUDIO_API_KEY"
BASE_URL_ENV = "AIGENSTUDIO_BASE_URL"
SANDBOX_PREFIX = "aigen_test_"
LIVE_PREFIX = "aigen_live_"
# Jobs are created asynchronously, so no call should take long; the connect limit is short
# so that an unreachable host fails fast.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# Every connection the pool may open may also stay open. With httpx's default of 20 idle,
# 50 concurrent calls against a server of varying latency closed and reopened connections
# continuously (tests/edges: 600 connections for 600 calls); each is a TCP and TLS
# handshake in production. The price, on loopback where handshakes are free: httpcore polls
# every idle connection per request (about 30% of async throughput at 50 concurrent; the
# bench gives raw httpx and the bare client the same limits, so it measures our own work).
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=5.0)

KeyKind = Literal["sandbox", "live", "unknown"]


@dataclass(frozen=True, slots=True)
class Settings:
    api_key: APIKey | None
    key_kind: KeyKind | None
    base_url: str

    def __repr__(self) -> str:  # never the key
        return fields_repr(self, "base_url", "key_kind")


def missing_key_error() -> ConfigurationError:
    return ConfigurationError(
        f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable "
        "(without a key only the public operations, such as the operations and presets "
        "listings, can be called)."
    )


def _is_loopback_address(text: str) -> bool:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine, decided by address, never by the look of a name.

    An IP literal counts when it is a loopback address. The one name that counts is
    ``localhost`` itself, and only when every address it resolves to (from the hosts file,
    on any sane system) is loopback; ``api.localhost`` and other names do not count, since
    what they resolve to is up to the resolver.
    """
    host = host.strip("[]").lower()
    if _is_loopback_address(host):
        return True
    if host.rstrip(".") != "localhost":
        return False
    try:
        found = socket.getaddrinfo("localhost", None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(_is_loopback_address(str(info[4][0])) for info in found)


def key_kind(api_key: str) -> KeyKind:
    """What a key's prefix says it is: ``"sandbox"``, ``"live"`` or ``"unknown"``."""
    if api_key.startswith(SANDBOX_PREFIX):
        return "sandbox"
    if api_key.startswith(LIVE_PREFIX):
        return "live"
    return "unknown"


def _key_kind(api_key: APIKey, allow_unknown_prefix: bool) -> KeyKind:
    kind = key_kind(api_key.reveal())
    if kind != "unknown" or allow_unknown_prefix:
        return kind
    # The message must not quote the key, not even a part of it.
    raise ConfigurationError(
        f"The API key has an unknown prefix: expected {SANDBOX_PREFIX!r} (sandbox) or "
        f"{LIVE_PREFIX!r} (live). Pass allow_unknown_key_prefix=True for a self-hosted test server."
    )


def _check_base_url(base_url: object, has_key: bool) -> str:
    """The base URL to use: checked, without userinfo (the key is the only credential sent).

    Messages quote the URL with any ``user:password@`` redacted, never as given.
    """
    if not isinstance(base_url, str):
        raise ConfigurationError(f"base_url must be a string (got {type(base_url).__name__})")
    shown = redact_url_text(base_url)
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError, UnicodeError):
        # httpx's own message may quote the URL: do not pass it on.
        raise ConfigurationError(f"Invalid base_url {shown!r}: not a valid URL.") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise ConfigurationError(f"Invalid base_url {shown!r}: expected an http(s) URL with a host.")
    if url.query or url.fragment:
        raise ConfigurationError(f"Invalid base_url {shown!r}: a base URL has no query or fragment.")
    if url.scheme == "http" and has_key and not is_loopback_host(url.host):
        raise ConfigurationError(
            f"Refusing to send the API key over plain HTTP to {url.host!r}: use an https:// "
            "base_url (plain http is only allowed for loopback addresses such as 127.0.0.1)."
        )
    return (str(safe_url(url)) if url.userinfo else base_url).rstrip("/")


def _key_from_environment() -> APIKey | None:
    # An empty variable counts as unset; strip tolerates a trailing newline from env files.
    # (This frame cannot raise, so no traceback ever shows its local.)
    text = os.environ.get(API_KEY_ENV, "").strip()
    return APIKey(text) if text else None


def resolve_settings(
    api_key: APIKey | NotAKey | None, base_url: str | None, *, allow_unknown_key_prefix: bool
) -> Settings:
    """Resolve the key and base URL (argument, else environment, else the spec's server).

    ``api_key`` is what the caller passed, already through ``conceal`` (an APIKey, None or a
    NotAKey naming a wrong type): no frame here holds the key as text.
    """
    if isinstance(api_key, NotAKey):
        raise ConfigurationError(f"api_key must be a string (got {api_key.type_name})")
    if api_key is not None and not api_key.reveal():
        raise ConfigurationError("api_key is empty: pass a key or omit the argument.")
    key = api_key if api_key is not None else _key_from_environment()
    if key is not None:
        check_key_characters(key)
    kind = _key_kind(key, allow_unknown_key_prefix) if key is not None else None
    url = base_url or os.environ.get(BASE_URL_ENV) or None
    if url is None:
        from .._contract.spec import load_spec  # the spec is parsed only when it is needed

        url = load_spec().server_url
    return Settings(api_key=key, key_kind=kind, base_url=_check_base_url(url, key is not None))


# -- the other options ----------------------------------------------------------------------

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
    max_download_size: int
    # False: a 2xx body that breaks the response schema is read as it is, with a warning.
    strict_response_validation: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.strict_response_validation, bool):
            raise ConfigurationError(
                f"strict_response_validation must be True or False (got {self.strict_response_validation!r})"
            )

    def __repr__(self) -> str:  # not httpx_args: cookies are credentials too
        return fields_repr(
            self,
            "timeout",
            "retry_policy",
            "request_id",
            "max_response_size",
            "max_download_size",
            "strict_response_validation",
        )


def check_counts(
    max_retries: object, retry_policy: object, max_response_size: object, max_download_size: object
) -> None:
    """The retry and size options: integers in range, one retry count."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0 (got {max_retries!r})")
    for name, size in (("max_response_size", max_response_size), ("max_download_size", max_download_size)):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ConfigurationError(f"{name} must be a positive integer (got {size!r})")
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


def credential_header_names(httpx_args: object) -> list[str]:
    """The credential headers (``Authorization``, ``Cookie``, ``X-Api-Key``...) among
    ``httpx_args["headers"]``, by name only; never raises.

    Called first, by the constructor and by ``with_headers``, which drop their argument
    before raising ``credential_headers_error``: frame-locals capture (Sentry, ``traceback``
    with ``capture_locals=True``) then finds no header value, the key included, in any frame.
    """
    headers = httpx_args.get("headers") if isinstance(httpx_args, Mapping) else None
    if not isinstance(headers, Mapping):
        return []
    names = (n.decode("latin-1") if isinstance(n, bytes) else n for n in headers)
    found = {name for name in names if isinstance(name, str) and name.lower() in SECRET_HEADERS}
    return sorted(found, key=str.lower)


def credential_headers_error(names: list[str]) -> ConfigurationError:
    """A credential header would bypass the key's rules (origin-only, never over plain HTTP to
    a remote host, sandbox/live kinds) and BearerAuth would overwrite Authorization anyway."""
    return ConfigurationError(
        f"httpx_args header(s) {', '.join(names)} carry credentials and are refused: pass the "
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
