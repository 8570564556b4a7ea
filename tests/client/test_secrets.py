"""The API key never shows up in repr/str, exception text, tracebacks or any log record --
including httpx's and httpcore's own DEBUG logs on a real loopback exchange."""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aigenstudio
import pytest
from aigenstudio import AigenStudioError, AsyncClient, Client

from .conftest import JOB_ID, SANDBOX_KEY, endpoint

KEY_FRAGMENT = SANDBOX_KEY.removeprefix("aigen_test_")[:12]


class _Handler(BaseHTTPRequestHandler):
    """401 for the job lookup (the error path), 200 for the operations listing."""

    def do_GET(self) -> None:
        assert self.headers["Authorization"] == f"Bearer {SANDBOX_KEY}"  # the key does reach the server
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


def _assert_no_key(*texts: str) -> None:
    for text in texts:
        assert SANDBOX_KEY not in text
        assert KEY_FRAGMENT not in text


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_key_absent_from_every_output(
    mode: str, loopback_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # root: aigenstudio, httpx, httpcore, everything
    for name in ("aigenstudio", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    cls = Client if mode == "sync" else AsyncClient
    client = cls(SANDBOX_KEY, base_url=loopback_url, max_retries=0)
    ops = endpoint("list_product_photo_operations")
    job = endpoint("get_product_photo_job")
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
    _assert_no_key(*texts)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Client("aigen_prod_" + KEY_FRAGMENT),
        lambda: Client(SANDBOX_KEY, base_url="http://api.example.test"),
        lambda: Client(SANDBOX_KEY + "\n"),
        lambda: Client(SANDBOX_KEY + " "),
    ],
)
def test_configuration_errors_do_not_quote_the_key(make: object) -> None:
    with pytest.raises(aigenstudio.ConfigurationError) as info:
        make()  # type: ignore[operator]
    _assert_no_key(str(info.value), repr(info.value), "".join(traceback.format_exception(info.value)))


def test_client_cannot_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Client(SANDBOX_KEY))
