"""The ``aigenstudio`` logger: one DEBUG record per request and per response.

Records carry ``request_id`` (and ``method``, ``path``, ``status``, ``elapsed_ms``) as
``extra`` fields. They never contain headers, so the API key cannot reach a log.
The functions take the request itself and derive path and timing only when DEBUG is on:
they run on every request, and usually log nothing.
"""

from __future__ import annotations

import logging
from time import perf_counter

import httpx

__all__ = ["log_request", "log_response", "logger"]

logger = logging.getLogger("aigenstudio")


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
    if logger.isEnabledFor(logging.DEBUG):
        method, path = request.method, request.url.path
        elapsed_ms = round((perf_counter() - started) * 1000, 1)
        logger.debug(
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
