"""The edges of the webhook windows: how stale a refused delivery was (and in which direction),
and the deduplicator's window kept by the latest delivery of an event, evicting the oldest."""

from __future__ import annotations

import math

import pytest
from aigenstudio import ConfigurationError
from aigenstudio import _webhooks as wh
from aigenstudio._webhooks import StaleWebhookError, verify_webhook

from tests.webhooks.signing import API_KEY, BODY, NOW, headers


@pytest.mark.parametrize(("offset", "shown"), [(301, "+301s"), (-450, "-450s")])
def test_a_stale_delivery_says_how_old_it_is_and_the_tolerance(offset: int, shown: str) -> None:
    with pytest.raises(StaleWebhookError) as caught:
        verify_webhook(BODY, headers(), API_KEY, now=NOW + offset)
    assert caught.value.age == offset
    assert f"webhook timestamp is {shown} from now, beyond the 300s tolerance" in str(caught.value)


def test_an_older_redelivery_does_not_shorten_the_window() -> None:
    dedup = wh.WebhookDeduplicator(tolerance=100)
    late = verify_webhook(BODY, headers(timestamp=NOW + 50), API_KEY, now=NOW + 50)
    early = verify_webhook(BODY, headers(), API_KEY, now=NOW + 50)  # same id, older timestamp
    assert dedup.seen(late, now=NOW + 50) is False
    assert dedup.seen(early, now=NOW + 60) is True
    assert dedup.seen(early, now=NOW + 150) is True  # the later delivery's window: NOW + 150
    assert dedup.seen(early, now=NOW + 151) is False


def test_past_the_bound_the_oldest_ids_are_dropped_first() -> None:
    dedup = wh.WebhookDeduplicator(max_events=2)
    a, b, c = (verify_webhook(BODY, headers(event_id=f"evt_{n}"), API_KEY, now=NOW) for n in "abc")
    for event in (a, b, c):
        assert dedup.seen(event, now=NOW) is False
    assert len(dedup) == 2
    assert dedup.seen(c, now=NOW) is True
    assert dedup.seen(b, now=NOW) is True
    assert dedup.seen(a, now=NOW) is False  # the first one was the one dropped


def test_a_replay_at_the_last_second_of_the_window_is_remembered_for_the_next() -> None:
    dedup = wh.WebhookDeduplicator(tolerance=300)
    event = verify_webhook(BODY, headers(), API_KEY, now=NOW)
    assert dedup.seen(event, now=NOW) is False
    assert dedup.seen(event, now=NOW + 300) is True
    assert dedup.seen(event, now=NOW + 300) is True  # still inside: not dropped at its last second
    assert len(dedup) == 1


def test_now_may_be_any_finite_time_but_the_tolerance_must_not_be_negative() -> None:
    with pytest.raises(StaleWebhookError):  # a clock before 1970 is odd, not a setting error
        verify_webhook(BODY, headers(), API_KEY, now=-5)
    with pytest.raises(ConfigurationError, match=r"^now must be a finite number of seconds$"):
        verify_webhook(BODY, headers(), API_KEY, now=math.nan)
    with pytest.raises(
        ConfigurationError, match=r"^tolerance must be a finite non-negative number of seconds$"
    ):
        verify_webhook(BODY, headers(), API_KEY, now=NOW, tolerance=-1)


def test_the_default_bound_is_100_000_ids() -> None:
    import inspect

    assert inspect.signature(wh.WebhookDeduplicator).parameters["max_events"].default == 100_000


def test_a_verified_event_cannot_be_altered_by_a_handler() -> None:
    event = verify_webhook(BODY, headers(), API_KEY, now=NOW)
    with pytest.raises(AttributeError):
        event.event_id = "evt_other"  # type: ignore[misc]
