"""Query arrays and the other parameter locations, checked as the server reads them.

A client generated from tests/fixtures/specs/v1.1/query-arrays.yaml (a catalog's job listing:
``status`` an array of an enum with ``uniqueItems`` and ``maxItems: 6``, ``batch`` an integer
array, ``sku`` a string array, a required header, an integer path parameter) sends an array as
repeated keys (``style: form, explode: true``: ``?status=queued&status=processing``); the
contract reads every value back, coerces each to its item type and checks the whole array.
Before, only the first value was read and every array was refused ("must be array").

Every case runs through the facade on a MockTransport that records what goes out: a refused
call sends nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .regenerated import SPECS, regenerate, run_with_client

pytestmark = pytest.mark.slow

SCRIPT = r"""
import json
import httpx
import aigenstudio
from aigenstudio_client.models import ProductPhotoJobStatus as S

sent = []
def wire(request):
    sent.append(request)
    return httpx.Response(200, json={"jobs": [], "request_id": "req_1"})

client = aigenstudio.Client(
    api_key="aigen_test_" + "k" * 24, base_url="https://api.example.test/v1",
    transport=httpx.MockTransport(wire), max_retries=0,
)
jobs = client.catalogs.product_photo_jobs
CASES = {
    "one value": dict(status=[S.QUEUED]),
    "several values": dict(status=[S.QUEUED, S.PROCESSING], batch=[7, 12]),
    "all six statuses": dict(
        status=[S.QUEUED, S.PROCESSING, S.COMPLETED, S.PARTIALLY_COMPLETED, S.FAILED, S.CANCELLED]
    ),
    "duplicate status": dict(status=[S.QUEUED, S.PROCESSING, S.QUEUED]),
    "too many batches": dict(batch=list(range(1, 22))),
    "batch out of range": dict(batch=[3, 10000]),
    "unknown status": dict(status=[S.QUEUED, S.from_api_value("archived")]),
    "empty array": dict(status=[]),
    "non-ASCII sku": dict(sku=["Größe-42", "型号"]),
    "non-ASCII sku too long": dict(sku=["é" * 65]),
    "empty sku": dict(sku=[""]),
    "catalog 0": dict(catalog_id=0),
    "locale wrong": dict(x_catalog_locale="english"),
}
out = {}
for name, arguments in CASES.items():
    arguments = {"catalog_id": 42, "x_catalog_locale": "de-DE", **arguments}
    before = len(sent)
    try:
        jobs.list(**arguments)
    except aigenstudio.RequestValidationError as error:
        out[name] = {"refused": str(error), "field": error.field, "sent": len(sent) - before}
    else:
        request = sent[-1]
        url = request.url
        out[name] = {"query": url.query.decode(), "path": url.path, "sent": len(sent) - before}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    generated = regenerate(SPECS / "query-arrays.yaml", Path(tmp_path_factory.mktemp("query-arrays")))
    result: dict[str, dict[str, object]] = json.loads(run_with_client(generated, SCRIPT))
    return result


@pytest.mark.parametrize(
    ("case", "query"),
    [
        ("one value", "status=queued"),
        ("several values", "status=queued&status=processing&batch=7&batch=12"),
        (
            "all six statuses",
            "status=queued&status=processing&status=completed&status=partially_completed"
            "&status=failed&status=cancelled",
        ),
        # An empty list sends no key: the server reads "no status filter", which is valid.
        ("empty array", ""),
        ("non-ASCII sku", "sku=Gr%C3%B6%C3%9Fe-42&sku=%E5%9E%8B%E5%8F%B7"),
    ],
)
def test_arrays_the_spec_allows_go_out_as_repeated_keys(
    outcomes: dict[str, dict[str, object]], case: str, query: str
) -> None:
    assert outcomes[case] == {"query": query, "path": "/v1/catalogs/42/product-photo-jobs", "sent": 1}


@pytest.mark.parametrize(
    ("case", "field", "rule"),
    [
        ("duplicate status", "status", "items must be unique"),
        ("too many batches", "batch", "at most 20 items (got 21)"),
        ("batch out of range", "batch[1]", "at most 9999"),
        ("unknown status", "status[1]", "must be one of 'queued', 'processing'"),
        # Characters, not bytes: 65 two-byte characters break maxLength 64.
        ("non-ASCII sku too long", "sku[0]", "at most 64 characters (got 65)"),
        # ``?sku=`` is one empty SKU, which minLength 1 refuses. Prism reads an empty query
        # value as no parameter at all (its form deserializer drops falsy values) and would
        # accept: the spec, not Prism, decides here.
        ("empty sku", "sku[0]", "at least 1 character"),
        ("catalog 0", "catalog_id", "at least 1"),
        ("locale wrong", "x_catalog_locale", "must match the pattern"),
    ],
)
def test_arrays_and_parameters_the_spec_refuses_send_nothing(
    outcomes: dict[str, dict[str, object]], case: str, field: str, rule: str
) -> None:
    outcome = outcomes[case]
    assert outcome["sent"] == 0, outcome
    assert outcome["field"] == field, outcome
    assert rule in str(outcome["refused"]), outcome


def test_a_query_object_is_read_from_its_properties_keys() -> None:
    # The generated code sends a model query parameter as its fields' own keys (params.update),
    # form style with explode: true: ?min_credits=2&tag=a&tag=b.
    from aigenstudio import RequestValidationError
    from aigenstudio._contract.spec import build_spec

    from tools.contract import compile_contract

    window = {
        "type": "object",
        "required": ["min_credits"],
        "properties": {
            "min_credits": {"type": "integer", "minimum": 1},
            "tag": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        },
    }
    parameter = {"name": "window", "in": "query", "required": True, "schema": window}
    operation = {
        "operationId": "listThings",
        "parameters": [parameter],
        "responses": {"204": {"description": "ok"}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {"get": operation}},
    }
    things = build_spec(compile_contract(document)).operations["listThings"]

    things.validate_arguments(params={"min_credits": "2", "tag": ["a", "b"]})
    refusals = []
    for params in ({"min_credits": "0"}, {"min_credits": "2", "tag": ["a", "b", "c"]}, {}, {"tag": "a"}):
        with pytest.raises(RequestValidationError) as refused:
            things.validate_arguments(params=params)
        refusals.append(f"{refused.value.field}: {refused.value.limit}")
    assert refusals == [
        "window.min_credits: at least 1",
        "window.tag: at most 2 items",
        "window: is required",
        "window.min_credits: is required",
    ]


def test_a_cookie_parameter_is_read_from_the_cookie_header() -> None:
    # The generated code sends a cookie parameter in the Cookie header (cookies=). Prism checks
    # no cookie at all; the server reads the header, and so do the checks.
    import httpx
    from aigenstudio import RequestValidationError
    from aigenstudio._contract.spec import build_spec

    from tools.contract import compile_contract

    region = {
        "name": "region",
        "in": "cookie",
        "required": True,
        "schema": {"type": "string", "enum": ["eu", "us"]},
    }
    shard = {"name": "shard", "in": "cookie", "schema": {"type": "integer", "maximum": 7}}
    operation = {
        "operationId": "listThings",
        "parameters": [region, shard],
        "responses": {"204": {"description": "ok"}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {"get": operation}},
    }
    things = build_spec(compile_contract(document)).operations["listThings"]

    def rule(cookie: str | None) -> str | None:
        headers = {} if cookie is None else {"Cookie": cookie}
        try:
            things.validate_beyond_path(
                httpx.Request("GET", "https://api.example.test/things", headers=headers)
            )
        except RequestValidationError as error:
            return f"{error.field}: {error.limit}"
        return None

    assert rule("region=eu; shard=3") is None
    assert rule("other=1; region=us") is None
    assert rule(None) == "region: is required"
    assert rule("region=mars") == "region: must be one of 'eu', 'us'"
    assert rule("region=eu; shard=8") == "shard: at most 7"
