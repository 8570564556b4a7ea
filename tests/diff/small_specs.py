"""One-operation specs written inline, for rules that need no fixture directory, and the HTTP
changes between two of them as (kind, level, oasdiff rule id)."""

from __future__ import annotations

from typing import Any

from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import resolve
from tools.apidiff.rules import Level

CAT = {"type": "object", "properties": {"name": {"type": "string"}}}
DOG = {"type": "object", "properties": {"name": {"type": "string"}, "bark": {"type": "string"}}}


def spec_doc(schemas: dict[str, Any], *, body: Any = None, params: list[Any] | None = None) -> dict[str, Any]:
    """A spec with one operation, POST /pets, taking ``body`` and ``params`` if given."""
    operation: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "OK"}}}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params is not None:
        operation["parameters"] = params
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/pets": {"post": operation}},
        "components": {"schemas": schemas},
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def http_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Level, str]]:
    return [(c.kind, c.level, c.oasdiff) for c in diff_http(resolve(old), resolve(new))]
