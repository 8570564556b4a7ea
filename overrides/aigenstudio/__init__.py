"""AI Gen Studio Product Photo API: hand-written layer over the generated client.

The flat public face of the SDK; the implementation lives in small private modules,
one concern each.

    from aigenstudio import Client, AsyncClient

Only the exception hierarchy is imported eagerly. Everything else is loaded on first
attribute access (PEP 562), so ``import aigenstudio`` costs little more than ``import httpx``:
the generated client (attrs), the spec loader and the validator load with ``Client``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import (
    AigenStudioError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from ._client import AsyncClient, Client

# Public name -> private module that defines it; loaded on first access.
_LAZY: dict[str, str] = {
    "AsyncClient": "._client",
    "Client": "._client",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AigenStudioError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "InsufficientCreditsError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "UnprocessableEntityError",
]
