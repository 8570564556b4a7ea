"""Auth defaults: key sources and kinds, public operations without a key, HTTPS-only keys."""

from __future__ import annotations

import aigenstudio
import pytest
from aigenstudio import AsyncClient, Client, ConfigurationError

from .conftest import BASE_URL, JOB_ID, LIVE_KEY, SANDBOX_KEY, Api, Recorder


async def test_bearer_key_is_sent(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_jobs", client)
    assert api.recorder.last.headers["authorization"] == f"Bearer {SANDBOX_KEY}"


async def test_key_from_environment(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", LIVE_KEY)
    client = api.client()
    assert client.key_kind == "live"
    assert client.is_sandbox is False
    await api.call("get_product_photo_job", client, job_id=JOB_ID)
    assert api.recorder.last.headers["authorization"] == f"Bearer {LIVE_KEY}"


async def test_argument_key_wins_over_environment(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", LIVE_KEY)
    client = api.client(SANDBOX_KEY)
    assert client.is_sandbox is True
    await api.call("list_product_photo_jobs", client)
    assert api.recorder.last.headers["authorization"] == f"Bearer {SANDBOX_KEY}"


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_key_kinds(cls: type[Client]) -> None:
    assert cls(SANDBOX_KEY).is_sandbox is True
    assert cls(SANDBOX_KEY).key_kind == "sandbox"
    assert cls(LIVE_KEY).is_sandbox is False
    assert cls(LIVE_KEY).key_kind == "live"
    assert cls().key_kind is None
    assert cls().has_api_key is False


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("key", ["sk_live_abcdef", "aigen_prod_abcdef", "AIGEN_TEST_abc", "aigen_testXYZ123"])
def test_unknown_prefix_rejected_unless_allowed(cls: type[Client], key: str) -> None:
    with pytest.raises(ConfigurationError, match="aigen_test_") as info:
        cls(key)
    assert key not in str(info.value)
    client = cls(key, allow_unknown_key_prefix=True)
    assert client.key_kind == "unknown"
    assert client.is_sandbox is False


@pytest.mark.parametrize("key", ["aigen_test_abc def", "aigen_test_abc\r\nX-Evil: 1", "aigen_test_\x00", ""])
def test_malformed_keys_rejected(key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Client(key)
    if key:
        assert key not in str(info.value)


def test_empty_environment_key_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGENSTUDIO_API_KEY", "  ")
    assert Client().has_api_key is False


async def test_public_operations_work_without_key(api: Api) -> None:
    client = api.client()
    ops = await api.call("list_product_photo_operations", client)
    presets = await api.call("list_product_photo_presets", client)
    assert ops.operations[0].id == "studio_packshot"
    assert presets.presets[0].id == "p1"
    assert len(api.recorder.requests) == 2
    assert all("authorization" not in r.headers for r in api.recorder.requests)


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("list_product_photo_jobs", {}),
        ("get_product_photo_job", {"job_id": JOB_ID}),
    ],
)
async def test_non_public_operations_without_key_fail_before_sending(
    api: Api, operation: str, kwargs: dict[str, object]
) -> None:
    client = api.client()
    with pytest.raises(ConfigurationError, match="AIGENSTUDIO_API_KEY"):
        await api.call(operation, client, **kwargs)
    assert api.recorder.requests == []


async def test_create_without_key_fails_before_sending(api: Api) -> None:
    from .conftest import create_body

    client = api.client()
    with pytest.raises(ConfigurationError, match="AIGENSTUDIO_API_KEY"):
        await api.call("create_product_photo_job", client, body=create_body(), idempotency_key="k" * 16)
    assert api.recorder.requests == []


def test_base_url_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Client().base_url == "https://aigenstudio.app/api/v1"  # the spec's server
    monkeypatch.setenv("AIGENSTUDIO_BASE_URL", "https://env.example.test/api/v1/")
    assert Client().base_url == "https://env.example.test/api/v1"
    assert Client(base_url=BASE_URL).base_url == BASE_URL


async def test_base_url_path_prefix_is_kept(api: Api) -> None:
    client = api.client(SANDBOX_KEY, base_url="https://gw.example.test/proxy/api/v1")
    await api.call("list_product_photo_jobs", client, limit=5)
    assert api.recorder.last.url.path == "/proxy/api/v1/product-photo-jobs"
    assert api.recorder.last.url.params["limit"] == "5"


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("url", ["http://api.example.test/api/v1", "http://10.0.0.5:8080/v1"])
def test_key_never_goes_to_plain_http(cls: type[Client], url: str) -> None:
    with pytest.raises(ConfigurationError, match="https"):
        cls(SANDBOX_KEY, base_url=url)
    cls(base_url=url)  # no key, nothing to leak: allowed (public operations only)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4010", "http://localhost:4010/api/v1", "http://[::1]:8000", "http://127.9.9.9"]
)
def test_plain_http_allowed_for_loopback(cls: type[Client], url: str) -> None:
    assert cls(SANDBOX_KEY, base_url=url).base_url == url.rstrip("/")


@pytest.mark.parametrize("url", ["ftp://example.test", "not a url", "https://"])
def test_invalid_base_url(url: str) -> None:
    with pytest.raises(ConfigurationError):
        Client(base_url=url)


def test_invalid_options() -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        Client(max_retries=-1)
    with pytest.raises(ConfigurationError, match="auth"):
        Client(httpx_args={"auth": ("user", "pass")})


@pytest.mark.parametrize("name", ["auth", "base_url", "transport", "mounts", "app", "proxies"])
def test_httpx_args_that_would_bypass_a_safety_layer_are_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match=f"httpx_args may not set {name}"):
        Client(httpx_args={name: object()})


async def test_redirects_are_not_followed(api: Api) -> None:
    import httpx

    api.recorder.handler = lambda request: httpx.Response(302, headers={"Location": "https://evil.example/"})
    client = api.client(SANDBOX_KEY)
    # Not followed, and not returned as a result either: the spec declares no 302.
    with pytest.raises(aigenstudio.UnexpectedStatusError) as caught:
        await api.detailed("list_product_photo_jobs", client)
    assert caught.value.status_code == 302
    assert len(api.recorder.requests) == 1


async def test_context_managers_close_the_pool() -> None:
    import httpx

    from .conftest import Recorder

    recorder = Recorder()
    with Client(SANDBOX_KEY, transport=recorder.transport()) as client:
        http = client.get_httpx_client()
    assert http.is_closed
    async with AsyncClient(SANDBOX_KEY, transport=recorder.transport()) as aclient:
        ahttp = aclient.get_async_httpx_client()
        assert isinstance(ahttp, httpx.AsyncClient)
    assert ahttp.is_closed


def test_with_timeout_and_headers_return_configured_copies() -> None:
    import httpx

    client = Client(SANDBOX_KEY, base_url=BASE_URL)
    slower = client.with_timeout(httpx.Timeout(5.0))
    assert type(slower) is Client
    assert slower.get_httpx_client().timeout == httpx.Timeout(5.0)
    tagged = client.with_headers({"X-Team": "catalog"})
    assert tagged.get_httpx_client().headers["x-team"] == "catalog"
    assert tagged.key_kind == "sandbox"


def test_default_timeouts() -> None:
    import httpx

    timeout = Client().get_httpx_client().timeout
    assert timeout.connect == 10.0
    assert timeout.read == 60.0
    assert Client(timeout=3).get_httpx_client().timeout == httpx.Timeout(3.0)


def test_key_only_goes_to_the_api_origin(recorder: Recorder) -> None:
    client = Client(SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport(), max_retries=0)
    http = client.get_httpx_client()
    # Another origin (another host, or the same host over plain http) is never sent at all.
    for url in ("https://elsewhere.example/steal", "http://api.example.test/api/v1/product-photo-operations"):
        with pytest.raises(aigenstudio.RequestValidationError):
            http.get(url)
    assert recorder.requests == []
    http.get("/product-photo-operations")
    assert recorder.last.headers["authorization"] == f"Bearer {SANDBOX_KEY}"
