"""verify_webhook on well-formed deliveries: the documented scheme (pinned), header forms, and
the refusals a receiver relies on (tampered, stale, missing, malformed). Hostile inputs are in
test_verify_edges.py."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

import httpx
import pytest
from aigenstudio import AigenStudioError, ConfigurationError
from aigenstudio._webhooks import (
    InvalidWebhookPayloadError,
    MalformedWebhookHeaderError,
    MissingWebhookHeaderError,
    StaleWebhookError,
    WebhookEvent,
    WebhookSignatureError,
    WebhookVerificationError,
    verify_webhook,
)

from tests.webhooks.signing import API_KEY, BODY, EVENT_ID, NOW, headers, sign


def test_pinned_vector() -> None:
    # Pinned output of the scheme, so the helper above cannot drift together with the code.
    body, headers_ = (
        b"{}",
        {
            "X-Aigen-Signature": "v1=01056e1156c518dba30a9b1d8b1c9e66d3b668af4a5acbb0bdca307cdcfd0da4",
            "X-Aigen-Timestamp": "1700000000",
            "X-Aigen-Event-Id": "evt_1",
        },
    )
    assert sign(body, 1700000000, "evt_1", "aigen_test_key") == headers_["X-Aigen-Signature"]
    event = verify_webhook(body, headers_, "aigen_test_key", now=1700000000)
    assert (event.event_id, event.timestamp, event.payload) == ("evt_1", 1700000000, {})


def test_a_valid_delivery_returns_the_parsed_event() -> None:
    event = verify_webhook(BODY, headers(), API_KEY, now=NOW + 10)
    assert event == WebhookEvent(event_id=EVENT_ID, timestamp=NOW, payload=json.loads(BODY))
    assert event.payload["data"]["status"] == "completed"


@pytest.mark.parametrize(
    "names",
    [
        ("x-aigen-signature", "x-aigen-timestamp", "x-aigen-event-id"),
        ("X-AIGEN-SIGNATURE", "X-AIGEN-TIMESTAMP", "X-AIGEN-EVENT-ID"),
        ("x-Aigen-signature", "X-aigen-Timestamp", "x-aigen-event-ID"),
    ],
)
def test_header_names_are_case_insensitive_in_a_plain_dict(names: tuple[str, str, str]) -> None:
    signature, timestamp, event_id = names
    plain = {signature: sign(BODY), timestamp: str(NOW), event_id: EVENT_ID}
    assert verify_webhook(BODY, plain, API_KEY, now=NOW).event_id == EVENT_ID


def test_httpx_headers_are_accepted() -> None:
    assert verify_webhook(BODY, httpx.Headers(headers()), API_KEY, now=NOW).timestamp == NOW


class FrameworkHeaders(Mapping[str, str]):
    """Starlette-like: a read-only mapping with lower-case keys."""

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = {k.lower(): v for k, v in raw.items()}

    def __getitem__(self, key: str) -> str:
        return self._raw[key.lower()]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def test_any_mapping_is_accepted() -> None:
    assert verify_webhook(BODY, FrameworkHeaders(headers()), API_KEY, now=NOW).event_id == EVENT_ID


def test_any_of_several_signatures_may_match() -> None:
    other = sign(BODY, key="aigen_test_old_key_000000")
    for value in (f"{other}, {sign(BODY)}", f"{sign(BODY)} {other}", f"v0=abc,{sign(BODY)}"):
        assert verify_webhook(BODY, headers(X_Aigen_Signature=value), API_KEY, now=NOW)


def test_upper_case_hex_signature_matches() -> None:
    upper = "v1=" + sign(BODY).removeprefix("v1=").upper()
    assert verify_webhook(BODY, headers(X_Aigen_Signature=upper), API_KEY, now=NOW)


def test_tampered_body_fails() -> None:
    tampered = BODY.replace(b'"completed"}', b'"failed"}')
    assert tampered != BODY
    with pytest.raises(WebhookSignatureError):
        verify_webhook(tampered, headers(), API_KEY, now=NOW)


def test_reserialised_json_fails() -> None:
    reserialised = json.dumps(json.loads(BODY)).encode()  # ", " and ": " spacing
    assert reserialised != BODY
    assert json.loads(reserialised) == json.loads(BODY)
    with pytest.raises(WebhookSignatureError):
        verify_webhook(reserialised, headers(), API_KEY, now=NOW)


def test_decoded_text_body_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="raw"):
        verify_webhook(BODY.decode(), headers(), API_KEY, now=NOW)  # type: ignore[arg-type]


def test_wrong_api_key_fails() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_webhook(BODY, headers(), "aigen_test_someone_else_0000", now=NOW)


def test_the_raw_api_key_is_not_the_secret() -> None:
    raw_key_signature = (
        "v1=" + hmac.new(API_KEY.encode(), f"{NOW}.{EVENT_ID}.".encode() + BODY, hashlib.sha256).hexdigest()
    )
    with pytest.raises(WebhookSignatureError):
        verify_webhook(BODY, headers(X_Aigen_Signature=raw_key_signature), API_KEY, now=NOW)


def test_swapped_event_id_fails() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_webhook(BODY, headers(X_Aigen_Event_Id="evt_other"), API_KEY, now=NOW)


def test_changed_timestamp_header_fails() -> None:
    with pytest.raises(WebhookSignatureError):
        verify_webhook(BODY, headers(X_Aigen_Timestamp=str(NOW + 1)), API_KEY, now=NOW)


@pytest.mark.parametrize("offset", [301, 3600, -301, -86400])
def test_timestamps_outside_the_tolerance_are_stale(offset: int) -> None:
    with pytest.raises(StaleWebhookError) as caught:
        verify_webhook(BODY, headers(), API_KEY, now=NOW + offset)
    assert caught.value.timestamp == NOW


@pytest.mark.parametrize("offset", [0, 300, -300])
def test_timestamps_within_the_tolerance_pass(offset: int) -> None:
    assert verify_webhook(BODY, headers(), API_KEY, now=NOW + offset)


def test_tolerance_is_configurable() -> None:
    with pytest.raises(StaleWebhookError):
        verify_webhook(BODY, headers(), API_KEY, now=NOW + 61, tolerance=60)
    assert verify_webhook(BODY, headers(), API_KEY, now=NOW + 900, tolerance=1000)


def test_a_replay_with_a_valid_old_signature_is_stale() -> None:
    old = NOW - 3600
    replay = headers(X_Aigen_Signature=sign(BODY, timestamp=old), X_Aigen_Timestamp=str(old))
    with pytest.raises(StaleWebhookError):
        verify_webhook(BODY, replay, API_KEY, now=NOW)


def test_default_clock_is_the_current_time() -> None:
    # Signed for 2025: the real clock is past it by far more than 300 s.
    with pytest.raises(StaleWebhookError):
        verify_webhook(BODY, headers(), API_KEY)


@pytest.mark.parametrize("missing", ["X-Aigen-Signature", "X-Aigen-Timestamp", "X-Aigen-Event-Id"])
def test_missing_headers_are_named(missing: str) -> None:
    partial = {k: v for k, v in headers().items() if k != missing}
    with pytest.raises(MissingWebhookHeaderError) as caught:
        verify_webhook(BODY, partial, API_KEY, now=NOW)
    assert caught.value.header == missing


def test_empty_header_counts_as_missing() -> None:
    with pytest.raises(MissingWebhookHeaderError):
        verify_webhook(BODY, headers(X_Aigen_Signature="  "), API_KEY, now=NOW)


@pytest.mark.parametrize(
    "value",
    [
        "deadbeef",
        "v1=",
        "v1=not-hex-" + "0" * 54,
        "v1=" + "a" * 63,
        "v2=" + "a" * 64,
        "sha256=" + "a" * 64,
    ],
)
def test_malformed_signatures(value: str) -> None:
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(X_Aigen_Signature=value), API_KEY, now=NOW)
    assert caught.value.header == "X-Aigen-Signature"


@pytest.mark.parametrize("value", ["1.76e9", "-1760000000", "yesterday", "2025-10-09T08:53:20Z"])
def test_malformed_timestamps(value: str) -> None:
    with pytest.raises(MalformedWebhookHeaderError) as caught:
        verify_webhook(BODY, headers(X_Aigen_Timestamp=value), API_KEY, now=NOW)
    assert caught.value.header == "X-Aigen-Timestamp"


def test_conflicting_duplicate_headers_are_refused() -> None:
    doubled = {**headers(), "x-aigen-timestamp": str(NOW - 5)}
    with pytest.raises(MalformedWebhookHeaderError):
        verify_webhook(BODY, doubled, API_KEY, now=NOW)


def test_a_signed_non_json_body_is_reported_after_the_signature_check() -> None:
    body = b"not json"
    with pytest.raises(InvalidWebhookPayloadError):
        verify_webhook(body, headers(body), API_KEY, now=NOW)


def test_every_failure_is_one_catchable_sdk_error() -> None:
    for error in (
        MissingWebhookHeaderError,
        MalformedWebhookHeaderError,
        WebhookSignatureError,
        StaleWebhookError,
        InvalidWebhookPayloadError,
    ):
        assert issubclass(error, WebhookVerificationError)
    assert issubclass(WebhookVerificationError, AigenStudioError)


def test_an_empty_api_key_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        verify_webhook(BODY, headers(), "", now=NOW)
