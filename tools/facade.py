"""Render ``aigenstudio_client/resources.py``: the resource facade over the generated endpoints.

    client.product_photo_jobs.get(job_id)       # -> ProductPhotoJobStatusResponse
    client.product_photo_jobs.with_raw_response.get(job_id)   # -> RawResponse[...]
    for job in client.product_photo_jobs.iter(status="queued"): ...

The spec is parsed by the pinned openapi-python-client's own parser, with our
generator-config.yaml, so every module, argument name, type and default is the one the
generator wrote; argument lists are rendered by its own ``endpoint_macros.py.jinja``
(through the same Jinja environment, our template overrides included). The module text
comes from ``overrides/templates/facade/resources.py.jinja`` and is finished with the pinned
ruff, with the generator's post-hook flags, so the bytes depend only on the pins.

Naming (``name_operation``), from the path and the method only, never tags or operation ids:

- the resource is the first literal path segment, snake_case (``/product-photo-jobs`` ->
  ``product_photo_jobs``); every later literal segment nests (``/jobs/{id}/items`` ->
  ``jobs.items``); parameter segments name nothing;
- on a collection (the path ends with a literal): ``GET`` -> ``list``, ``POST`` -> ``create``;
- on an item (the path ends with ``/{param}``): ``GET``/``PUT``/``PATCH``/``DELETE`` ->
  ``get``/``replace``/``update``/``delete``;
- ``POST`` to a literal segment right after ``/{param}`` that ends the path is an action named
  after that segment (``POST /jobs/{id}/cancel`` -> ``jobs.cancel(job_id)``), unless the spec
  has another operation on that path or below it: then it is a nested collection's ``create``
  (``POST /jobs/{id}/items`` beside ``GET /jobs/{id}/items`` -> ``jobs.items.create(job_id)``);
- anything else the rule does not name, and any collision (two operations on one
  resource + verb, or a verb equal to a nested resource or to ``iter`` / ``with_raw_response``),
  falls back to the operation id in snake_case (the generated module's name), on the same
  resource. A path with no literal segment at all lives on the resource ``root``.

Attribute names are snake_case without the generator's suffix on builtins' names
(``/sandbox/credits`` -> ``sandbox.credits``, ``/license`` -> ``license``): a keyword gets a
trailing underscore (``class_``), and so does a name that would collide with the facade's own:
at the top level an attribute of the clients (``headers``, ``close``, ``request_id``...), below
it a member of every resource class (``iter``, ``with_raw_response``) or a name its
annotations read (``models``, ``builtins``, ``functools``, ``datetime``). A member named
like a builtin (``list``, ``type``, ``str``) shadows it in its class, so annotations name
those builtins as ``builtins.<name>``. Class names that would shadow a model get a
``Resource`` suffix.

A list with a ``cursor`` parameter whose response has a ``next_cursor`` of the same type and
one list of items (whatever their type: models, a ``oneOf``'s union, scalars) also gets
``iter``. An operation marked ``deprecated: true`` is decorated with
``typing_extensions.deprecated`` for type checkers, warns ``DeprecationWarning`` at its caller
and says so in its docstring; a deprecated parameter is named in the docstring.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import keyword
import mimetypes
import subprocess
import sys
import tokenize
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openapi_python_client.parser.openapi import Endpoint
    from openapi_python_client.parser.properties import Property

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "overrides" / "templates"
TEMPLATE = "facade/resources.py.jinja"
FIELD_PREFIX = "field_"  # the generator's default; the config's value is used when rendering

COLLECTION_VERBS = {"get": "list", "post": "create"}
ITEM_VERBS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}
ROOT_RESOURCE = "root"
# Members every resource class has besides its verbs and nested resources, and the modules
# its annotations name (``models.Job``, ``builtins.list``): a member of that name would shadow them.
# ``functools`` too: the resources' ``@functools.cached_property`` is read in the class body, and
# ``datetime``, the one module the generated types name (``datetime.date``). A fixed set: an
# attribute's name never depends on what other operations of the spec import.
RESOURCE_MEMBERS = frozenset({"iter", "with_raw_response", "models", "builtins", "functools", "datetime"})
# Attributes of the generated Client / AuthenticatedClient and of aigenstudio's Client and
# AsyncClient (the mixins add resources to them; tests/pipeline/test_facade_shapes.py checks
# that every public attribute of aigenstudio's clients is here).
CLIENT_MEMBERS = frozenset(
    {
        "auth_header_name",
        "check_request_body",
        "convert_invalid_argument",
        "convert_pagination_error",
        "convert_parse_error",
        "functools",
        "has_api_key",
        "is_sandbox",
        "key_fingerprint",
        "key_kind",
        "last_exchange",
        "last_request_id",
        "request_id",
        "request_id_scope",
        "base_url",
        "close",
        "aclose",
        "cookies",
        "follow_redirects",
        "get_async_httpx_client",
        "get_httpx_client",
        "headers",
        "httpx_args",
        "prefix",
        "raise_on_unexpected_status",
        "set_async_httpx_client",
        "set_httpx_client",
        "timeout",
        "token",
        "verify_ssl",
        "with_cookies",
        "with_headers",
        "with_options",
        "with_timeout",
    }
)
# Names the template defines or imports itself at module level.
MODULE_NAMES = frozenset(
    {
        "Any",
        "AsyncBinaryResponse",
        "AsyncIterator",
        "BinaryResponse",
        "AsyncResources",
        "AuthenticatedClient",
        "Callable",
        "Client",
        "Generic",
        "Iterator",
        "MutableMapping",
        "RawResponse",
        "Response",
        "SyncResources",
        "TypeVar",
        "UNSET",
        "Unset",
        "NOT_GIVEN",
        "NotGiven",
        "Literal",
        "Required",
        "TypedDict",
        "UUID",
        "Mapping",
        "Sequence",
        "new_idempotency_key",
    }
)
# Hashable scalar types a cursor may have for `iter` to remember the cursors it has followed.
CURSOR_TYPES = frozenset({"str", "int", "datetime.datetime", "datetime.date", "UUID"})


class FacadeError(Exception):
    """The facade cannot be rendered from this spec; the message says why."""


# -- naming -------------------------------------------------------------------------------


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}") and segment.count("{") == 1


def attribute_name(value: str, prefix: str = FIELD_PREFIX) -> str:
    """A path segment or an operation id as a facade attribute: snake_case as the generator
    writes identifiers, but without its suffix on the names of builtins (``credits``,
    ``license``, ``type``, ``format``, ``id`` stay): an attribute shadows no builtin. A keyword
    gets ``_`` (``class_``); what is no identifier gets the generator's prefix (``field_2fa``).

    >>> attribute_name("credits"), attribute_name("Webhook-Endpoints"), attribute_name("class")
    ('credits', 'webhook_endpoints', 'class_')
    """
    from openapi_python_client.strings import sanitize, snake_case

    name = snake_case(value)
    if keyword.iskeyword(name):
        name += "_"
    if not name.isidentifier() or sanitize(value).startswith("_"):
        name = f"{prefix}{name}"
    return name


def _member(name: str, reserved: Iterable[str]) -> str:
    """``name``, with ``_`` when it would shadow a name the facade itself defines or reads."""
    return f"{name}_" if name in reserved else name


def _shape(path: str) -> str:
    """The path with every parameter written ``{}`` (paths differ in parameter names only)."""
    return "/".join("{}" if _is_parameter(s) else s for s in path.split("/") if s)


def _used_as_collection(path: str, method: str, operations: Iterable[tuple[str, str]]) -> bool:
    """Whether another operation of the spec is on ``path`` or below it."""
    shape = _shape(path)
    return any(
        (_shape(other) == shape and other_method.lower() != method) or _shape(other).startswith(shape + "/")
        for other, other_method in operations
    )


def name_operation(
    path: str,
    method: str,
    operations: Iterable[tuple[str, str]] = (),
    prefix: str = FIELD_PREFIX,
) -> tuple[tuple[str, ...], str | None]:
    """(resource chain, verb) of one operation; verb None: the rule names none (use the op id).

    ``operations``: every (path, method) of the spec; a POST to ``/{id}/<segment>`` is an
    action unless another operation is on that path or below it (then it is a collection).

    >>> name_operation("/product-photo-jobs/{jobId}", "get")
    (('product_photo_jobs',), 'get')
    >>> name_operation("/jobs/{id}/items/{itemId}", "get")
    (('jobs', 'items'), 'get')
    >>> name_operation("/jobs/{id}/cancel", "post")
    (('jobs',), 'cancel')
    """
    method = method.lower()
    segments = [segment for segment in path.split("/") if segment]
    chain: list[str] = []
    state = "start"  # start | collection | item
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if _is_parameter(segment):
            if state == "collection":
                state = "item"
            elif state == "item":  # /{a}/{b}: nothing to call the second one
                return tuple(chain), None
            continue  # leading parameters name nothing
        if "{" in segment or "}" in segment:  # a literal mixed with a parameter: /{id}:cancel
            return tuple(chain) or (ROOT_RESOURCE,), None
        name = attribute_name(segment, prefix)
        if (
            state == "item"
            and last
            and method == "post"
            and not _used_as_collection(path, method, operations)
        ):
            return tuple(chain), name
        chain.append(name)
        state = "collection"
    if not chain:
        return (ROOT_RESOURCE,), None
    verbs = COLLECTION_VERBS if state == "collection" else ITEM_VERBS
    return tuple(chain), verbs.get(method)


@dataclasses.dataclass(frozen=True)
class Page:
    """What ``iter`` needs of a cursor-paginated ``list``."""

    cursor_type: str  # the `cursor` parameter's type, also `next_cursor`'s (but None)
    items_field: str  # the response model's one list-of-models field
    items_required: bool
    item_type: str


@dataclasses.dataclass
class Operation:
    """One endpoint as the facade shows it."""

    endpoint: Endpoint
    module: str  # the generated module's name
    tag: str  # the tag package the generated module lives in
    chain: tuple[str, ...]
    verb: str
    fallback: str  # the verb when the rule names none: the operation id as an attribute
    returns: str = "Any"
    check: str = ""  # isinstance() types, else "" (then `failure` is checked)
    failure: str = ""  # a condition on `response.status_code`: none of the success statuses
    page: Page | None = None  # cursor pagination: `iter` is generated
    page_endpoint: Endpoint | None = None  # the endpoint without its `cursor` parameter
    download: bool = False  # a success is bytes (tools/media_types.py): a streamed BinaryResponse
    deprecated: str = ""  # `deprecated: true`: the warning's text (a Python string literal)
    deprecation: str = ""  # and its reason, the spec's description
    deprecated_parameters: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (name, why)
    arguments: list[Any] = dataclasses.field(default_factory=list)  # facade_arguments.Argument
    body: Any = None  # facade_arguments.Body: the JSON object body as keyword arguments
    body_argument: Any = None  # the `body=` Argument (the model), when the operation has a body
    description: str = ""  # the spec's description (billing notes...), for the docstring
    returns_doc: str = ""  # the success model's description
    raises: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (status, description)

    @property
    def idempotency(self) -> str:
        """The argument that takes the Idempotency-Key header, or ""."""
        return next((a.name for a in self.arguments if a.kind == "idempotency"), "")

    @property
    def response_type(self) -> str:
        return str(self.endpoint.response_type().as_unembedded_code())


@dataclasses.dataclass
class Resource:
    chain: tuple[str, ...]
    attribute: str
    path: str  # the path of its collection, e.g. /jobs/{job_id}/items
    operations: list[Operation] = dataclasses.field(default_factory=list)
    children: list[Resource] = dataclasses.field(default_factory=list)
    cls: str = ""

    @property
    def names(self) -> dict[str, str]:
        return {
            "sync": self.cls,
            "async": f"Async{self.cls}",
            "raw": f"{self.cls}WithRawResponse",
            "async_raw": f"Async{self.cls}WithRawResponse",
        }


def _resolve_collisions(operations: list[Operation], children: dict[tuple[str, ...], set[str]]) -> None:
    by_name: dict[tuple[tuple[str, ...], str], list[Operation]] = defaultdict(list)
    for operation in operations:
        by_name[operation.chain, operation.verb].append(operation)
    for (chain, verb), group in by_name.items():
        if len(group) > 1 or verb in RESOURCE_MEMBERS or verb in children.get(chain, set()):
            for operation in group:
                operation.verb = _member(operation.fallback, RESOURCE_MEMBERS)
    seen: dict[tuple[tuple[str, ...], str], Operation] = {}
    for operation in operations:
        key = (operation.chain, operation.verb)
        clash = seen.get(key)
        if (
            clash is not None
            or operation.verb in RESOURCE_MEMBERS
            or operation.verb in children.get(operation.chain, set())
        ):
            other = clash.module if clash is not None else "a member of the resource class"
            raise FacadeError(
                f"{operation.module} and {other} both map to {'.'.join(operation.chain)}.{operation.verb}"
                " even after the operation-id fallback"
            )
        seen[key] = operation


def _class_names(resources: list[Resource], taken: set[str], prefix: str) -> None:
    from openapi_python_client.strings import ClassName

    for resource in sorted(resources, key=lambda r: r.chain):
        base = str(ClassName("_".join(resource.chain), prefix))
        for candidate in [base, f"{base}Resource", *(f"{base}Resource{n}" for n in range(2, 100))]:
            resource.cls = candidate
            if not set(resource.names.values()) & taken:
                break
        taken.update(resource.names.values())


# -- types --------------------------------------------------------------------------------


def _code(value: Any) -> str:
    return str(value.as_unembedded_code())


def qualify_builtins(code: str, names: frozenset[str] = frozenset({"list", "iter"})) -> str:
    """``list[int]`` -> ``builtins.list[int]`` in an annotation (a class with a ``list`` method
    shadows the builtin for the annotations after it; mypy and pyright then reject them).

    Tokens, not text: string literals (defaults, Literal[...] values) stay as they are.
    """
    return _qualify(code, names, "builtins.")


def qualify_models(code: str, names: frozenset[str]) -> str:
    """``Job | None`` -> ``models.Job | None`` for the model and enum class ``names``: the facade
    names models through the lazy ``models`` package, so importing it loads none of them, while
    type checkers and ``typing.get_type_hints`` still resolve every annotation (and a default
    such as ``models.Status.QUEUED`` loads just that enum)."""
    return _qualify(code, names, "models.")


def _qualify(code: str, names: frozenset[str], prefix: str) -> str:
    """``prefix`` before every name token of ``names`` in ``code`` not already an attribute."""
    source = f"({code}\n)"  # inside brackets line breaks and indents are no tokens of their own
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise FacadeError(f"cannot read the annotation {code!r}: {exc}") from exc
    offsets = [0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    significant = [t for t in tokens if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)]
    edits: list[int] = []
    neighbours = zip([None, *significant], significant, [*significant[1:], None], strict=False)
    for previous, token, following in neighbours:
        if (
            token.type == tokenize.NAME
            and token.string in names
            and getattr(previous, "string", "") != "."
            and getattr(following, "string", "") != ":"  # a parameter's name (`id: int`) stays
        ):
            edits.append(offsets[token.start[0] - 1] + token.start[1] - 1)  # -1: the "(" added
    for offset in reversed(edits):
        code = code[:offset] + prefix + code[offset:]
    return code


def _failure_condition(ranges: list[tuple[int, int]]) -> str:
    """A condition on ``response.status_code``: true when it is none of the success statuses."""
    singles = sorted({low for low, high in ranges if low == high})
    spans = sorted({(low, high) for low, high in ranges if low != high}) or ([] if singles else [(200, 299)])
    if len(singles) == 1 and not spans:
        return f"response.status_code != {singles[0]}"
    parts = [f"{low} <= response.status_code <= {high}" for low, high in spans]
    if len(singles) == 1:
        parts.insert(0, f"response.status_code == {singles[0]}")
    elif singles:
        parts.insert(0, f"response.status_code in ({', '.join(map(str, singles))})")
    return f"not ({' or '.join(parts)})"


def _successes(endpoint: Endpoint) -> list[Any]:
    """The endpoint's 2xx responses (the generator's Response objects)."""
    return [
        response
        for response in endpoint.responses.patterns
        if response.status_code.range is not None and 200 <= response.status_code.range[0] <= 299
    ]


def _is_download(response: Any) -> bool:
    """Whether a generator Response's body is bytes, by the rule of tools/media_types.py."""
    from tools.media_types import first_media_type_is_bytes

    content: dict[str, Any] = {}
    for media_type, media in (getattr(response.data, "content", None) or {}).items():
        found = getattr(media.media_type_schema, "schema_format", None)
        schema_format = found.get_untrusted_value() if found is not None else None
        content[media_type.get_untrusted_value()] = {"schema": {"format": schema_format}}
    return first_media_type_is_bytes(content)


def _describe_success(operation: Operation) -> None:
    responses = _successes(operation.endpoint)
    operation.download = any(_is_download(r) for r in responses)
    operation.failure = _failure_condition([r.status_code.range for r in responses if r.status_code.range])
    # A response without content: the generated code's `parsed` is None for it (typed Any).
    empty = [r for r in responses if r.source["attribute"] == "None"]
    types = sorted({"None" if r in empty else _code(r.prop.get_type_string()) for r in responses})
    operation.returns = " | ".join(types) if types else "Any"
    checkable = responses and not empty
    checkable = checkable and all(
        r.prop.template in ("model_property.py.jinja", "enum_property.py.jinja") for r in responses
    )
    if checkable:
        instances = sorted({_code(r.prop.get_instance_type_string()) for r in responses})
        operation.check = instances[0] if len(instances) == 1 else f"({', '.join(instances)})"


def _items_field(fields: list[Property]) -> Property | None:
    """A page's list of items: its one list field, else its one list of models or unions
    (``jobs`` beside ``labels: list[str]``); None when that is no single field."""
    from openapi_python_client.parser.properties import ModelProperty
    from openapi_python_client.parser.properties.list_property import ListProperty
    from openapi_python_client.parser.properties.union import UnionProperty

    lists = [p for p in fields if isinstance(p, ListProperty)]
    if len(lists) > 1:
        lists = [p for p in lists if isinstance(p.inner_property, ModelProperty | UnionProperty)]
    return lists[0] if len(lists) == 1 else None


def _describe_pages(operation: Operation, imports: set[str]) -> None:
    """Cursor pagination: a `cursor` query parameter, a model with `next_cursor` of the same
    type and one list of items, whatever their type (models, a oneOf's union, strings)."""
    endpoint = operation.endpoint
    cursors = [p for p in endpoint.query_parameters if p.python_name == "cursor"]
    models = {_code(r.prop.get_type_string()): r.prop for r in _successes(endpoint)}
    if operation.verb != "list" or len(cursors) != 1 or len(models) != 1:
        return
    from openapi_python_client.parser.properties import ModelProperty
    from openapi_python_client.parser.properties.list_property import ListProperty

    (model,) = models.values()
    if not isinstance(model, ModelProperty):
        return
    fields: list[Property] = [*(model.required_properties or []), *(model.optional_properties or [])]
    next_cursor = [p for p in fields if p.python_name == "next_cursor"]
    items = _items_field(fields)
    cursor_type = _code(cursors[0].get_type_string(no_optional=True))
    if len(next_cursor) != 1 or items is None or cursor_type not in CURSOR_TYPES:
        return
    next_types = _code(next_cursor[0].get_type_string(no_optional=True)).split(" | ")
    if [t for t in next_types if t != "None"] != [cursor_type]:
        return
    assert isinstance(items, ListProperty)
    imports.update(items.inner_property.get_imports(prefix="."))
    imports.update(items.inner_property.get_lazy_imports(prefix="."))
    operation.page = Page(
        cursor_type=cursor_type,
        items_field=str(items.python_name),
        items_required=items.required,
        item_type=_code(items.inner_property.get_type_string()),
    )
    operation.page_endpoint = dataclasses.replace(
        endpoint, query_parameters=[p for p in endpoint.query_parameters if p.python_name != "cursor"]
    )


# -- deprecation --------------------------------------------------------------------------


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dereferenced(document: dict[str, Any], value: object) -> dict[str, Any]:
    """A parameter object, through a local ``$ref`` (``#/components/parameters/X``)."""
    value = _mapping(value)
    reference = value.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/"):
        target: object = document
        for key in reference[2:].split("/"):
            target = _mapping(target).get(key.replace("~1", "/").replace("~0", "~"))
        return _mapping(target)
    return value


def _spec_operation(document: dict[str, Any], endpoint: Endpoint) -> tuple[dict[str, Any], dict[str, Any]]:
    """(path item, operation) of ``endpoint`` in the document: the generator renames the path's
    parameters (``{jobId}`` -> ``{job_id}``), so the path is found by its shape."""
    shape = _shape(endpoint.path.get_untrusted_value())
    for path, item in _mapping(document.get("paths")).items():
        if isinstance(path, str) and _shape(path) == shape:
            return _mapping(item), _mapping(_mapping(item).get(endpoint.method.lower()))
    return {}, {}


def _plain(text: object) -> str:
    """A description on one line (the warning's text, never more than 300 characters)."""
    words = " ".join(str(text or "").split())
    return words if len(words) <= 300 else words[:299] + "\u2026"


def _describe_deprecation(operation: Operation, document: dict[str, Any]) -> None:
    """``deprecated: true`` on the operation (the facade method warns, is marked for type
    checkers and says so) and on its parameters (the docstring says so)."""
    endpoint = operation.endpoint
    item, spec = _spec_operation(document, endpoint)
    if spec.get("deprecated") is True:
        operation.deprecation = reason = _plain(spec.get("description"))
        message = f"{endpoint.method.upper()} {endpoint.path.get_untrusted_value()} is deprecated"
        operation.deprecated = repr(f"{message}: {reason}" if reason else message)
    declared = [
        _dereferenced(document, p) for p in [*_list(item.get("parameters")), *_list(spec.get("parameters"))]
    ]
    deprecated = {
        (p.get("name"), p.get("in")): _plain(p.get("description"))
        for p in declared
        if p.get("deprecated") is True
    }
    locations = {
        "query": endpoint.query_parameters,
        "path": endpoint.path_parameters,
        "header": endpoint.header_parameters,
        "cookie": endpoint.cookie_parameters,
    }
    operation.deprecated_parameters = [
        (str(parameter.python_name), deprecated[name, location])
        for location, parameters in locations.items()
        for parameter in parameters
        for name in [parameter.name.get_untrusted_value()]
        if (name, location) in deprecated
    ]


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


# -- arguments and docs (tools/facade_arguments.py) ---------------------------------------


def _describe_arguments(operation: Operation, document: dict[str, Any], wanted: dict[str, Any]) -> None:
    """The method's arguments as a caller writes them, and its docstring's facts."""
    from tools import facade_arguments as fa

    endpoint = operation.endpoint
    item, spec = _spec_operation(document, endpoint)
    operation.arguments = fa.parameters(endpoint, document, item, spec)
    names = {argument.name for argument in operation.arguments}
    clash = names & set(fa.PER_CALL)
    if clash:
        raise FacadeError(f"{operation.module}: a parameter is named {sorted(clash)}, like a per-call option")
    schema = fa.body_schema(document, spec)
    if endpoint.bodies:
        body_type = (
            _code(endpoint.bodies[0].prop.get_type_string(no_optional=True))
            if len(endpoint.bodies) == 1
            else " | ".join(_code(b.prop.get_type_string(no_optional=True)) for b in endpoint.bodies)
        )
        required = all(b.prop.required for b in endpoint.bodies)
        operation.body_argument = fa.Argument(
            "body",
            "body",
            body_type if required else f"{body_type} | Unset",
            None if required else "UNSET",
            "body",
            fa.describe(schema, "The request body."),
        )
        operation.body = fa.body_fields(endpoint, document, schema, names, wanted)
    operation.description = " ".join(str(spec.get("description") or "").split())
    operation.raises = [
        (str(status), " ".join(str(_mapping(fa._deref(document, response)).get("description") or "").split()))
        for status, response in sorted(_mapping(spec.get("responses")).items(), key=lambda kv: str(kv[0]))
        if not str(status).startswith("2")
    ]
    successes = [
        _mapping(fa._deref(document, r))
        for s, r in _mapping(spec.get("responses")).items()
        if str(s).startswith("2")
    ]
    operation.returns_doc = " ".join(str(successes[0].get("description") or "").split()) if successes else ""


# -- the whole facade ---------------------------------------------------------------------


def _config(document_source: Path, document: dict[str, Any], derived: dict[str, Any] | None = None) -> Any:
    """The generator's Config, as its CLI builds it from ``derived`` (the config
    tools/generate.py derives for the spec: bytes media types), derived here when not given."""
    from openapi_python_client.config import Config, ConfigFile, MetaType

    from tools.media_types import derived_config

    config_file = ConfigFile.model_validate(
        derived if derived is not None else derived_config(CONFIG, document)
    )
    return Config.from_sources(config_file, MetaType.NONE, document_source, "utf-8", False, None)


def load_document(spec: Path) -> dict[str, Any]:
    """The spec as the generator reads it (openapi_python_client._get_document: JSON by file
    type, else ruamel's YAML 1.2 safe loader), so the facade sees exactly the values
    (defaults, enums) the generated code was made from; PyYAML (YAML 1.1) reads some differently."""
    from ruamel.yaml import YAML

    data = spec.read_bytes()
    if mimetypes.guess_type(spec.absolute().as_uri(), strict=True)[0] == "application/json":
        document = json.loads(data.decode())
    else:
        document = YAML(typ="safe").load(data)
    if not isinstance(document, dict):
        raise FacadeError(f"{spec}: not an OpenAPI document")
    return document


def plan(
    openapi: Any, prefix: str, document: dict[str, Any], wanted: dict[str, Any] | None = None
) -> tuple[list[Resource], list[Operation], set[str]]:
    """Every resource (top level first, children nested), every operation, the imports;
    ``wanted`` collects the models whose TypedDicts the arguments name."""
    from openapi_python_client.strings import PythonIdentifier

    operations: list[Operation] = []
    imports: set[str] = set()
    endpoints: dict[int, Endpoint] = {}  # generate_all_tags: one endpoint in several tags
    for collection in openapi.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            endpoints.setdefault(id(endpoint), endpoint)
    spec = [(e.path.get_untrusted_value(), e.method) for e in endpoints.values()]
    modules: dict[str, str] = {}
    for endpoint in endpoints.values():
        module = str(PythonIdentifier(endpoint.name, prefix))
        path = endpoint.path.get_untrusted_value()
        if module in modules:
            raise FacadeError(f"two operations generate the module {module}: {modules[module]}, {path}")
        modules[module] = path
        chain, verb = name_operation(path, endpoint.method, spec, prefix)
        fallback = attribute_name(endpoint.name, prefix)
        tag = str(endpoint.tags[0])
        operations.append(Operation(endpoint, module, tag, chain, verb or fallback, fallback))
        imports.update(line.replace("from ...", "from .", 1) for line in endpoint.relative_imports)

    resources: dict[tuple[str, ...], Resource] = {}
    for operation in sorted(operations, key=lambda o: (o.chain, o.endpoint.path.get_untrusted_value())):
        segments = [s for s in operation.endpoint.path.get_untrusted_value().split("/") if s]
        for depth in range(1, len(operation.chain) + 1):
            chain = operation.chain[:depth]
            if chain not in resources:
                attribute = _member(chain[-1], CLIENT_MEMBERS if depth == 1 else RESOURCE_MEMBERS)
                literal = [i for i, s in enumerate(segments) if not _is_parameter(s)]
                end = literal[depth - 1] + 1 if len(literal) >= depth else len(segments)
                resources[chain] = Resource(chain, attribute, "/" + "/".join(segments[:end]))
                if depth > 1:
                    resources[chain[:-1]].children.append(resources[chain])
    children = {chain: {child.attribute for child in r.children} for chain, r in resources.items()}
    _resolve_collisions(operations, children)
    wanted = {} if wanted is None else wanted
    for operation in operations:
        _describe_success(operation)
        _describe_pages(operation, imports)
        _describe_deprecation(operation, document)
        _describe_arguments(operation, document, wanted)
        resources[operation.chain].operations.append(operation)
    for resource in resources.values():
        resource.operations.sort(key=lambda o: o.verb)
        resource.children.sort(key=lambda r: r.attribute)

    taken = set(MODULE_NAMES) | _imported_names(imports)
    taken.update(f"{name}Param" for name in wanted)
    taken.update(str(model.class_info.name) for model in [*openapi.models, *openapi.enums])
    _class_names(list(resources.values()), taken, prefix)
    top = sorted((r for r in resources.values() if len(r.chain) == 1), key=lambda r: r.attribute)
    return top, sorted(operations, key=lambda o: o.module), imports


def _imported_names(imports: Iterable[str]) -> frozenset[str]:
    """The names ``import x`` / ``from m import a, b as c`` lines bind."""
    names: set[str] = set()
    for line in imports:
        bound = line.split(" import ", 1)[-1] if line.startswith("from ") else line.removeprefix("import ")
        names.update(name.strip().split(" as ")[-1].split(".")[0] for name in bound.split(","))
    return frozenset(names)


def builtin_members(resources: Iterable[Resource]) -> frozenset[str]:
    """Members named like a builtin (``list``, ``iter``, ``type``, ``str``...): in their class
    they shadow it, so the facade's annotations name every one of them as ``builtins.<name>``."""
    import builtins

    names = {"list", "iter"}
    pending = list(resources)
    while pending:
        resource = pending.pop()
        names.update(child.attribute for child in resource.children)
        names.update(operation.verb for operation in resource.operations)
        pending.extend(resource.children)
    return frozenset(name for name in names if hasattr(builtins, name))


def _ruff(arguments: list[str], text: str) -> str:
    ruff = str(Path(sys.executable).parent / "ruff")
    done = subprocess.run(
        [ruff, *arguments, "--isolated", "--no-cache", "--stdin-filename", "resources.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise FacadeError(f"ruff {arguments[0]} failed on the rendered facade:\n{done.stderr}")
    return done.stdout


def _exported(resources: list[Resource], downloads: bool = False) -> list[str]:
    names = {"AsyncResources", "RawResponse", "SyncResources"}
    if downloads:
        names.update({"AsyncBinaryResponse", "BinaryResponse"})
    pending = list(resources)
    while pending:
        resource = pending.pop()
        names.update(resource.names.values())
        pending.extend(resource.children)
    return sorted(names)


@dataclasses.dataclass(frozen=True)
class GeneratorParse:
    """The generator's Config and its parse (``GeneratorData``) of one spec: made once by
    tools/generate.py and shared by the contract (names) and the facade."""

    config: Any
    openapi: Any


def parse_spec(
    document: dict[str, Any], document_source: Path | None = None, derived: dict[str, Any] | None = None
) -> GeneratorParse:
    """``document`` parsed as the pinned generator parses it (FacadeError if it cannot)."""
    from openapi_python_client.parser import GeneratorData

    config = _config(document_source or ROOT / "openapi.yaml", document, derived)
    openapi = GeneratorData.from_dict(document, config=config)
    if not isinstance(openapi, GeneratorData):
        raise FacadeError(f"the generator cannot parse the spec: {openapi.header} {openapi.detail or ''}")
    return GeneratorParse(config, openapi)


def render_facade(
    document: dict[str, Any], document_source: Path | None = None, parsed: GeneratorParse | None = None
) -> str:
    """The text of ``aigenstudio_client/resources.py`` for the parsed spec ``document``
    (``parsed``: the generator's parse of it, see ``parse_spec``; made here when not given)."""
    from openapi_python_client import Project

    parsed = parsed or parse_spec(document, document_source)
    config, openapi = parsed.config, parsed.openapi
    from tools.facade_arguments import Wanted, typed_dicts

    known = {str(m.class_info.name): m for m in openapi.models}
    wanted = Wanted(known)
    resources, operations, imports = plan(openapi, config.field_prefix, document, wanted)
    params = typed_dicts(wanted, document)
    project = Project(openapi=openapi, config=config, custom_template_path=TEMPLATES)
    builtin_names = builtin_members(resources)
    project.env.filters["qualify_builtins"] = functools.partial(qualify_builtins, names=builtin_names)
    models = frozenset(str(model.class_info.name) for model in [*openapi.models, *openapi.enums])
    project.env.filters["qualify_models"] = functools.partial(qualify_models, names=models)
    text = project.env.get_template(TEMPLATE).render(
        resources=resources,
        operations=operations,
        downloads=any(operation.download for operation in operations),
        imports=sorted(imports),
        exported=sorted(
            [
                *_exported(resources, any(operation.download for operation in operations)),
                *(p["name"] for p in params),
                *("NOT_GIVEN", "NotGiven", "new_idempotency_key"),
            ]
        ),
        params=params,
    )
    text = _ruff(["check", "--fix-only", "--select", "I,F401,UP", "--target-version", "py311"], text)
    return _ruff(["format"], text)


def public_surface(text: str) -> dict[str, list[str]]:
    """Public classes of a rendered facade and their public members (for tests and reviews)."""
    import ast

    surface: dict[str, list[str]] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            surface[node.name] = [
                f"{'async ' if isinstance(item, ast.AsyncFunctionDef) else ''}{item.name}"
                f"({ast.unparse(item.args)}) -> {ast.unparse(item.returns) if item.returns else ''}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and not item.name.startswith("_")
                and not any(ast.unparse(d) in ("overload", "typing.overload") for d in item.decorator_list)
            ]
    return surface
