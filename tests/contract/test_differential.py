"""Differential test (issue 12, item 5): the client's pre-send checks agree with the spec exactly.

Each case (tests/contract/differential.py: boundary values of every constraint of every
operation, plus fixed-seed generated combinations) goes out three ways: through
``aigenstudio.Client`` and ``aigenstudio.AsyncClient`` at the wire level, and raw with httpx
to Prism validating the vendored spec. The client must refuse (RequestValidationError,
nothing sent) exactly what Prism rejects, and send exactly what Prism accepts, the same way
sync and async -- except the documented deliberate differences in ``ALLOWLIST``, counted
apart. The counts per operation print at the end (``-s``) and go to reports/differential.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from aigenstudio import RequestValidationError

from tests.contract.differential import (
    ABSENT,
    FORM,
    GENERATED_CASES,
    REPORT_PATH,
    SPEC_PATH,
    Case,
    Generator,
    Operation,
    Param,
    Verdict,
    all_cases,
    build_case,
    classify,
    client_verdict,
    integer_values,
    is_public_https,
    judge,
    load_operations,
    prism_verdict,
    run,
    valid_value,
)
from tests.servers.counting import CountingTransport
from tools.prism import PrismServer


@pytest.mark.prism
@pytest.mark.slow
def test_client_refuses_exactly_what_prism_rejects(prism: PrismServer) -> None:
    result = run(SPEC_PATH, prism.base_url, GENERATED_CASES)
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(json.dumps(result.report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    cases, seconds = result.report["cases"], result.report["seconds"]
    print(f"\n\nDifferential: {cases} cases, {cases * 3} requests in {seconds}s")
    print(result.tally.table())
    print(f"(samples of every disagreement in {REPORT_PATH.relative_to(REPORT_PATH.parents[1])})")
    problems = result.problems()
    assert not problems, "\n".join(problems)


# -- the harness itself (no Prism needed) -----------------------------------------------------

# Boundary cases the issue asks for, by (operation, label): dropping one from the pools fails here.
REQUIRED_BOUNDARIES = {
    "listProductPhotoJobs": [
        *(f"query limit: {v}" for v in ("0", "1", "100", "101", "1.0", "1e2 (exponent)", "-1 (negative)")),
        "query limit: word",
        *(f"query cursor: date-time {v}" for v in ("lower z", "lower t", "+05:30", "+05:30:15")),
        "query cursor: date-time naive",
        "query cursor: date-time Feb 30",
        "query status: enum 'failed'",
        "query status: not in enum",
        "header X-Request-Id: length 0",
        "header X-Request-Id: length 160",
        "header X-Request-Id: length 161",
        "header X-Request-Id: non-ASCII",
    ],
    "createProductPhotoJob": [
        *(f"header Idempotency-Key: length {n}" for n in (7, 8, 160, 161)),
        "header Idempotency-Key: absent",
        *(f"images: {n} items" for n in (0, 20, 21)),
        "images: missing",
        "images: string",
        "images[0].source_url: missing",
        "body: extra property",
        "no body",
        *(f"instructions: length {n}" for n in (0, 1, 4000, 4001)),
        "operation: enum 'premium_ad'",
        "operation: not in enum",
        *(
            f"{field}: uri {v}"
            for field in ("images[0].source_url", "webhook_url")
            for v in (
                "space", "angle brackets", "braces", "pipe", "backslash", "caret", "backtick",
                "NUL", "bad %-escape", "non-ASCII path", "https public IPv6", "https loopback IPv6",
            )
        ),
    ],
    "getProductPhotoJob": [
        f"path jobId: uuid {v}"
        for v in ("upper case", "braces", "no hyphens", "urn:uuid:", "URN:UUID: upper", "nil")
    ],
    "listProductPhotoOperations": ["header X-Request-Id: length 0", "header X-Request-Id: length 161"],
    "listProductPhotoPresets": ["header X-Request-Id: length 0", "header X-Request-Id: length 161"],
}  # fmt: skip


def test_cases_cover_every_operation_and_boundary_and_are_deterministic() -> None:
    operations = load_operations()
    cases = all_cases(operations, GENERATED_CASES)
    assert {op.operation_id for op in operations} == set(REQUIRED_BOUNDARIES)
    labels = {(case.operation, case.label) for case in cases if case.source == "boundary"}
    # (A value equal to the valid base request's is deduplicated into "valid, every input".)
    assert {(op, "valid, every input") for op in REQUIRED_BOUNDARIES} <= labels
    missing = [
        (op, label)
        for op, wanted in REQUIRED_BOUNDARIES.items()
        for label in wanted
        if (op, label) not in labels
    ]
    assert not missing
    assert len({case.operation for case in cases if case.source == "generated"}) == len(operations)
    again = all_cases(load_operations(), GENERATED_CASES)
    assert [case.key() for case in cases] == [case.key() for case in again]


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://hooks.client.example/aigen", True),
        ("HTTPS://HOOKS.CLIENT.EXAMPLE./x", True),
        ("https://8.8.8.8/", True),
        ("https://[2001:4860:4860::8888]/", True),
        ("https://user:secret@hooks.client.example/", True),  # a public host, whatever else
        ("http://hooks.client.example/", False),
        ("mailto:hooks@client.example", False),
        ("https://localhost/", False),
        ("https://intranet/", False),
        ("https://hooks.corp.internal/", False),
        ("https://127.0.0.1/", False),
        ("https://2130706433/", False),
        ("https://0x7f.1/", False),
        ("https://10.0.0.1/", False),
        ("https://230.224.1.154/", False),  # multicast
        ("https://[::ffff:8.8.8.8]/", True),
        ("https://[::1]/", False),
        ("https://[::ffff:127.0.0.1]/", False),
        ("https://[135b:cede::1]/", False),  # outside 2000::/3: reserved
        ("https://[2002:808:808::1]/", False),  # 6to4
        ("https:///path", False),
        ("https://[::1/x", False),
    ],
)
def test_public_https_predicate(url: str, public: bool) -> None:
    assert is_public_https(url) is public


def _create_case(body: dict[str, object], request_id: str = "req_1") -> Case:
    create = next(op for op in load_operations() if op.body is not None)
    wire = {p.name: ABSENT for p in create.params} | {
        "Idempotency-Key": "idem_12345",
        "X-Request-Id": request_id,
    }
    return build_case(create, wire, body, None, "test", "boundary")


def test_allowlist_excuses_only_a_refusal_of_the_input_it_names() -> None:
    image = {"source_url": "https://client.example/a.jpg"}
    private_hook = _create_case({"images": [image], "webhook_url": "https://10.0.0.1/hook"}, request_id="")
    accepted, rejected = Verdict("accept", "200", 200), Verdict("reject", "422: ...", 422)
    refused = {
        field: Verdict("refused", field, field=field) for field in ("body.webhook_url", "x_request_id")
    }
    assert classify(private_hook, refused["body.webhook_url"], accepted) == "allowed:webhook-not-public-https"
    assert classify(private_hook, refused["x_request_id"], accepted) == "false-reject"  # '' is allowed
    assert classify(private_hook, refused["x_request_id"], rejected) == "agree-reject"
    assert classify(private_hook, Verdict("sent", status=422), rejected) == "false-accept"
    assert classify(private_hook, Verdict("crash", "KeyError: x"), accepted) == "crash"
    tab_id = _create_case({"images": [image]}, request_id="req\tid")
    assert classify(tab_id, refused["x_request_id"], accepted) == "allowed:header-not-http"
    assert classify(tab_id, refused["body.webhook_url"], Verdict("not-http")) == "allowed:header-not-http"
    assert classify(tab_id, Verdict("sent", status=200), Verdict("not-http")) == "false-accept"
    outcome = judge(tab_id, refused["x_request_id"], refused["body.webhook_url"], accepted)
    assert outcome.sync_async_differ


def test_an_empty_query_value_excuses_only_the_refusal_of_that_key() -> None:
    # ?sku= is one empty SKU for the spec (minLength: 1 refuses it); Prism drops a falsy value.
    listing = Operation(
        "listThings",
        "GET",
        "/things",
        (
            Param("sku", "query", False, {"type": "array", "items": {"type": "string", "minLength": 1}}),
            Param("limit", "query", False, {"type": "integer", "minimum": 1}),
        ),
        None,
        False,
    )
    empty = build_case(listing, {"sku": [""], "limit": "0"}, ABSENT, None, "test", "boundary")
    accepted = Verdict("accept", "200", 200)
    assert (
        classify(empty, Verdict("refused", "sku[0]", field="sku[0]"), accepted) == "allowed:empty-query-value"
    )
    assert classify(empty, Verdict("refused", "limit", field="limit"), accepted) == "false-reject"
    assert classify(empty, Verdict("sent", status=422), Verdict("reject", "422", 422)) == "false-accept"


def test_prism_verdicts() -> None:
    problem = {"validation": [{"location": ["query", "limit"], "message": "must be >= 1"}]}
    answers = {
        "reject": httpx.Response(
            422, headers={"content-type": "application/problem+json"}, content=json.dumps(problem).encode()
        ),
        "not-http": httpx.Response(400, headers={"connection": "close"}),
        "accept": httpx.Response(200, json={"operations": []}),
    }
    for kind, response in answers.items():
        assert prism_verdict(response).kind == kind
    assert prism_verdict(httpx.Response(400, headers={"sl-violations": "[{}]"})).kind == "reject"
    assert "query.limit: must be >= 1" in prism_verdict(answers["reject"]).detail


def test_client_verdicts_tell_refused_sent_and_crash_apart() -> None:
    case = _create_case({"images": []})

    def refuse(request: httpx.Request) -> None:
        raise RequestValidationError("body.images", "at least 1 item")

    def explode(request: httpx.Request) -> httpx.Response:
        raise KeyError("images")

    def ok(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={})

    def verdict(
        handler: Callable[[httpx.Request], httpx.Response] = ok, **hooks: list[Callable[..., Any]]
    ) -> Verdict:
        wire = CountingTransport(httpx.MockTransport(handler))
        with httpx.Client(base_url="http://api.test", transport=wire, event_hooks=hooks) as http:
            return client_verdict(http, wire, case)

    assert verdict().kind == "sent"
    refused = verdict(request=[refuse])
    assert (refused.kind, refused.field) == ("refused", "body.images")
    assert verdict(explode).kind == "crash"  # neither a refusal nor an answer from the server
    late = verdict(response=[lambda response: refuse(response.request)])
    assert late.kind == "crash"
    assert "after sending" in late.detail


NEXT_SPEC = SPEC_PATH.parent / "tests" / "fixtures" / "specs" / "v1.1" / "openapi-1.1.0.yaml"


def _sent(case: Case) -> httpx.Request:
    with httpx.Client(base_url="http://api.test") as http:
        return http.build_request(case.method, case.path, **case.request_kwargs(raw=True))


def test_cases_carry_arrays_headers_integer_paths_and_forms_as_the_server_reads_them() -> None:
    cases = {
        (case.operation, case.label): case
        for case in all_cases(load_operations(NEXT_SPEC), 0)
        if case.source == "boundary"
    }
    # An array query parameter (style form, explode): the name once per item.
    two = _sent(cases["listWebhookEndpoints", "query status: 2 items"])
    assert two.url.params.get_list("status") == ["enabled", "disabled"]
    assert _sent(cases["listEvents", "query type: duplicate items"]).url.params.get_list("type") == [
        "job.completed",
        "job.completed",
    ]
    joined = cases["listWebhookEndpoints", "query status: items comma-joined in one value"]
    assert _sent(joined).url.params.get_list("status") == ["enabled,disabled"]
    assert ("listWebhookEndpoints", "query status: 4 items") in cases  # maxItems + 1
    assert ("listWebhookEndpoints", "query status: one item not in enum") in cases
    # A required header left out; an integer path parameter at and past its bounds.
    assert "idempotency-key" not in _sent(cases["createExport", "header Idempotency-Key: absent"]).headers
    assert _sent(cases["getExport", "path exportId: 2147483648"]).url.path == "/exports/2147483648"
    assert _sent(cases["getExport", "path exportId: 0"]).url.path == "/exports/0"
    # A multipart body: the file field as a file part, the others as plain parts.
    upload = _sent(cases["createProductPhotoUpload", "valid, every input"])
    assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="photo.jpg"' in upload.content
    assert b'name="max_edge_px"\r\n\r\n256\r\n' in upload.content
    without_file = _sent(cases["createProductPhotoUpload", "file: missing"])
    assert without_file.headers["content-type"].startswith("multipart/form-data")
    assert b'name="file"' not in without_file.content
    # Near misses a form cannot carry are left out (a JSON array body, a null field).
    assert ("createProductPhotoUpload", "body is an array") not in cases
    assert ("createProductPhotoUpload", "external_id: null") not in cases


@pytest.mark.parametrize(
    ("style", "explode", "query"),
    [
        ("form", True, [("ids", "1"), ("ids", "2")]),
        ("form", False, [("ids", "1,2")]),
        ("spaceDelimited", False, [("ids", "1 2")]),
        ("pipeDelimited", False, [("ids", "1|2")]),
    ],
)
def test_array_query_parameters_travel_in_their_style(
    style: str, explode: bool, query: list[tuple[str, str]]
) -> None:
    schema = {"type": "array", "items": {"type": "integer"}}
    ids = Param("ids", "query", False, schema, style=style, explode=explode)
    tags = Param("X-Tags", "header", True, {"type": "array", "items": {"type": "string"}}, style="simple")
    listing = Operation("listThings", "GET", "/things", (ids, tags), None, False)
    case = build_case(listing, {"ids": ["1", "2"], "X-Tags": ["a", "b"]}, ABSENT, None, "test", "boundary")
    assert list(case.params) == query
    assert dict(case.headers) == {"X-Tags": "a,b"}


PATTERNS = [r"^[0-9]{4}-[0-9]{2}$", r"^[a-z]{2}-[A-Z]{2}$", r"^(we|wh)_\w{6,32}$", r"[^/]+\.png"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_drawn_strings_match_the_pattern(pattern: str) -> None:
    gen = Generator("patterns")
    assert all(re.search(pattern, gen.matching(pattern)) for _ in range(50))
    assert re.search(pattern, valid_value({"type": "string", "pattern": pattern}, full=False))


def test_drawn_integers_are_multiples_and_a_near_miss_is_not() -> None:
    schema = {"type": "integer", "minimum": 0, "maximum": 270, "multipleOf": 90}
    gen = Generator("multiples")
    assert {gen.value(schema) for _ in range(100)} == {0, 90, 180, 270}
    assert valid_value(schema, full=False) == 0
    assert ("1", "1") in integer_values(schema)


def test_an_urlencoded_body_is_sent_as_a_form_with_arrays_repeated() -> None:
    schema = {
        "type": "object",
        "required": ["rating"],
        "properties": {
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "tags": {"type": "array", "maxItems": 2, "items": {"enum": ["sharp", "blurry"]}},
        },
    }
    feedback = Operation("sendFeedback", "POST", "/feedback", (), schema, True, FORM)
    cases = {case.label: case for case in all_cases([feedback], 0) if case.source == "boundary"}
    sent = _sent(cases["valid, every input"])
    assert sent.headers["content-type"] == FORM
    assert sent.content == b"rating=1&tags=sharp"
    assert _sent(cases["rating: 6"]).content == b"rating=6&tags=sharp"
    assert _sent(cases["tags: 3 items"]).content == b"rating=1" + b"&tags=sharp" * 3
    assert "rating: null" not in cases  # a form cannot carry a null


def test_a_raw_body_is_sent_as_bytes_of_its_media_type_or_left_out() -> None:
    photo = {"type": "string", "format": "binary"}
    upload = Operation("putPhoto", "PUT", "/photos/{photoId}", (), photo, True, "image/*")
    upload = replace(upload, params=(Param("photoId", "path", True, {"type": "string"}),))
    cases = {case.label: case for case in all_cases([upload], 0) if case.source == "boundary"}
    sent = _sent(cases["valid, required inputs only"])
    assert (sent.headers["content-type"], sent.content) == ("image/png", b"kkkkkkkkkkkk")
    assert _sent(cases["no body"]).content == b""
    assert {label for label in cases if "body" in label} == {"no body"}  # no JSON near misses


def test_an_integer_format_adds_its_edge_and_the_first_value_past_it() -> None:
    int64 = integer_values({"type": "integer", "format": "int64", "minimum": 1})
    assert {(str(2**53 - 1), str(2**53 - 1)), (str(2**53), str(2**53))} <= set(int64)
    assert str(2**31) in dict(integer_values({"type": "integer", "format": "int32"}))
    assert str(2**53) not in dict(integer_values({"type": "integer", "format": "int64", "maximum": 100}))
