"""What a careless or hostile caller passes is refused before sending, naming the field.

Before the edges work: a non-ASCII request id or idempotency key raised UnicodeEncodeError,
edge whitespace gave APIConnectionError, an empty Idempotency-Key still made a POST
retryable, a streamed body leaked httpx.RequestNotRead, and ``job_id="."``/``".."``/``""``
sent another operation's request (with the key).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aigenstudio import APIConnectionError, Client, RequestValidationError
from aigenstudio._http.retries import RetryPolicy, is_retryable_request
from aigenstudio._http.sending import SendingTransport

from tests.client.conftest import SANDBOX_KEY, Api, create_body

BAD_HEADER_VALUES = [
    ("naïve-id-123", "ASCII"),
    ("id-\u2028-12345", "ASCII"),
    (" leading-1234", "whitespace"),
    ("trailing-1234 ", "whitespace"),
    ("line\r\nX-Evil: 1", "control"),
]


# -- 11. header values ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "rule"), BAD_HEADER_VALUES)
async def test_a_bad_request_id_per_call_is_refused_naming_the_header(
    api: Api, value: str, rule: str
) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError, match=rule) as caught:
        await api.call("list_product_photo_operations", client, x_request_id=value)
    assert caught.value.field == "x_request_id"
    assert api.recorder.requests == []


@pytest.mark.parametrize(("value", "rule"), BAD_HEADER_VALUES)
async def test_a_bad_idempotency_key_is_refused_naming_the_header(api: Api, value: str, rule: str) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError, match=rule) as caught:
        await api.call("create_product_photo_job", client, body=create_body(), idempotency_key=value)
    assert caught.value.field == "idempotency_key"
    assert api.recorder.requests == []


@pytest.mark.parametrize(("value", "rule"), BAD_HEADER_VALUES)
def test_a_bad_client_request_id_is_refused(value: str, rule: str) -> None:
    with pytest.raises(RequestValidationError, match=rule) as caught:
        Client(SANDBOX_KEY, request_id=value)
    assert caught.value.field == "request_id"


@pytest.mark.parametrize(("value", "rule"), BAD_HEADER_VALUES)
async def test_a_bad_scoped_request_id_is_refused(api: Api, value: str, rule: str) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError, match=rule), client.request_id_scope(value):
        await api.call("list_product_photo_operations", client)
    assert api.recorder.requests == []


def test_a_raw_header_of_the_wrong_type_is_refused() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(500))
    with Client(SANDBOX_KEY, transport=transport) as client:
        http = client.get_httpx_client()
        with pytest.raises(RequestValidationError, match="x_request_id"):
            http.get("/product-photo-operations", headers={"X-Request-Id": 7})  # type: ignore[dict-item]


# -- 12. only a valid idempotency key makes a POST retryable ----------------------------


@pytest.mark.parametrize("key", ["", "   ", "short", "k" * 161, "ümlaut-key-123".encode("latin-1")])
def test_an_invalid_idempotency_key_does_not_make_a_post_retryable(key: str | bytes) -> None:
    request = httpx.Request(
        "POST", "https://api.example.test/x", headers={"Idempotency-Key": key}, content=b"{}"
    )
    assert not is_retryable_request(request)
    attempts: list[httpx.Request] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("reset")

    retrying = SendingTransport(httpx.MockTransport(flaky), RetryPolicy(max_retries=3), sleep=lambda s: None)
    with pytest.raises(APIConnectionError) as caught:
        retrying.handle_request(request)
    assert type(caught.value.__cause__) is httpx.ConnectError
    assert len(attempts) == 1


def test_a_valid_idempotency_key_does() -> None:
    request = httpx.Request(
        "POST", "https://api.example.test/x", headers={"Idempotency-Key": "idem_12345678"}, content=b"{}"
    )
    assert is_retryable_request(request)


# -- 13. a streamed body ----------------------------------------------------------------


def test_a_streamed_body_is_refused_not_leaked_as_request_not_read() -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500))

    def chunks() -> Iterator[bytes]:
        yield b'{"images": []}'

    with Client(SANDBOX_KEY, transport=transport) as client:
        http = client.get_httpx_client()
        with pytest.raises(RequestValidationError, match="stream") as caught:
            http.post(
                "/product-photo-jobs",
                content=chunks(),
                headers={"Idempotency-Key": "idem_12345678", "Content-Type": "application/json"},
            )
    assert caught.value.field == "body"
    assert sent == []


# -- 14. path parameters can never change the route ------------------------------------


@pytest.mark.parametrize("job_id", [".", "..", "", "./", "../..", "a/..", "%2e%2e", "/"])
async def test_a_path_parameter_cannot_reach_another_endpoint(api: Api, job_id: str) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError) as caught:
        await api.call("get_product_photo_job", client, job_id=job_id)
    assert caught.value.field == "job_id"
    assert api.recorder.requests == []


@pytest.mark.parametrize("job_id", [".", "..", ""])
def test_a_bare_generated_client_never_sends_a_path_argument_that_changes_the_endpoint(job_id: str) -> None:
    # The generated code checks its own path arguments: httpx would turn "/jobs/.." into
    # another endpoint's path before any client of ours could look.
    from aigenstudio._workflow.operations import find_operation
    from aigenstudio_client.client import AuthenticatedClient
    from aigenstudio_client.errors import InvalidArgument

    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, json={}))
    bare = AuthenticatedClient(
        base_url="https://api.example.test/api/v1", token="t", httpx_args={"transport": transport}
    )
    with pytest.raises(InvalidArgument) as caught:
        find_operation("get_product_photo_job").sync_detailed(job_id, client=bare)
    assert caught.value.argument == "job_id"
    assert sent == []


@pytest.mark.parametrize(
    "url",
    [
        "/product-photo-jobs/../../admin",
        "/product-photo-jobs/./",
        "/not-an-endpoint",
        "https://api.example.test/api/v2/product-photo-jobs",
        "https://attacker.example/api/v1/product-photo-jobs",
    ],
)
def test_a_request_that_is_no_operation_is_never_sent(url: str) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200))
    client = Client(SANDBOX_KEY, base_url="https://api.example.test/api/v1", transport=transport)
    with client, pytest.raises(RequestValidationError):
        client.get_httpx_client().get(url)
    assert sent == []


# -- found by review: values httpx cannot encode -------------------------------------------


@pytest.mark.parametrize("extra", [{"note": float("nan")}, {"note": float("inf")}], ids=["nan", "inf"])
async def test_a_body_httpx_cannot_encode_is_refused(api: Api, extra: dict[str, object]) -> None:
    client = api.client(SANDBOX_KEY)
    body = create_body()
    body.additional_properties.update(extra)
    with pytest.raises(RequestValidationError):
        await api.call("create_product_photo_job", client, body=body, idempotency_key="idem_12345678")
    assert api.recorder.requests == []


@pytest.mark.parametrize("job_id", ["\ud800", "x" * 10_000_000], ids=["lone-surrogate", "10MB"])
async def test_a_job_id_httpx_cannot_encode_is_refused(api: Api, job_id: str) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError):
        await api.call("get_product_photo_job", client, job_id=job_id)
    assert api.recorder.requests == []


async def test_a_limit_too_long_to_print_is_refused(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError):
        await api.call("list_product_photo_jobs", client, limit=10**5000)
    assert api.recorder.requests == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("timeout", float("nan")),
        ("timeout", float("inf")),
        ("timeout", "5"),
        ("timeout", None),
        ("poll_interval", float("nan")),
        ("poll_interval", 0),
        ("max_interval", float("nan")),
    ],
)
def test_wait_for_job_refuses_times_that_never_expire(name: str, value: object) -> None:
    from aigenstudio import wait_for_job

    client = Client(SANDBOX_KEY, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with client, pytest.raises(RequestValidationError) as caught:
        wait_for_job(client, "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f", **{name: value})  # type: ignore[arg-type]
    assert caught.value.field == name


def test_helpers_refuse_odd_arguments_with_sdk_errors() -> None:
    from aigenstudio import AigenStudioError, idempotency_key_for

    for namespace, payload in (("", {}), ("ns", {1: "x"}), ("ns", {"a": {1, 2}})):
        with pytest.raises(AigenStudioError) as caught:
            idempotency_key_for(namespace, payload)
        assert isinstance(caught.value, TypeError)  # as Python's own would be, for old callers


# -- found by the second review -------------------------------------------------------------


class _Str(str):
    """A str subclass, as numpy.str_ values from a DataFrame column are."""


async def test_a_body_with_str_subclasses_and_int_keys_is_checked_as_sent(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    body = create_body()
    body.images[0].source_url = _Str("https://cdn.example.com/a.jpg")
    body.additional_properties[1] = "int key"  # type: ignore[index]
    await api.call("create_product_photo_job", client, body=body, idempotency_key="idem_12345678")
    assert len(api.recorder.requests) == 1  # valid JSON on the wire: sent, not a bare ValueError


def test_a_deeply_nested_raw_body_is_refused() -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500))
    client = Client(SANDBOX_KEY, transport=transport)
    deep = b"[" * 100_000 + b"]" * 100_000
    with client, pytest.raises(RequestValidationError, match="nest"):
        client.get_httpx_client().post(
            "/product-photo-jobs",
            content=deep,
            headers={"Idempotency-Key": "idem_12345678", "Content-Type": "application/json"},
        )
    assert sent == []


@pytest.mark.parametrize(
    "params", [{"limit": "\u0661\u0660"}, {"limit": "\uff15"}, [("limit", "5"), ("limit", "500")]]
)
def test_query_values_a_server_would_refuse_are_refused(params: Any) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500))
    client = Client(SANDBOX_KEY, transport=transport)
    with client, pytest.raises(RequestValidationError) as caught:
        client.get_httpx_client().get("/product-photo-jobs", params=params)
    assert caught.value.field == "limit"
    assert sent == []


@pytest.mark.parametrize("header", ["Host", "Content-Length", "Transfer-Encoding", "Connection"])
def test_framing_headers_cannot_be_set_by_hand(header: str) -> None:
    from aigenstudio import ConfigurationError

    with pytest.raises(ConfigurationError):
        Client(SANDBOX_KEY).with_headers({header: "evil.example"})
    client = Client(SANDBOX_KEY, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with client, pytest.raises(RequestValidationError):
        client.get_httpx_client().get("/product-photo-operations", headers={header: "x"})


@pytest.mark.parametrize("method", ["with_headers", "with_cookies"])
def test_copies_refuse_non_mappings(method: str) -> None:
    from aigenstudio import ConfigurationError

    with pytest.raises(ConfigurationError):
        getattr(Client(SANDBOX_KEY), method)([("a", "b")])


def test_a_client_closed_before_first_use_stays_closed() -> None:
    from aigenstudio import ClientClosedError

    client = Client(SANDBOX_KEY, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    client.close()
    with pytest.raises(ClientClosedError, match="closed"):
        client.product_photo_operations.list()


def test_an_unknown_operation_name_is_an_sdk_error() -> None:
    from aigenstudio import AigenStudioError, find_operation

    with pytest.raises(AigenStudioError) as caught:
        find_operation("delete_everything")
    assert isinstance(caught.value, LookupError)  # as before, for existing callers
