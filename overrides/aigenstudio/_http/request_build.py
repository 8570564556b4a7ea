"""Checks on a request's parts before httpx encodes or normalises them.

httpx turns header values into bytes (a non-ASCII value raises ``UnicodeEncodeError``) and
removes ``.``/``..`` segments from paths (``/jobs/..`` becomes another endpoint) while it
builds the request, before any event hook can look. So the client's httpx classes check in
``build_request``, httpx's documented step between arguments and request, and raise
RequestValidationError naming the argument: nothing is sent.

A generated call checks its own path arguments (in ``_get_kwargs``, by their names) and names
its operation in the request's extensions; only the path of a request made by hand (no
operation named) is checked here, as a whole ("path").

The same classes keep the client's cookies in a ``SetCookieJar``: httpx hands every response
to the cookie jar, and the standard library's builds a urllib request and an email message
from all its headers first (about as much work as the rest of our response checks); a
response that sets no cookie skips that and changes nothing, one that does is stored as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .._contract.extensions import FORM_BODY_EXTENSION, JSON_BODY_EXTENSION, OPERATION_EXTENSION
from .._core.errors import RequestValidationError
from .request_id import header_value_problem

__all__ = [
    "AsyncCheckedHttpClient",
    "CheckedHttpClient",
    "SetCookieJar",
    "check_outgoing",
    "header_problem",
]


# (the request's operation, if it names one; a header's name) -> the argument it is passed as.
HeaderNamer = Callable[[str | None, str], str]

# Headers that say where a request goes and how it is framed: httpx sets them from the URL
# and the body; a caller's value would send the key to another virtual host or desync it.
FRAMING_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
FRAMING_RULE = "is set by the client from the URL and the body, never by hand"
_TRAVERSAL_LIMIT = "must not be empty, '.' or '..' (that would change which endpoint is called)"


def header_problem(name: object, value: object) -> str | None:
    """Why header ``name: value`` cannot go out as given (per call or client-wide), or None."""
    if not isinstance(name, str | bytes):
        return "the name must be a string"
    if (name.decode("latin-1") if isinstance(name, bytes) else name).lower() in FRAMING_HEADERS:
        return FRAMING_RULE
    if isinstance(value, bytes):
        return None  # already encoded by the caller
    if not isinstance(value, str):
        return f"must be a string (got {type(value).__name__})"
    return header_value_problem(value)


def _check_headers(headers: Any, operation: str | None, namer: HeaderNamer | None) -> None:
    if headers is None:
        return
    items = headers.items() if isinstance(headers, Mapping | httpx.Headers) else headers
    for name, value in items:
        problem = header_problem(name, value)
        if problem is not None:
            header = name.decode("latin-1") if isinstance(name, bytes) else str(name)
            field = namer(operation, header) if namer is not None else header
            raise RequestValidationError(field, problem, f"{field} ({header} header): {problem}")


def _path_of(url: str) -> str:
    path = url.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        rest = path.split("://", 1)[1]
        path = rest[rest.find("/") :] if "/" in rest else ""
    return path


def _check_path(url: Any) -> None:
    """A hand-made request's path: no empty, ``.`` or ``..`` segment (httpx would drop them)."""
    if not isinstance(url, str):
        return  # an httpx.URL was already normalised by the caller who built it
    path = _path_of(url)
    if path in ("", "/"):
        return  # the base URL itself
    if any(segment in ("", ".", "..") for segment in path.lstrip("/").split("/")):
        raise RequestValidationError("path", _TRAVERSAL_LIMIT, f"path: {_TRAVERSAL_LIMIT} (path {url!r})")


def _unencodable(exc: BaseException) -> RequestValidationError:
    kind = type(exc).__name__
    if isinstance(exc, httpx.InvalidURL | UnicodeError):
        field, rule = "url", "must be a URL httpx can encode (ASCII-encodable, of sane length)"
    else:
        field, rule = "request", "must be encodable as HTTP and JSON (no NaN/Infinity, only JSON types)"
    return RequestValidationError(field, rule, f"{field}: {rule} ({kind})")


def check_outgoing(url: Any, headers: Any, extensions: Any, namer: HeaderNamer | None = None) -> None:
    """Raise RequestValidationError for a header value or path segment that cannot go out as given."""
    operation = extensions.get(OPERATION_EXTENSION) if isinstance(extensions, Mapping) else None
    _check_headers(headers, operation, namer)
    if operation is None:
        _check_path(url)  # a generated call checked its path arguments by name


_SET_COOKIE = (b"set-cookie", b"set-cookie2")  # the headers http.cookiejar reads


class SetCookieJar(httpx.Cookies):
    """httpx's cookies, read from a response only when it has a ``Set-Cookie`` header."""

    def extract_cookies(self, response: httpx.Response) -> None:
        for name, _ in response.headers.raw:
            if name.lower() in _SET_COOKIE:
                super().extract_cookies(response)
                return


class _CheckedBuild:
    """``build_request`` with the checks first; mixed into httpx's sync and async clients."""

    def __init__(
        self, *, parameter_namer: HeaderNamer | None = None, cookies: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._parameter_namer = parameter_namer
        self._jar = SetCookieJar(cookies)

    # httpx reads and sets its client's cookies through this public property only.
    @property
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._jar = SetCookieJar(cookies)

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        check_outgoing(url, kwargs.get("headers"), kwargs.get("extensions"), self._parameter_namer)
        try:
            built: httpx.Request = super().build_request(method, url, **kwargs)  # type: ignore[misc]
        except (ValueError, TypeError, UnicodeError, RecursionError, httpx.InvalidURL) as exc:
            # What httpx cannot encode (NaN or a non-JSON object in a body, a lone surrogate
            # or a 10 MB value in the URL, an int too long to print): refused, nothing sent.
            error = _unencodable(exc)
        else:
            if kwargs.get("json") is not None:
                # The body as data: the request checks read this, not the bytes parsed back.
                built.extensions[JSON_BODY_EXTENSION] = kwargs["json"]
            elif kwargs.get("data") is not None or kwargs.get("files") is not None:
                # A form body's fields as the server reads them (no re-parsing a multipart stream).
                from .._contract.wire import form_fields  # form calls only: not an import cost

                built.extensions[FORM_BODY_EXTENSION] = form_fields(kwargs.get("data"), kwargs.get("files"))
            return built
        raise error


class CheckedHttpClient(_CheckedBuild, httpx.Client):
    pass


class AsyncCheckedHttpClient(_CheckedBuild, httpx.AsyncClient):
    pass
