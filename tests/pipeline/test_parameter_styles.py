"""A parameter style the generated code does not send is refused when the contract is compiled.

The pinned generator (openapi-python-client 0.29.1) ignores ``style`` and ``explode``: a query
array goes out as repeated keys, a query object as its properties' keys, a path value as
``str()`` of it. A spec declaring a style the server would read otherwise would give a client
that sends what the server cannot read: ``make generate`` stops, naming the parameter.
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
