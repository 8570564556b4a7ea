"""WebhookDeduplicator: a replay inside the tolerance window verifies (by design), so a receiver
drops a second delivery of one event id; its memory is bounded, thread-safe, and forgets."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from aigenstudio import AigenStudioError, ConfigurationError
from aigenstudio import _webhooks as wh
from aigenstudio._webhooks import WebhookVerificationError, verify_webhook

from tests.webhooks.signing import API_KEY, BODY, EVENT_ID, NOW, headers


def test_the_deduplicator_names_are_exported() -> None:
    assert {"DuplicateWebhookError", "WebhookDeduplicator"} <= set(wh.__all__)
    assert issubclass(wh.DuplicateWebhookError, WebhookVerificationError)
    assert issubclass(wh.DuplicateWebhookError, AigenStudioError)


def test_the_webhook_errors_are_named_by_the_public_module() -> None:
    errors = [getattr(wh, name) for name in wh.__all__ if name.endswith("Error")]
    assert len(errors) == 7
    assert {error.__module__ for error in errors} == {"aigenstudio"}


def test_the_time_a_deduplicator_is_asked_at_is_passed_by_keyword() -> None:
    event = verify_webhook(BODY, headers(), API_KEY, now=NOW)
    dedup = wh.WebhookDeduplicator()
    with pytest.raises(TypeError):
        dedup.seen(event, NOW)  # type: ignore[misc]  # a number read as `now` by mistake
    with pytest.raises(TypeError):
        dedup.check(event, NOW)  # type: ignore[misc]


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
