"""Wrong-typed arguments to the generated endpoint functions, as our public error.

The generated ``_get_kwargs`` checks every argument against its declared type before
anything is sent and raises ``aigenstudio_client.errors.InvalidArgument``; the endpoint
function hands it to ``errors.argument_error``, which asks the client's
``convert_invalid_argument`` (our Client's is :func:`request_error`) for the error to raise.
"""

from __future__ import annotations

from aigenstudio_client.errors import InvalidArgument

from .._core.errors import RequestValidationError

__all__ = ["check_request_body", "request_error"]


def request_error(error: InvalidArgument) -> RequestValidationError:
    """The public error for a wrong-typed argument: same ``field`` (argument) and ``limit`` (rule)."""
    return RequestValidationError(error.argument, error.rule)


def check_request_body(operation: str, body: object) -> None:
    """Raise RequestValidationError for a body built from keyword arguments that breaks the
    spec of ``operation`` (a generated module's name), naming its path and rule, before the
    generated model is built from it (whose own errors name neither)."""
    from .spec import load_spec, validate_body  # the contract loads with the first call, not the import

    described = load_spec().named.get(operation)
    if described is not None:
        validate_body(described, body)
