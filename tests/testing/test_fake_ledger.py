"""The sandbox's ledger and its create path, to the credit: what a job reserves, settles and
releases, what a replay, a conflict, a limit or a 402 leaves in the ledger (nothing), and
the wire form of a job's items at each stage.

A user's test that asserts "charged once" reads this ledger; a wrong count here lets a
double charge (or a lost one) pass their suite.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from aigenstudio.testing import Failure, FakeAPI, Timing
from aigenstudio.testing._jobs import FakeItem, FakeJob, Ledger, LedgerEntry, created_at, new_id
from aigenstudio.testing._rules import OPERATION_CREDITS, PRESETS

SANDBOX = "aigen_test_" + "ledg" * 6
OTHER = "aigen_test_" + "othe" * 6
THIRD = "aigen_test_" + "thir" * 6
LIVE = "aigen_live_" + "ledg" * 6
LIVE_TWO = "aigen_live_" + "lvtw" * 6


def images(*names: str, ids: bool = True) -> list[dict[str, str]]:
    return [
        {"source_url": f"https://shop.test/{name}.jpg", **({"external_id": f"sku-{name}"} if ids else {})}
        for name in names
    ]


def create(fake: FakeAPI, key: str, idem: str, body: dict[str, Any] | None = None) -> httpx.Response:
    body = body if body is not None else {"images": images("a")}
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": f"ledger-test-{idem}"}
    request = httpx.Request("POST", fake.base_url + "/product-photo-jobs", json=body, headers=headers)
    return fake.transport().handle_request(request)


def created(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    answer: dict[str, Any] = json.loads(response.content)
    return answer


def code(response: httpx.Response) -> str:
    return str(json.loads(response.content)["error"]["code"])


def get(fake: FakeAPI, key: str, job_id: str) -> httpx.Response:
    request = httpx.Request(
        "GET", f"{fake.base_url}/product-photo-jobs/{job_id}", headers={"Authorization": f"Bearer {key}"}
    )
    return fake.transport().handle_request(request)


def entries(fake: FakeAPI) -> list[tuple[str, int, bool]]:
    return [(e.kind, e.credits, e.simulated) for e in fake.ledger.entries]


# -- the create path ------------------------------------------------------------------------------


def test_a_replay_adds_nothing_to_the_ledger_whatever_the_key_order() -> None:
    fake = FakeAPI(timing=Timing.after_polls(5))
    body = {"operation": "studio_packshot", "images": images("a", "b")}
    first = created(create(fake, SANDBOX, "idem-replay", body))
    assert first["job"]["credits_reserved"] == 10
    reordered = {"images": body["images"], "operation": "studio_packshot"}
    replay = created(create(fake, SANDBOX, "idem-replay", reordered), 200)
    assert replay["job"]["id"] == first["job"]["id"]
    assert entries(fake) == [("reserve", 10, True)]
    assert fake.ledger.charges("sku-a") == fake.ledger.charges("sku-b") == 1


def test_a_replay_answers_the_job_it_created() -> None:
    fake = FakeAPI(timing=Timing.after_polls(5))
    body = {"images": images("a")}
    first = created(create(fake, SANDBOX, "idem-same", body))
    replay = created(create(fake, SANDBOX, "idem-same", json.loads(json.dumps(body))), 200)
    assert replay["job"] == first["job"]
    assert replay["remaining_paid_credits"] == first["remaining_paid_credits"]
    assert len(fake.jobs) == 1
    assert fake.ledger.charges("sku-a") == 1


def test_another_body_under_a_used_key_is_a_409_that_charges_nothing() -> None:
    fake = FakeAPI(timing=Timing.after_polls(5))
    created(create(fake, SANDBOX, "idem-other", {"images": images("a")}))
    conflict = create(fake, SANDBOX, "idem-other", {"images": images("b")})
    assert conflict.status_code == 409
    assert code(conflict) == "idempotency_key_reused"
    assert "another request body" in json.loads(conflict.content)["error"]["message"]
    assert fake.ledger.charges("sku-b") == 0
    assert entries(fake) == [("reserve", 1, True)]
    # The same idempotency key under another API key is another request altogether.
    assert created(create(fake, OTHER, "idem-other", {"images": images("b")}))["job"]["id"] not in ("",)
    assert fake.ledger.charges("sku-b") == 1


def test_the_limits_refuse_before_anything_is_reserved() -> None:
    fake = FakeAPI(timing=Timing.after_polls(2))
    first = created(create(fake, SANDBOX, "lim-1"))["job"]["id"]
    busy = create(fake, SANDBOX, "lim-2", {"images": images("b")})
    assert (busy.status_code, code(busy)) == (409, "active_job_limit")
    created(create(fake, OTHER, "lim-3", {"images": images("c")}))
    full = create(fake, THIRD, "lim-4", {"images": images("d")})
    assert (full.status_code, code(full)) == (409, "active_job_limit")
    assert "the account already has 2 active jobs" in json.loads(full.content)["error"]["message"]
    assert [fake.ledger.charges(f"sku-{n}") for n in "abcd"] == [1, 0, 1, 0]
    assert len(fake.ledger.entries) == 2
    # A refused create records no idempotency key: once the slot is free, the same key creates.
    assert get(fake, SANDBOX, first).status_code == 200
    assert get(fake, SANDBOX, first).status_code == 200  # its second read: final
    assert create(fake, SANDBOX, "lim-2", {"images": images("b")}).status_code == 201


def test_an_ended_job_no_longer_counts_against_the_limits() -> None:
    fake = FakeAPI(timing=Timing.instant())
    for n, key in enumerate([SANDBOX, SANDBOX, OTHER, THIRD]):
        assert create(fake, key, f"done-{n}", {"images": images(str(n))}).status_code == 201
    assert fake.active_jobs() == 0


def test_a_live_job_is_refused_with_402_only_beyond_the_credits_left() -> None:
    fake = FakeAPI(allow_live_keys=True, live_credits=8, timing=Timing.after_polls(1))
    body = {"operation": "premium_ad", "images": images("a", "b")}  # 2 x 4 = 8 credits
    job = created(create(fake, LIVE, "paid-1", body))
    assert job["remaining_paid_credits"] == 0  # exactly enough is enough
    assert fake.remaining_paid_credits() == 0
    assert created(create(fake, LIVE_TWO, "paid-2", {"images": images("c")}), 402)["error"]["code"] == (
        "insufficient_credits"
    )
    assert fake.ledger.charges("sku-c") == 0
    assert len(fake.jobs) == 1
    # A 402 records no idempotency key: the same key is refused again, never replayed.
    assert create(fake, LIVE_TWO, "paid-2", {"images": images("c")}).status_code == 402
    # Sandbox jobs are never refused for paid credits.
    assert create(fake, SANDBOX, "paid-3", {"images": images("d")}).status_code == 201


def test_one_credit_short_is_a_402() -> None:
    fake = FakeAPI(allow_live_keys=True, live_credits=7)
    refused = create(fake, LIVE, "short-1", {"operation": "premium_ad", "images": images("a", "b")})
    assert refused.status_code == 402
    assert fake.ledger.entries == []
    assert fake.remaining_paid_credits() == 7


def test_remaining_credits_never_show_below_zero() -> None:
    fake = FakeAPI(allow_live_keys=True, live_credits=-3)
    answer = created(create(fake, SANDBOX, "neg-1"))
    assert answer["remaining_paid_credits"] == 0
    assert fake.remaining_paid_credits() == -3


@pytest.mark.parametrize(
    ("body", "operation", "credits"),
    [
        ({"operation": "studio_packshot"}, "studio_packshot", 5),
        ({"preset": "studio_soft"}, "studio_packshot", 5),
        ({"preset": "marketplace_white"}, "marketplace_clean", 1),
        ({"preset": "no_such_preset"}, "marketplace_clean", 1),
        ({}, "marketplace_clean", 1),
    ],
)
def test_what_a_create_is_billed_as(body: dict[str, Any], operation: str, credits: int) -> None:
    fake = FakeAPI()
    job = created(create(fake, SANDBOX, "bill-1", {**body, "images": images("a", "b")}))["job"]
    assert job["credits_reserved"] == 2 * credits
    assert fake.jobs[job["id"]].operation == operation
    assert entries(fake) == [("reserve", 2 * credits, True)]


def test_a_created_job_as_kept() -> None:
    fake = FakeAPI(allow_live_keys=True, clock=lambda: 500.0, timing=Timing.after_polls(3))
    fake.script_failure("sku-b", Failure("too_small", "small"))
    fake.script_failure("blurry")
    body = {"images": [*images("a", "b"), {"source_url": "https://shop.test/blurry.jpg"}]}
    job_id = created(create(fake, LIVE, "kept-1", body))["job"]["id"]
    kept = fake.jobs[job_id]
    assert (kept.api_key, kept.sandbox, kept.body, kept.started) == (LIVE, False, body, 500.0)
    assert kept.created_at == created_at(0)
    assert [item.external_id for item in kept.items] == ["sku-a", "sku-b", None]
    assert [item.failure for item in kept.items] == [None, Failure("too_small", "small"), Failure()]
    assert kept.id == str(uuid.UUID(job_id))
    assert len({kept.id, *(item.id for item in kept.items)}) == 4
    second = created(create(fake, SANDBOX, "kept-2", {"images": images("fail-me")}))["job"]["id"]
    assert fake.jobs[second].created_at == created_at(1)
    assert fake.jobs[second].sandbox is True
    assert fake.jobs[second].items[0].failure is not None  # the documented "fail" rule


def test_a_job_is_read_by_its_own_key_in_any_case() -> None:
    fake = FakeAPI(timing=Timing.after_polls(3))
    job_id = created(create(fake, SANDBOX, "read-1"))["job"]["id"]
    assert get(fake, OTHER, job_id).status_code == 404
    assert get(fake, SANDBOX, str(uuid.uuid4())).status_code == 404
    assert get(fake, SANDBOX, job_id.upper()).status_code == 200
    assert fake.jobs[job_id].reads == 1  # the other key's read did not count
    assert json.loads(get(fake, SANDBOX, job_id).content)["job"]["status"] == "processing"
    assert json.loads(get(fake, SANDBOX, job_id).content)["job"]["status"] == "completed"


def test_listing_pages_by_creation_time() -> None:
    fake = FakeAPI(timing=Timing.instant())
    ids = [
        created(create(fake, SANDBOX, f"list-{n}", {"images": images(str(n))}))["job"]["id"] for n in range(3)
    ]
    created(create(fake, OTHER, "list-x"))

    def page(query: str) -> dict[str, Any]:
        request = httpx.Request(
            "GET",
            f"{fake.base_url}/product-photo-jobs{query}",
            headers={"Authorization": f"Bearer {SANDBOX}"},
        )
        response = fake.transport().handle_request(request)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = json.loads(response.content)
        return answer

    first = page("?limit=2")
    assert [job["id"] for job in first["jobs"]] == [ids[2], ids[1]]
    assert first["next_cursor"] == created_at(1).isoformat().replace("+00:00", "Z")
    rest = page(f"?limit=2&cursor={first['next_cursor']}")
    assert [job["id"] for job in rest["jobs"]] == [ids[0]]
    assert rest["next_cursor"] is None
    assert [job["id"] for job in page("")["jobs"]] == ids[::-1]
    assert page("?limit=3")["next_cursor"] is None
    assert page("?limit=1")["next_cursor"] == created_at(2).isoformat().replace("+00:00", "Z")
    assert page("?status=completed")["jobs"] != []
    assert page("?status=processing")["jobs"] == []
    offset = created_at(2).astimezone(timezone(timedelta(hours=2))).isoformat()
    assert [job["id"] for job in page(f"?cursor={offset.replace('+', '%2B')}")["jobs"]] == [ids[1], ids[0]]


# -- the ledger and the jobs ----------------------------------------------------------------------


def item(name: str, credits: int = 2, failure: Failure | None = None, external: bool = True) -> FakeItem:
    return FakeItem(f"item-{name}", f"https://shop.test/{name}.jpg", f"sku-{name}" if external else None,
                    credits, failure)  # fmt: skip


def job(*items: FakeItem, sandbox: bool = False, timing: Timing | None = None) -> FakeJob:
    return FakeJob("job-1", LIVE, sandbox, "premium_ad", list(items), timing or Timing.after_polls(2),
                   created_at(0), 100.0, {})  # fmt: skip


def test_the_ledger_reserves_then_settles_and_releases() -> None:
    ledger = Ledger()
    paid = job(item("a", 4), item("b", 4, Failure()), item("c", 4, external=False))
    ledger.reserve(paid)
    assert ledger.entries == [LedgerEntry("job-1", "reserve", 12, False)]
    assert ledger.charges("sku-a") == ledger.charges("sku-b") == 1
    assert ledger.charges("https://shop.test/c.jpg") == 1  # no external_id: its source_url
    assert ledger.charges("sku-c") == 0
    paid.final_status = "partially_completed"
    ledger.settle(paid)
    assert ledger.entries[1:] == [
        LedgerEntry("job-1", "settle", 8, False),
        LedgerEntry("job-1", "release", 4, False),
    ]
    simulated = job(item("a", 1), sandbox=True)
    ledger.reserve(simulated)
    assert ledger.charges("sku-a") == 2
    assert ledger.total("reserve") == 13
    assert ledger.total("reserve", simulated=False) == 12
    assert ledger.total("reserve", simulated=True) == 1
    assert ledger.total("settle") == 8
    assert ledger.total("release", simulated=True) == 0


def test_credits_used_only_once_a_job_has_ended_and_not_if_cancelled() -> None:
    paid = job(item("a", 3), item("b", 5, Failure()))
    assert paid.credits_reserved == 8
    assert paid.credits_used == 0  # still running
    paid.final_status = "cancelled"
    assert paid.credits_used == 0
    paid.final_status = "partially_completed"
    assert paid.credits_used == 3


def test_the_outcome_the_items_decide() -> None:
    assert job(item("a"), item("b")).outcome() == "completed"
    assert job(item("a"), item("b", failure=Failure())).outcome() == "partially_completed"
    assert job(item("a", failure=Failure()), item("b", failure=Failure())).outcome() == "failed"


def test_the_status_follows_the_timing_until_final() -> None:
    timed = job(item("a"), timing=Timing(polls=None, seconds=10))
    assert timed.status(100.0) == "queued"
    timed.reads = 1
    assert timed.status(109.9) == "processing"
    assert timed.status(110.0) == "completed"  # 10 s after it started at 100
    timed.final_status = "cancelled"
    assert timed.status(110.0) == "cancelled"


def test_a_jobs_wire_form_at_each_stage() -> None:
    paid = job(item("a", 4), item("b", 4, Failure("too_small", "small")), item("c", 4, external=False))
    running = paid.wire(100.0)
    assert running["status"] == "queued"
    assert (running["total_items"], running["credits_reserved"], running["sandbox"]) == (3, 12, False)
    assert (running["completed_items"], running["failed_items"], running["credits_used"]) == (0, 0, 0)
    assert running["items"] == [
        {"id": "item-a", "credits_reserved": 4, "external_id": "sku-a"},
        {"id": "item-b", "credits_reserved": 4, "external_id": "sku-b"},
        {"id": "item-c", "credits_reserved": 4},
    ]
    paid.final_status = paid.outcome()
    done = paid.wire(100.0)
    assert (done["status"], done["completed_items"], done["failed_items"], done["credits_used"]) == (
        "partially_completed", 2, 1, 8,
    )  # fmt: skip
    url = "https://cdn.aigenstudio.fake/results/job-1"
    assert done["items"][0] == {
        "id": "item-a", "credits_reserved": 4, "external_id": "sku-a", "credits_used": 4,
        "result_url": f"{url}/0.png", "thumbnail_url": f"{url}/0.thumb.png",
    }  # fmt: skip
    assert done["items"][1] == {
        "id": "item-b", "credits_reserved": 4, "external_id": "sku-b", "credits_used": 0,
        "error_code": "too_small", "error_message": "small",
    }  # fmt: skip
    assert done["items"][2]["result_url"] == f"{url}/2.png"
    paid.final_status = "cancelled"
    cancelled = paid.wire(100.0)
    assert cancelled["credits_used"] == 0
    assert (cancelled["completed_items"], cancelled["failed_items"]) == (0, 3)
    assert cancelled["items"][0] == {
        "id": "item-a", "credits_reserved": 4, "external_id": "sku-a", "credits_used": 0,
        "error_code": "job_cancelled", "error_message": "job cancelled",
    }  # fmt: skip


def test_ids_and_creation_times() -> None:
    assert uuid.UUID(new_id()).version == 4
    assert new_id() != new_id()
    assert created_at(0) == datetime(2026, 1, 1, tzinfo=UTC)
    assert created_at(5) - created_at(2) == timedelta(milliseconds=3)


def test_the_price_list_is_the_one_the_ledger_charges() -> None:
    fake = FakeAPI()

    def listing(path: str) -> dict[str, Any]:
        response = fake.transport().handle_request(httpx.Request("GET", fake.base_url + path))
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = json.loads(response.content)
        return answer

    operations = listing("/product-photo-operations")["operations"]
    assert {op["id"]: op["credits_per_image"] for op in operations} == OPERATION_CREDITS
    assert {op["id"]: op["name"] for op in operations}["marketplace_clean"] == "Marketplace clean"
    assert listing("/product-photo-presets")["presets"] == PRESETS
    assert [e[:3] for e in fake.requests[-2:]] == [
        ("GET", "listProductPhotoOperations", 200),
        ("GET", "listProductPhotoPresets", 200),
    ]
