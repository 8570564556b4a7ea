"""Where the client may send the key (``_http/settings.py``, ``_http/proxies.py``,
``_client/copies.py``): plain HTTP only to a loopback address (decided by address, not by
name), never through a proxy for a loopback API, no userinfo kept from ``base_url``, no second
credential (``Authorization``, ``Cookie``, ``X-Api-Key``, ``auth=``) beside ``api_key=``, and a
copy keeps its original's key and URL whatever the environment says at copy time. Odd
constructor and retry settings are ConfigurationErrors, checked by the same constructor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio import (
    AsyncClient,
    Client,
    ConfigurationError,
)

from tests.client.conftest import SANDBOX_KEY

# -- proxies ---------------------------------------------------------------------------


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


# -- loopback is decided by address -------------------------------------------------


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


# -- userinfo in base_url --------------------------------------------------------------


def test_userinfo_is_dropped_from_the_client_and_its_repr() -> None:
    client = Client(SANDBOX_KEY, base_url="https://user:pw-secret@api.example.test/api/v1")
    assert client.base_url == "https://api.example.test/api/v1"
    for text in (repr(client), str(client), client.base_url, repr(client._settings)):
        assert "pw-secret" not in text
        assert "user" not in text


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
