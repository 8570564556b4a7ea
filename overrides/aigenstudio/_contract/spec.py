"""The API's contract by operation: what each request may carry, and what each answer may be.

A generated call names its operation (``OPERATION_EXTENSION``, the generated module's name)
and its path arguments (``PATH_EXTENSION``) in the request's httpx extensions, so the
operation is a dict lookup (``Spec.named``). Only a request made by hand on the client's
httpx client carries neither; ``Spec.match`` finds its operation from the method and path
(the one place paths are matched, never on a generated call's way).

The contract is compiled from the vendored spec by ``make generate`` and ships inside the
generated package as ``aigenstudio_client/contract.json``; it is read on first use (never at
import time, never YAML). Each operation checks a request on its wire form -- the path
values, query string, headers and cookies as the server receives them, and the JSON or form
body, or a raw body (an image: present, in a media type the spec lists) -- with jsonschema-rs
validators compiled once per operation, and checks 2xx bodies the same way.

The wire form (coercion of parameter strings, query arrays, the JSON and form bodies) is
``wire.py``; the rules the API documents in prose are ``prose_rules.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx

from .._core.errors import ConfigurationError
from .extensions import FORM_BODY_EXTENSION, JSON_BODY_EXTENSION, OPERATION_EXTENSION, PATH_EXTENSION
from .prose_rules import RulePath, documented_problem, rule_paths
from .schema import Invalid, Validator, compile_validator, first_problem, integers_as_int
from .wire import (
    FormBody,
    Parameter,
    field_name,
    form_media_type,
    request_instance,
    request_schema,
    wire_value,
)

__all__ = [
    "FORM_BODY_EXTENSION",
    "JSON_BODY_EXTENSION",
    "OPERATION_EXTENSION",
    "PATH_EXTENSION",
    "Operation",
    "Parameter",
    "Spec",
    "build_spec",
    "load_spec",
]

CONTRACT_FORMAT = "aigenstudio-contract/2"
_LOCATIONS = ("path", "query", "header", "cookie")


@dataclass(slots=True)
class Operation:
    operation_id: str
    module: str  # the generated endpoint module's name (the generator's, from the contract)
    method: str
    template: str
    public: bool
    parameters: tuple[Parameter, ...]
    body_schema: Mapping[str, Any] | None
    body_required: bool
    response_schemas: dict[int, Mapping[str, Any] | None]
    status_classes: frozenset[int]
    forms: dict[str, FormBody]  # form bodies by media type
    raw_media_types: tuple[str, ...]  # media types of a body sent as it is (an image, a PDF)
    spec: Spec = field(repr=False)
    path_names: tuple[str, ...] = ()
    path_parameters: tuple[Parameter, ...] = ()  # in the template's order
    has_query: bool = False
    # Whether a request can break a rule its path alone does not decide (query, headers, body).
    has_checks_beyond_path: bool = False
    # Statuses whose body is bytes (an image, a PDF, a ZIP): streamed to the caller, never read here.
    download_statuses: frozenset[int] = frozenset()
    _validators: dict[str, Validator] = field(default_factory=dict, repr=False)
    _rule_paths: list[RulePath] | None = field(default=None, repr=False)

    def declares(self, status: int) -> bool:
        """Whether the spec lists ``status`` (or its class, such as ``2XX``) for this operation."""
        return status in self.response_schemas or status // 100 in self.status_classes

    # -- validators, compiled on first use ------------------------------------------------

    def _validator(self, key: str) -> Validator:
        found = self._validators.get(key)
        if found is None:
            schema = request_schema(self, key)
            found = self._validators[key] = self.spec.compile(schema, response=key.isdigit())
        return found

    # -- requests -----------------------------------------------------------------------------

    def validate_arguments(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Check query, body and header values before any request is built (whole plans up front)."""
        # The query string and headers as httpx would send them; the body as given (JSON data).
        probe = httpx.Request(self.method, "https://validation.invalid/", params=params, headers=headers)
        if json is not None:
            probe.extensions[JSON_BODY_EXTENSION] = json
        self.validate_beyond_path(probe)

    def validate_path(self, arguments: Mapping[str, str]) -> None:
        """The path parameters' rules, on their values (by argument name) as the server reads them."""
        values = {
            p.name: wire_value(arguments[p.field], p.schema_type)
            for p in self.path_parameters
            if p.field in arguments
        }
        problem = first_problem(
            self._validator("path"), values, "", lambda parts: field_name(self.parameters, ["path", *parts])
        )
        if problem is not None:
            raise problem.as_request_error()

    def path_for(self, arguments: Mapping[str, Any]) -> str:
        """The operation's path (relative to the server URL) with ``arguments`` filled in, encoded."""
        path = self.template
        for param in self.path_parameters:
            path = path.replace("{" + param.name + "}", quote(str(arguments.get(param.field, "")), safe=""))
        return path

    def validate_beyond_path(self, request: httpx.Request) -> None:
        """The query, header and body rules (everything but the path)."""
        try:
            media_type = form_media_type(self, request)
            key = "rest" if media_type is None else f"rest {media_type}"
            try:
                problem = instance_problem(self, key, request_instance(self, request))
            except ValueError:
                # jsonschema-rs takes JSON types only (no str subclasses such as numpy.str_,
                # no int keys): check the JSON httpx actually serialised instead.
                problem = instance_problem(self, key, request_instance(self, request, from_bytes=True))
        except Invalid as invalid:
            problem = invalid
        if problem is not None:
            raise problem.as_request_error()

    def _body_rule_paths(self) -> list[RulePath]:
        if self._rule_paths is None:
            self._rule_paths = rule_paths(self.body_schema, self.spec.deref)
        return self._rule_paths

    # -- responses ----------------------------------------------------------------------------

    def streams(self, status: int) -> bool:
        """Whether a ``status`` answer's body is a download (bytes the caller streams)."""
        return status in self.download_statuses

    def has_response_schema(self, status: int) -> bool:
        return self.response_schemas.get(status) is not None

    def response_problem(self, status: int, body: Any) -> Invalid | None:
        """Why a parsed 2xx body breaks the operation's response schema, or None."""
        if self.response_schemas.get(status) is None:
            return None
        return first_problem(self._validator(str(status)), body, "response")

    def response_value(self, status: int, body: Any) -> Any:
        """A body that passed ``response_problem``, as callers get it: integers as ``int``."""
        schema = self.response_schemas.get(status)
        if schema is None:
            return body
        return integers_as_int(body, schema, lambda node: self.spec.deref(node, response=True))


def instance_problem(operation: Operation, key: str, instance: Mapping[str, Any]) -> Invalid | None:
    """The first rule ``instance`` (values by location, as the ``key`` validator reads them)
    breaks, named as the caller knows it; a JSON body's documented rules too. ValueError for
    data that is not JSON (jsonschema-rs reads JSON types only)."""
    named = partial(field_name, operation.parameters)  # the caller's name for an instance path
    problem = first_problem(operation._validator(key), instance, "", named)
    if problem is None and key in ("rest", "body") and "body" in instance:
        problem = documented_problem(instance["body"], operation._body_rule_paths())
    return problem


def validate_body(operation: Operation, body: Any) -> None:
    """The JSON body's rules alone, on JSON data (a body built from keyword arguments, before
    its model is): the same paths and rules as a request's body check."""
    if operation.body_schema is None:
        return
    try:
        problem = instance_problem(operation, "body", {"body": body})
    except ValueError:
        return  # not JSON data (a str subclass, an int key): the request's check reads its bytes
    if problem is not None:
        raise problem.as_request_error()


@dataclass(slots=True)
class Spec:
    contract: Mapping[str, Any]
    server_url: str
    operations: dict[str, Operation] = field(default_factory=dict)
    named: dict[str, Operation] = field(default_factory=dict)  # by generated module name
    _static: dict[tuple[str, str], Operation] = field(default_factory=dict)
    _templated: list[tuple[str, re.Pattern[str], Operation]] = field(default_factory=list)

    def compile(self, schema: Mapping[str, Any], *, response: bool) -> Validator:
        defs = self.contract["response_schemas" if response else "schemas"]
        return compile_validator(schema, defs)

    def deref(self, node: Any, *, response: bool = False) -> Any:
        """Follow ``#/$defs/<name>`` references into the contract's schemas."""
        defs = self.contract["response_schemas" if response else "schemas"]
        while isinstance(node, Mapping) and str(node.get("$ref", "")).startswith("#/$defs/"):
            node = defs[str(node["$ref"])[len("#/$defs/") :]]
        return node

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation of a hand-made request (method, path relative to the server URL), with
        its path arguments by name. Generated calls name their operation instead (``named``)."""
        method = method.upper()
        op = self._static.get((method, path))
        if op is not None:
            return op, {}
        for op_method, pattern, op in self._templated:
            if op_method == method:
                found = pattern.fullmatch(path)
                if found is not None:
                    values = found.groups()
                    if "%" in path:
                        values = tuple(unquote(v) for v in values)
                    return op, {p.field: values[p.position] for p in op.path_parameters}
        return None

    def header_parameter(self, name: str) -> Parameter | None:
        """The first operation's declaration of header ``name`` (e.g. Idempotency-Key)."""
        for op in self.operations.values():
            for param in op.parameters:
                if param.location == "header" and param.name.lower() == name.lower():
                    return param
        return None


def _items_type(spec: Spec, schema: Mapping[str, Any]) -> Any:
    """The resolved ``type`` of an array schema's items (``"string"`` if untyped); None if no array."""
    if "array" not in str(schema.get("type")) and "items" not in schema:
        return None
    items = spec.deref(schema.get("items") or {})
    return items.get("type", "string") if isinstance(items, Mapping) else "string"


def _property_types(spec: Spec, schema: Mapping[str, Any]) -> dict[str, tuple[Any, Any]] | None:
    """An object's properties as query keys: name -> (type, items' type); None if no object."""
    if "object" not in str(schema.get("type")) and "properties" not in schema:
        return None
    properties = {name: spec.deref(prop) for name, prop in (schema.get("properties") or {}).items()}
    return {name: (prop.get("type"), _items_type(spec, prop)) for name, prop in properties.items()}


def _form(spec: Spec, raw: Mapping[str, Any]) -> FormBody:
    fields = _property_types(spec, raw["schema"]) or {}
    return FormBody(raw["schema"], fields, {name: tuple(types) for name, types in raw["files"].items()})


def _parameter(spec: Spec, raw: Mapping[str, Any], path_names: tuple[str, ...]) -> Parameter:
    schema = raw["schema"]
    name, location = raw["name"], raw["in"]
    resolved = spec.deref(schema)
    return Parameter(
        name=name,
        location=location,
        field=raw["argument"],
        required=raw["required"],
        schema=schema,
        schema_type=resolved.get("type"),
        position=path_names.index(name) if location == "path" and name in path_names else -1,
        items_type=_items_type(spec, resolved) if location == "query" else None,
        property_types=_property_types(spec, resolved) if location == "query" else None,
    )


def build_spec(contract: Mapping[str, Any]) -> Spec:
    """The route table of a contract (as ``tools/contract.py`` compiles it)."""
    if contract.get("format") != CONTRACT_FORMAT:
        raise ConfigurationError(
            f"aigenstudio_client/contract.json is not a {CONTRACT_FORMAT} contract: run `make generate`."
        )
    spec = Spec(contract=contract, server_url=contract["server_url"])
    for operation_id, raw in contract["operations"].items():
        template = raw["path"]
        path_names = tuple(re.findall(r"\{([^}]+)\}", template))
        params = tuple(_parameter(spec, p, path_names) for p in raw["parameters"] if p["in"] in _LOCATIONS)
        op = Operation(
            operation_id=operation_id,
            module=raw["module"],
            method=raw["method"],
            template=template,
            public=raw["public"],
            parameters=params,
            body_schema=(raw["body"] or {}).get("schema"),
            body_required=bool((raw["body"] or {}).get("required")),
            response_schemas={int(k): v["schema"] for k, v in raw["responses"].items()},
            status_classes=frozenset(raw["status_classes"]),
            forms={
                media: _form(spec, form) for media, form in ((raw["body"] or {}).get("forms") or {}).items()
            },
            raw_media_types=tuple((raw["body"] or {}).get("media_types") or ()),
            spec=spec,
            path_names=path_names,
            path_parameters=tuple(sorted((p for p in params if p.position >= 0), key=lambda p: p.position)),
            has_query=any(p.location == "query" for p in params),
            has_checks_beyond_path=raw["body"] is not None or any(p.location != "path" for p in params),
            download_statuses=frozenset(int(k) for k, v in raw["responses"].items() if v.get("download")),
        )
        spec.operations[operation_id] = op
        spec.named[op.module] = op
        if path_names:
            pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            spec._templated.append((op.method, re.compile(pattern), op))
        else:
            spec._static[(op.method, template)] = op
    return spec


@cache
def load_spec() -> Spec:
    """The contract the generated package ships (``make generate`` writes it)."""
    import aigenstudio_client  # a package directory: no importlib.resources (18 ms to import)

    try:
        text = (Path(aigenstudio_client.__file__).parent / "contract.json").read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            "aigenstudio_client/contract.json is missing: reinstall the package (or run `make generate`)."
        ) from exc
    return build_spec(json.loads(text))
