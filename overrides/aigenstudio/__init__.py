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
import logging
from typing import TYPE_CHECKING, Any

from ._core.errors import (
    AcceptedResponseValidationError,
    AigenStudioError,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ArgumentTypeError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnexpectedStatusError,
    UnprocessableEntityError,
)
from ._core.log import configure_from_environment
from ._version import __version__

# Silent unless the application configures logging (no last-resort output to stderr), or
# AIGENSTUDIO_LOG=info|debug asks for the package's records on stderr.
logging.getLogger("aigenstudio").addHandler(logging.NullHandler())
configure_from_environment()

if TYPE_CHECKING:
    from aigenstudio_client.resources import RawResponse

    from ._catalog.job_events import JobEvents
    from ._catalog.journal import (
        JournalBusyError,
        JournalFileError,
        JournalKeyMissingError,
        JournalKindMismatchError,
        JournalMismatchError,
    )
    from ._catalog.process import (
        BatchOutcome,
        CatalogSummary,
        ItemOutcome,
        iter_catalog,
        process_catalog,
    )
    from ._catalog.progress import CatalogProgress, ProgressBar, progress_bar
    from ._client import AsyncClient, Client
    from ._http.idempotency import idempotency_key_for, new_idempotency_key, validate_idempotency_key
    from ._http.retries import RetryPolicy
    from ._webhooks import (
        DuplicateWebhookError,
        InvalidWebhookPayloadError,
        MalformedWebhookHeaderError,
        MissingWebhookHeaderError,
        StaleWebhookError,
        WebhookDeduplicator,
        WebhookEvent,
        WebhookSignatureError,
        WebhookVerificationError,
        verify_webhook,
    )
    from ._workflow.operations import find_operation
    from ._workflow.pagination import PaginationLoopError, iter_jobs
    from ._workflow.results import JobResults, job_results
    from ._workflow.waiting import TERMINAL_STATUSES, JobWaitTimeout, Progress, is_terminal, wait_for_job

# Public name -> private module that defines it; loaded on first access.
_LAZY: dict[str, str] = {
    "AsyncClient": "._client",
    "Client": "._client",
    "find_operation": "._workflow.operations",
    "PaginationLoopError": "._workflow.pagination",
    "RawResponse": "aigenstudio_client.resources",
    "iter_jobs": "._workflow.pagination",
    "JobWaitTimeout": "._workflow.waiting",
    "Progress": "._workflow.waiting",
    "TERMINAL_STATUSES": "._workflow.waiting",
    "is_terminal": "._workflow.waiting",
    "wait_for_job": "._workflow.waiting",
    "JobResults": "._workflow.results",
    "job_results": "._workflow.results",
    "BatchOutcome": "._catalog.process",
    "process_catalog": "._catalog.process",
    "CatalogSummary": "._catalog.process",
    "ItemOutcome": "._catalog.process",
    "iter_catalog": "._catalog.process",
    "JobEvents": "._catalog.job_events",
    "JournalBusyError": "._catalog.journal",
    "JournalFileError": "._catalog.journal",
    "JournalKeyMissingError": "._catalog.journal",
    "JournalKindMismatchError": "._catalog.journal",
    "JournalMismatchError": "._catalog.journal",
    "CatalogProgress": "._catalog.progress",
    "ProgressBar": "._catalog.progress",
    "progress_bar": "._catalog.progress",
    "idempotency_key_for": "._http.idempotency",
    "new_idempotency_key": "._http.idempotency",
    "validate_idempotency_key": "._http.idempotency",
    "RetryPolicy": "._http.retries",
    "DuplicateWebhookError": "._webhooks",
    "InvalidWebhookPayloadError": "._webhooks",
    "MalformedWebhookHeaderError": "._webhooks",
    "MissingWebhookHeaderError": "._webhooks",
    "StaleWebhookError": "._webhooks",
    "WebhookDeduplicator": "._webhooks",
    "WebhookEvent": "._webhooks",
    "WebhookSignatureError": "._webhooks",
    "WebhookVerificationError": "._webhooks",
    "verify_webhook": "._webhooks",
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
    "TERMINAL_STATUSES",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AcceptedResponseValidationError",
    "AigenStudioError",
    "ArgumentTypeError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "BatchOutcome",
    "CatalogProgress",
    "CatalogSummary",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DuplicateWebhookError",
    "InsufficientCreditsError",
    "InternalServerError",
    "InvalidWebhookPayloadError",
    "ItemOutcome",
    "JobEvents",
    "JobResults",
    "JobWaitTimeout",
    "JournalBusyError",
    "JournalFileError",
    "JournalKeyMissingError",
    "JournalKindMismatchError",
    "JournalMismatchError",
    "MalformedWebhookHeaderError",
    "MissingWebhookHeaderError",
    "NotFoundError",
    "PaginationLoopError",
    "PermissionDeniedError",
    "Progress",
    "ProgressBar",
    "RateLimitError",
    "RawResponse",
    "RequestValidationError",
    "RetryPolicy",
    "StaleWebhookError",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "WebhookDeduplicator",
    "WebhookEvent",
    "WebhookSignatureError",
    "WebhookVerificationError",
    "__version__",
    "find_operation",
    "idempotency_key_for",
    "is_terminal",
    "iter_catalog",
    "iter_jobs",
    "job_results",
    "new_idempotency_key",
    "process_catalog",
    "progress_bar",
    "validate_idempotency_key",
    "verify_webhook",
    "wait_for_job",
]
