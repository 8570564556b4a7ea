"""Deliveries signed the documented way, with hashlib and hmac directly (never with the code
under test), over the raw bytes the vendor would have sent: ``surrogateescape`` turns a
framework's decoded header back into them."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

API_KEY = "aigen_test_4f9a1c2e8b7d6a5f3e2d1c0b"
NOW = 1_760_000_000
EVENT_ID = "evt_01J9Z3W4K5M6N7P8Q9R0"
BODY = (
    b'{"type":"job.completed","data":{"job_id":"3f1c2b4a-0000-4000-8000-000000000001","status":"completed"}}'
)


def raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def sign(body: bytes = BODY, timestamp: int | str = NOW, event_id: str = EVENT_ID, key: str = API_KEY) -> str:
    """The documented scheme: HMAC-SHA256 keyed by the hex SHA-256 of the API key."""
    secret = hashlib.sha256(key.encode()).hexdigest()
    message = raw(f"{timestamp}.{event_id}.") + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(
    body: bytes = BODY, timestamp: int | str = NOW, event_id: str = EVENT_ID, **overrides: Any
) -> dict[str, Any]:
    """A signed delivery's headers; ``X_Aigen_Signature="..."`` replaces X-Aigen-Signature."""
    values: dict[str, Any] = {
        "X-Aigen-Signature": sign(body, timestamp, event_id),
        "X-Aigen-Timestamp": str(timestamp),
        "X-Aigen-Event-Id": event_id,
        "Content-Type": "application/json",
    }
    values.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return values
