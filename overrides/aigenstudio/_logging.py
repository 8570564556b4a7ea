"""The ``aigenstudio`` logger: one DEBUG record per request and per response.

Records carry ``request_id`` (and ``method``, ``path``, ``status``, ``elapsed_ms``) as
``extra`` fields. They never contain headers, so the API key cannot reach a log.
"""

from __future__ import annotations

import logging

__all__ = ["log_request", "log_response", "logger"]

logger = logging.getLogger("aigenstudio")


def log_request(method: str, path: str, request_id: str) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "request %s %s request_id=%s",
            method,
            path,
            request_id,
            extra={"request_id": request_id, "method": method, "path": path},
        )


def log_response(method: str, path: str, status: int, elapsed: float, request_id: str | None) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        elapsed_ms = round(elapsed * 1000, 1)
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
