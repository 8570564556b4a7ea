"""The facade's arguments, as an app developer writes them (tools/facade.py renders them).

- A JSON body that is one object schema becomes keyword arguments, one per property
  (``create(images=[...], operation="marketplace_clean")``), typed with ``TypedDict``\\s
  generated from the schemas for nested objects (``ProductPhotoImageInputParam``); the model
  is accepted wherever its ``TypedDict`` is, an enum's wire string (``Literal[...]``) wherever
  the enum is, ``str`` wherever a UUID is. ``body=<model>`` keeps working (an overload).
- A path parameter that is a UUID takes ``UUID | str``.
- An optional parameter defaults to ``None`` (not sent), not to the generator's ``UNSET``.
- ``Idempotency-Key``: optional; the facade generates one per call when none is given.
- Every method also takes ``timeout=`` and ``extra_headers=``.
- Every argument's docstring line carries the spec's description and its constraints.
"""

from __future__ import annotations

import dataclasses
import json
import keyword
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from openapi_python_client.parser.openapi import Endpoint
    from openapi_python_client.parser.properties import ModelProperty, Property

IDEMPOTENCY_HEADER = "idempotency-key"
# Every facade method's own keyword arguments (after the operation's): a parameter of that
# name would be shadowed, so the spec's is the one that gets a trailing underscore.
PER_CALL = ("timeout", "extra_headers")
RESERVED = frozenset({"self", "body", *PER_CALL})


@dataclasses.dataclass
class Argument:
    """One argument of a facade method."""

    name: str  # in the facade's signature
    target: str  # the generated _get_kwargs keyword (a parameter), or the wire key (a body field)
    annotation: str  # type code, models unqualified (the template qualifies them)
    default: str | None  # code; None: required
    kind: str  # "path" | "param" | "field" | "body" | "idempotency"
    doc: str = ""
    nullable: bool = False  # a body field that may be sent as null (then NOT_GIVEN is absent)
    convert: str = ""  # "uuid": a path parameter given as str is parsed; "unset": None -> UNSET
    enum: str = ""  # an enum parameter's class: its wire value given as str is converted (strictly)


@dataclasses.dataclass
class Body:
    """A JSON object body expanded into keyword arguments."""

    model: str  # the generated request model's class name
    required: bool  # the spec requires a body
    fields: list[Argument]


def _code(value: Any) -> str:
    return str(value.as_unembedded_code())


def text(value: object) -> str:
    """A spec string the generator wraps (``UntrustedString``) as plain text; None -> ""."""
    if value is None:
        return ""
    get = getattr(value, "get_untrusted_value", None)
    return str(get() if callable(get) else value)


class Wanted(dict[str, "ModelProperty"]):
    """The models whose TypedDicts the arguments name; ``known``: every model of the spec by
    class name (a reference inside a list or a union is a stub without its properties)."""

    def __init__(self, known: dict[str, ModelProperty]) -> None:
        super().__init__()
        self.known = known


def param_type(prop: Property, wanted: dict[str, ModelProperty]) -> str:
    """The type a caller may pass for ``prop``: models also as their TypedDict, enums also as
    their wire values, UUIDs also as ``str``; ``wanted`` collects the TypedDicts it names."""
    from openapi_python_client.parser.properties import EnumProperty, ModelProperty
    from openapi_python_client.parser.properties.list_property import ListProperty
    from openapi_python_client.parser.properties.union import UnionProperty

    if isinstance(prop, ModelProperty):
        name = str(prop.class_info.name)
        model: ModelProperty = getattr(wanted, "known", {}).get(name, prop)
        if not model.required_properties and not model.optional_properties:
            return f"{name} | dict[str, Any]"  # a free-form object: no keys to type
        wanted.setdefault(name, model)
        return f"{name}Param | {name}"
    if isinstance(prop, EnumProperty):
        values = ", ".join(json.dumps(value) for value in prop.values.values())
        return f"{prop.class_info.name} | Literal[{values}]"
    if isinstance(prop, ListProperty):
        # Sequence, not list: a list[Model] or a tuple is as good as a list of TypedDicts
        return f"Sequence[{param_type(cast('Property', prop.inner_property), wanted)}]"
    if isinstance(prop, UnionProperty):
        parts: list[str] = []
        for inner in prop.inner_properties:
            for part in param_type(cast("Property", inner), wanted).split(" | "):
                if part not in parts:
                    parts.append(part)
        return " | ".join(parts)
    base = _code(prop.get_type_string(no_optional=True))
    return "UUID | str" if base == "UUID" else base


def _is_nullable(annotation: str) -> bool:
    return "None" in [part.strip() for part in annotation.split("|")]


def constraints(schema: dict[str, Any]) -> str:
    """A schema's rules in words: ``1-20 items``, ``at most 2048 characters``, ``one of ...``."""
    parts: list[str] = []
    for low, high, unit in (("minLength", "maxLength", "characters"), ("minItems", "maxItems", "items")):
        lo, hi = schema.get(low), schema.get(high)
        if lo is not None and hi is not None:
            parts.append(f"{lo}-{hi} {unit}")
        elif lo is not None:
            parts.append(f"at least {lo} {unit}")
        elif hi is not None:
            parts.append(f"at most {hi} {unit}")
    for key, word in (
        ("minimum", ">="),
        ("maximum", "<="),
        ("exclusiveMinimum", ">"),
        ("exclusiveMaximum", "<"),
    ):
        if isinstance(schema.get(key), int | float) and not isinstance(schema.get(key), bool):
            parts.append(f"{word} {schema[key]}")
    if isinstance(schema.get("enum"), list):
        parts.append("one of " + ", ".join(f"``{json.dumps(v)}``" for v in schema["enum"]))
    if isinstance(schema.get("format"), str):
        parts.append(f"format ``{schema['format']}``")
    if isinstance(schema.get("pattern"), str):
        parts.append(f"pattern ``{schema['pattern']}``")
    if "default" in schema:
        parts.append(f"default ``{json.dumps(schema['default'])}``")
    return "; ".join(parts)


def describe(schema: dict[str, Any], fallback: object = "") -> str:
    """An argument's docstring text: its description, then its constraints in brackets."""
    words = " ".join(text(schema.get("description") or text(fallback)).split())
    rules = constraints(schema)
    return f"{words} ({rules})".strip() if rules else words


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _deref(document: dict[str, Any], value: object, depth: int = 0) -> dict[str, Any]:
    value = _mapping(value)
    reference = value.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/") and depth < 20:
        target: object = document
        for key in reference[2:].split("/"):
            target = _mapping(target).get(key.replace("~1", "/").replace("~0", "~"))
        return _deref(document, target, depth + 1)
    return value


def _parameter_schemas(
    document: dict[str, Any], item: dict[str, Any], spec: dict[str, Any]
) -> dict[tuple[str, str], dict[str, Any]]:
    """(name, in) -> the parameter object with its schema dereferenced."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*_list(item.get("parameters")), *_list(spec.get("parameters"))]:
        parameter = _deref(document, raw)
        schema = _deref(document, parameter.get("schema"))
        found[str(parameter.get("name")), str(parameter.get("in"))] = {
            **schema,
            "description": parameter.get("description") or schema.get("description"),
        }
    return found


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def body_schema(document: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The operation's JSON request body schema, dereferenced ({} if none)."""
    content = _mapping(_deref(document, spec.get("requestBody")).get("content"))
    for media_type, media in content.items():
        if "json" in str(media_type):
            return _deref(document, _mapping(media).get("schema"))
    return {}


def _expandable(endpoint: Endpoint) -> ModelProperty | None:
    from openapi_python_client.parser.properties import ModelProperty

    if len(endpoint.bodies) != 1 or str(endpoint.bodies[0].body_type) != "json":
        return None
    prop = endpoint.bodies[0].prop
    if not isinstance(prop, ModelProperty) or not (prop.required_properties or prop.optional_properties):
        return None
    return prop


def body_fields(
    endpoint: Endpoint,
    document: dict[str, Any],
    schema: dict[str, Any],
    taken: set[str],
    wanted: dict[str, ModelProperty],
) -> Body | None:
    """The body's properties as keyword arguments, or None when the body stays ``body=`` only
    (no JSON object body, or a property's name would collide with another argument)."""
    prop = _expandable(endpoint)
    if prop is None:
        return None
    properties = _mapping(schema.get("properties"))
    fields: list[Argument] = []
    for field in [*(prop.required_properties or []), *(prop.optional_properties or [])]:
        name = str(field.python_name)
        if name in taken or name in RESERVED:
            return None
        annotation = param_type(field, wanted)
        nullable = _is_nullable(annotation)
        default = None if field.required else ("NOT_GIVEN" if nullable else "None")
        if default == "NOT_GIVEN":
            annotation += " | NotGiven"
        elif default == "None":
            annotation += " | None"
        wire = text(field.name)
        doc = describe(_deref(document, properties.get(wire)), field.description)
        fields.append(Argument(name, wire, annotation, default, "field", doc, nullable))
    return Body(str(prop.class_info.name), bool(endpoint.bodies[0].prop.required), fields)


def parameters(
    endpoint: Endpoint, document: dict[str, Any], item: dict[str, Any], spec: dict[str, Any]
) -> list[Argument]:
    """Path parameters (positional), then query, header and cookie parameters (keyword-only)."""
    schemas = _parameter_schemas(document, item, spec)
    arguments: list[Argument] = []
    for location, listed in (
        ("path", endpoint.path_parameters),
        ("query", endpoint.query_parameters),
        ("header", endpoint.header_parameters),
        ("cookie", endpoint.cookie_parameters),
    ):
        for parameter in listed:
            wire = parameter.name.get_untrusted_value()
            name = str(parameter.python_name)
            doc = describe(schemas.get((wire, location), {}), parameter.description)
            arguments.append(_parameter(parameter, location, name, doc, wire))
    return arguments


def _parameter(parameter: Property, location: str, name: str, doc: str, wire: str) -> Argument:
    from openapi_python_client.parser.properties import EnumProperty

    facade_name = f"{name}_" if name in RESERVED else name
    plain = _code(parameter.get_type_string(no_optional=True))
    enum = ""
    if isinstance(parameter, EnumProperty):  # its wire values are accepted too
        plain, enum = param_type(parameter, {}), str(parameter.class_info.name)
    argument = _argument(parameter, location, facade_name, name, plain, doc, wire)
    argument.enum = enum
    return argument


def _argument(
    parameter: Property, location: str, facade_name: str, name: str, plain: str, doc: str, wire: str
) -> Argument:
    if location == "path":
        uuid = plain == "UUID"
        return Argument(
            facade_name,
            name,
            "UUID | str" if uuid else plain,
            None,
            "path",
            doc,
            convert="uuid" if uuid else "",
        )
    if location == "header" and wire.lower() == IDEMPOTENCY_HEADER and plain == "str":
        doc = (doc + " " if doc else "") + "Generated once per call when not given (reused by its retries)."
        return Argument(facade_name, name, "str | None", "None", "idempotency", doc)
    if parameter.required:
        return Argument(facade_name, name, plain, None, "param", doc)
    if parameter.default is not None:
        return Argument(facade_name, name, plain, _code(parameter.default.python_code), "param", doc)
    if _is_nullable(plain):  # None is a value of its own here: keep the generator's UNSET
        return Argument(facade_name, name, f"{plain} | Unset", "UNSET", "param", doc)
    return Argument(facade_name, name, f"{plain} | None", "None", "param", doc, convert="unset")


def typed_dicts(wanted: dict[str, ModelProperty], document: dict[str, Any]) -> list[dict[str, Any]]:
    """The TypedDicts the arguments name, and those theirs name, in a stable order."""
    done: dict[str, dict[str, Any]] = {}
    while len(done) < len(wanted):
        for name, model in sorted(wanted.items()):
            if name in done:
                continue
            schema = _component_schema(document, model)
            properties = _mapping(schema.get("properties"))
            keys = []
            for field in [*(model.required_properties or []), *(model.optional_properties or [])]:
                wire = text(field.name)
                annotation = param_type(field, wanted)
                keys.append(
                    {
                        "key": wire,
                        "annotation": annotation if not field.required else f"Required[{annotation}]",
                        "doc": describe(_deref(document, properties.get(wire)), field.description),
                    }
                )
            classy = all(k["key"].isidentifier() and not keyword.iskeyword(k["key"]) for k in keys)
            description = " ".join((text(model.description) or text(schema.get("description"))).split())
            done[name] = {
                "name": f"{name}Param",
                "model": name,
                "keys": keys,
                "classy": classy,
                "doc": description,
            }
    return [done[name] for name in sorted(done)]


def _component_schema(document: dict[str, Any], model: ModelProperty) -> dict[str, Any]:
    for root in sorted(text(root) for root in model.roots):
        if root.startswith(("#/", "/")):  # the generator's ReferencePath: "/components/..."
            return _deref(document, {"$ref": "#" + root.removeprefix("#")})
    return {}
