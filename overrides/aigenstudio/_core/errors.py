"""The exception hierarchy: every failure the SDK raises is an AigenStudioError.

Status errors are built from the API's envelope
``{"error": {"code": ..., "message": ...}, "request_id": ...}`` when the body has one, and
from the status line otherwise (an HTML 502 page still gives a clean APIStatusError).
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx

from .redaction import redacted_request, redacted_response
from .retry_after import response_retry_after
from .safe_json import loads_bounded
from .server_text import response_request_id, server_request_id, server_text

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AcceptedResponseValidationError",
    "AigenStudioError",
    "ArgumentTypeError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InsufficientCreditsError",
    "InternalServerError",
    "NotFoundError",
    "PaginationLoopError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "public",
    "status_error_from_response",
]

PUBLIC_MODULE = "aigenstudio"
_E = TypeVar("_E", bound=type[BaseException])


def public(cls: _E) -> _E:
    """Name an exception class by the path users import it from (``aigenstudio.NotFoundError``),
    in tracebacks, reprs and pickles alike; only for classes ``aigenstudio`` exports."""
    cls.__module__ = PUBLIC_MODULE
    return cls


def _rebuild(cls: type[AigenStudioError], args: tuple[Any, ...], state: dict[str, Any]) -> AigenStudioError:
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class AigenStudioError(Exception):
    """Base class of every error this SDK raises."""

    request_id: str | None = None

    # Pickle by state, not by calling __init__ again: subclasses take keyword-only or
    # differently shaped arguments, and an error must cross a process pool intact.
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ConfigurationError(AigenStudioError, ValueError):
    """The client is misconfigured (missing or malformed key, bad base URL, bad option)."""


class RequestValidationError(AigenStudioError, ValueError):
    """A request was refused before sending: an argument breaks a documented limit.

    ``field`` names the offending argument or body field (a dotted path such as
    ``body.images``) and ``limit`` the rule it broke; no request was sent and nothing charged.
    """

    def __init__(self, field: str, limit: str, message: str | None = None) -> None:
        self.field = field
        self.limit = limit
        super().__init__(message or f"{field}: {limit}")


class ArgumentTypeError(RequestValidationError, TypeError):
    """An argument of a type the SDK cannot use (also a TypeError, as Python's own would be)."""


class PaginationLoopError(AigenStudioError):
    """The API returned a cursor it had already returned (or pages without end): following it
    would never stop."""

    def __init__(self, cursor: object, pages: int) -> None:
        self.cursor = cursor
        self.pages = pages
        super().__init__(
            f"next_cursor {cursor!s} repeats or the listing passed {pages} page(s): "
            "stopping instead of looping"
        )


class APIError(AigenStudioError):
    """An error tied to one HTTP exchange with the API.

    ``request`` (and ``response`` on subclasses) are detached copies with the API key and
    every other secret header redacted: an error is safe to log, report and pickle.
    """

    # openai-python's names, on every API error: the server's error code and parsed body,
    # None when there is none (a connection error, an HTML page).
    code: str | None = None
    body: Any = None

    def __init__(self, message: str, *, request: httpx.Request | None, request_id: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = redacted_request(request) if request is not None else None
        self.request_id = request_id

    def __repr__(self) -> str:
        # What identifies the failure, never the request or its headers (they hold the key).
        status = getattr(self, "status_code", None)  # a response's errors only
        fields = [("status_code", status), ("code", self.code), ("request_id", self.request_id)]
        shown = [f"{name}={value!r}" for name, value in fields if value is not None]
        shown.append(f"message={self.message!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class APIConnectionError(APIError):
    """The API could not be reached, or the connection broke before a response arrived."""


class ClientClosedError(APIConnectionError):
    """The client was closed (``close()`` / ``aclose()``): a call in flight ends, nothing more
    is sent, and a call made afterwards fails at once. Never retried: create a new client."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not valid JSON or does not match the spec's shape.

    ``accepted`` is True on :class:`AcceptedResponseValidationError`: the request changed state.
    """

    accepted = False

    def __init__(
        self, message: str, *, response: httpx.Response, request_id: str | None, body: Any = None
    ) -> None:
        super().__init__(message, request=response.request, request_id=request_id)
        assert self.request is not None
        self.response = redacted_response(response, self.request)
        self.status_code = response.status_code
        self.body = body


class AcceptedResponseValidationError(APIResponseValidationError):
    """The server accepted a request that changes state (a 2xx to a POST that creates a job:
    the job may exist and credits may be reserved), but its answer breaks the spec.

    Not a failure to send again as new: retry with the same ``idempotency_key`` (the API
    answers a repeated key with the first result, charging nothing twice), or look up what
    was created by ``ids`` (JSON path -> id, e.g. ``{"job.id": "..."}``, from the body).
    """

    accepted = True

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        request_id: str | None,
        body: Any = None,
        idempotency_key: str | None,
        ids: dict[str, str],
    ) -> None:
        super().__init__(message, response=response, request_id=request_id, body=body)
        self.idempotency_key = idempotency_key
        self.ids = ids


class APIStatusError(APIError):
    """The API answered with a status that is an error, or one the spec does not declare."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        request_id: str | None,
        code: str | None,
        body: Any = None,
    ) -> None:
        super().__init__(message, request=response.request, request_id=request_id)
        assert self.request is not None
        self.response = redacted_response(response, self.request)
        self.status_code = response.status_code
        self.code = code
        self.body = body

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        rid = f" (request_id={self.request_id})" if self.request_id else ""
        return f"{self.status_code}{code}: {self.message}{rid}"


class UnexpectedStatusError(APIStatusError):
    """A 1xx/2xx/3xx status the spec does not declare for the operation (e.g. a 204 or a 302):
    the client cannot know what happened, so it never returns such a response as a result."""


class BadRequestError(APIStatusError):
    """400: the API rejected the request as invalid."""


class UnprocessableEntityError(BadRequestError):
    """422: the request was well-formed but semantically invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, malformed or revoked."""


class InsufficientCreditsError(APIStatusError):
    """402: the account has no paid credits left for this request."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not perform this operation."""


class NotFoundError(APIStatusError):
    """404: no such resource for this key (e.g. a job of another key)."""


class ConflictError(APIStatusError):
    """409: conflicts with the current state (e.g. the one-active-job limit)."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` holds the server's hint in seconds, if any."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait from the ``Retry-After`` header (delta-seconds or HTTP date), or None.

        None when the header is missing or unreadable; else a finite float from 0 to one day
        (``MAX_RETRY_AFTER``: longer hints are clamped), safe to pass to ``time.sleep``.
        """
        return response_retry_after(self.response.headers)


class InternalServerError(APIStatusError):
    """5xx: the API failed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _error_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    if status < 400:
        return UnexpectedStatusError
    return _BY_STATUS.get(status, APIStatusError)


def _envelope(response: httpx.Response) -> tuple[Any, str | None, str | None, str | None]:
    """(body, code, message, body request_id) from the error envelope, tolerating any body."""
    try:
        body = loads_bounded(response.content) if response.content else None
    except ValueError:  # HTML error pages, truncated or too deep JSON, binary bodies
        return None, None, None, None
    if not isinstance(body, dict):
        return body, None, None, None
    error = body.get("error")
    code = message = None
    if isinstance(error, dict):
        code = server_text(error["code"], 200) if isinstance(error.get("code"), str) else None
        message = server_text(error["message"]) if isinstance(error.get("message"), str) else None
    elif isinstance(error, str):
        message = server_text(error)
    return body, code, message, server_request_id(body.get("request_id"))


def status_error_from_response(response: httpx.Response, fallback_request_id: str | None) -> APIStatusError:
    """Build the typed error for an error or undeclared status (the body must already be read)."""
    body, code, message, body_rid = _envelope(response)
    request_id = body_rid or response_request_id(response.headers) or fallback_request_id
    if message is None:
        reason = response.reason_phrase or "error"
        message = f"HTTP {response.status_code} {reason}"
    return _error_class(response.status_code)(
        message, response=response, request_id=request_id, code=code, body=body
    )


for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        public(_value)
