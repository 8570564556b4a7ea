"""Idempotency keys: the one thing between a network blip and a second paid job.

The API returns the existing job when a create request repeats its ``Idempotency-Key``, so
a key must be stable across retries of one logical call (the sending transport re-sends the
same request) and, for a re-run catalog import, across processes: ``idempotency_key_for``
derives it from a caller namespace plus the request content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from aigenstudio_client.resources import new_idempotency_key as _new_idempotency_key

from .._contract.schema import Invalid, first_problem
from .._core.api_facts import IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_MIN_LENGTH
from .._core.errors import ArgumentTypeError, ConfigurationError, RequestValidationError
from .request_id import header_value_problem

__all__ = [
    "idempotency_key_for",
    "is_valid_idempotency_key",
    "new_idempotency_key",
    "validate_idempotency_key",
]

# The length rule comes from the spec's Idempotency-Key header schema; the vendor's prose
# (IDEMPOTENCY_KEY_MIN_LENGTH..._MAX_LENGTH) applies only if the spec stops declaring one.
_PREFIX = "idem_"
# Part of the hashed input: changing the canonical form must change every derived key.
_SCHEME = "aigenstudio.idempotency.v1"


def new_idempotency_key() -> str:
    """A fresh random key (128 bits): ``idem_`` + 32 hex characters; the facade's own, the
    one it sends when a call that takes the header is given none."""
    return _new_idempotency_key()


def idempotency_key_for(namespace: str, payload: object) -> str:
    """A key derived from ``namespace`` and the request content: same input, same key, anywhere.

    ``payload`` may be a generated request model (anything with ``to_dict()``), or dicts,
    lists and JSON scalars holding such models. Dict key order does not matter; everything
    else (list order, values, types) does. Use a namespace per logical operation, e.g.
    ``"catalog-2024-06/batch-3"``, so identical content in different imports stays distinct.
    """
    if not isinstance(namespace, str) or not namespace:
        raise ArgumentTypeError("namespace", "must be a non-empty string")
    canonical = json.dumps(
        [_SCHEME, namespace, _plain(payload)],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return _PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_valid_idempotency_key(value: object) -> bool:
    """Whether ``value`` is a key the API honours (the documented length, printable ASCII, no
    edge whitespace): only such a key makes a POST safe to send twice."""
    return (
        isinstance(value, str)
        and IDEMPOTENCY_KEY_MIN_LENGTH <= len(value) <= IDEMPOTENCY_KEY_MAX_LENGTH
        and all(" " <= char <= "~" for char in value)
        and value == value.strip()
    )


def validate_idempotency_key(key: str) -> str:
    """Return ``key`` if the API will accept it, else raise RequestValidationError before sending."""
    field = "idempotency_key"
    if not isinstance(key, str):
        raise RequestValidationError(
            field, "a string", f"{field}: must be a string, got {type(key).__name__}"
        )
    declared, problem = _spec_header_problem(key, field)
    if problem is not None:
        raise problem.as_request_error()
    if not declared and not IDEMPOTENCY_KEY_MIN_LENGTH <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        limit = f"{IDEMPOTENCY_KEY_MIN_LENGTH}-{IDEMPOTENCY_KEY_MAX_LENGTH} characters"
        raise RequestValidationError(field, limit, f"{field}: must be {limit} (got {len(key)})")
    # A header value: printable ASCII only (httpx cannot encode the rest, control characters
    # split or smuggle headers), and no edge whitespace, which servers strip from the key.
    header_problem = header_value_problem(key)
    if header_problem is not None:
        raise RequestValidationError(field, header_problem, f"{field}: {header_problem}")
    return key


def _spec_header_problem(key: str, field: str) -> tuple[bool, Invalid | None]:
    """(whether the spec declares the header, how ``key`` breaks its schema or None)."""
    from .._contract.spec import load_spec  # lazy: reading the contract is not an import-time cost

    try:
        spec = load_spec()
    except ConfigurationError:
        return False, None
    parameter = spec.header_parameter(IDEMPOTENCY_KEY_HEADER)
    if parameter is None:
        return False, None
    return True, first_problem(spec.compile(parameter.schema, response=False), key, field)


def _plain(value: object) -> Any:
    """JSON-ready data from models, mappings and sequences; refuses anything ambiguous."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return _plain(to_dict())
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise ArgumentTypeError("payload", "mappings must have string keys")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    # Sets have no stable order and arbitrary objects no canonical form.
    raise ArgumentTypeError("payload", f"cannot derive an idempotency key from {type(value).__name__}")
