"""Compile an OpenAPI 3.x document into the runtime contract the SDK checks requests against.

`make generate` writes the result as ``generated/aigenstudio_client/contract.json``, so the
installed package never parses YAML or resolves references at run time: it loads one small
JSON file and compiles JSON Schema validators (jsonschema-rs, Draft 2020-12) from it.

The contract holds, per operation: the generated endpoint module's name, method, path
template, whether it is public (``security: []``), its parameters (location, wire name,
Python argument name, required, schema), its
JSON request body and its form bodies (``multipart/form-data``,
``application/x-www-form-urlencoded``: ``body.forms``, a file part's schema replaced by ``{}``
and listed in ``files`` with the content types its ``encoding`` allows), its JSON response
schemas per declared status (``download``: a body of bytes, streamed to the caller), and the
declared status classes (``2XX``).

Parameters are read on the wire as the generated code sends them, which is one serialisation
per location whatever the spec's ``style``/``explode`` say (the pinned generator ignores both):
a query array as repeated keys, a query object as its properties' keys (both ``form`` with
``explode: true``), any other value as one string. A parameter whose declared style the server
would read differently (a query array with ``explode: false`` or ``pipeDelimited`` without explode,
a ``deepObject``, a ``label``/``matrix`` path, an array or object in a path, header or cookie) is
refused here (``ContractError``): the generated client would send what the server cannot read.

Component schemas live once under ``schemas`` (``$ref``s rewritten to ``#/$defs/<name>``);
parameter, request body and response ``$ref``s are inlined. Responses use a second copy,
``response_schemas``, made forward-compatible the way the generated models are: no ``enum``
(a new value parses as an unknown member) and no ``additionalProperties: false`` (a new field
is not an error).

Names (module, argument) are read from the pinned generator's own parse of the spec
(``GeneratorData``, with generator-config.yaml), not recomputed: its naming function and its
renames (``url`` -> ``url_query``, one name in two locations) are the generated code's, so
the runtime, which has no naming function of its own, uses exactly the generated names.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.media_types import first_media_type_is_bytes

__all__ = [
    "FORMAT",
    "ContractError",
    "GeneratedNames",
    "bounded_by_format",
    "compile_contract",
    "dumps",
    "generated_names",
    "names_of",
]

# 2: every operation has its generated module name, every parameter the generator's argument.
FORMAT = "aigenstudio-contract/2"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_REF = "#/components/schemas/"


class ContractError(ValueError):
    """The spec uses something the contract cannot express (the message says what)."""


_SPEC_SOURCE = Path(__file__).resolve().parent.parent / "openapi.yaml"  # only labels the config
_PATH_PARAMETER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class GeneratedNames:
    """What the generator named one operation: its module, and each parameter's argument."""

    module: str
    arguments: dict[tuple[str, str], str]  # (location, wire name) -> the function's argument


def _shape(method: str, template: str) -> tuple[str, str]:
    """An operation's key whatever its parameters are called (the generator renames them)."""
    return method.upper(), _PATH_PARAMETER.sub("{}", template)


def generated_names(document: Mapping[str, Any]) -> dict[tuple[str, str], GeneratedNames]:
    """Every operation's names as the pinned generator gives them, keyed by ``_shape``."""
    from openapi_python_client.parser import GeneratorData

    from tools.facade import _config  # generator-config.yaml, read as the generator's CLI does

    config = _config(_SPEC_SOURCE, dict(document))
    parsed = GeneratorData.from_dict(copy.deepcopy(dict(document)), config=config)
    if not isinstance(parsed, GeneratorData):
        raise ContractError(f"the generator cannot parse the spec: {parsed.header} {parsed.detail or ''}")
    return names_of(parsed)


def names_of(parsed: Any) -> dict[tuple[str, str], GeneratedNames]:
    """Every operation's names in the generator's parse ``parsed`` (a ``GeneratorData``, e.g.
    the one tools/generate.py shares with the facade), keyed by ``_shape``."""
    names: dict[tuple[str, str], GeneratedNames] = {}
    for collection in parsed.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:  # generate_all_tags: one endpoint in several tags
            locations = {
                "path": endpoint.path_parameters,
                "query": endpoint.query_parameters,
                "header": endpoint.header_parameters,
                "cookie": endpoint.cookie_parameters,
            }
            arguments = {
                (location, prop.name.get_untrusted_value()): str(prop.python_name)
                for location, props in locations.items()
                for prop in props
            }
            key = _shape(endpoint.method, endpoint.path.get_untrusted_value())
            names[key] = GeneratedNames(str(endpoint.name), arguments)
    return names


def _lookup(document: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ContractError(f"only local $refs are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    """Follow a chain of non-schema ``$ref``s (parameters, request bodies, responses)."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = str(node["$ref"])
        if ref in seen:
            raise ContractError(f"circular $ref {ref!r}")
        seen.add(ref)
        node = _lookup(document, ref)
    return node


def _schema(node: Any, *, for_response: bool) -> Any:
    """A schema with component refs pointing into ``$defs`` and OpenAPI 3.0 ``nullable`` mapped."""
    if isinstance(node, list):
        return [_schema(item, for_response=for_response) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            if not value.startswith(_SCHEMA_REF):
                raise ContractError(f"a schema $ref must point into {_SCHEMA_REF}, got {value!r}")
            out[key] = "#/$defs/" + value[len(_SCHEMA_REF) :]
        elif for_response and key == "enum":
            continue  # forward-compatible: the API may add values
        elif for_response and key == "additionalProperties" and value is False:
            continue  # forward-compatible: the API may add fields
        elif key in ("enum", "const", "default"):
            out[key] = copy.deepcopy(value)  # values, not schemas
        elif key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            out[key] = {k: _schema(v, for_response=for_response) for k, v in value.items()}
        elif key in ("example", "examples", "xml", "externalDocs", "discriminator", "description", "title"):
            continue  # annotations only: not needed to validate, and they bloat the artifact
        else:
            out[key] = _schema(value, for_response=for_response)
    if out.pop("nullable", False) is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]  # OpenAPI 3.0's nullable is 3.1's type list
    return out if for_response else bounded_by_format(out)


# An integer format's range, as a request may carry it. int64 stops at the integers a JSON
# number holds exactly (RFC 8259 6, I-JSON RFC 7493 2.2): past 2**53 - 1 a server parsing
# doubles reads another number (another id), and Prism, the reference validator, bounds
# int64 there too. Responses are not bounded: a server may answer with any int64.
_FORMAT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**53 - 1), 2**53 - 1)}


def bounded_by_format(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its integer ``format``'s range as ``minimum``/``maximum`` (the tighter
    of the spec's own bound and the format's is kept)."""
    kind = schema.get("type")
    span = _FORMAT_RANGES.get(str(schema.get("format")))
    if span is None or "integer" not in (kind if isinstance(kind, list) else [kind]):
        return schema
    low, high = span
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    schema["minimum"] = low if not isinstance(minimum, int | float) else max(minimum, low)
    schema["maximum"] = high if not isinstance(maximum, int | float) else min(maximum, high)
    return schema


def _json_schema(document: Mapping[str, Any], holder: Any, *, for_response: bool) -> Any:
    content = (_deref(document, holder) or {}).get("content") or {}
    for media_type, media in sorted(content.items()):
        if _is_json(media_type):
            schema = (media or {}).get("schema")
            return None if schema is None else _schema(schema, for_response=for_response)
    return None


_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def _schema_kind(document: Mapping[str, Any], schema: Any) -> str:
    """``array``, ``object`` or ``primitive``: how a parameter's value is serialised."""
    seen: set[str] = set()
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and schema["$ref"] not in seen:
        seen.add(schema["$ref"])
        schema = _lookup(document, schema["$ref"])
    if not isinstance(schema, Mapping):
        return "primitive"
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "array" in kinds or "items" in schema:
        return "array"
    if "object" in kinds or "properties" in schema:
        return "object"
    return "primitive"


def _style_problem(location: str, param: Mapping[str, Any], kind: str) -> str | None:
    """Why the server would read this parameter otherwise than the generated code sends it."""
    style = str(param.get("style") or _DEFAULT_STYLE[location])
    explode = bool(param.get("explode", style == "form"))
    if location == "path" and style != "simple":
        return f"style {style!r} (the generated code sends the bare value)"
    if location in ("path", "header", "cookie") and kind != "primitive":
        return f"an {kind} (the generated code sends Python's text of it, not the {style} style)"
    if kind == "primitive":
        return None  # one value: every query style reads it the same
    if style == "deepObject" or (kind == "object" and style != "form"):
        return f"an {kind} in style {style!r} (the generated code sends it as form, explode: true)"
    if not explode:
        return f"an {kind} with explode: false (the generated code repeats the key: explode: true)"
    return None


def _is_file(document: Mapping[str, Any], schema: Any) -> bool:
    """A part the generator sends as a ``File`` (``format: binary``, or an array of them)."""
    schema = _deref(document, schema)
    if isinstance(schema, Mapping) and _schema_kind(document, schema) == "array":
        schema = _deref(document, schema.get("items"))
    return isinstance(schema, Mapping) and schema.get("format") == "binary"


def _urlencoded_problem(document: Mapping[str, Any], name: str, schema: Any) -> str | None:
    """Why the server cannot read a urlencoded field as the generated code sends it, or None:
    an object (or array of objects) goes out as Python's text of a dict (httpx's ``data=``)."""
    kind = _schema_kind(document, schema)
    if kind == "array":
        kind = _schema_kind(document, (_deref(document, schema) or {}).get("items"))
    if kind == "object":
        return f"field {name!r} holds objects (the generated code sends Python's text of them)"
    return None


def _form_bodies(document: Mapping[str, Any], request_body: Mapping[str, Any]) -> dict[str, Any]:
    """Each form media type's body: its fields' schema (file parts: ``{}``), its file parts and
    the content types their ``encoding`` allows (none listed: any)."""
    forms: dict[str, Any] = {}
    for media_type, media in sorted((request_body.get("content") or {}).items()):
        if media_type not in _FORMS or not isinstance((media or {}).get("schema"), Mapping):
            continue
        schema = _deref(document, media["schema"])
        properties = schema.get("properties") or {}
        for name, prop in properties.items():
            problem = media_type == _FORMS[1] and _urlencoded_problem(document, name, prop)
            if problem:
                raise ContractError(f"a {media_type} body's {problem}: not supported")
        files = {
            name: [
                t.strip()
                for t in str(((media.get("encoding") or {}).get(name) or {}).get("contentType") or "").split(
                    ","
                )
                if t.strip()
            ]
            for name, prop in properties.items()
            if _is_file(document, prop)
        }
        compiled = _schema(schema, for_response=False)
        for name in files:
            compiled["properties"][name] = {}  # a file's bytes are not checked as a string
        forms[media_type] = {"schema": compiled, "files": files}
    return forms


def _raw_media_types(request_body: Mapping[str, Any]) -> list[str]:
    """The media types of a body sent as it is (an image, a PDF, text): neither JSON nor a form.
    The client checks only that such a body is present and sent as one of them."""
    return sorted(
        media_type.split(";", 1)[0].strip().lower()
        for media_type in request_body.get("content") or {}
        if media_type not in _FORMS and not _is_json(media_type)
    )


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _argument(names: GeneratedNames, location: str, name: str) -> str:
    argument = names.arguments.get((location, name))
    if argument is None:
        raise ContractError(
            f"the generator gives {location} parameter {name!r} of {names.module} no argument"
        )
    return argument


def _parameters(
    document: Mapping[str, Any], shared: list[Any], own: list[Any], names: GeneratedNames
) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], Mapping[str, Any]] = {}
    for raw in [*shared, *own]:
        param = _deref(document, raw)
        merged[(param["in"], param["name"])] = param
    out = []
    for (location, name), param in merged.items():
        problem = _style_problem(location, param, _schema_kind(document, param.get("schema")))
        if problem is not None:
            raise ContractError(f"{names.module}: {location} parameter {name!r} is {problem}: not supported")
        out.append(
            {
                "in": location,
                "name": name,
                "argument": _argument(names, location, name),
                "required": bool(param.get("required")) or location == "path",
                "schema": _schema(param.get("schema") or {}, for_response=False),
            }
        )
    return out


def _operation(
    document: Mapping[str, Any],
    template: str,
    method: str,
    raw: Mapping[str, Any],
    shared: list[Any],
    names: GeneratedNames,
) -> tuple[str, dict[str, Any]]:
    security = raw.get("security", document.get("security"))
    responses: dict[str, Any] = {}
    classes: list[int] = []
    for status, response in (raw.get("responses") or {}).items():
        code = str(status).upper()
        if code.isdigit():
            if first_media_type_is_bytes((_deref(document, response) or {}).get("content")):
                # Bytes, streamed to the caller (media_types.py): no JSON schema is checked,
                # even if a JSON media type is listed after the bytes one.
                responses[code] = {"schema": None, "download": True}
            else:
                responses[code] = {"schema": _json_schema(document, response, for_response=True)}
        elif len(code) == 3 and code[0].isdigit() and code.endswith("XX"):
            classes.append(int(code[0]))
    body = None
    if raw.get("requestBody") is not None:
        request_body = _deref(document, raw["requestBody"])
        schema = _json_schema(document, request_body, for_response=False)
        forms = _form_bodies(document, request_body)
        raw_types = _raw_media_types(request_body)
        if schema is not None or forms or raw_types:
            body = {"required": bool(request_body.get("required")), "schema": schema}
            if forms:
                body["forms"] = forms
            if raw_types:
                body["media_types"] = raw_types
    operation_id = str(raw.get("operationId") or f"{method.upper()} {template}")
    return operation_id, {
        # The generated endpoint module's name: generated calls name their operation by it.
        "module": names.module,
        "method": method.upper(),
        "path": template,
        # `security: []` (or an empty requirement `{}`) means the operation needs no key.
        "public": security is not None and (not security or any(not req for req in security)),
        "parameters": _parameters(document, shared, raw.get("parameters") or [], names),
        "body": body,
        "responses": dict(sorted(responses.items())),
        "status_classes": sorted(classes),
    }


def compile_contract(document: Mapping[str, Any], parsed: Any = None) -> dict[str, Any]:
    """The runtime contract of ``document`` (a parsed OpenAPI 3.x spec); ``parsed``, the
    generator's parse of it when the caller has one (else it is parsed here)."""
    document = copy.deepcopy(dict(document))
    names = generated_names(document) if parsed is None else names_of(parsed)
    schemas = (document.get("components") or {}).get("schemas") or {}
    operations: dict[str, Any] = {}
    for template, item in (document.get("paths") or {}).items():
        item = _deref(document, item)
        for method in _METHODS:
            if method in item:
                generated = names.get(_shape(method, template))
                if generated is None:
                    raise ContractError(f"the generator makes no function of {method.upper()} {template}")
                operation_id, operation = _operation(
                    document, template, method, item[method], item.get("parameters") or [], generated
                )
                if operation_id in operations:
                    raise ContractError(f"operationId {operation_id!r} is used twice")
                operations[operation_id] = operation
    servers = document.get("servers") or [{}]
    return {
        "format": FORMAT,
        "title": (document.get("info") or {}).get("title"),
        "version": (document.get("info") or {}).get("version"),
        "server_url": str(servers[0].get("url") or ""),
        "schemas": {name: _schema(s, for_response=False) for name, s in sorted(schemas.items())},
        "response_schemas": {name: _schema(s, for_response=True) for name, s in sorted(schemas.items())},
        "operations": dict(sorted(operations.items())),
    }


def dumps(contract: Mapping[str, Any]) -> str:
    """Deterministic, reviewable JSON (one key per line, sorted), ending in a newline."""
    return json.dumps(contract, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
