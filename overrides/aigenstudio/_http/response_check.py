"""Everything between the wire and the generated parsers: typed errors and checked bodies.

- ``transport_error`` (raised by the sending transport, ``sending.py``, and the workflow
  helpers): an httpx transport failure becomes APITimeoutError / APIConnectionError carrying
  the request id we sent.
- ``finish_response`` runs in the response hook: the typed APIStatusError for any 4xx/5xx
  and for any status the spec does not declare for the operation (a 204, a 302...); a 2xx
  body is checked against the operation's response schema (APIResponseValidationError naming
  the JSON path), and the generated parser reads what passed with each integral number the
  schema types ``integer`` made an ``int`` (``10.0`` -> ``10``); the request id is recorded
  and logged.
- ``parse_error`` (called from the generated ``_build_response`` through the client) makes
  a 2xx body the generated parser still cannot read raise APIResponseValidationError, never
  a raw KeyError / TypeError / ValueError.
"""

from __future__ import annotations

from typing import Any

import httpx

from .._core.api_facts import IDEMPOTENCY_KEY_HEADER, REQUEST_ID_HEADER
from .._core.errors import (
    AcceptedResponseValidationError,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    status_error_from_response,
)
from .._core.log import log_drift, log_response
from .._core.redaction import redacted_request
from .._core.safe_json import JSONTooDeep, loads_bounded, loads_noting_integral_floats
from .._core.server_text import response_request_id, server_request_id, server_text
from .attempt import ReadResponse
from .request_id import Exchange
from .retries import ATTEMPTS_EXTENSION, SAFE_METHODS

__all__ = [
    "EXCHANGE_KEY",
    "Exchange",
    "finish_response",
    "ids_in_body",
    "parse_error",
    "transport_error",
]

# Our per-request context travels in request.extensions (httpx's slot for such data).
EXCHANGE_KEY = "aigenstudio.exchange"
# What an error for an accepted request reads of a hostile body, at most.
MAX_IDS = 50
MAX_ID_WALK = 10_000


def _sent_request_id(request: httpx.Request) -> str | None:
    exchange = request.extensions.get(EXCHANGE_KEY)
    if isinstance(exchange, Exchange):
        return exchange.request_id
    header: str | None = request.headers.get(REQUEST_ID_HEADER)
    return header


def transport_error(request: httpx.Request, exc: httpx.RequestError) -> APIConnectionError:
    """The typed error for an httpx transport failure (the message never holds headers).

    Raise it outside the ``except`` block that caught ``exc``: its ``__cause__`` is a copy of
    ``exc`` bound to the redacted request, and no ``__context__`` keeps the original (whose
    ``.request`` carries the key).
    """
    request_id = _sent_request_id(request)
    safe = redacted_request(request)
    where = f"{safe.method} {safe.url.copy_with(query=None)}"
    kind = type(exc).__name__
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(
            f"Request timed out ({kind}): {where}", request=request, request_id=request_id
        )
    else:
        # DecodingError: a body that cannot be decoded, or one past max_response_size.
        what = "Response refused" if isinstance(exc, httpx.DecodingError) else "Connection error"
        error = APIConnectionError(f"{what} ({kind}: {exc}): {where}", request=request, request_id=request_id)
    error.__cause__ = type(exc)(str(exc), request=safe)
    error.__suppress_context__ = True
    return error


def finish_response(response: httpx.Response, strict: bool = True) -> None:
    """Called from the response hook once the body is read: raise a typed error or record the id.

    ``strict=False`` (``strict_response_validation=False``): a body that breaks the response
    schema is logged as a warning and left to the generated parser, which reads what it can.
    """
    request = response.request
    exchange = request.extensions.get(EXCHANGE_KEY)
    if not isinstance(exchange, Exchange):
        return  # a request our hooks did not prepare
    status = response.status_code
    operation = exchange.operation
    if status >= 400 or not operation.declares(status):
        error = status_error_from_response(response, exchange.request_id)
        request_id = error.request_id or exchange.request_id
        _record(exchange, response, request_id)
        if status < 400:
            problem = f"HTTP {status} is not a status the spec declares for {operation.operation_id}"
            if 200 <= status < 300 and _changes_state(request):
                raise _invalid_response(response, request_id, problem, error.body)
            error.message = problem
            error.args = (error.message,)
        raise error
    header_id = response_request_id(response.headers) or exchange.request_id
    if not operation.has_response_schema(status):
        _record(exchange, response, header_id)
        return
    try:
        body, integral_floats = loads_noting_integral_floats(response.content)
    except ValueError as exc:
        _record(exchange, response, header_id)
        problem = f"nests too deeply ({exc})" if isinstance(exc, JSONTooDeep) else "is not valid JSON"
        raise _invalid_response(response, header_id, f"HTTP {status} response body {problem}") from None
    request_id = _body_request_id(body) or header_id
    _record(exchange, response, request_id)
    invalid = operation.response_problem(status, body)
    if invalid is None:
        if isinstance(response, ReadResponse):
            # The generated parser reads this instead of parsing again, with integers as int
            # (walked only for a body that wrote an integral number as a float: rare, and slow).
            response.remember_json(operation.response_value(status, body) if integral_floats else body)
        return
    problem = f"HTTP {status} response does not match the API spec: {invalid.describe()}"
    if not strict:
        log_drift(request, problem, request_id)
        return
    raise _invalid_response(response, request_id, problem, body)


def _changes_state(request: httpx.Request) -> bool:
    """A request whose 2xx means the server did something (created a job, reserved credits)."""
    return request.method not in SAFE_METHODS


def _invalid_response(
    response: httpx.Response, request_id: str, problem: str, body: Any = None
) -> APIResponseValidationError:
    """The error for a 2xx that breaks the spec: on a request that changed state, one that says
    the server accepted it, with the idempotency key and the ids read from the body."""
    request = response.request
    if not _changes_state(request):
        return APIResponseValidationError(problem, response=response, request_id=request_id, body=body)
    key = request.headers.get(IDEMPOTENCY_KEY_HEADER)
    ids = ids_in_body(body)
    retry = (
        f"send it again with the same idempotency key {key!r} (the API answers with the first result)"
        if key
        else "it had no idempotency key: check before sending it again"
    )
    found = f"; ids in the body: {', '.join(f'{path}={value}' for path, value in ids.items())}" if ids else ""
    message = (
        f"The server accepted {request.method} {request.url.path} (HTTP {response.status_code}: it may have "
        f"created something and reserved credits) but its answer breaks the spec: {problem}. Do not send it "
        f"again as new: {retry}{found}"
    )
    return AcceptedResponseValidationError(
        message, response=response, request_id=request_id, body=body, idempotency_key=key, ids=ids
    )


def ids_in_body(body: Any, limit: int = MAX_IDS) -> dict[str, str]:
    """Every ``id`` / ``*_id`` field of a parsed body (but ``request_id``) by JSON path, in
    document order: at most ``limit``, each value cleaned (``server_text``) and at most 200
    characters; a hostile body costs a bounded walk."""
    found: dict[str, str] = {}
    pending: list[tuple[str, Any]] = [("", body)]
    visited = 0
    while pending and len(found) < limit and visited < MAX_ID_WALK:
        path, value = pending.pop()
        visited += 1
        if isinstance(value, dict):
            children = [(f"{path}.{key}" if path else str(key), item) for key, item in value.items()]
        elif isinstance(value, list):
            children = [(f"{path}[{index}]", item) for index, item in enumerate(value[:MAX_IDS])]
        else:
            continue
        for child_path, item in children:
            name = child_path.rsplit(".", 1)[-1]
            if (name == "id" or name.endswith("_id")) and name != "request_id" and _is_id(item):
                found[child_path] = server_text(str(item), 200)
                if len(found) >= limit:
                    break
        pending.extend(reversed(children))
    return found


def _is_id(value: object) -> bool:
    return (isinstance(value, str) and bool(value)) or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def _body_request_id(body: object) -> str | None:
    """The API's ``request_id`` field of a parsed body, when it can be a request id."""
    return server_request_id(body.get("request_id")) if isinstance(body, dict) else None


def _record(exchange: Exchange, response: httpx.Response, request_id: str) -> None:
    exchange.attempts = response.extensions.get(ATTEMPTS_EXTENSION, 1)
    exchange.state.record(exchange, request_id)
    log_response(response.request, response.status_code, exchange.started, request_id)


# -- the generated parsers -----------------------------------------------------------------
#
# The generated ``_build_response`` (our endpoint template) hands a parser failure to the
# client's ``convert_parse_error``: a body the checks above let through but the generated
# models still cannot read (a date-time Python cannot represent, such as a leap second).


def parse_error(response: httpx.Response, exc: Exception) -> APIResponseValidationError | None:
    """The typed error for a generated parser's failure on a response our hooks prepared."""
    exchange = response.request.extensions.get(EXCHANGE_KEY)
    if not isinstance(exchange, Exchange):
        return None
    return _invalid_body(response, exchange, exc)


def _invalid_body(response: httpx.Response, exchange: Exchange, exc: Exception) -> APIResponseValidationError:
    """Describe why the generated parser failed, in the spec's terms where possible."""
    status = response.status_code
    header_id = response_request_id(response.headers)
    try:
        body = loads_bounded(response.content)
    except ValueError:
        return _invalid_response(
            response, header_id or exchange.request_id, f"HTTP {status} response body is not valid JSON"
        )
    request_id = _body_request_id(body) or header_id or exchange.request_id
    exchange.state.record(exchange, request_id)
    problem = f"{type(exc).__name__}: {exc}"
    invalid = exchange.operation.response_problem(status, body)
    if invalid is not None:
        problem = invalid.describe()
    return _invalid_response(
        response, request_id, f"HTTP {status} response does not match the API spec: {problem}", body
    )
