"""Webhook verification, as the vendor documents it.

Each delivery carries ``X-Aigen-Signature`` (``v1=<hex HMAC-SHA256>``, possibly several
signatures separated by commas or spaces, e.g. during a key rotation), ``X-Aigen-Timestamp``
(unix seconds) and ``X-Aigen-Event-Id``. The signed payload is
``<timestamp>.<event_id>.<raw body bytes>``; the HMAC key is the hex SHA-256 of the full API
key. Verify the raw bytes as received: re-serialised JSON does not match.

A replay inside the tolerance window verifies: deduplicate by ``event_id``, e.g. with one
shared :class:`WebhookDeduplicator` (its ``check`` raises :class:`DuplicateWebhookError`).
The vendor's retries of a delivery keep its event id too, so they are caught the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import numbers
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._core.api_facts import WEBHOOK_EVENT_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER
from ._core.api_key import APIKey, check_key_characters, conceal
from ._core.errors import AigenStudioError, ConfigurationError, public

__all__ = [
    "EVENT_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "DuplicateWebhookError",
    "InvalidWebhookPayloadError",
    "MalformedWebhookHeaderError",
    "MissingWebhookHeaderError",
    "StaleWebhookError",
    "WebhookDeduplicator",
    "WebhookEvent",
    "WebhookSignatureError",
    "WebhookVerificationError",
    "signed_webhook_headers",
    "verify_webhook",
]

SIGNATURE_HEADER = WEBHOOK_SIGNATURE_HEADER
TIMESTAMP_HEADER = WEBHOOK_TIMESTAMP_HEADER
EVENT_ID_HEADER = WEBHOOK_EVENT_ID_HEADER
DEFAULT_TOLERANCE = 300
# Event ids a WebhookDeduplicator remembers by default (the oldest are forgotten first).
DEFAULT_MAX_EVENTS = 100_000

_SIGNATURE_SCHEME = "v1"
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_SEPARATORS = re.compile(r"[,\s]+")
# 12 digits reach the year 33658; more is garbage, and huge values break int() and floats.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# Event ids are tokens: visible ASCII only, so no control characters reach logs or databases.
_EVENT_ID = re.compile(r"[\x21-\x7e]{1,256}")


@public
class WebhookVerificationError(AigenStudioError):
    """The delivery cannot be trusted; answer it with a 4xx and do not act on it."""


@public
class MissingWebhookHeaderError(WebhookVerificationError):
    """A required signature header is absent or empty (``header`` names it)."""

    def __init__(self, header: str) -> None:
        self.header = header
        super().__init__(f"webhook header {header} is missing")


@public
class MalformedWebhookHeaderError(WebhookVerificationError):
    """A signature header is present but unreadable (``header`` names it)."""

    def __init__(self, header: str, problem: str) -> None:
        self.header = header
        super().__init__(f"webhook header {header} is malformed: {problem}")


@public
class WebhookSignatureError(WebhookVerificationError):
    """No ``v1`` signature matches: wrong API key, or a body or header changed in transit."""


@public
class StaleWebhookError(WebhookVerificationError):
    """The signed timestamp is outside the tolerance (a replay, or a badly wrong clock)."""

    def __init__(self, timestamp: int, now: float, tolerance: float) -> None:
        self.timestamp = timestamp
        self.age = now - timestamp
        super().__init__(
            f"webhook timestamp is {self.age:+.0f}s from now, beyond the {tolerance:g}s tolerance"
        )


@public
class InvalidWebhookPayloadError(WebhookVerificationError):
    """The signature is valid but the body is not UTF-8 JSON (or is nested too deeply)."""


@public
class DuplicateWebhookError(WebhookVerificationError):
    """This event id was already seen: a replay, or the vendor retrying a delivery."""

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        super().__init__(f"webhook event {event_id} was already received")


@dataclass(frozen=True)
class WebhookEvent:
    """A verified delivery: its event id, signed timestamp and parsed JSON body."""

    event_id: str
    timestamp: int
    payload: Any


def verify_webhook(
    raw_body: bytes | bytearray | memoryview,
    headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]],
    api_key: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> WebhookEvent:
    """Check a delivery's signature and age; return the parsed event or raise a WebhookVerificationError.

    ``headers`` is any mapping (a dict, ``httpx.Headers``, a multidict) or an iterable of
    ``(name, value)`` pairs of str or bytes (ASGI ``scope["headers"]``), looked up
    case-insensitively. ``raw_body`` must be the bytes exactly as received. ``api_key`` is
    read as the client reads it: surrounding whitespace (an env file's newline) is ignored.
    ``tolerance`` is the accepted clock difference in seconds.

    A replay inside the window verifies: deduplicate by ``event_id`` (see
    :class:`WebhookDeduplicator`). Wrong arguments raise ConfigurationError.
    """
    # Error trackers record the locals of this frame: the key is an APIKey (redacted repr)
    # from here on, and the HMAC secret and expected digest live only in _signature_matches.
    concealed = conceal(api_key)
    del api_key
    key = _webhook_key(concealed)
    if not isinstance(raw_body, bytes | bytearray | memoryview):
        raise ConfigurationError(
            "raw_body must be the raw request bytes, not a decoded or re-serialised body"
        )
    max_age = _seconds(tolerance, "tolerance")
    current = time.time() if now is None else _seconds(now, "now", negative=True)
    body = bytes(raw_body)

    # Header syntax first: nothing unreadable reaches the HMAC, int() or the caller.
    values = _read_headers(headers)
    signatures = _v1_signatures(values[SIGNATURE_HEADER])
    timestamp_text = values[TIMESTAMP_HEADER]
    if not _TIMESTAMP.fullmatch(timestamp_text):
        raise MalformedWebhookHeaderError(TIMESTAMP_HEADER, "expected unix seconds (at most 12 digits)")
    event_id = values[EVENT_ID_HEADER]
    if not _EVENT_ID.fullmatch(event_id):
        raise MalformedWebhookHeaderError(EVENT_ID_HEADER, "expected 1 to 256 visible ASCII characters")

    signed = _signed_payload(timestamp_text, event_id, body)
    if not _signature_matches(key, signed, signatures):
        raise WebhookSignatureError("webhook signature does not match the body and API key")

    timestamp = int(timestamp_text)
    if abs(current - timestamp) > max_age:
        raise StaleWebhookError(timestamp, current, max_age)

    try:
        payload = json.loads(body.decode("utf-8-sig"))  # the vendor sends UTF-8; no UTF-16/32 guessing
    except UnicodeDecodeError:
        raise InvalidWebhookPayloadError("webhook body is not UTF-8") from None
    except RecursionError:
        raise InvalidWebhookPayloadError("webhook body is nested too deeply") from None
    except ValueError as error:
        raise InvalidWebhookPayloadError(f"webhook body is not JSON: {error}") from None
    return WebhookEvent(event_id=event_id, timestamp=timestamp, payload=payload)


class WebhookDeduplicator:
    """Remembers verified event ids, so a replay or retry is handled once. Thread-safe.

    An id is kept until its signed timestamp plus ``tolerance`` (after that verify_webhook
    calls a replay stale), and at most ``max_events`` ids are kept: past that the oldest are
    dropped, so size it above the deliveries you expect in one window. Memory only: with
    several processes, use a shared store keyed by event id instead. If handling an event
    fails after ``check``, call ``forget`` so the vendor's retry is processed.
    """

    def __init__(self, tolerance: float = DEFAULT_TOLERANCE, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1:
            raise ConfigurationError("max_events must be a positive int")
        self._tolerance = _seconds(tolerance, "tolerance")
        self._max_events = max_events
        self._expiry: OrderedDict[str, float] = OrderedDict()  # event id -> end of its window
        self._lock = threading.Lock()

    def seen(self, event: WebhookEvent, *, now: float | None = None) -> bool:
        """Whether ``event.event_id`` was seen within its window; it is remembered either way."""
        current = time.time() if now is None else _seconds(now, "now", negative=True)
        expiry = event.timestamp + self._tolerance
        with self._lock:
            previous = self._expiry.pop(event.event_id, None)
            duplicate = previous is not None and previous >= current
            self._expiry[event.event_id] = expiry if previous is None else max(expiry, previous)
            # Drop from the front: ids whose window is over, then the oldest beyond the bound.
            while self._expiry:
                oldest, end = next(iter(self._expiry.items()))
                if end >= current and len(self._expiry) <= self._max_events:
                    break
                del self._expiry[oldest]
        return duplicate

    def check(self, event: WebhookEvent, *, now: float | None = None) -> None:
        """Raise DuplicateWebhookError if ``event.event_id`` was seen within its window."""
        if self.seen(event, now=now):
            raise DuplicateWebhookError(event.event_id)

    def forget(self, event_id: str) -> None:
        """Let this event id through again (e.g. its handler failed and the vendor will retry)."""
        with self._lock:
            self._expiry.pop(event_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)


def _webhook_key(api_key: object) -> APIKey:
    """The API key read exactly as Client reads it (never quoted in errors)."""
    if not isinstance(api_key, APIKey):
        raise ConfigurationError("api_key must be the API key as a str")
    key = APIKey(api_key.reveal().strip())  # an env file's trailing newline, as Client tolerates it
    if not key.reveal():
        raise ConfigurationError("verify_webhook needs the API key the webhook was registered with")
    check_key_characters(key)
    return key


def _signature_matches(key: APIKey, signed: bytes, signatures: list[str]) -> bool:
    """Whether a candidate is the HMAC of ``signed``. The HMAC key is the hex SHA-256 of the API
    key; it and the expected digest (a valid signature for this body) stay in this frame,
    which never raises, so no traceback's locals show them."""
    expected = _digest(key, signed)
    # Check every candidate so the time taken does not reveal which one matched.
    matches = [hmac.compare_digest(expected, candidate.lower()) for candidate in signatures]
    return any(matches)


def _signed_payload(timestamp_text: str, event_id: str, body: bytes) -> bytes:
    """What a delivery's signature covers: ``<timestamp>.<event_id>.<raw body>``."""
    return b"%s.%s.%s" % (timestamp_text.encode("ascii"), event_id.encode("ascii"), body)


def _digest(key: APIKey, signed: bytes) -> str:
    """The hex HMAC-SHA256 of ``signed`` under the hex SHA-256 of the API key (never raises)."""
    secret = hashlib.sha256(key.reveal().encode("ascii")).hexdigest().encode("ascii")
    return hmac.new(secret, signed, hashlib.sha256).hexdigest()


def signed_webhook_headers(body: bytes, api_key: str, *, event_id: str, timestamp: int) -> dict[str, str]:
    """The headers the API signs a delivery of ``body`` with (what ``verify_webhook`` checks);
    for fakes and tests of a receiver (``aigenstudio.testing`` signs its deliveries so)."""
    key = _webhook_key(conceal(api_key))
    del api_key
    stamp = str(int(timestamp))
    signature = _digest(key, _signed_payload(stamp, event_id, bytes(body)))
    return {
        SIGNATURE_HEADER: f"{_SIGNATURE_SCHEME}={signature}",
        TIMESTAMP_HEADER: stamp,
        EVENT_ID_HEADER: event_id,
    }


def _seconds(value: object, name: str, *, negative: bool = False) -> float:
    """A finite number of seconds: NaN or inf would switch the staleness check off."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigurationError(f"{name} must be a number of seconds, not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not math.isfinite(seconds) or (seconds < 0 and not negative):
        raise ConfigurationError(
            f"{name} must be a finite{'' if negative else ' non-negative'} number of seconds"
        )
    return seconds


def _read_headers(headers: object) -> dict[str, str]:
    """The three signature headers, looked up case-insensitively; repeats must agree."""
    if isinstance(headers, Mapping):
        pairs: Iterable[object] = headers.items()
    elif isinstance(headers, Iterable) and not isinstance(headers, str | bytes | bytearray):
        pairs = headers
    else:
        raise ConfigurationError("headers must be a mapping or an iterable of (name, value) pairs")
    wanted = {name.lower(): name for name in (SIGNATURE_HEADER, TIMESTAMP_HEADER, EVENT_ID_HEADER)}
    found: dict[str, set[str]] = {name: set() for name in wanted.values()}
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ConfigurationError("headers must be a mapping or an iterable of (name, value) pairs")
        key, value = pair
        if isinstance(key, bytes | bytearray):
            key = bytes(key).decode("latin-1")  # every byte decodes; unknown names are skipped
        name = wanted.get(key.lower()) if isinstance(key, str) else None
        if name is not None:
            found[name].add(_header_text(name, value))
    values = {}
    for name, texts in found.items():
        texts.discard("")
        if not texts:
            raise MissingWebhookHeaderError(name)
        if len(texts) > 1:
            raise MalformedWebhookHeaderError(name, "present more than once with different values")
        values[name] = texts.pop()
    return values


def _header_text(name: str, value: object) -> str:
    """A header value as stripped ASCII text; our headers never carry anything else."""
    if isinstance(value, bytes | bytearray):
        try:
            value = bytes(value).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedWebhookHeaderError(name, "non-ASCII bytes") from None
    if not isinstance(value, str):
        raise MalformedWebhookHeaderError(name, f"expected text, not {type(value).__name__}")
    if not value.isascii():  # also catches surrogateescape'd bytes (aiohttp)
        raise MalformedWebhookHeaderError(name, "non-ASCII characters")
    return value.strip()


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
