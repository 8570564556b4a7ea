"""A parameter style (or form field) the generated code does not send is refused when the contract
is compiled.

The pinned generator (openapi-python-client 0.29.1) ignores ``style`` and ``explode``: a query
array goes out as repeated keys, a query object as its properties' keys, a path value as
``str()`` of it. A spec declaring a style the server would read otherwise would give a client
that sends what the server cannot read: ``make generate`` stops, naming the parameter. So does
an object field of a urlencoded form (httpx's ``data=`` writes ``str()`` of a dict).
"""

from __future__ import annotations

from typing import Any

import pytest

from tools.contract import ContractError, compile_contract

ARRAY = {"type": "array", "items": {"type": "string"}}
OBJECT = {"type": "object", "properties": {"role": {"type": "string"}}}


def _spec(parameter: dict[str, Any], path: str = "/things") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Styles", "version": "1.0.0"},
        "paths": {
            path: {
                "get": {
                    "operationId": "listThings",
                    "parameters": [parameter],
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }


@pytest.mark.parametrize(
    "parameter",
    [
        {"name": "tag", "in": "query", "schema": ARRAY},
        {"name": "tag", "in": "query", "style": "form", "explode": True, "schema": ARRAY},
        {"name": "tag", "in": "query", "style": "pipeDelimited", "explode": True, "schema": ARRAY},
        {"name": "filter", "in": "query", "schema": OBJECT},
        {"name": "tag", "in": "query", "style": "pipeDelimited", "schema": {"type": "string"}},
        {"name": "tag", "in": "query", "explode": False, "schema": {"type": "integer"}},
    ],
    ids=[
        "array default",
        "array form explode",
        "array pipe explode",
        "object form",
        "pipe primitive",
        "primitive",
    ],
)
def test_styles_the_generated_code_sends_compile(parameter: dict[str, Any]) -> None:
    contract = compile_contract(_spec(parameter))
    assert contract["operations"]["listThings"]["parameters"][0]["name"] == parameter["name"]


@pytest.mark.parametrize(
    ("parameter", "path", "problem"),
    [
        ({"name": "tag", "in": "query", "explode": False, "schema": ARRAY}, "/things", "explode: false"),
        (
            {"name": "tag", "in": "query", "style": "spaceDelimited", "schema": ARRAY},
            "/things",
            "explode: false",
        ),
        (
            {"name": "filter", "in": "query", "style": "deepObject", "explode": True, "schema": OBJECT},
            "/things",
            "deepObject",
        ),
        ({"name": "id", "in": "path", "required": True, "schema": ARRAY}, "/things/{id}", "an array"),
        (
            {"name": "id", "in": "path", "required": True, "style": "label", "schema": {"type": "string"}},
            "/things/{id}",
            "label",
        ),
        (
            {"name": "id", "in": "path", "required": True, "style": "matrix", "schema": {"type": "integer"}},
            "/things/{id}",
            "matrix",
        ),
        ({"name": "tags", "in": "cookie", "schema": ARRAY}, "/things", "an array"),
    ],
    ids=[
        "array explode false",
        "space delimited",
        "deepObject",
        "path array",
        "path label",
        "path matrix",
        "cookie array",
    ],
)
def test_styles_the_server_would_read_otherwise_are_refused(
    parameter: dict[str, Any], path: str, problem: str
) -> None:
    with pytest.raises(ContractError) as refused:
        compile_contract(_spec(parameter, path))
    message = str(refused.value)
    assert f"parameter {parameter['name']!r}" in message, message
    assert problem in message, message


def _form_spec(field: dict[str, Any], media_type: str) -> dict[str, Any]:
    form = {"type": "object", "properties": {"crop": field}}
    body = {"required": True, "content": {media_type: {"schema": form}}}
    operation = {"operationId": "upload", "requestBody": body, "responses": {"204": {"description": "ok"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Forms", "version": "1.0.0"},
        "paths": {"/uploads": {"post": operation}},
    }


@pytest.mark.parametrize(
    "field", [OBJECT, {"type": "array", "items": OBJECT}], ids=["object", "array of objects"]
)
def test_an_object_in_a_urlencoded_form_is_refused(field: dict[str, Any]) -> None:
    # httpx's data= writes a dict value as Python's str() of it: no server reads that.
    with pytest.raises(ContractError, match="field 'crop' holds objects"):
        compile_contract(_form_spec(field, "application/x-www-form-urlencoded"))


def test_an_object_in_a_multipart_form_compiles() -> None:
    # The generated code sends it as one application/json part, which the checks read as JSON.
    contract = compile_contract(_form_spec(OBJECT, "multipart/form-data"))
    form = contract["operations"]["upload"]["body"]["forms"]["multipart/form-data"]
    assert form["schema"]["properties"]["crop"]["type"] == "object"
