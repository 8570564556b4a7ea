"""The ``aigenstudio`` logger: one INFO record per answered call, one DEBUG record per request.

Records carry ``request_id`` (and ``method``, ``path``, ``status``, ``elapsed_ms``) as
``extra`` fields. They never contain headers, so the API key cannot reach a log.
The functions take the request itself and derive path and timing only when the level is on:
they run on every request, and usually log nothing.

``AIGENSTUDIO_LOG=info`` or ``debug`` (as ``OPENAI_LOG``) prints this package's records to
stderr without configuring logging in the application: ``configure_from_environment``,
called once when ``aigenstudio`` is imported. Only the ``aigenstudio`` loggers get a handler
(not the root logger, not httpx's or httpcore's, whose debug records name connections).
"""

from __future__ import annotations

import logging
import os
import warnings
from time import perf_counter

import httpx

__all__ = ["LOG_ENV", "configure_from_environment", "log_drift", "log_request", "log_response", "logger"]

logger = logging.getLogger("aigenstudio")

LOG_ENV = "AIGENSTUDIO_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_FORMAT = "[%(asctime)s - %(name)s - %(levelname)s] %(message)s"


class _EnvironmentHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``AIGENSTUDIO_LOG`` adds (a type of its own: added once, found again)."""


def configure_from_environment() -> None:
    """Print the package's records to stderr at ``AIGENSTUDIO_LOG``'s level, if it is set."""
    value = os.environ.get(LOG_ENV, "").strip()
    if not value:
        return
    level = _LEVELS.get(value.lower())
    if level is None:
        warnings.warn(f"{LOG_ENV}={value[:40]!r} is ignored: use 'info' or 'debug'", stacklevel=2)
        return
    if not any(isinstance(handler, _EnvironmentHandler) for handler in logger.handlers):
        handler = _EnvironmentHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
    logger.setLevel(level)


def log_request(request: httpx.Request, request_id: str) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        method, path = request.method, request.url.path
        logger.debug(
            "request %s %s request_id=%s",
            method,
            path,
            request_id,
            extra={"request_id": request_id, "method": method, "path": path},
        )


def log_response(request: httpx.Request, status: int, started: float, request_id: str | None) -> None:
    """``started`` is the ``time.perf_counter()`` reading taken when the request was prepared."""
    if logger.isEnabledFor(logging.INFO):
        method, path = request.method, request.url.path
        elapsed_ms = round((perf_counter() - started) * 1000, 1)
        logger.info(
            "response %s %s -> %d in %.1f ms request_id=%s",
            method,
            path,
            status,
            elapsed_ms,
            request_id,
            extra={
                "request_id": request_id,
                "method": method,
                "path": path,
                "status": status,
                "elapsed_ms": elapsed_ms,
            },
        )


def log_drift(request: httpx.Request, problem: str, request_id: str | None) -> None:
    """A 2xx body that breaks the spec, read anyway (``strict_response_validation=False``)."""
    method, path = request.method, request.url.path
    logger.warning(
        "%s %s: %s (read as it is: strict_response_validation=False) request_id=%s",
        method,
        path,
        problem,
        request_id,
        extra={"request_id": request_id, "method": method, "path": path},
    )
