"""The key and other secrets never leave in an error, a pickle, a proxy hop or a message.

Each test here failed on the client before the edges work: errors held the live request
(``Authorization: Bearer <key>``), five error classes could not be unpickled, a loopback
base URL went through HTTP_PROXY in clear text, ``*.localhost`` counted as loopback by name,
and a base URL's ``user:password@`` showed in reprs and messages.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    Client,
    ConfigurationError,
    NotFoundError,
    RequestValidationError,
)

from tests.client.conftest import JOB_ID, SANDBOX_KEY, Api

SECRET = SANDBOX_KEY.removeprefix("aigen_test_")


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    """Nothing reachable from the error, its pickle or its cause chain holds a secret."""
    secrets = secrets or (SECRET,)
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        texts = [str(current), repr(current), repr(vars(current))]
        request = getattr(current, "request", None) if not isinstance(current, httpx.HTTPError) else None
        if isinstance(current, httpx.RequestError):
            request = current._request  # the attribute httpx keeps, set or not
        if isinstance(request, httpx.Request):
            texts.append(repr(request.headers.multi_items()))
            texts.append(str(request.url))
        response = getattr(current, "response", None)
        if isinstance(response, httpx.Response):
            texts.append(repr(response.request.headers.multi_items()))
        for text in texts:
            for secret in secrets:
                assert secret not in text, f"{type(current).__name__} leaks a secret"
        current = current.__cause__ or current.__context__
    if isinstance(error, aigenstudio.AigenStudioError):
        blob = pickle.dumps(error)
        for secret in secrets:
            assert secret.encode() not in blob


# -- 1. errors carry no key -------------------------------------------------------------


async def test_status_error_keeps_method_url_and_id_without_the_key(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        404, json={"error": {"code": "job_not_found", "message": "nope"}, "request_id": "req_404"}
    )
    client = api.client(SANDBOX_KEY)
    with pytest.raises(NotFoundError) as caught:
        await api.call("get_product_photo_job", client, job_id=JOB_ID, x_request_id="mine-1")
    error = caught.value
    assert api.recorder.last.headers["authorization"] == f"Bearer {SANDBOX_KEY}"  # it was sent
    assert error.request is not None
    assert error.request.method == "GET"
    assert error.request.url.path.endswith(f"/product-photo-jobs/{JOB_ID}")
    assert error.request.headers["authorization"] == "[redacted]"
    assert error.request.headers["x-request-id"] == "mine-1"
    assert error.response.request.headers["authorization"] == "[redacted]"
    assert error.request_id == "req_404"
    assert_no_secret(error)


async def test_response_validation_error_has_no_key(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(200, json={"operations": "nope", "request_id": "r"})
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIResponseValidationError) as caught:
        await api.call("list_product_photo_operations", client)
    assert_no_secret(caught.value)


@pytest.mark.parametrize("raised", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
async def test_connection_error_and_its_cause_have_no_key(api: Api, raised: Exception) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise raised

    api.recorder.handler = fail
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIConnectionError) as caught:
        await api.call("get_product_photo_job", client, job_id=JOB_ID)
    assert api.recorder.last.headers["authorization"] == f"Bearer {SANDBOX_KEY}"
    assert isinstance(caught.value.__cause__, type(raised))
    assert caught.value.__context__ is None or caught.value.__suppress_context__
    assert_no_secret(caught.value)


def test_cookies_and_proxy_credentials_are_redacted_too() -> None:
    request = httpx.Request(
        "GET",
        "https://u:pw-secret@api.example.test/api/v1/x",
        headers={"Cookie": "session=cookie-secret", "Proxy-Authorization": "Basic proxy-secret"},
    )
    response = httpx.Response(500, headers={"Set-Cookie": "s=set-secret"}, content=b"{}", request=request)
    error = APIStatusError("boom", response=response, request_id=None, code=None)
    assert_no_secret(error, "cookie-secret", "proxy-secret", "set-secret", "pw-secret")


# -- 2. every public error survives pickling --------------------------------------------


def _sample_errors() -> list[aigenstudio.AigenStudioError]:
    request = httpx.Request("GET", "https://api.example.test/api/v1/product-photo-jobs")
    response = httpx.Response(404, json={"error": {"code": "c"}}, request=request)
    return [
        aigenstudio.AigenStudioError("base"),
        ConfigurationError("bad option"),
        RequestValidationError("body.images", "at most 20 items", "body.images: at most 20 items"),
        APIConnectionError("down", request=request, request_id="r1"),
        APITimeoutError("slow", request=request, request_id="r2"),
        APIResponseValidationError("bad body", response=response, request_id="r3", body={"a": 1}),
        NotFoundError("missing", response=response, request_id="r4", code="job_not_found"),
        aigenstudio.UnexpectedStatusError("204", response=response, request_id="r5", code=None),
        aigenstudio.RateLimitError("slow down", response=response, request_id="r6", code="rate"),
    ]


@pytest.mark.parametrize("error", _sample_errors(), ids=lambda e: type(e).__name__)
def test_every_public_error_round_trips_through_pickle(error: aigenstudio.AigenStudioError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    for name in ("status_code", "code", "message", "request_id", "field", "limit", "body"):
        assert getattr(copy, name, None) == getattr(error, name, None), name


def _raise_not_found() -> None:
    """Runs in a worker process: a real call that fails with a typed error."""
    transport = httpx.MockTransport(
        lambda r: httpx.Response(
            404, json={"error": {"code": "job_not_found", "message": "no"}, "request_id": "w"}
        )
    )
    with Client(SANDBOX_KEY, base_url="https://api.example.test/api/v1", transport=transport) as client:
        aigenstudio.find_operation("get_product_photo_job").sync(client=client, job_id=JOB_ID)


def test_a_process_pool_worker_error_arrives_typed() -> None:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        future = pool.submit(_raise_not_found)
        with pytest.raises(NotFoundError) as caught:
            future.result(timeout=60)
        assert pool.submit(int, "7").result(timeout=60) == 7  # the pool survived
    assert caught.value.code == "job_not_found"
    assert caught.value.request_id == "w"


# -- 3. proxies ---------------------------------------------------------------------------


class _Seen(BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        body = b'{"operations": [], "request_id": "r"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[tuple[str, list[str], str, list[str]]]:
    """Two loopback servers: (api url, what it saw, proxy url, what the proxy saw)."""
    started = []
    for _ in range(2):
        seen: list[str] = []
        handler = type("H", (_Seen,), {"seen": seen})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        started.append((httpd, thread, f"http://127.0.0.1:{httpd.server_address[1]}", seen))
    yield started[0][2], started[0][3], started[1][2], started[1][3]
    for httpd, thread, _, _ in started:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_loopback_api_never_goes_through_an_env_proxy(
    servers: tuple[str, list[str], str, list[str]], variable: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_url, api_seen, proxy_url, proxy_seen = servers
    monkeypatch.setenv(variable, proxy_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    operation = aigenstudio.find_operation("list_product_photo_operations")
    if mode == "sync":
        with Client(SANDBOX_KEY, base_url=api_url + "/api/v1") as client:
            operation.sync(client=client)
    else:
        async with AsyncClient(SANDBOX_KEY, base_url=api_url + "/api/v1") as aclient:
            await operation.asyncio(client=aclient)
    assert proxy_seen == []
    assert api_seen == [f"Bearer {SANDBOX_KEY}"]


def test_explicit_proxy_for_a_loopback_api_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="loopback"):
        Client(
            SANDBOX_KEY, base_url="http://127.0.0.1:8000", httpx_args={"proxy": "http://proxy.example:3128"}
        )


# -- 4. loopback is decided by address -------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    ["http://api.localhost:8000", "http://localhost.example.com", "http://127.0.0.1.nip.io", "http://0x7f.1"],
)
def test_names_that_only_look_local_need_https(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="plain HTTP"):
        Client(SANDBOX_KEY, base_url=base_url)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8000",
        "http://127.8.9.10",
        "http://[::1]:8000",
        "http://[::ffff:127.0.0.1]",
        "http://localhost",
    ],
)
def test_loopback_addresses_may_use_plain_http(base_url: str) -> None:
    assert Client(SANDBOX_KEY, base_url=base_url).base_url == base_url


def test_localhost_counts_only_when_it_resolves_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def resolves_elsewhere(*args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.113.7", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves_elsewhere)
    with pytest.raises(ConfigurationError, match="plain HTTP"):
        Client(SANDBOX_KEY, base_url="http://localhost:8000")


# -- 5. userinfo in base_url --------------------------------------------------------------


def test_userinfo_is_dropped_from_the_client_and_its_repr() -> None:
    client = Client(SANDBOX_KEY, base_url="https://user:pw-secret@api.example.test/api/v1")
    assert client.base_url == "https://api.example.test/api/v1"
    for text in (repr(client), str(client), client.base_url, repr(client._settings)):
        assert "pw-secret" not in text
        assert "user" not in text


async def test_userinfo_never_reaches_a_connection_error(api: Api) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")

    api.recorder.handler = fail
    client = api.client(SANDBOX_KEY, base_url="https://user:pw-secret@api.example.test/api/v1")
    with pytest.raises(APIConnectionError) as caught:
        await api.call("list_product_photo_operations", client)
    assert "userinfo" not in api.recorder.last.url.userinfo.decode()
    assert_no_secret(caught.value, "pw-secret", SECRET)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://user:pw-secret@api.example.test/api/v1",  # plain http to a remote host
        "ftp://user:pw-secret@api.example.test/",  # not http(s)
        "https://user:pw-secret@/nohost",  # no host
        "https://user:pw-secret@api.example.test:port/",  # not a URL httpx accepts
        "https://user:pw-secret@api.example.test/?q=1",  # a query in a base URL
    ],
)
def test_configuration_errors_redact_userinfo(base_url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(SANDBOX_KEY, base_url=base_url)
    assert "pw-secret" not in str(caught.value)
    assert "[redacted]" in str(caught.value) or "api.example.test" in str(caught.value)


# -- the workflow helpers on a bare generated client -------------------------------------


def test_helpers_on_a_bare_client_raise_typed_errors_without_the_token() -> None:
    from aigenstudio import iter_jobs
    from aigenstudio_client.client import AuthenticatedClient

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    bare = AuthenticatedClient(
        base_url="https://api.example.test/api/v1",
        token=SANDBOX_KEY,
        httpx_args={"transport": httpx.MockTransport(refuse)},
    )
    with pytest.raises(APIConnectionError) as caught:
        list(iter_jobs(bare))
    assert caught.value.__context__ is None
    assert_no_secret(caught.value)
    with pytest.raises(RequestValidationError) as refused:
        list(iter_jobs(bare, status="finished"))
    assert refused.value.field == "status"


# -- found by review ------------------------------------------------------------------------


_CREDENTIAL_HEADERS = ["Authorization", "authorization", "AUTHORIZATION", "Proxy-Authorization", "Cookie"]


@pytest.mark.parametrize("header", [*_CREDENTIAL_HEADERS, "X-Api-Key", "x-api-key"])
@pytest.mark.parametrize(
    ("api_key", "base_url"),
    [
        (SANDBOX_KEY, "https://api.example.com/api/v1"),
        (SANDBOX_KEY, "http://127.0.0.1:8000/api/v1"),
        (None, "https://api.example.com/api/v1"),
        (None, "http://api.example.com/api/v1"),
    ],
)
def test_credential_headers_are_refused_and_point_to_api_key(
    header: str, api_key: str | None, base_url: str
) -> None:
    """The docstring promised it: BearerAuth silently overwrote Authorization, and the other
    credential headers went to any https host (and to a redirect target's origin rules)."""
    with pytest.raises(ConfigurationError, match="api_key=") as caught:
        Client(api_key, base_url=base_url, httpx_args={"headers": {header: "other-secret"}})
    assert header in str(caught.value)
    assert "other-secret" not in str(caught.value)
    for cls in (Client, AsyncClient):
        with pytest.raises(ConfigurationError, match="api_key=") as copied:
            cls(api_key, base_url=base_url).with_headers({header: "other-secret"})
        assert header in str(copied.value)


@pytest.mark.parametrize("auth", [("user", "pw"), httpx.BasicAuth("user", "pw"), None])
def test_httpx_auth_is_refused_and_points_to_api_key(auth: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"auth.*api_key="):
        Client(SANDBOX_KEY, base_url="https://api.example.com/api/v1", httpx_args={"auth": auth})


@pytest.mark.parametrize(
    "url",
    ["ftp://user:p@ss-secret@host/", "https://u:pa?ss-secret@host/", "https://u:pa#ss-secret@host/x"],
)
def test_userinfo_with_at_question_or_hash_is_redacted_whole(url: str) -> None:
    from aigenstudio._core.redaction import redact_url_text

    assert "ss-secret" not in redact_url_text(url)


async def test_a_refused_webhook_url_does_not_quote_its_password(api: Api) -> None:
    from tests.client.conftest import create_body

    client = api.client(SANDBOX_KEY)
    body = create_body(webhook_url="https://hook:S3cretHookPw@127.0.0.1/x")
    with pytest.raises(RequestValidationError) as caught:
        await api.call("create_product_photo_job", client, body=body, idempotency_key="idem_12345678")
    assert_no_secret(caught.value, "S3cretHookPw")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": 123},
        {"api_key": b"aigen_test_xxxxxxxxxxxxxxxx"},
        {"retry_policy": "x"},
        {"httpx_args": "x"},
        {"httpx_args": {"timeout": None}},
        {"httpx_args": {"headers": {"X-Note": "café"}}},
        {"httpx_args": {"headers": [("a", "b")]}},
        {"httpx_args": {"event_hooks": 5}},
        {"timeout": 10**400},
    ],
    ids=lambda kwargs: repr(kwargs)[:40],
)
def test_odd_constructor_arguments_are_configuration_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        Client(**kwargs)


@pytest.mark.parametrize(
    "kwargs", [{"initial_backoff": 10**400}, {"max_backoff": 1e300}, {"total_timeout": float("nan")}]
)
def test_odd_retry_policies_are_configuration_errors(kwargs: dict[str, Any]) -> None:
    from aigenstudio import RetryPolicy

    with pytest.raises(ConfigurationError):
        RetryPolicy(**kwargs)


def test_a_thousand_retries_do_not_overflow_the_backoff() -> None:
    from aigenstudio import RetryPolicy

    assert RetryPolicy(max_retries=5000).backoff(2000, 0.5) <= 8.0


def test_the_key_fingerprint_names_a_key_without_revealing_it() -> None:
    import hashlib

    from aigenstudio._core.api_key import key_fingerprint

    key = "aigen_test_" + "k" * 32
    client = Client(key, base_url="https://api.test")
    fingerprint = client.key_fingerprint
    assert fingerprint == key_fingerprint(key)
    assert fingerprint is not None
    assert len(fingerprint) == 12
    assert fingerprint != key_fingerprint("aigen_test_" + "j" * 32)
    # Not a piece of the webhook signing secret (the plain SHA-256 of the key) nor of the key.
    assert fingerprint not in hashlib.sha256(key.encode()).hexdigest()
    assert fingerprint not in key
    assert Client(base_url="https://api.test").key_fingerprint is None


# -- the key in frame locals (error trackers, rich, traceback capture_locals) ------------


def _holds(value: object, secret: str, depth: int = 0) -> bool:
    """Whether ``value`` shows ``secret`` in its repr, or holds it in a container within."""
    try:
        if secret in repr(value):
            return True
    except Exception:  # a repr that fails is the next test's business
        pass
    if isinstance(value, str | bytes | bytearray) or depth > 5:
        return isinstance(value, str) and secret in value
    if isinstance(value, dict):
        return any(_holds(k, secret, depth + 1) or _holds(v, secret, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds(item, secret, depth + 1) for item in value)
    return False


def _is_ours(filename: str) -> bool:
    return any(f"/{package}/" in filename for package in ("aigenstudio", "aigenstudio_client"))


def assert_no_secret_in_locals(error: BaseException, *secrets: str) -> None:
    """No frame of ours in the error's traceback (or its causes') holds a secret in a local,
    and formatting the traceback with every local (what Sentry and rich do) works and hides it."""
    secrets = secrets or (SECRET,)
    current: BaseException | None = error
    frames = 0
    while current is not None:
        tb = current.__traceback__
        while tb is not None:
            if _is_ours(tb.tb_frame.f_code.co_filename):
                frames += 1
                for name, value in tb.tb_frame.f_locals.items():
                    for secret in secrets:
                        where = f"{tb.tb_frame.f_code.co_name}() local {name!r}"
                        assert not _holds(value, secret), f"{where} holds a secret"
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    assert frames, "the error passed through no frame of ours: the test proves nothing"
    formatted = traceback.TracebackException.from_exception(error, capture_locals=True)
    for summary in formatted.stack:
        if _is_ours(summary.filename):
            for secret in secrets:
                assert not any(secret in text for text in (summary.locals or {}).values())


_KEYED_CONSTRUCTOR_FAILURES: list[dict[str, Any]] = [
    {"base_url": "http://api.example.com/api/v1"},  # plain HTTP to a remote host
    {"base_url": "ftp://api.example.com"},
    {"base_url": 42},
    {"api_key": "sk_" + SECRET},  # unknown prefix
    {"api_key": SANDBOX_KEY + "\x00"},
    {"api_key": SANDBOX_KEY + "é"},
    {"timeout": "slow"},
    {"timeout": float("nan")},
    {"max_retries": -1},
    {"retry_policy": "often"},
    {"max_response_size": 0},
    {"httpx_args": "nope"},
    {"httpx_args": {"auth": ("user", "pw")}},
    {"httpx_args": {"headers": {"X-Bad": "a\nb"}}},
    {"httpx_args": {"headers": {"Authorization": "Bearer other"}}},
    {"httpx_args": {"event_hooks": 3}},
]


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("kwargs", _KEYED_CONSTRUCTOR_FAILURES, ids=repr)
def test_a_failed_constructor_keeps_the_key_out_of_every_frame_local(
    cls: type[Client] | type[AsyncClient], kwargs: dict[str, Any]
) -> None:
    kwargs = {"api_key": SANDBOX_KEY, "base_url": "https://api.example.com/api/v1", **kwargs}
    with pytest.raises(ConfigurationError) as caught:
        cls(**kwargs)
    assert_no_secret_in_locals(caught.value)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_a_key_from_the_environment_is_kept_out_of_frame_locals_too(
    cls: type[Client] | type[AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", SANDBOX_KEY + "\n")
    with pytest.raises(ConfigurationError) as caught:
        cls(base_url="http://api.example.com/api/v1")
    assert_no_secret_in_locals(caught.value)
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", "sk_" + SECRET)
    with pytest.raises(ConfigurationError) as caught:
        cls(base_url="https://api.example.com/api/v1")
    assert_no_secret_in_locals(caught.value)


async def test_an_error_raised_in_a_call_keeps_the_key_out_of_frame_locals(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        401, json={"error": {"code": "unauthorized", "message": "no"}, "request_id": "r"}
    )
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIStatusError) as caught:
        await api.call("get_product_photo_job", client, job_id=JOB_ID)
    assert_no_secret_in_locals(caught.value)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api.recorder.handler = refuse
    with pytest.raises(APIConnectionError) as refused:
        await api.call("get_product_photo_job", client, job_id=JOB_ID)
    assert_no_secret_in_locals(refused.value)


def test_webhook_verification_keeps_the_key_secret_and_expected_digest_out_of_frame_locals() -> None:
    import hashlib
    import hmac

    from aigenstudio import WebhookSignatureError, verify_webhook

    body, timestamp, event_id = b'{"event": "job.completed"}', "1700000000", "evt_1"
    secret = hashlib.sha256(SANDBOX_KEY.encode()).hexdigest()
    expected = hmac.new(secret.encode(), f"{timestamp}.{event_id}.".encode() + body, "sha256").hexdigest()
    headers = {"X-Aigen-Signature": "v1=" + "0" * 64, "X-Aigen-Timestamp": timestamp}
    headers["X-Aigen-Event-Id"] = event_id
    with pytest.raises(WebhookSignatureError) as caught:
        verify_webhook(body, headers, SANDBOX_KEY, now=1700000000)
    assert_no_secret_in_locals(caught.value, SECRET, secret, expected)
    with pytest.raises(ConfigurationError) as refused:
        verify_webhook(body, headers, SANDBOX_KEY + "\x00", now=1700000000)
    assert_no_secret_in_locals(refused.value)


def test_the_key_object_never_shows_its_text() -> None:
    from aigenstudio._core.api_key import APIKey

    client = Client(SANDBOX_KEY, base_url="https://api.example.com/api/v1")
    shown = [repr(vars(client)), repr(client._settings), repr(client._settings.api_key)]
    assert not any(SECRET in text for text in shown)
    for held in (client._settings, client._settings.api_key):
        with pytest.raises(TypeError):
            pickle.dumps(held)
    with pytest.raises(TypeError):
        vars(APIKey(SANDBOX_KEY))  # no __dict__ to dump


# -- a half-built object still prints -------------------------------------------------------


def _half_built_classes() -> list[type]:
    from aigenstudio._client.base import BaseClient
    from aigenstudio._core.api_key import APIKey
    from aigenstudio._http import config, hooks, httpx_clients, options, pools, retries, sending, wire
    from aigenstudio._http.auth import BearerAuth

    return [
        Client,
        AsyncClient,
        BaseClient,
        APIKey,
        BearerAuth,
        config.Settings,
        options.Options,
        httpx_clients.HttpxClients,
        pools.Pools,
        hooks.RequestHooks,
        retries.RetryPolicy,
        sending.SendingTransport,
        sending.AsyncSendingTransport,
        wire.PoolTransport,
        wire.AsyncPoolTransport,
    ]


@pytest.mark.parametrize("cls", _half_built_classes(), ids=lambda cls: cls.__qualname__)
def test_repr_works_on_a_half_built_object(cls: type) -> None:
    shown = repr(object.__new__(cls))
    assert cls.__name__ in shown


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("kwargs", _KEYED_CONSTRUCTOR_FAILURES[:4], ids=repr)
def test_a_failed_constructor_traceback_formats_with_locals(
    cls: type[Client] | type[AsyncClient], kwargs: dict[str, Any]
) -> None:
    kwargs = {"api_key": SANDBOX_KEY, "base_url": "https://api.example.com/api/v1", **kwargs}
    with pytest.raises(ConfigurationError) as caught:
        cls(**kwargs)
    text = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert f"self = {cls.__name__}(<not built>)" in text


# -- a copy keeps its original's resolved settings ------------------------------------------


def _copy_of(client: Client | AsyncClient, how: str) -> Client | AsyncClient:
    if how == "with_headers":
        return client.with_headers({"X-Tag": "copy"})
    if how == "with_cookies":
        return client.with_cookies({"session": "s"})
    return client.with_timeout(httpx.Timeout(5.0))


@pytest.mark.parametrize("how", ["with_headers", "with_timeout", "with_cookies"])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_copy_keeps_its_originals_key_and_url_whatever_the_environment_says(
    servers: tuple[str, list[str], str, list[str]], how: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.client.conftest import LIVE_KEY

    first_url, first_seen, other_url, other_seen = servers
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", SANDBOX_KEY)
    monkeypatch.setenv("AIGENSTUDIO_BASE_URL", first_url + "/api/v1")
    original = Client() if mode == "sync" else AsyncClient()
    monkeypatch.setenv("AIGENSTUDIO_BASE_URL", other_url + "/api/v1")  # the environment moves on
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", LIVE_KEY)
    copies = [_copy_of(original, how)]
    monkeypatch.delenv("AIGENSTUDIO_BASE_URL")  # and is gone (the spec's server: production)
    monkeypatch.delenv("AIGENSTUDIO_API_KEY")
    copies.append(_copy_of(copies[0], how))
    operation = aigenstudio.find_operation("list_product_photo_operations")
    for copy in copies:
        assert (copy.base_url, copy.key_fingerprint) == (original.base_url, original.key_fingerprint)
        if isinstance(copy, Client):
            with copy:
                operation.sync(client=copy)
        else:
            async with copy:
                await operation.asyncio(client=copy)
    assert other_seen == []
    assert first_seen == [f"Bearer {SANDBOX_KEY}"] * 2


def test_a_copy_of_a_client_without_a_key_never_picks_one_up(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Client(base_url="https://api.example.com/api/v1")
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", SANDBOX_KEY)
    assert not original.with_headers({"X-Tag": "copy"}).has_api_key
