"""A synthetic spec shaped like Stripe's: a large cluster of schemas that all reference each
other (each links to the next few, directly and through "expandable" `anyOf [id, object]`
fields), used by many operations. The old resolver's cache, keyed by the set of schemas on
the current chain, grew without bound on it; the resolver and differ must stay linear.
"""

from __future__ import annotations

from typing import Any


def _name(index: int) -> str:
    return f"Resource{index:02d}"


def _ref(index: int, size: int) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{_name(index % size)}"}


def cyclic_spec(
    size: int = 36, links: int = 4, operations: int = 60, label_length: int = 64
) -> dict[str, Any]:
    """`size` schemas, each linking to the next `links` (so all of them form one cycle), and
    `operations` GET operations spread over them; only schema 0's `label` varies."""
    schemas: dict[str, Any] = {}
    for index in range(size):
        properties: dict[str, Any] = {
            "id": {"type": "string"},
            "label": {"type": "string", "maxLength": label_length if index == 0 else 64},
        }
        for step in range(1, links + 1):
            target = _ref(index + step, size)
            # Stripe's expandable fields: the id, or the object when expanded.
            properties[f"link{step}"] = target if step % 2 else {"anyOf": [{"type": "string"}, target]}
        properties["children"] = {"type": "array", "items": _ref(index + 1, size)}
        schemas[_name(index)] = {"type": "object", "required": ["id"], "properties": properties}
    paths: dict[str, Any] = {}
    for number in range(operations):
        content = {"application/json": {"schema": _ref(number, size)}}
        paths[f"/resources-{number:03d}/{{id}}"] = {
            "get": {
                "operationId": f"getResource{number:03d}",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK", "content": content}},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cyclic", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
