"""A hostile ``Retry-After`` never hands callers a wait they cannot make.

``RateLimitError.retry_after`` used to be ``inf`` for a 400-digit delay and 1e23 or 2.5e11
seconds for a huge delay or a year-9999 date: ``time.sleep`` raises OverflowError on all of
them. A hint is now None (no usable hint) or finite, from 0 to ``MAX_RETRY_AFTER`` (a day).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from threading import TIMEOUT_MAX

import httpx
import pytest
from aigenstudio import RateLimitError
from aigenstudio._core.retry_after import MAX_RETRY_AFTER, parse_retry_after

from tests.client.conftest import SANDBOX_KEY, Api

ENVELOPE = {"error": {"code": "rate_limited", "message": "slow down"}, "request_id": "r"}
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()

# (header, expected hint) for headers a hostile or broken server may send.
HOSTILE = [
    ("99999999999999999999999", MAX_RETRY_AFTER),
    ("9" * 400, MAX_RETRY_AFTER),  # float() of it is inf
    ("86401", MAX_RETRY_AFTER),
    ("86400", 86400.0),
    ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER),
    ("Mon, 01 Jan 0001 00:00:00 GMT", 0.0),
    ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
    ("1e400", None),
    ("NaN", None),
    ("inf", None),
    ("-5", None),
    ("0x10", None),
    ("\u0663", None),  # an Arabic-Indic digit: str.isdigit, but not delta-seconds
    ("", None),
]
ON_THE_WIRE = [(h, e) for h, e in HOSTILE if h.isascii()]  # header values httpx can send


def test_the_cap_is_a_wait_every_platform_can_make() -> None:
    assert math.isfinite(MAX_RETRY_AFTER)
    assert 0 < MAX_RETRY_AFTER <= TIMEOUT_MAX


@pytest.mark.parametrize(("header", "expected"), HOSTILE, ids=[h[:24] or "empty" for h, _ in HOSTILE])
def test_parse_retry_after_is_none_or_a_bounded_finite_wait(header: str, expected: float | None) -> None:
    hint = parse_retry_after(header, now=NOW)
    assert hint == expected
    if hint is not None:
        assert type(hint) is float
        assert math.isfinite(hint)
        assert 0 <= hint <= MAX_RETRY_AFTER


@pytest.mark.parametrize(("header", "expected"), ON_THE_WIRE, ids=[h[:24] or "empty" for h, _ in ON_THE_WIRE])
async def test_rate_limit_error_retry_after_is_sleepable(
    api: Api, header: str, expected: float | None
) -> None:
    api.recorder.handler = lambda r: httpx.Response(429, json=ENVELOPE, headers={"Retry-After": header})
    with pytest.raises(RateLimitError) as info:
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY))
    hint = info.value.retry_after
    assert hint == expected
    if hint is not None:
        assert math.isfinite(hint)
        assert 0 <= hint <= MAX_RETRY_AFTER
