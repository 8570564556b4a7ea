"""A request's wire form, read as the server reads it (``_contract/wire.py``), on its own.

These checks decide what a request is before it is sent (and charged): a value read wrongly
here lets a request the server refuses go out, or refuses one it would take. Each case is an
``httpx.Request`` built by hand and an operation described inline (no regenerated client).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aigenstudio._contract.schema import Invalid
from aigenstudio._contract.wire import (
    FORM_BODY_EXTENSION,
    JSON_BODY_EXTENSION,
    RAW_BODY,
    FilePart,
    FormBody,
    Parameter,
    field_name,
    form_fields,
    form_media_type,
    has_content,
    json_body,
    request_cookies,
    request_instance,
    request_schema,
    wire_value,
)
from aigenstudio._core.safe_json import MAX_JSON_DEPTH

URL = "https://api.example.test/v1/jobs"


@dataclass
class Operation:
    parameters: tuple[Parameter, ...] = ()
    body_schema: dict[str, Any] | None = None
    body_required: bool = False
    forms: dict[str, FormBody] = field(default_factory=dict)
    raw_media_types: tuple[str, ...] = ()
    has_query: bool = True
    response_schemas: dict[int, Any] = field(default_factory=dict)


def param(name: str, location: str = "query", kind: Any = "string", **extra: Any) -> Parameter:
    return Parameter(name, location, extra.pop("field", name), extra.pop("required", False), {"type": kind},
                     kind, **extra)  # fmt: skip


def request(url: str = URL, **extra: Any) -> httpx.Request:
    return httpx.Request(extra.pop("method", "POST"), url, **extra)


# -- wire values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("1", "integer", 1),
        (" 1.0 ", "integer", 1),
        ("-2", ["integer", "null"], -2),
        ("+3", "number", 3),
        ("1.5", "number", 1.5),
        (".5", "number", 0.5),
        ("5.", "number", 5),
        ("1e3", "number", 1000),
        ("1E-1", "number", 0.1),
        ("9223372036854775807", "integer", 9223372036854775807.0),  # 2**63 is no int64
        ("-9223372036854775808", "integer", -9223372036854775808.0),
        ("9223372036854774784", "integer", 9223372036854774784),  # under 2**63: an int
        ("1e19", "integer", 1e19),  # over 2**63: no int64 either
        ("abc", "integer", "abc"),
        ("0x10", "integer", "0x10"),
        ("1_000", "integer", "1_000"),
        ("\u0661", "integer", "\u0661"),  # an Arabic-Indic digit is no number on the wire
        ("", "integer", ""),
        ("1", "string", "1"),
        ("1", None, "1"),
        ("true", "boolean", True),
        ("false", ["boolean"], False),
        ("True", "boolean", "True"),
        ("1", "boolean", "1"),
        ("", ["string", "null"], None),
        ("", "string", ""),
        ("null", ["string", "null"], "null"),
    ],
)
def test_wire_values_are_coerced_as_the_validator_does(raw: str, kind: Any, expected: Any) -> None:
    value = wire_value(raw, kind)
    assert value == expected
    assert type(value) is type(expected)


def test_infinity_is_a_number_but_no_integer() -> None:
    assert wire_value("Infinity", "number") == float("inf")
    assert wire_value("-Infinity", "number") == float("-inf")
    assert wire_value("infinity", "number") == "infinity"


# -- query, headers, cookies -------------------------------------------------------------------


def test_query_values_as_the_server_reads_them() -> None:
    op = Operation((
        param("limit", kind="integer"),
        param("status", kind="array", items_type="string"),
        param("batch", kind="array", items_type="integer"),
        param("sku"),
        param("absent"),
        param("flag", kind="boolean"),
    ))  # fmt: skip
    query = "?limit=1.0&status=queued&status=done&batch=7&batch=1,2&sku=&flag=true"
    got = request_instance(op, request(URL + query))
    assert got == {
        "query": {"limit": 1, "status": ["queued", "done"], "batch": [7, "1,2"], "sku": "", "flag": True},
        "header": {},
        "cookie": {},
    }


def test_an_array_parameter_known_by_its_type_alone() -> None:
    op = Operation((param("tag", kind=["array", "null"]),))
    assert request_instance(op, request(f"{URL}?tag=a&tag=b"))["query"] == {"tag": ["a", "b"]}


def test_a_repeated_query_value_that_is_no_array_is_refused() -> None:
    op = Operation((param("limit", kind="integer", field="page_limit"),))
    with pytest.raises(Invalid, match="must be given once") as caught:
        request_instance(op, request(f"{URL}?limit=1&limit=2"))
    assert caught.value.field == "page_limit"


def test_an_object_query_parameter_is_its_properties_keys() -> None:
    props = {"min": ("integer", None), "tags": ("array", "string")}
    op = Operation((param("range", kind="object", property_types=props),))
    got = request_instance(op, request(f"{URL}?min=3&tags=x&tags=y&other=1"))
    assert got["query"] == {"range": {"min": 3, "tags": ["x", "y"]}}
    assert request_instance(op, request(f"{URL}?other=1"))["query"] == {}  # none of its keys: absent
    # A property given twice is read as its last value, as the server reads a repeated key.
    assert request_instance(op, request(f"{URL}?min=3&min=4"))["query"] == {"range": {"min": 4}}


def test_the_query_is_not_read_for_an_operation_without_query_parameters() -> None:
    op = Operation((param("limit", kind="integer"),), has_query=False)
    assert request_instance(op, request(f"{URL}?limit=1"))["query"] == {}


def test_header_and_cookie_parameters() -> None:
    op = Operation((
        param("X-Count", "header", "integer"),
        param("X-Missing", "header"),
        param("session", "cookie", "integer"),
        param("theme", "cookie"),
        param("id", "path"),
    ))  # fmt: skip
    got = request_instance(op, request(headers={"X-Count": "2", "Cookie": "session=5; theme=dark"}))
    assert got == {"query": {}, "header": {"X-Count": 2}, "cookie": {"session": 5, "theme": "dark"}}


def test_cookies_the_first_of_a_name_trimmed() -> None:
    req = request(headers=[("Cookie", " a = 1 ;b=2;a=3"), ("Cookie", "b=4; c=x=y; d")])
    assert request_cookies(req) == {"a": "1", "b": "2", "c": "x=y", "d": ""}
    assert request_cookies(request()) == {}


# -- schemas and names ------------------------------------------------------------------------


def test_request_schemas() -> None:
    op = Operation(
        (param("id", "path", required=True), param("limit", kind="integer"), param("X-A", "header")),
        body_schema={"type": "object"},
        body_required=True,
        forms={"multipart/form-data": FormBody({"type": "object", "title": "form"}, {}, {})},
        response_schemas={200: {"type": "string"}, 204: None},
    )
    assert request_schema(op, "path") == {
        "type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"],
    }  # fmt: skip
    assert request_schema(op, "body") == {
        "type": "object", "properties": {"body": {"type": "object"}}, "required": ["body"],
    }  # fmt: skip
    rest = request_schema(op, "rest")
    assert rest["required"] == ["query", "header", "cookie", "body"]
    assert rest["properties"]["query"] == {
        "type": "object", "properties": {"limit": {"type": "integer"}}, "required": [],
    }  # fmt: skip
    assert rest["properties"]["header"]["properties"] == {"X-A": {"type": "string"}}
    assert rest["properties"]["cookie"]["properties"] == {}
    assert rest["properties"]["body"] == {"type": "object"}
    assert request_schema(op, "rest multipart/form-data")["properties"]["body"]["title"] == "form"
    assert request_schema(op, f"rest {RAW_BODY}")["properties"]["body"] == {}
    assert request_schema(op, "200") == {"type": "string"}
    assert request_schema(op, "204") == {}
    optional = Operation(body_schema=None)
    assert request_schema(optional, "body")["properties"] == {"body": {}}
    assert request_schema(optional, "rest") == {
        "type": "object",
        "properties": {
            loc: {"type": "object", "properties": {}, "required": []} for loc in ("query", "header", "cookie")
        },
        "required": ["query", "header", "cookie"],
    }  # fmt: skip


def test_field_names_are_the_callers() -> None:
    params = (
        param("zeta", field="z"),
        param("limit", field="page_limit"),
        param("X-Key", "header", field="x_key"),
    )
    assert field_name(params, []) == "request"
    assert field_name(params, ["body", "images", 3, "source_url"]) == "body.images[3].source_url"
    assert field_name(params, ["path"]) == "path"
    assert field_name(params, ["query", "limit"]) == "page_limit"
    assert field_name(params, ["query", "limit", 0]) == "page_limit[0]"
    assert field_name(params, ["header", "X-Key"]) == "x_key"
    assert field_name(params, ["header", "limit"]) == "header.limit"  # limit is a query name
    assert field_name(params, ["query"]) == "query"
    assert field_name(params, ["path", "id"]) == "path.id"


# -- JSON bodies --------------------------------------------------------------------------------


def test_a_json_body_is_what_httpx_serialised_else_the_bytes_parsed() -> None:
    op = Operation(body_schema={"type": "object"})
    sent = request(content=b'{"a": 1}', extensions={JSON_BODY_EXTENSION: {"a": 2}})
    assert request_instance(op, sent)["body"] == {"a": 2}
    assert request_instance(op, sent, from_bytes=True)["body"] == {"a": 1}
    assert json_body(request(content=b"[1]")) == [1]
    assert json_body(request(content=b"null", extensions={JSON_BODY_EXTENSION: None})) is None
    assert "body" not in request_instance(op, request())  # no bytes: no body


def test_parameters_are_frozen_and_flags_named() -> None:
    limit = param("limit", kind="integer")
    with pytest.raises(dataclasses.FrozenInstanceError):
        limit.required = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        json_body(request(content=b"{}"), True)  # type: ignore[misc]
    with pytest.raises(TypeError):
        request_instance(Operation(), request(), True)  # type: ignore[misc]


def test_json_bodies_that_cannot_be_checked_are_refused() -> None:
    with pytest.raises(Invalid, match="must be a JSON document") as caught:
        json_body(request(content=b"{nope"))
    assert caught.value.field == "body"
    deep = ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode()
    with pytest.raises(Invalid, match=f"nest at most {MAX_JSON_DEPTH} levels"):
        json_body(request(content=deep))
    assert json_body(request(content=("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode())) == json.loads(
        "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    )
    with pytest.raises(Invalid, match="not a stream"):
        json_body(request(content=iter([b"{}"])))


# -- form and raw bodies --------------------------------------------------------------------------

PNG_ONLY = FormBody(
    {"type": "object"},
    {"rotation": ("integer", None), "tags": ("array", "string"), "note": (["string", "null"], None)},
    {"image": ("image/png", "image/webp")},
)
FORMS = Operation(forms={"multipart/form-data": PNG_ONLY, "application/x-www-form-urlencoded": PNG_ONLY})


def form_request(fields: list[tuple[str, Any]], media_type: str = "multipart/form-data") -> httpx.Request:
    return request(
        headers={"Content-Type": f"{media_type}; boundary=x"}, extensions={FORM_BODY_EXTENSION: fields}
    )


def test_form_fields_as_the_server_reads_them() -> None:
    data = {"rotation": 90, "tags": ["a", "b"], "flag": True, "off": False, "none": None, "raw": b"\xff"}
    files = {
        "image": ("a.png", b"...", "image/png"),
        "guess": ("b.jpg", b"..."),
        "unknown": ("blob", b"..."),
        "text": (None, b"hello", "text/plain"),
        "obj": (None, b'{"k": 1}', "application/json; charset=utf-8"),
        "ld": (None, '{"k": 2}', "application/ld+json"),
        "badjson": (None, b"{", "application/json"),
        "untyped": (None, "plain"),
        "notype": ("c.webp", b"...", None),
    }
    fields = dict(form_fields(data, files))
    assert fields["rotation"] == "90"
    assert fields["flag"] == "true"
    assert fields["off"] == "false"
    assert fields["none"] == ""
    assert fields["raw"] == "\ufffd"
    assert fields["image"] == FilePart("image/png")
    assert fields["guess"] == FilePart("image/jpeg")
    assert fields["unknown"] == FilePart("application/octet-stream")
    assert fields["text"] == "hello"
    assert fields["obj"].value == {"k": 1}
    assert fields["ld"].value == {"k": 2}
    assert fields["badjson"] == "{"
    assert fields["untyped"] == "plain"
    assert fields["notype"] == FilePart("image/webp")
    assert form_fields(data, None)[1:3] == [("tags", "a"), ("tags", "b")]
    assert form_fields(None, [("f", ("x.png", b"", "image/png"))]) == [("f", FilePart("image/png"))]
    assert form_fields("not a mapping", None) == []


def test_a_file_object_is_typed_by_its_name() -> None:
    class Named:
        name = "photo.png"

    assert form_fields(None, {"f": Named()}) == [("f", FilePart("image/png"))]
    assert form_fields(None, {"f": object()}) == [("f", FilePart("application/octet-stream"))]


def test_a_form_body_coerced_by_field() -> None:
    fields = [("rotation", "90"), ("tags", "x"), ("tags", "y"), ("note", ""), ("extra", "e"),
              ("image", FilePart("image/PNG; name=a"))]  # fmt: skip
    assert request_instance(FORMS, form_request(fields))["body"] == {
        "rotation": 90, "tags": ["x", "y"], "note": None, "extra": "e", "image": "",
    }  # fmt: skip


def test_a_form_field_given_twice_or_a_file_of_another_type_is_refused() -> None:
    with pytest.raises(Invalid, match="must be given once") as caught:
        request_instance(FORMS, form_request([("rotation", "90"), ("rotation", "180")]))
    assert caught.value.field == "body.rotation"
    with pytest.raises(Invalid, match="must be sent as image/png or image/webp") as caught:
        request_instance(FORMS, form_request([("image", FilePart("image/jpeg"))]))
    assert caught.value.got == "image/jpeg"


def test_the_form_media_type_of_a_request() -> None:
    raw = Operation(forms={"multipart/form-data": PNG_ONLY}, raw_media_types=("image/*",))
    assert form_media_type(raw, request(headers={"Content-Type": "Multipart/Form-Data; boundary=x"})) == (
        "multipart/form-data"
    )
    assert form_media_type(raw, request(headers={"Content-Type": "image/png"})) == RAW_BODY
    assert form_media_type(raw, request(headers={"Content-Type": "text/plain"})) is None
    assert form_media_type(raw, request()) is None
    assert (
        form_media_type(Operation(raw_media_types=("*/*",)), request(headers={"Content-Type": "a/b"}))
        == RAW_BODY
    )
    assert form_media_type(Operation(), request(headers={"Content-Type": "image/png"})) is None
    assert form_media_type(Operation(raw_media_types=("*/*",)), request()) is None  # no type: no raw body
    imagery = request(headers={"Content-Type": "imagery/png"})
    assert form_media_type(Operation(raw_media_types=("image/*",)), imagery) is None
    with_parameters = request(headers={"Content-Type": "IMAGE/PNG ; q=1"})
    assert form_media_type(Operation(raw_media_types=("image/png",)), with_parameters) == RAW_BODY


def test_a_raw_body_is_present_or_absent() -> None:
    op = Operation(raw_media_types=("image/png",), body_required=True)
    assert request_instance(op, request(headers={"Content-Type": "image/png"}, content=b"x"))["body"] == ""
    assert "body" not in request_instance(op, request(headers={"Content-Type": "image/png"}))


def test_a_body_in_a_media_type_the_spec_does_not_list_is_refused() -> None:
    op = Operation(raw_media_types=("image/png", "image/jpeg"))
    with pytest.raises(Invalid, match="must be sent as image/jpeg or image/png") as caught:
        request_instance(op, request(headers={"Content-Type": "text/plain"}, content=b"x"))
    assert caught.value.got == "text/plain"
    with pytest.raises(Invalid) as caught:
        request_instance(op, request(content=b"x"))
    assert caught.value.got == "no Content-Type"
    assert "body" not in request_instance(op, request())  # nothing sent: nothing to refuse


def test_has_content_for_bytes_and_streams() -> None:
    assert has_content(request(content=b"x"))
    assert not has_content(request(content=b""))
    assert has_content(request(content=iter([b"x"])))  # chunked: unknown length, taken as present
    assert not has_content(request(content=iter([b""]), headers={"Content-Length": "0"}))
    assert has_content(request(content=iter([b"x"]), headers={"Content-Length": "1"}))
    assert has_content(request(content=iter([b"x"]), headers={"Content-Length": "many"}))


def test_a_form_encoded_by_hand() -> None:
    urlencoded = request(headers={"Content-Type": "Application/X-WWW-Form-Urlencoded"},
                         content=b"rotation=90&tags=a&tags=b&note=")  # fmt: skip
    assert request_instance(FORMS, urlencoded)["body"] == {"rotation": 90, "tags": ["a", "b"], "note": None}
    body = (
        b'--b\r\nContent-Disposition: form-data; name="rotation"\r\n\r\n180\r\n'
        b'--b\r\nContent-Disposition: form-data; name="image"; filename="a"\r\n\r\nxx\r\n--b--\r\n'
    )
    multipart = request(headers={"Content-Type": "multipart/form-data; boundary=b"}, content=body)
    with pytest.raises(Invalid, match="must be sent as") as caught:  # a file without a type is text/plain
        request_instance(FORMS, multipart)
    assert caught.value.got == "text/plain"
    typed = body.replace(b'filename="a"\r\n', b'filename="a"\r\nContent-Type: image/png\r\n')
    got = request_instance(
        FORMS, request(headers={"Content-Type": "multipart/form-data; boundary=b"}, content=typed)
    )
    assert got["body"] == {"rotation": 180, "image": ""}


def test_forms_encoded_by_hand_that_cannot_be_read_are_refused() -> None:
    with pytest.raises(Invalid, match="urlencoded ASCII"):
        request_instance(FORMS, request(headers={"Content-Type": "application/x-www-form-urlencoded"},
                                        content="note=é".encode()))  # fmt: skip
    with pytest.raises(Invalid, match="urlencoded ASCII"):
        request_instance(FORMS, request(headers={"Content-Type": "application/x-www-form-urlencoded"},
                                        content=iter([b"a=1"])))  # fmt: skip
    with pytest.raises(Invalid, match="not a stream"):
        request_instance(FORMS, request(headers={"Content-Type": "multipart/form-data; boundary=b"},
                                        content=iter([b"--b--"])))  # fmt: skip
    twice = request(headers=[("Content-Type", "multipart/form-data; boundary=b"),
                             ("Content-Type", "application/x-www-form-urlencoded")], content=b"")  # fmt: skip
    with pytest.raises(Invalid, match="one Content-Type header"):
        request_instance(Operation(forms={"multipart/form-data": PNG_ONLY}), twice)
