"""The faults a user's resilience tests inject into the fake: which requests a fault meets
(operation, API key, ``after``, ``times``), what each kind does to the exchange, and what the
fake records of it (``FakeAPI.requests``). Also the account limit as a knob."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import anyio
import httpx
import pytest
from aigenstudio import (
    AcceptedResponseValidationError,
    AsyncClient,
    Client,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from aigenstudio.testing import Exchange, FakeAPI, FakeSession, Fault, Reply, Timing

KEY = "aigen_test_" + "flt1" * 6
OTHER = "aigen_test_" + "flt2" * 6
CREATE = "createProductPhotoJob"
OPERATIONS = "listProductPhotoOperations"


def _client(fake: FakeAPI, key: str = KEY, max_retries: int = 2) -> Client:
    fast = RetryPolicy(max_retries=max_retries, initial_backoff=0.001, max_backoff=0.002)
    return Client(key, base_url=fake.base_url, transport=fake.transport(), retry_policy=fast)


def _create(client: Client, url: str = "https://shop.test/a.jpg", key: str = "order-0001") -> str:
    created = client.product_photo_jobs.create(images=[{"source_url": url}], idempotency_key=key)
    return str(created.job.id)


def _raw_create(fake: FakeAPI, idempotency_key: str) -> httpx.Response:
    """A create sent straight to the fake's transport (no client: its answer as it is)."""
    request = httpx.Request(
        "POST",
        fake.base_url + "/product-photo-jobs",
        json={"images": [{"source_url": "https://shop.test/a.jpg"}]},
        headers={"Authorization": f"Bearer {KEY}", "Idempotency-Key": idempotency_key},
    )
    return fake.transport().handle_request(request)


def _seen(fake: FakeAPI, operation: str | None = None) -> list[tuple[int | None, str | None]]:
    return [(e.status, e.fault) for e in fake.requests if operation in (None, e.operation)]


def test_a_raw_reply_is_sent_byte_for_byte_and_never_performed() -> None:
    fake = FakeAPI()
    html = "<html><body>502 Bad Gateway</body></html>"
    fake.inject(Fault.reply(502, html, headers={"Content-Type": "text/html"}, operation=CREATE))
    response = _raw_create(fake, "raw-1")
    assert (response.status_code, response.headers["content-type"], response.text) == (502, "text/html", html)
    assert fake.jobs == {}  # not performed
    assert _seen(fake) == [(502, "reply")]


def test_a_proxy_page_is_retried_and_the_retry_creates_one_job() -> None:
    fake = FakeAPI()
    fake.inject(Fault.reply(502, "<html>bad gateway</html>", headers={"Content-Type": "text/html"}))
    with _client(fake) as client:
        job_id = _create(client)
    assert list(fake.jobs) == [job_id]
    assert _seen(fake) == [(502, "reply"), (201, None)]
    first, second = (e.request.headers["Idempotency-Key"] for e in fake.requests)
    assert first == second == "order-0001"  # the retry is the same create


def test_a_proxy_page_every_time_ends_in_the_typed_error() -> None:
    fake = FakeAPI()
    fake.inject(Fault.reply(502, b"\xff not json", times=None, operation=OPERATIONS))
    with _client(fake, max_retries=2) as client, pytest.raises(InternalServerError):
        client.product_photo_operations.list()
    assert _seen(fake) == [(502, "reply")] * 3
    assert len(fake.faults) == 1  # times=None: it stays until removed


def test_a_rewritten_create_answer_is_performed_then_sent_unchecked() -> None:
    def drop_the_job_id(reply: Reply) -> Reply:
        del reply.body["job"]["id"]
        return reply

    fake = FakeAPI()
    fake.inject(Fault.rewrite(drop_the_job_id, operation=CREATE))
    with _client(fake) as client, pytest.raises(AcceptedResponseValidationError) as caught:
        _create(client)
    assert len(fake.jobs) == 1  # the job exists (and was reserved): the error says so
    assert caught.value.idempotency_key == "order-0001"
    assert [e.kind for e in fake.ledger.entries] == ["reserve"]


def test_a_rewrite_can_change_the_status() -> None:
    def as_429(reply: Reply) -> Reply:
        return Reply(429, reply.body, {"Retry-After": "0"}) if reply.status == 409 else reply

    fake = FakeAPI()
    fake.inject(Fault.rewrite(as_429, times=None, operation=CREATE))
    with _client(fake) as client:
        _create(client, key="order-0001")
    statuses = _seen(fake, CREATE)
    assert statuses == [(201, "rewrite")]
    with _client(fake, max_retries=1) as client, pytest.raises(RateLimitError):
        _create(client, key="order-0002")  # the key's job is still active: 409, sent as 429
    assert _seen(fake, CREATE)[1:] == [(429, "rewrite"), (429, "rewrite")]


def test_a_rewrite_can_send_a_cut_body_after_performing_the_create() -> None:
    def cut(reply: Reply) -> Reply:
        reply.raw = reply.content()[:20]
        return reply

    fake = FakeAPI()
    fake.inject(Fault.rewrite(cut, operation=CREATE))
    response = _raw_create(fake, "cut-0001")
    job_id = next(iter(fake.jobs))
    assert (response.status_code, response.content) == (201, b'{"job":{"id":"' + job_id[:6].encode())
    assert len(fake.jobs) == 1  # performed


def test_a_fault_for_one_api_key_leaves_the_other_keys_alone() -> None:
    fake = FakeAPI()
    fake.inject(Fault.status(402, times=None, operation=CREATE, api_key=OTHER))
    with _client(fake, key=OTHER) as client, pytest.raises(InsufficientCreditsError):
        _create(client)
    with _client(fake) as client:
        _create(client)
    assert [(e.request.headers["Authorization"][-4:], e.status) for e in fake.requests] == [
        ("flt2", 402),
        ("flt1", 201),
    ]


def test_after_skips_the_first_matching_requests() -> None:
    fake = FakeAPI()
    fake.inject(Fault.status(503, after=2, operation=OPERATIONS))
    with _client(fake, max_retries=0) as client:
        client.product_photo_operations.list()
        client.product_photo_presets.list()  # not an operations list: not counted
        client.product_photo_operations.list()
        with pytest.raises(InternalServerError):
            client.product_photo_operations.list()
        client.product_photo_operations.list()  # times=1: spent
    assert _seen(fake, OPERATIONS) == [(200, None), (200, None), (503, "status"), (200, None)]
    assert fake.faults == []


def test_a_held_create_waits_for_its_release_and_other_calls_go_on() -> None:
    fake = FakeAPI()
    release, held = threading.Event(), threading.Event()
    fake.inject(Fault.hold(release, held=held, operation=CREATE, after=1))
    results: list[str] = []
    with _client(fake) as client, _client(fake, key=OTHER) as other:
        _create(client, "https://shop.test/a.jpg", "order-0001")  # the first create is not held
        worker = threading.Thread(
            target=lambda: results.append(_create(other, "https://shop.test/b.jpg", "order-0002"))
        )
        worker.start()
        assert held.wait(10)
        assert client.product_photo_operations.list().operations  # others are not held
        assert results == []
        assert len(fake.jobs) == 1  # the held create is not performed yet
        release.set()
        worker.join(10)
    assert not worker.is_alive()
    assert len(results) == 1


async def test_a_held_request_does_not_block_the_event_loop() -> None:
    fake = FakeAPI()
    release, held = threading.Event(), threading.Event()
    fake.inject(Fault.hold(release, held=held, times=1, operation=OPERATIONS))
    client = AsyncClient(KEY, base_url=fake.base_url, transport=fake.async_transport())
    async with client, anyio.create_task_group() as tasks:
        tasks.start_soon(client.product_photo_operations.list)
        await anyio.to_thread.run_sync(held.wait, 10)
        presets = await client.product_photo_presets.list()  # the loop is free meanwhile
        assert presets.presets
        release.set()
    assert _seen(fake) == [(200, None), (200, "hold")]


def test_jobs_per_account_is_the_accounts_limit() -> None:
    fake = FakeAPI(jobs_per_account=1, timing=Timing.after_polls(5))
    with _client(fake) as client:
        _create(client)
    with _client(fake, key=OTHER) as client, pytest.raises(ConflictError) as caught:
        _create(client)
    assert "1 active jobs" in str(caught.value)
    assert fake.max_active_jobs() == 1


def test_every_exchange_records_the_jobs_active_when_it_was_answered() -> None:
    fake = FakeAPI(timing=Timing.after_polls(2))
    with _client(fake) as a, _client(fake, key=OTHER) as b:
        first, second = _create(a, key="order-0001"), _create(b, key="order-0002")
        a.product_photo_jobs.get(first)
        a.product_photo_jobs.get(first)  # the second read ends it
        b.product_photo_jobs.get(second)
    assert [e.active_jobs for e in fake.requests] == [1, 2, 2, 1, 1]
    assert fake.max_active_jobs() == 2
    assert all(isinstance(e, Exchange) and e.request.content is not None for e in fake.requests)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Fault.status(503, times=0), "times must be >= 1"),
        (lambda: Fault.reset(after=-1), "after must be >= 0"),
        (lambda: Fault.latency(float("nan")), "seconds must be a finite number >= 0"),
        (lambda: Fault.latency(float("inf")), "seconds must be a finite number >= 0"),
        (lambda: Fault.reply(101, b""), "200..599"),
        (lambda: FakeAPI(jobs_per_account=0), "jobs_per_account must be >= 1"),
    ],
)
def test_a_fault_or_limit_that_can_never_apply_is_refused(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_a_status_fault_carries_the_code_given_and_can_be_withdrawn() -> None:
    fake = FakeAPI()
    fault = Fault.status(402, code="insufficient_credits", times=None, operation=CREATE)
    fake.inject(fault)
    with _client(fake) as client, pytest.raises(InsufficientCreditsError) as refused:
        _create(client)
    assert refused.value.code == "insufficient_credits"
    fake.withdraw(fault)
    with _client(fake) as client:
        _create(client)
    assert fake.faults == []


def test_a_fault_is_injected_once_a_reused_one_is_refused() -> None:
    flaky = Fault.status(503, operation=OPERATIONS)  # a module-level constant in a user's tests
    first = FakeAPI()
    first.inject(flaky)
    with _client(first, max_retries=0) as client, pytest.raises(InternalServerError):
        client.product_photo_operations.list()
    with pytest.raises(ValueError, match="injected already"):
        FakeAPI().inject(flaky)  # its count is spent: it would apply to every request
    fake, fault = FakeAPI(), Fault.reset()
    fake.inject(fault)
    with pytest.raises(ValueError, match="injected already"):
        fake.inject(fault)


def test_after_counts_every_matching_request_even_one_another_fault_took() -> None:
    fake = FakeAPI()
    fake.inject(Fault.status(503, operation=OPERATIONS))
    fake.inject(Fault.status(500, operation=OPERATIONS, after=1))
    with _client(fake, max_retries=0) as client:
        for _ in range(3):
            with contextlib.suppress(InternalServerError):
                client.product_photo_operations.list()
    assert [e.status for e in fake.requests] == [503, 500, 200]  # as documented: the 2nd request


def test_a_rewrite_changes_a_copy_never_the_fakes_own_answers() -> None:
    def rename(reply: Reply) -> Reply:
        reply.body["presets"][0]["name"] = "BROKEN"
        return reply

    fake = FakeAPI()
    fake.inject(Fault.rewrite(rename))
    with _client(fake) as client:
        assert client.product_photo_presets.list().presets[0].name == "BROKEN"
        assert client.product_photo_presets.list().presets[0].name != "BROKEN"
    with _client(FakeAPI()) as client:
        assert client.product_photo_presets.list().presets[0].name != "BROKEN"


def test_a_rewrite_that_returns_nothing_is_a_clear_error_and_is_recorded() -> None:
    fake = FakeAPI()
    fake.inject(Fault.rewrite(lambda reply: None))  # type: ignore[arg-type,return-value]
    with _client(fake, max_retries=0) as client, pytest.raises(TypeError, match="not a Reply"):
        client.product_photo_presets.list()
    assert [(e.status, e.fault) for e in fake.requests] == [(None, "rewrite")]


async def test_a_cancelled_held_async_request_leaves_no_thread_waiting() -> None:
    fake = FakeAPI()
    release, held = threading.Event(), threading.Event()
    fake.inject(Fault.hold(release, held=held, times=1))
    before = threading.active_count()
    client = AsyncClient(KEY, base_url=fake.base_url, transport=fake.async_transport())
    async with client:
        with anyio.move_on_after(0.2):
            await client.product_photo_presets.list()
    assert held.is_set()
    assert threading.active_count() <= before  # nothing blocked on the release


def test_a_plain_with_on_an_async_client_is_refused() -> None:
    client = AsyncClient(KEY, base_url="https://api.aigenstudio.fake/api/v1")
    with pytest.raises(TypeError, match="async with"), client:
        pass


def test_a_fake_session_closes_inside_an_event_loop_with_async_with() -> None:
    async def main() -> None:
        async with FakeSession(FakeAPI()) as session:
            assert (await session.async_client.product_photo_presets.list()).presets
        session = FakeSession(FakeAPI())
        await session.async_client.product_photo_presets.list()
        with pytest.raises(RuntimeError, match="aclose"):
            session.close()
        await session.aclose()

    anyio.run(main)


def test_the_api_key_of_a_fault_is_never_in_its_repr() -> None:
    assert KEY not in repr(Fault.status(503, api_key=KEY))
