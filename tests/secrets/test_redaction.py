"""Errors and logs hold no secret (``_core/redaction.py``): an error keeps a detached copy of its
request and response with credential headers redacted and URL userinfo removed, its httpx
cause is a redacted copy too, it pickles by state (and crosses a process pool typed), and no
log record -- httpx's and httpcore's own DEBUG logs on a loopback exchange included -- carries
the key.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import pickle
import threading
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aigenstudio
import httpx
import pytest
from aigenstudio import (
    AigenStudioError,
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
from tests.secrets.leaks import (
    SECRET,
    assert_no_key,
    assert_no_secret,
)

# -- errors carry no key -------------------------------------------------------------


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


# -- every public error survives pickling --------------------------------------------


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


class _Handler(BaseHTTPRequestHandler):
    """401 for the job lookup (the error path), 200 for the operations listing."""

    def do_GET(self) -> None:
        assert self.headers["Authorization"] == f"Bearer {SANDBOX_KEY}"  # the key does reach the server
        body: dict[str, object]
        if self.path.endswith("/product-photo-operations"):
            status, body = 200, {"operations": [], "request_id": "req_ok"}
        else:
            status, body = (
                401,
                {"error": {"code": "invalid_api_key", "message": "Bad key"}, "request_id": "req_401"},
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # keep the server quiet
        pass


@pytest.fixture
def loopback_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_key_absent_from_every_output(
    mode: str, loopback_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # root: aigenstudio, httpx, httpcore, everything
    for name in ("aigenstudio", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    cls = Client if mode == "sync" else AsyncClient
    client = cls(SANDBOX_KEY, base_url=loopback_url, max_retries=0)
    ops = aigenstudio.find_operation("list_product_photo_operations")
    job = aigenstudio.find_operation("get_product_photo_job")
    texts: list[str] = [repr(client), str(client), repr(client.__dict__)]
    caught: BaseException | None = None
    try:
        if mode == "sync":
            texts.append(repr(ops.sync_detailed(client=client)))
            texts.append(repr(client.get_httpx_client()))
            job.sync(client=client, job_id=JOB_ID)
        else:
            texts.append(repr(await ops.asyncio_detailed(client=client)))
            texts.append(repr(client.get_async_httpx_client()))
            await job.asyncio(client=client, job_id=JOB_ID)
    except AigenStudioError as exc:
        caught = exc
        texts.append(traceback.format_exc())
    finally:
        if mode == "sync":
            client.close()
        else:
            await client.aclose()
    assert isinstance(caught, aigenstudio.AuthenticationError), "the 401 did not raise"
    error = caught
    texts += [str(error), repr(error), repr(error.__dict__), "".join(traceback.format_exception(error))]
    texts += [repr(error.response), repr(error.response.request), repr(error.response.request.headers)]
    assert error.request_id == "req_401"
    records = caplog.records
    assert any(r.name.startswith("httpcore") for r in records), "httpcore DEBUG logs were not captured"
    assert any(r.name == "aigenstudio" for r in records)
    texts += [r.getMessage() for r in records]
    texts += [repr(r.__dict__) for r in records]
    texts.append(caplog.text)
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]
    assert_no_key(*texts)
