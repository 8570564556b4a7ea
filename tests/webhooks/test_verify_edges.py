"""Hostile and odd inputs to verify_webhook: every refusal is an SDK error, never a crash.

Deliveries are signed by tests/webhooks/signing.py, independently of the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest
from aigenstudio import ConfigurationError
from aigenstudio._webhooks import (
    InvalidWebhookPayloadError,
    MalformedWebhookHeaderError,
    MissingWebhookHeaderError,
    StaleWebhookError,
    WebhookSignatureError,
    verify_webhook,
)

from tests.webhooks.signing import API_KEY, BODY, EVENT_ID, NOW, headers, raw, sign

SECRET_PART = API_KEY.removeprefix("aigen_test_")
STALE = NOW + 10**6
FULLWIDTH_NOW = "".join(chr(0xFF10 + int(digit)) for digit in str(NOW))  # full-width digits


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
