"""The key itself (``_core/api_key.py``): an ``APIKey`` never shows its text (repr, ``vars``,
pickle), no frame of ours holds the key in a local after a failed constructor, a failed call or
a failed webhook verification (what Sentry, ``rich`` or ``traceback`` with
``capture_locals=True`` record) -- a key passed as bytes/bytearray/memoryview included --, every
half-built object still has a repr, messages never quote the key, and its fingerprint names it
without revealing it.
"""

from __future__ import annotations

import pickle
import traceback
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio import (
    APIConnectionError,
    APIStatusError,
    AsyncClient,
    Client,
    ConfigurationError,
    verify_webhook,
)

from tests.client.conftest import JOB_ID, SANDBOX_KEY, Api
from tests.secrets.leaks import (
    KEY_FRAGMENT,
    SECRET,
    assert_no_key,
    assert_no_secret_in_locals,
)

_WRONG_TYPED_KEYS = [SANDBOX_KEY.encode(), bytearray(SANDBOX_KEY.encode()), memoryview(SANDBOX_KEY.encode())]


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("key", _WRONG_TYPED_KEYS, ids=lambda key: type(key).__name__)
def test_a_bytes_key_refused_by_the_client_stays_out_of_frame_locals(
    cls: type[Client] | type[AsyncClient], key: object
) -> None:
    with pytest.raises(ConfigurationError, match=f"got {type(key).__name__}") as caught:
        cls(key, base_url="https://api.example.com/api/v1")  # type: ignore[arg-type]
    assert_no_secret_in_locals(caught.value)


@pytest.mark.parametrize("key", _WRONG_TYPED_KEYS, ids=lambda key: type(key).__name__)
def test_a_bytes_key_refused_by_webhook_verification_stays_out_of_frame_locals(key: object) -> None:
    headers = {
        "X-Aigen-Signature": "v1=" + "0" * 64,
        "X-Aigen-Timestamp": "1700000000",
        "X-Aigen-Event-Id": "e",
    }
    with pytest.raises(ConfigurationError) as caught:
        verify_webhook(b"{}", headers, key, now=1700000000)  # type: ignore[arg-type]
    assert_no_secret_in_locals(caught.value)


_CREDENTIAL_HEADERS: list[dict[Any, str]] = [
    {"Authorization": f"Bearer {SANDBOX_KEY}"},
    {"authorization": f"Bearer {SANDBOX_KEY}"},
    {"X-Api-Key": SANDBOX_KEY},
    {"Cookie": f"session={SANDBOX_KEY}", "Prefer": "code=200"},
    {b"Authorization": f"Bearer {SANDBOX_KEY}"},
]


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("headers", _CREDENTIAL_HEADERS, ids=lambda headers: repr(next(iter(headers))))
def test_a_key_in_a_refused_credential_header_stays_out_of_frame_locals(
    cls: type[Client] | type[AsyncClient], headers: dict[Any, str]
) -> None:
    with pytest.raises(ConfigurationError, match="carry credentials") as caught:
        cls(SANDBOX_KEY, base_url="https://api.example.com/api/v1", httpx_args={"headers": headers})
    assert_no_secret_in_locals(caught.value)
    client = cls(SANDBOX_KEY, base_url="https://api.example.com/api/v1")
    with pytest.raises(ConfigurationError, match="carry credentials") as caught:
        client.with_headers(headers)
    assert_no_secret_in_locals(caught.value)


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
    from aigenstudio._http import hooks, httpx_clients, pools, retries, sending, settings, wire
    from aigenstudio._http.auth import BearerAuth

    return [
        Client,
        AsyncClient,
        BaseClient,
        APIKey,
        BearerAuth,
        settings.Settings,
        settings.Options,
        httpx_clients.HttpxClients,
        pools.Pools,
        hooks.RequestHooks,
        retries.RetryPolicy,
        sending.SendingTransport,
        sending.AsyncSendingTransport,
        wire.PoolTransport,
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
    assert_no_key(str(info.value), repr(info.value), "".join(traceback.format_exception(info.value)))


def test_client_cannot_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Client(SANDBOX_KEY))
