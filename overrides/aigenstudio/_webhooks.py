"""Webhook verification, as the vendor documents it.

Each delivery carries ``X-Aigen-Signature`` (``v1=<hex HMAC-SHA256>``, possibly several
signatures separated by commas or spaces, e.g. during a key rotation), ``X-Aigen-Timestamp``
(unix seconds) and ``X-Aigen-Event-Id``. The signed payload is
``<timestamp>.<event_id>.<raw body bytes>``; the HMAC key is the hex SHA-256 of the full API
key. Verify the raw bytes as received: re-serialised JSON does not match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import AigenStudioError, ConfigurationError

__all__ = [
    "EVENT_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "InvalidWebhookPayloadError",
    "MalformedWebhookHeaderError",
    "MissingWebhookHeaderError",
    "StaleWebhookError",
    "WebhookEvent",
    "WebhookSignatureError",
    "WebhookVerificationError",
    "verify_webhook",
]

SIGNATURE_HEADER = "X-Aigen-Signature"
TIMESTAMP_HEADER = "X-Aigen-Timestamp"
EVENT_ID_HEADER = "X-Aigen-Event-Id"
DEFAULT_TOLERANCE = 300

_SIGNATURE_SCHEME = "v1"
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_SEPARATORS = re.compile(r"[,\s]+")


class WebhookVerificationError(AigenStudioError):
    """The delivery cannot be trusted; answer it with a 4xx and do not act on it."""


class MissingWebhookHeaderError(WebhookVerificationError):
    """A required signature header is absent (``header`` names it)."""

    def __init__(self, header: str) -> None:
        self.header = header
        super().__init__(f"webhook header {header} is missing")


class MalformedWebhookHeaderError(WebhookVerificationError):
    """A signature header is present but unreadable (``header`` names it)."""

    def __init__(self, header: str, problem: str) -> None:
        self.header = header
        super().__init__(f"webhook header {header} is malformed: {problem}")


class WebhookSignatureError(WebhookVerificationError):
    """No ``v1`` signature matches: wrong API key, or a body or header changed in transit."""


class StaleWebhookError(WebhookVerificationError):
    """The signed timestamp is outside the tolerance (a replay, or a badly wrong clock)."""

    def __init__(self, timestamp: int, now: float, tolerance: int) -> None:
        self.timestamp = timestamp
        self.age = now - timestamp
        super().__init__(f"webhook timestamp is {self.age:+.0f}s from now, beyond the {tolerance}s tolerance")


class InvalidWebhookPayloadError(WebhookVerificationError):
    """The signature is valid but the body is not JSON."""


@dataclass(frozen=True)
class WebhookEvent:
    """A verified delivery: its event id, signed timestamp and parsed JSON body."""

    event_id: str
    timestamp: int
    payload: Any


def verify_webhook(
    raw_body: bytes,
    headers: Mapping[str, str],
    api_key: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> WebhookEvent:
    """Check a delivery's signature and age; return the parsed event or raise a WebhookVerificationError.

    ``headers`` is any mapping (a dict, ``httpx.Headers``, a web framework's headers), looked
    up case-insensitively. ``raw_body`` must be the bytes exactly as received.
    """
    if not isinstance(raw_body, bytes | bytearray | memoryview):
        raise TypeError("raw_body must be the raw request bytes, not a decoded or re-serialised body")
    if not api_key:
        raise ConfigurationError("verify_webhook needs the API key the webhook was registered with")
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0 seconds")
    body = bytes(raw_body)

    signature_value = _header(headers, SIGNATURE_HEADER)
    timestamp_text = _header(headers, TIMESTAMP_HEADER)
    event_id = _header(headers, EVENT_ID_HEADER)
    signatures = _v1_signatures(signature_value)
    if not (timestamp_text.isascii() and timestamp_text.isdigit()):
        raise MalformedWebhookHeaderError(TIMESTAMP_HEADER, "expected unix seconds")

    secret = hashlib.sha256(api_key.encode("utf-8")).hexdigest().encode("ascii")
    signed = b"%s.%s.%s" % (timestamp_text.encode("ascii"), event_id.encode("utf-8"), body)
    expected = hmac.new(secret, signed, hashlib.sha256).hexdigest()
    # Check every candidate so the time taken does not reveal which one matched.
    matches = [hmac.compare_digest(expected, candidate.lower()) for candidate in signatures]
    if not any(matches):
        raise WebhookSignatureError("webhook signature does not match the body and API key")

    timestamp = int(timestamp_text)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise StaleWebhookError(timestamp, current, tolerance)

    try:
        payload = json.loads(body)
    except ValueError as error:
        raise InvalidWebhookPayloadError(f"webhook body is not JSON: {error}") from None
    return WebhookEvent(event_id=event_id, timestamp=timestamp, payload=payload)


def _header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive lookup; repeated headers (e.g. both spellings in a dict) must agree."""
    wanted = name.lower()
    values = {value.strip() for key, value in headers.items() if key.lower() == wanted}
    values.discard("")
    if not values:
        raise MissingWebhookHeaderError(name)
    if len(values) > 1:
        raise MalformedWebhookHeaderError(name, "present more than once with different values")
    return values.pop()


def _v1_signatures(value: str) -> list[str]:
    """The ``v1=`` hex digests in a signature header; other schemes are ignored."""
    candidates = []
    for part in _SEPARATORS.split(value):
        scheme, sep, digest = part.partition("=")
        if sep and scheme.strip().lower() == _SIGNATURE_SCHEME and _HEX_SHA256.fullmatch(digest):
            candidates.append(digest)
    if not candidates:
        raise MalformedWebhookHeaderError(SIGNATURE_HEADER, "no v1=<64 hex digits> signature")
    return candidates
