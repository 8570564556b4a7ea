"""Write a large synthetic OpenAPI 3.1 spec, deterministically, for the scale benchmarks.

    python bench/make_large_spec.py OUT.yaml [--operations 200] [--schemas 400]

The document looks like the vendor's: bearer auth, one tag, an ``X-Request-Id`` header
parameter, an error envelope, list/get pairs of operations over resources whose schemas
reference each other (objects, arrays, enums, nullable fields, formats). Same arguments,
same bytes: no randomness, no timestamps.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

__all__ = ["build_spec", "main"]

_GROUP = 10  # schemas per family; the last of each family is a string enum


def _schema_name(index: int) -> str:
    return f"Model{index:04d}"


def _ref(index: int) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{_schema_name(index)}"}


def _is_enum(index: int) -> bool:
    return index % _GROUP == _GROUP - 1


def _schema(index: int, total: int) -> dict[str, Any]:
    if _is_enum(index):
        return {"type": "string", "enum": [f"value_{index}_{n}" for n in range(4)]}
    properties: dict[str, Any] = {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "maxLength": 200},
        "count": {"type": "integer", "minimum": 0},
        "ratio": {"type": "number"},
        "active": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "note": {"type": ["string", "null"]},
    }
    # Schemas come in groups of _GROUP, like one resource's family of models: each links to
    # the previous one of its group (parent), to the group's first (children) and to the
    # group's enum. References stay within a group, so the graph is acyclic and shallow, as
    # in real APIs (a chain through all 400 schemas would measure only pathological depth).
    group_start = index - index % _GROUP
    if index > group_start:
        properties["parent"] = _ref(index - 1)
        properties["children"] = {"type": "array", "items": _ref(group_start)}
    enum = group_start + _GROUP - 1
    if enum < total and enum != index:
        properties["kind"] = _ref(enum)
    return {"type": "object", "required": ["id", "name"], "properties": properties}


def _list_schema(item: int) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "request_id"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "request_id": {"type": "string"},
            "next_cursor": {"type": ["string", "null"]},
        },
    }


def _item_index(resource: int, schemas: int) -> int:
    index = resource % schemas
    return index - 1 if _is_enum(index) else index  # resources are objects, not enums


def _operations(operations: int, schemas: int) -> tuple[dict[str, Any], dict[str, Any]]:
    paths: dict[str, Any] = {}
    extra_schemas: dict[str, Any] = {}
    request_id = {"$ref": "#/components/parameters/RequestIdHeader"}
    errors = {"401": {"$ref": "#/components/responses/Unauthorized"}}
    for number in range(operations):
        resource, is_get = divmod(number, 2)
        item = _item_index(resource, schemas)
        collection = f"/resources-{resource:03d}"
        if is_get:
            paths[f"{collection}/{{itemId}}"] = {
                "get": {
                    "tags": ["Synthetic"],
                    "operationId": f"getResource{resource:03d}",
                    "summary": f"Get one resource {resource}",
                    "parameters": [
                        {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}},
                        request_id,
                    ],
                    "responses": {
                        "200": {
                            "description": "The resource.",
                            "content": {"application/json": {"schema": _ref(item)}},
                        },
                        "404": {"$ref": "#/components/responses/NotFound"},
                        **errors,
                    },
                }
            }
            continue
        list_name = f"Resource{resource:03d}List"
        extra_schemas[list_name] = _list_schema(item)
        paths[collection] = {
            "get": {
                "tags": ["Synthetic"],
                "operationId": f"listResource{resource:03d}",
                "summary": f"List resources {resource}",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    },
                    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
                    request_id,
                ],
                "responses": {
                    "200": {
                        "description": "A page of resources.",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{list_name}"}}
                        },
                    },
                    **errors,
                },
            }
        }
    return paths, extra_schemas


def build_spec(operations: int = 200, schemas: int = 400) -> dict[str, Any]:
    """The synthetic document: ``operations`` operations and ``schemas`` numbered schemas.

    List operations add one envelope schema each (``ResourceNNNList``) next to the
    numbered ones, plus ``ErrorResponse``.
    """
    if operations < 1 or schemas < 2:
        raise ValueError("need at least 1 operation and 2 schemas")
    paths, list_schemas = _operations(operations, schemas)
    error = {
        "type": "object",
        "required": ["error", "request_id"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
            "request_id": {"type": "string"},
        },
    }
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Synthetic scale spec", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.test/api/v1"}],
        "security": [{"bearerApiKey": []}],
        "tags": [{"name": "Synthetic"}],
        "paths": paths,
        "components": {
            "parameters": {
                "RequestIdHeader": {
                    "name": "X-Request-Id",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 160},
                }
            },
            "responses": {
                "Unauthorized": {"description": "Missing or invalid API key.", "content": error_content},
                "NotFound": {"description": "No such resource.", "content": error_content},
            },
            "schemas": {
                **{_schema_name(i): _schema(i, schemas) for i in range(schemas)},
                **list_schemas,
                "ErrorResponse": error,
            },
            "securitySchemes": {"bearerApiKey": {"type": "http", "scheme": "bearer"}},
        },
    }


def write_spec(path: Path, operations: int = 200, schemas: int = 400) -> Path:
    text = yaml.safe_dump(build_spec(operations, schemas), sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--operations", type=int, default=200)
    parser.add_argument("--schemas", type=int, default=400)
    args = parser.parse_args(argv)
    write_spec(args.output, args.operations, args.schemas)
    return 0


if __name__ == "__main__":
    sys.exit(main())
