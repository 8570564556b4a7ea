"""Hostile and odd inputs to verify_webhook: every refusal is an SDK error, never a crash.

Signatures are computed here with hashlib and hmac directly, over the raw bytes the vendor
would have sent (``surrogateescape`` turns a framework's decoded header back into them).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest
from aigenstudio import AigenStudioError, ConfigurationError
from aigenstudio import _webhooks as wh
from aigenstudio._webhooks import (
    InvalidWebhookPayloadError,
    MalformedWebhookHeaderError,
    MissingWebhookHeaderError,
    StaleWebhookError,
    WebhookSignatureError,
    WebhookVerificationError,
    verify_webhook,
)

API_KEY = "aigen_test_4f9a1c2e8b7d6a5f3e2d1c0b"
SECRET_PART = "4f9a1c2e8b7d6a5f3e2d1c0b"
NOW = 1_760_000_000
EVENT_ID = "evt_01J9Z3W4K5M6N7P8Q9R0"
BODY = b'{"type":"job.completed","data":{"status":"completed"}}'
STALE = NOW + 10**6
FULLWIDTH_NOW = "".join(chr(0xFF10 + int(digit)) for digit in str(NOW))  # full-width digits


def raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def sign(body: bytes = BODY, timestamp: int | str = NOW, event_id: str = EVENT_ID, key: str = API_KEY) -> str:
    secret = hashlib.sha256(key.encode()).hexdigest()
    message = raw(f"{timestamp}.{event_id}.") + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(
    body: bytes = BODY, timestamp: int | str = NOW, event_id: str = EVENT_ID, **overrides: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "X-Aigen-Signature": sign(body, timestamp, event_id),
        "X-Aigen-Timestamp": str(timestamp),
        "X-Aigen-Event-Id": event_id,
    }
    values.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return values


# -- tolerance and clock ------------------------------------------------------------------


@pytest.mark.parametrize(
    "tolerance",
    [float("nan"), float("inf"), float("-inf"), -1, -0.5, True, False, "300", None, 10**400],
    ids=lambda v: repr(v)[:12],
)
def test_a_tolerance_that_is_not_a_finite_non_negative_number_is_refused(tolerance: Any) -> None:
    # A stale clock: NaN or inf would otherwise switch the staleness check off.
    with pytest.raises(ConfigurationError, match="tolerance"):
        verify_webhook(BODY, headers(), API_KEY, tolerance=tolerance, now=STALE)


@pytest.mark.parametrize(
    "now",
    [float("nan"), float("inf"), float("-inf"), "1760000000", True, 10**400, Decimal(NOW)],
    ids=lambda v: repr(v)[:12],
)
def test_a_clock_that_is_not_a_finite_number_is_refused(now: Any) -> None:
    with pytest.raises(ConfigurationError, match="now"):
        verify_webhook(BODY, headers(), API_KEY, now=now)


def test_fractional_tolerance_and_clock_work() -> None:
    # Guard: the stricter checks still take plain floats (passed before the fix too).
    assert verify_webhook(BODY, headers(), API_KEY, tolerance=0.5, now=NOW + 0.25)
    assert verify_webhook(BODY, headers(), API_KEY, tolerance=0, now=NOW)
    with pytest.raises(StaleWebhookError):
        verify_webhook(BODY, headers(), API_KEY, tolerance=0.5, now=NOW + 0.75)


# -- the API key ----------------------------------------------------------------------------


@pytest.mark.parametrize("padded", [API_KEY + "\n", API_KEY + "\r\n", f"  {API_KEY}\t", API_KEY + " \n"])
def test_a_key_read_from_an_env_file_verifies_like_the_client_reads_it(padded: str) -> None:
    assert verify_webhook(BODY, headers(), padded, now=NOW).event_id == EVENT_ID


@pytest.mark.parametrize(
    "key",
    [
        f"aigen_test_{SECRET_PART[:12]} {SECRET_PART[12:]}",
        f"aigen_test_{SECRET_PART[:12]}\n{SECRET_PART[12:]}",
        f"aigen_test_{SECRET_PART}\x00",
        f"aigen_test_{SECRET_PART}\x7f",
        f"aigen_test_{SECRET_PART}é",
        f"aigen_test_{SECRET_PART}\udcff",
    ],
    ids=["space", "newline", "nul", "del", "non-ascii", "surrogate"],
)
def test_a_key_with_bad_inner_characters_is_refused_without_quoting_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        verify_webhook(BODY, headers(), key, now=NOW)
    assert SECRET_PART[:6] not in str(caught.value)
    assert SECRET_PART[-6:] not in str(caught.value)


def test_a_blank_key_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        verify_webhook(BODY, headers(), " \n", now=NOW)


@pytest.mark.parametrize("key", [API_KEY.encode(), 12345, [API_KEY]], ids=["bytes", "int", "list"])
def test_a_key_that_is_not_text_is_refused(key: Any) -> None:
    with pytest.raises(ConfigurationError, match="api_key"):
        verify_webhook(BODY, headers(), key, now=NOW)


# -- header values --------------------------------------------------------------------------


def test_a_surrogate_escaped_event_id_is_malformed() -> None:
    # aiohttp decodes non-UTF-8 header bytes with surrogateescape; even signed it is refused.
    event_id = "evt_\udcff"
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(event_id=event_id), API_KEY, now=NOW)
    assert caught.value.header == "X-Aigen-Event-Id"


def test_a_non_ascii_part_in_the_signature_header_is_malformed() -> None:
    for extra in ("v1=\udcff", "v2=é"):
        value = f"{sign()}, {extra}"
        with pytest.raises(MalformedWebhookHeaderError) as caught:
            verify_webhook(BODY, headers(X_Aigen_Signature=value), API_KEY, now=NOW)
        assert caught.value.header == "X-Aigen-Signature"


@pytest.mark.parametrize("value", [FULLWIDTH_NOW, "17600000\udcff0", b"17600000\xff0"], ids=repr)
def test_a_non_ascii_timestamp_is_malformed(value: Any) -> None:
    # Guard: already refused before the fix.
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(X_Aigen_Timestamp=value), API_KEY, now=NOW)
    assert caught.value.header == "X-Aigen-Timestamp"


def test_header_values_given_as_bytes_are_read_as_ascii() -> None:
    as_bytes = {name: value.encode("ascii") for name, value in headers().items()}
    assert verify_webhook(BODY, as_bytes, API_KEY, now=NOW).event_id == EVENT_ID


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Aigen-Signature", raw(sign()) + b"\xff"),
        ("X-Aigen-Event-Id", b"evt_\xff"),
        ("X-Aigen-Event-Id", "evt_é".encode()),
        ("X-Aigen-Event-Id", 42),
    ],
    ids=["signature", "event-id", "event-id-utf8", "not-text"],
)
def test_a_header_value_that_is_not_ascii_text_is_malformed(header: str, value: Any) -> None:
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(**{header.replace("-", "_"): value}), API_KEY, now=NOW)
    assert caught.value.header == header


@pytest.mark.parametrize(
    "timestamp",
    ["9" * 5000, "9" * 30, "9" * 13, "0" * 13 + "1"],
    ids=["5000-digits", "30-digits", "13-digits", "zero-padded"],
)
def test_a_huge_timestamp_is_malformed_even_when_signed(timestamp: str) -> None:
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(timestamp=timestamp), API_KEY, now=NOW)
    assert caught.value.header == "X-Aigen-Timestamp"


@pytest.mark.parametrize(
    "event_id",
    ["x" * 257, "evt\x00", "evt_1\x7f", "evt\x1b[31m", "evt 1", "evt\t1", "evt_é"],
    ids=["too-long", "nul", "del", "escape", "space", "tab", "non-ascii"],
)
def test_a_bad_event_id_is_malformed_even_when_signed(event_id: str) -> None:
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(event_id=event_id), API_KEY, now=NOW)
    assert caught.value.header == "X-Aigen-Event-Id"


def test_event_id_limits() -> None:
    # Guard: the longest id passes; an empty one stays "missing", as for every header.
    longest = "e" * 256
    assert verify_webhook(BODY, headers(event_id=longest), API_KEY, now=NOW).event_id == longest
    with pytest.raises(MissingWebhookHeaderError):
        verify_webhook(BODY, headers(X_Aigen_Event_Id=""), API_KEY, now=NOW)


def test_checks_run_in_order_syntax_signature_staleness_body() -> None:
    bad_sig = "v1=" + "0" * 64
    with pytest.raises(MalformedWebhookHeaderError):  # a bad header beats a bad signature
        verify_webhook(BODY, headers(event_id="x" * 300, X_Aigen_Signature=bad_sig), API_KEY, now=STALE)
    with pytest.raises(MalformedWebhookHeaderError):
        verify_webhook(BODY, headers(timestamp="9" * 5000, X_Aigen_Signature=bad_sig), API_KEY, now=NOW)
    with pytest.raises(WebhookSignatureError):  # a bad signature beats staleness
        verify_webhook(BODY, headers(X_Aigen_Signature=bad_sig), API_KEY, now=STALE)
    with pytest.raises(StaleWebhookError):  # staleness beats an unreadable body
        verify_webhook(b"[" * 10, headers(b"[" * 10), API_KEY, now=STALE)


# -- the body ---------------------------------------------------------------------------------


def test_a_deeply_nested_signed_body_is_an_invalid_payload() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(InvalidWebhookPayloadError):
        verify_webhook(body, headers(body), API_KEY, now=NOW)


@pytest.mark.parametrize(
    "body",
    ['{"a": 1}'.encode("utf-16"), '{"a": 1}'.encode("utf-16-le"), '{"a": 1}'.encode("utf-32")],
    ids=["utf-16-bom", "utf-16-le", "utf-32"],
)
def test_a_signed_body_that_is_not_utf8_is_an_invalid_payload(body: bytes) -> None:
    with pytest.raises(InvalidWebhookPayloadError):
        verify_webhook(body, headers(body), API_KEY, now=NOW)


def test_a_signed_body_with_invalid_utf8_is_an_invalid_payload() -> None:
    # Guard: already refused before the fix.
    body = b'{"a": "\xff"}'
    with pytest.raises(InvalidWebhookPayloadError):
        verify_webhook(body, headers(body), API_KEY, now=NOW)


@pytest.mark.parametrize("body", ["text", None, {"a": 1}, [123, 34]], ids=["str", "none", "dict", "list"])
def test_a_raw_body_of_the_wrong_type_is_a_configuration_error(body: Any) -> None:
    with pytest.raises(ConfigurationError, match="raw"):
        verify_webhook(body, headers(), API_KEY, now=NOW)


def test_bytearray_and_memoryview_bodies_are_accepted() -> None:
    # Guard: accepted before the fix too.
    assert verify_webhook(bytearray(BODY), headers(), API_KEY, now=NOW)
    assert verify_webhook(memoryview(BODY), headers(), API_KEY, now=NOW)


# -- header containers ------------------------------------------------------------------------


def test_asgi_scope_headers_are_accepted() -> None:
    scope_headers = [(name.lower().encode(), value.encode()) for name, value in headers().items()]
    scope_headers += [(b"user-agent", "café".encode()), (b"x-other", b"\xff\xfe")]  # not ours: ignored
    assert verify_webhook(BODY, scope_headers, API_KEY, now=NOW).event_id == EVENT_ID


def test_str_pairs_are_accepted_as_a_list_or_a_tuple() -> None:
    pairs = list(headers().items())
    assert verify_webhook(BODY, pairs, API_KEY, now=NOW)
    assert verify_webhook(BODY, tuple(pairs), API_KEY, now=NOW)
    with pytest.raises(MalformedWebhookHeaderError):  # pairs may repeat a name, but must agree
        verify_webhook(BODY, [*pairs, ("x-aigen-timestamp", str(NOW - 1))], API_KEY, now=NOW)


class MultiDict(Mapping[str, str]):
    """aiohttp-like: a Mapping whose items() yields a name once per value."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def __getitem__(self, key: str) -> str:
        return next(v for k, v in self._pairs if k.lower() == key.lower())

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def items(self) -> Any:
        return list(self._pairs)


class PairIterable:
    """werkzeug-like: not a Mapping, but iterating it yields (name, value) pairs."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)


def test_multidicts_and_pair_iterables_are_accepted() -> None:
    # The multidict worked before the fix (items() was all it read); the pair iterable did not.
    pairs = [*headers().items(), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("x-aigen-event-id", EVENT_ID)]
    assert verify_webhook(BODY, MultiDict(pairs), API_KEY, now=NOW)
    assert verify_webhook(BODY, PairIterable(pairs), API_KEY, now=NOW)


@pytest.mark.parametrize(
    "value",
    [None, 42, "X-Aigen-Signature: v1=00", b"X-Aigen-Signature", [("only-a-name",)], [("a", "b", "c")], [42]],
    ids=["none", "int", "str", "bytes", "1-tuple", "3-tuple", "int-item"],
)
def test_headers_of_the_wrong_shape_are_a_configuration_error(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="headers"):
        verify_webhook(BODY, value, API_KEY, now=NOW)


# -- replays inside the window ---------------------------------------------------------------


def test_the_new_names_are_exported() -> None:
    assert {"DuplicateWebhookError", "WebhookDeduplicator"} <= set(wh.__all__)
    assert issubclass(wh.DuplicateWebhookError, WebhookVerificationError)
    assert issubclass(wh.DuplicateWebhookError, AigenStudioError)


def test_a_replay_inside_the_window_verifies_so_deduplicate_by_event_id() -> None:
    first = verify_webhook(BODY, headers(), API_KEY, now=NOW)
    replay = verify_webhook(BODY, headers(), API_KEY, now=NOW + 5)  # by design: it verifies
    dedup = wh.WebhookDeduplicator()
    assert dedup.seen(first, now=NOW) is False
    assert dedup.seen(replay, now=NOW + 5) is True
    with pytest.raises(wh.DuplicateWebhookError) as caught:
        dedup.check(replay, now=NOW + 5)
    assert caught.value.event_id == EVENT_ID
    # The vendor's retry carries the same event id under a new timestamp: still a duplicate.
    retry = verify_webhook(BODY, headers(timestamp=NOW + 60), API_KEY, now=NOW + 60)
    assert dedup.seen(retry, now=NOW + 60) is True


def test_the_deduplicator_forgets_an_event_once_its_window_has_passed() -> None:
    dedup = wh.WebhookDeduplicator(tolerance=300)
    event = verify_webhook(BODY, headers(), API_KEY, now=NOW)
    assert dedup.seen(event, now=NOW) is False
    assert dedup.seen(event, now=NOW + 300) is True  # the last second verify_webhook accepts
    later = NOW + 301
    other = verify_webhook(BODY, headers(timestamp=later, event_id="evt_2"), API_KEY, now=later)
    assert dedup.seen(other, now=later) is False
    assert len(dedup) == 1  # evt_1's window is over: dropped


def test_the_deduplicator_memory_is_bounded() -> None:
    dedup = wh.WebhookDeduplicator(max_events=3)
    events = [verify_webhook(BODY, headers(event_id=f"evt_{i}"), API_KEY, now=NOW) for i in range(10)]
    for event in events:
        assert dedup.seen(event, now=NOW) is False
    assert len(dedup) == 3
    assert dedup.seen(events[-1], now=NOW) is True


def test_forget_lets_the_vendors_retry_through_after_a_failed_handler() -> None:
    dedup = wh.WebhookDeduplicator()
    event = verify_webhook(BODY, headers(), API_KEY, now=NOW)
    dedup.check(event, now=NOW)
    dedup.forget(event.event_id)
    dedup.check(event, now=NOW + 1)  # no DuplicateWebhookError


def test_the_deduplicator_is_thread_safe() -> None:
    dedup = wh.WebhookDeduplicator()
    events = [verify_webhook(BODY, headers(event_id=f"evt_{i}"), API_KEY, now=NOW) for i in range(50)]
    firsts: list[str] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(20):
            for event in events:
                if not dedup.seen(event, now=NOW):
                    firsts.append(event.event_id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(firsts) == sorted(e.event_id for e in events)  # each id is new exactly once


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tolerance": float("nan")},
        {"tolerance": -1},
        {"max_events": 0},
        {"max_events": True},
        {"max_events": 2.5},
    ],
    ids=repr,
)
def test_the_deduplicator_refuses_bad_settings(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        wh.WebhookDeduplicator(**kwargs)
