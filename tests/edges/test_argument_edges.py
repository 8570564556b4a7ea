"""Wrong-typed arguments to the generated endpoint functions are refused before sending.

The generated ``_get_kwargs`` used to call ``body.to_dict()``, ``status.value`` or
``cursor.isoformat()`` on whatever it was given, so a dict, a plain string or a bool leaked
a bare AttributeError/TypeError. Now every argument is checked against its declared type
first: our Client raises RequestValidationError (``field`` = the argument's name, ``limit``
= the rule) and nothing reaches the transport; a plain generated client raises the generated
``errors.InvalidArgument``. Unambiguous values are accepted: an enum's wire string, and a
str for a UUID path parameter.
"""

from __future__ import annotations

import asyncio
import datetime
import inspect
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aigenstudio import AsyncClient, Client, RequestValidationError, find_operation
from aigenstudio._contract.arguments import request_error
from aigenstudio_client import errors as generated_errors
from aigenstudio_client.client import Client as GeneratedClient
from aigenstudio_client.models import (
    ProductPhotoImageInput,
    ProductPhotoJobCreateRequest,
    ProductPhotoJobStatus,
)

KEY = "aigen_test_" + "x" * 24
BASE_URL = "http://127.0.0.1:9"
IDEMPOTENCY_KEY = "key-12345678"
JOB_ID = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"
IMAGE = {"source_url": "https://a.example/x.jpg"}
STATUS_RULE = (
    "must be a ProductPhotoJobStatus or one of its values: 'queued', 'processing', 'completed', "
    "'partially_completed', 'failed', 'cancelled'"
)
MODEL_RULE = (
    "must be a ProductPhotoJobCreateRequest: pass ProductPhotoJobCreateRequest(...) "
    "or ProductPhotoJobCreateRequest.from_dict(...)"
)
DATETIME_RULE = "must be a datetime.datetime with a UTC offset"
MODES = ["sync", "sync_detailed", "asyncio", "asyncio_detailed"]


class _WiredClient(Client):
    convert_invalid_argument = staticmethod(request_error)


class _WiredAsyncClient(AsyncClient):
    convert_invalid_argument = staticmethod(request_error)


# Until Client itself defines convert_invalid_argument, exercise the conversion through a
# subclass that does; once it is wired, these tests run against the public classes.
SYNC_CLIENT = Client if hasattr(Client, "convert_invalid_argument") else _WiredClient
ASYNC_CLIENT = AsyncClient if hasattr(AsyncClient, "convert_invalid_argument") else _WiredAsyncClient


def _summary() -> dict[str, Any]:
    return {"id": JOB_ID, "status": "queued", "total_items": 1, "credits_reserved": 1, "sandbox": True}


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.method == "POST":
        return httpx.Response(
            201, json={"job": _summary(), "remaining_paid_credits": 9, "request_id": "req_create"}
        )
    if path.endswith("/product-photo-jobs"):
        return httpx.Response(200, json={"jobs": [_summary()], "request_id": "req_list", "next_cursor": None})
    return httpx.Response(200, json={"job": {**_summary(), "items": []}, "request_id": "req_job"})


@dataclass
class Wire:
    """The MockTransport handler: records what was sent; a refused call must send nothing."""

    refuse_all: bool = False
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.refuse_all:
            pytest.fail(f"a request was sent: {request.method} {request.url}")
        return _answer(request)


@dataclass
class Caller:
    mode: str
    wire: Wire
    clients: list[Client | AsyncClient] = field(default_factory=list)

    def client(self) -> Client | AsyncClient:
        cls = SYNC_CLIENT if self.mode.startswith("sync") else ASYNC_CLIENT
        made = cls(api_key=KEY, base_url=BASE_URL, transport=httpx.MockTransport(self.wire), max_retries=0)
        self.clients.append(made)
        return made

    async def call(self, operation: str, **kwargs: Any) -> Any:
        return await _invoke(getattr(find_operation(operation), self.mode), client=self.client(), **kwargs)


async def _invoke(function: Callable[..., Any], **kwargs: Any) -> Any:
    result = function(**kwargs)
    return await result if inspect.isawaitable(result) else result


@pytest.fixture(params=MODES)
def caller(request: pytest.FixtureRequest) -> Iterator[Caller]:
    made = Caller(request.param, Wire())
    yield made
    for client in made.clients:
        if isinstance(client, AsyncClient):
            asyncio.run(client.close())
        else:
            client.close()


def _valid_body() -> ProductPhotoJobCreateRequest:
    return ProductPhotoJobCreateRequest.from_dict({"images": [IMAGE]})


# (operation, arguments, field, limit)
REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "create_product_photo_job",
        {"body": {"images": [IMAGE]}, "idempotency_key": IDEMPOTENCY_KEY},
        "body",
        MODEL_RULE,
    ),
    ("list_product_photo_jobs", {"status": "done"}, "status", STATUS_RULE),
    ("list_product_photo_jobs", {"status": "QUEUED"}, "status", STATUS_RULE),  # a member name
    ("list_product_photo_jobs", {"status": 3}, "status", STATUS_RULE),
    ("list_product_photo_jobs", {"status": ["queued"]}, "status", STATUS_RULE),  # unhashable
    ("list_product_photo_jobs", {"cursor": "2024-01-01T00:00:00Z"}, "cursor", DATETIME_RULE),
    ("list_product_photo_jobs", {"cursor": datetime.datetime(2024, 1, 1)}, "cursor", DATETIME_RULE),  # naive
    ("list_product_photo_jobs", {"cursor": datetime.date(2024, 1, 1)}, "cursor", DATETIME_RULE),
    ("list_product_photo_jobs", {"limit": "20"}, "limit", "must be an int"),
    ("list_product_photo_jobs", {"limit": True}, "limit", "must be an int"),
    ("list_product_photo_jobs", {"limit": 20.0}, "limit", "must be an int"),
    ("list_product_photo_jobs", {"x_request_id": 123}, "x_request_id", "must be a str"),
    ("list_product_photo_operations", {"x_request_id": b"trace"}, "x_request_id", "must be a str"),
    (
        "create_product_photo_job",
        {"body": _valid_body(), "idempotency_key": 12345678},
        "idempotency_key",
        "must be a str",
    ),
    ("get_product_photo_job", {"job_id": 123}, "job_id", "must be a UUID or a str of printable characters"),
    ("get_product_photo_job", {"job_id": None}, "job_id", "must be a UUID or a str of printable characters"),
]


@pytest.mark.parametrize(
    ("operation", "arguments", "field", "limit"),
    REFUSED,
    ids=[f"{op}-{name}={args[name]!r}" for op, args, name, _ in REFUSED],
)
async def test_wrong_typed_argument_is_refused_before_sending(
    caller: Caller, operation: str, arguments: dict[str, Any], field: str, limit: str
) -> None:
    caller.wire.refuse_all = True
    with pytest.raises(RequestValidationError) as info:
        await caller.call(operation, **arguments)
    assert info.value.field == field
    assert info.value.limit == limit
    assert str(info.value) == f"{field}: {limit}"
    assert caller.wire.requests == []


async def test_a_dict_inside_a_model_list_is_refused_before_sending(caller: Caller) -> None:
    caller.wire.refuse_all = True
    secret_url = "https://a.example/" + "very-long-signed-token-" * 20
    body = ProductPhotoJobCreateRequest(images=[{"source_url": secret_url}])  # type: ignore[list-item]
    with pytest.raises(RequestValidationError) as info:
        await caller.call("create_product_photo_job", body=body, idempotency_key=IDEMPOTENCY_KEY)
    assert info.value.field == "body"
    assert info.value.limit.startswith("could not be serialised: AttributeError: ")
    assert "ProductPhotoJobCreateRequest.from_dict(...)" in info.value.limit
    assert "very-long-signed-token" not in str(info.value)  # the value itself is not echoed
    assert caller.wire.requests == []


async def test_a_plain_string_where_a_nested_enum_belongs_is_refused(caller: Caller) -> None:
    caller.wire.refuse_all = True
    body = ProductPhotoJobCreateRequest(
        images=[ProductPhotoImageInput.from_dict(IMAGE)],
        operation="studio_packshot",  # type: ignore[arg-type]
    )
    with pytest.raises(RequestValidationError) as info:
        await caller.call("create_product_photo_job", body=body, idempotency_key=IDEMPOTENCY_KEY)
    assert info.value.field == "body"
    assert info.value.limit.startswith("could not be serialised: ")
    assert caller.wire.requests == []


@pytest.mark.parametrize("status", ["queued", ProductPhotoJobStatus.QUEUED], ids=["wire-string", "member"])
async def test_an_enum_wire_string_is_accepted_and_sent(caller: Caller, status: Any) -> None:
    await caller.call("list_product_photo_jobs", status=status)
    (sent,) = caller.wire.requests
    assert sent.url.params["status"] == "queued"
    assert sent.url.params.get_list("status") == ["queued"]


@pytest.mark.parametrize("mode", MODES)
async def test_the_type_check_passes_any_enum_instance_through(mode: str) -> None:
    # A pseudo-member parsed from a response (a status this spec does not list) is an
    # instance, so the generated check passes it on; judging its value is the spec
    # validation's job (our Client refuses it there, strictly, before sending).
    wire = Wire()
    plain = GeneratedClient(base_url=BASE_URL, httpx_args={"transport": httpx.MockTransport(wire)})
    newer = ProductPhotoJobStatus.from_api_value("archived")
    await _invoke(getattr(find_operation("list_product_photo_jobs"), mode), client=plain, status=newer)
    assert wire.requests[0].url.params["status"] == "archived"


async def test_well_typed_list_arguments_are_sent(caller: Caller) -> None:
    cursor = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    await caller.call("list_product_photo_jobs", limit=20, cursor=cursor, x_request_id="trace-1")
    (sent,) = caller.wire.requests
    assert sent.url.params["limit"] == "20"
    assert sent.url.params["cursor"] == "2024-01-01T00:00:00+00:00"
    assert sent.headers["x-request-id"] == "trace-1"


async def test_the_defaults_are_still_accepted(caller: Caller) -> None:
    await caller.call("list_product_photo_jobs")
    assert caller.wire.requests[0].url.params["limit"] == "20"


@pytest.mark.parametrize("job_id", [JOB_ID, uuid.UUID(JOB_ID)], ids=["str", "UUID"])
async def test_a_uuid_path_parameter_takes_a_str_or_a_uuid(caller: Caller, job_id: Any) -> None:
    await caller.call("get_product_photo_job", job_id=job_id)
    assert caller.wire.requests[0].url.path == f"/product-photo-jobs/{JOB_ID}"


async def test_a_model_body_is_sent(caller: Caller) -> None:
    await caller.call("create_product_photo_job", body=_valid_body(), idempotency_key=IDEMPOTENCY_KEY)
    (sent,) = caller.wire.requests
    assert sent.headers["idempotency-key"] == IDEMPOTENCY_KEY


@pytest.mark.parametrize("mode", MODES)
async def test_a_plain_generated_client_raises_the_generated_error(mode: str) -> None:
    wire = Wire(refuse_all=True)
    plain = GeneratedClient(base_url=BASE_URL, httpx_args={"transport": httpx.MockTransport(wire)})
    function = getattr(find_operation("list_product_photo_jobs"), mode)
    with pytest.raises(generated_errors.InvalidArgument) as info:
        await _invoke(function, client=plain, status="done")
    assert isinstance(info.value, TypeError)
    assert info.value.argument == "status"
    assert info.value.rule == STATUS_RULE
    assert str(info.value) == f"status: {STATUS_RULE}"
    assert info.value.__suppress_context__
    assert wire.requests == []


def test_argument_error_uses_the_clients_converter_only_when_it_has_one() -> None:
    error = generated_errors.InvalidArgument("limit", "must be an int")
    assert generated_errors.argument_error(object(), error) is error

    class NotCallable:
        convert_invalid_argument = "nope"

    assert generated_errors.argument_error(NotCallable(), error) is error
    converted = generated_errors.argument_error(_WiredClient(api_key=KEY, base_url=BASE_URL), error)
    assert isinstance(converted, RequestValidationError)
    assert (converted.field, converted.limit) == ("limit", "must be an int")


def test_request_error_keeps_the_field_and_the_rule() -> None:
    converted = request_error(generated_errors.InvalidArgument("body.images[0]", "must be a model"))
    assert isinstance(converted, RequestValidationError)
    assert converted.field == "body.images[0]"
    assert converted.limit == "must be a model"
    assert str(converted) == "body.images[0]: must be a model"


@pytest.mark.skipif(
    not hasattr(Client, "convert_invalid_argument"),
    reason="Client.convert_invalid_argument is not wired in _client.py yet",
)
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_the_public_clients_convert_invalid_arguments(cls: type[Client | AsyncClient]) -> None:
    client = cls(api_key=KEY, base_url=BASE_URL)
    error = generated_errors.InvalidArgument("status", STATUS_RULE)
    converted = generated_errors.argument_error(client, error)
    assert isinstance(converted, RequestValidationError)
    assert converted.field == "status"


def test_the_generated_package_does_not_import_ours() -> None:
    # Imports point overrides -> generated only: the generated errors and endpoint modules
    # reach our Client through its convert_invalid_argument attribute, never by import.
    ours = re.compile(r"^\s*(?:from|import)\s+aigenstudio(?:\.|\s|$)", re.MULTILINE)
    modules = [
        generated_errors,
        *(find_operation(name) for name in ("list_product_photo_jobs", "get_product_photo_job")),
    ]
    for module in modules:
        assert not ours.search(Path(module.__file__ or "").read_text(encoding="utf-8")), module.__name__


class _HostileZone(datetime.tzinfo):
    """A tzinfo that fails when asked (a buggy or malicious zone object)."""

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
        raise RuntimeError("no offset for you")

    def dst(self, dt: datetime.datetime | None) -> datetime.timedelta:
        raise RuntimeError("no dst for you")

    def tzname(self, dt: datetime.datetime | None) -> str:
        raise RuntimeError("no name for you")


async def test_a_tzinfo_that_raises_is_an_argument_error(caller: Caller) -> None:
    hostile = datetime.datetime(2026, 1, 1, tzinfo=_HostileZone())
    with pytest.raises(RequestValidationError, match="cursor") as caught:
        await caller.call("list_product_photo_jobs", cursor=hostile)
    assert caught.value.field == "cursor"
    assert not caller.wire.requests  # nothing was sent
    assert generated_errors.lacks_utc_offset(hostile)
    assert not generated_errors.lacks_utc_offset(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
