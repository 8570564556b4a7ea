"""An answer of the fake API: status, JSON body and headers (``Reply``), and the error envelope."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Reply", "error"]


@dataclass(slots=True)
class Reply:
    """``status``, the JSON ``body`` and extra ``headers``; ``raw``, when set, is sent instead of
    the body's JSON (a ``Fault.rewrite`` sending bytes no server should: a cut body, HTML)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict[str, str])
    raw: bytes | None = None

    def content(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


def error(status: int, code: str, message: str, request_id: str, **headers: str) -> Reply:
    """An answer in the API's error envelope."""
    return Reply(status, {"error": {"code": code, "message": message}, "request_id": request_id}, headers)
