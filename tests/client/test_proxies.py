"""Environment and explicit proxies go through our transport chain (retries, typed errors).

httpx ignores HTTP(S)_PROXY/ALL_PROXY once a client gets transport= (so env proxies went
unused) and mounts an explicit proxy= in a transport of its own (so proxied requests skipped
retries and error mapping). A loopback forward proxy sees what the chain sends:
absolute-form requests, retries with X-Retry-Attempt.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from aigenstudio import APIConnectionError, AsyncClient, Client, ConfigurationError, RetryPolicy
from aigenstudio._http.proxies import environment_proxy
from aigenstudio._workflow.operations import find_operation

from .conftest import BASE_URL

REMOTE_URL = "http://api.example.test/api/v1"
OPERATIONS_PATH = "/api/v1/product-photo-operations"
OPERATIONS_BODY = {
    "operations": [{"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}],
    "request_id": "req_server_ops",
}
FAST_RETRIES = RetryPolicy(initial_backoff=0.001, max_backoff=0.002)


@dataclass
class LoopbackServer:
    """A threaded loopback HTTP server: 503 (Retry-After: 0) for the first `failures` requests."""

    failures: int = 0
    drop: bool = False  # close every connection without answering
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.seen.append((handler.path, {k.lower(): v for k, v in handler.headers.items()}))
        if self.drop:
            handler.close_connection = True
            return
        if len(self.seen) <= self.failures:
            status, body, extra = 503, b"", {"Retry-After": "0"}
        else:
            status, body, extra = (
                200,
                json.dumps(OPERATIONS_BODY).encode(),
                {"Content-Type": "application/json"},
            )
        handler.send_response(status)
        for name, value in extra.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@contextmanager
def serve(server: LoopbackServer) -> Iterator[LoopbackServer]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.answer(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def proxy() -> Iterator[LoopbackServer]:
    """The forward proxy: it fails once, then answers the operations list."""
    with serve(LoopbackServer(failures=1)) as server:
        yield server


@pytest.fixture
def direct() -> Iterator[LoopbackServer]:
    """A plain loopback API the client reaches without a proxy."""
    with serve(LoopbackServer()) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def list_operations(mode: str, base_url: str, **kwargs: Any) -> Any:
    module = find_operation("list_product_photo_operations")
    kwargs.setdefault("retry_policy", FAST_RETRIES)
    if mode == "sync":
        with Client(base_url=base_url, **kwargs) as client:
            return module.sync(client=client)
    async with AsyncClient(base_url=base_url, **kwargs) as aclient:
        return await module.asyncio(client=aclient)


def assert_retried_through(proxy: LoopbackServer, result: Any) -> None:
    assert [path for path, _ in proxy.seen] == [f"http://api.example.test{OPERATIONS_PATH}"] * 2
    assert "x-retry-attempt" not in proxy.seen[0][1]
    assert proxy.seen[1][1]["x-retry-attempt"] == "2"
    assert [op.id for op in result.operations] == ["studio_packshot"]


async def test_env_proxy_requests_pass_the_retry_layer(
    mode: str, proxy: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    result = await list_operations(mode, REMOTE_URL)
    assert_retried_through(proxy, result)


async def test_explicit_proxy_argument_passes_the_retry_layer(mode: str, proxy: LoopbackServer) -> None:
    result = await list_operations(mode, REMOTE_URL, httpx_args={"proxy": proxy.url})
    assert_retried_through(proxy, result)


async def test_proxy_dropping_connections_is_retried_then_typed(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(LoopbackServer(drop=True)) as dropping:
        monkeypatch.setenv("HTTP_PROXY", dropping.url)
        with pytest.raises(APIConnectionError, match="RemoteProtocolError"):
            await list_operations(mode, REMOTE_URL)
    assert len(dropping.seen) == 1 + FAST_RETRIES.max_retries


async def test_loopback_origin_never_uses_the_env_proxy(
    mode: str, proxy: LoopbackServer, direct: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plain-HTTP loopback API reached through a proxy would hand the key, in clear text, to
    # whatever the proxy is: loopback is always reached directly, NO_PROXY or not.
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    base_url = direct.url + "/api/v1"
    result = await list_operations(mode, base_url, api_key="aigen_test_" + "k" * 24)
    assert proxy.seen == []
    assert [path for path, _ in direct.seen] == [OPERATIONS_PATH]
    assert [op.id for op in result.operations] == ["studio_packshot"]


async def test_trust_env_false_ignores_env_proxies(
    mode: str, proxy: LoopbackServer, direct: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    await list_operations(mode, direct.url + "/api/v1", httpx_args={"trust_env": False})
    assert proxy.seen == []
    assert [path for path, _ in direct.seen] == [OPERATIONS_PATH]


@pytest.mark.parametrize("httpx_args", [{}, {"proxy": "http://127.0.0.1:9"}])
def test_httpx_client_mounts_no_proxy_transport_of_its_own(
    httpx_args: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    with Client(base_url=BASE_URL, httpx_args=httpx_args) as client:
        assert client.get_httpx_client()._mounts == {}  # every request takes our transport


def test_proxy_with_a_caller_transport_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="proxy"):
        Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200)), httpx_args={"proxy": "http://p:1"}
        )


# (environment, URL): each is checked against the proxy httpx itself would mount for it.
ENVIRONMENTS: list[tuple[dict[str, str], str]] = [
    ({}, "https://api.example.test"),
    ({"HTTP_PROXY": "http://p:1"}, "http://api.example.test"),
    ({"HTTP_PROXY": "http://p:1"}, "https://api.example.test"),
    ({"HTTPS_PROXY": "p:2", "ALL_PROXY": "http://a:3"}, "https://api.example.test"),
    ({"HTTPS_PROXY": "http://p:2", "ALL_PROXY": "http://a:3"}, "http://api.example.test"),
    ({"ALL_PROXY": "http://a:3"}, "https://api.example.test:8443"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "*"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "example.test"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": ".example.test"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": ".example.test"}, "https://example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "other.test,  api.example.test"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "pi.example.test"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "http://api.example.test"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "https://api.example.test"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "all://api.example.test:8443"}, "https://api.example.test"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "all://api.example.test:8443"}, "https://api.example.test:8443"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "127.0.0.1"}, "http://127.0.0.1:8000"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "::1"}, "http://[::1]:8000"),
    ({"ALL_PROXY": "http://a:3", "NO_PROXY": "LOCALHOST"}, "http://localhost:8000"),
    ({"ALL_PROXY": "http://a:3", "no_proxy": "localhost"}, "http://127.0.0.1"),
]


@pytest.mark.parametrize(("env", "url"), ENVIRONMENTS)
def test_environment_proxy_matches_httpx(
    env: dict[str, str], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reference = httpx.Client(trust_env=True)
    chosen = reference._transport_for_url(httpx.URL(url))
    expected = None if chosen is reference._transport else _proxy_url(chosen)
    found = environment_proxy(httpx.URL(url))
    assert (None if found is None else httpx.URL(found)) == expected
    reference.close()


def _proxy_url(transport: httpx.BaseTransport) -> httpx.URL:
    pool = transport._pool  # type: ignore[attr-defined]
    origin = pool._proxy_url
    return httpx.URL(scheme=origin.scheme.decode(), host=origin.host.decode(), port=origin.port)
