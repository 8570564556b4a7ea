"""Our template overrides are tied to the pinned generator's templates they were derived from."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import openapi_python_client
import pytest

from .conftest import RepoCopy

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "overrides" / "templates"
UPSTREAM = Path(openapi_python_client.__file__).parent / "templates"


def _recorded() -> dict[str, str]:
    lines = (OVERRIDES / "UPSTREAM.sha256").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line and line[0] != "#")}


# Templates of our own (no upstream counterpart to pin): tools/facade.py renders them.
OURS = OVERRIDES / "facade"


def test_every_override_records_its_upstream_template() -> None:
    overrides = {
        p.relative_to(OVERRIDES).as_posix() for p in OVERRIDES.rglob("*.jinja") if OURS not in p.parents
    }
    assert overrides == set(_recorded())


def test_pinned_generator_templates_are_the_ones_we_derived_from() -> None:
    # A failure here means the generator upgrade changed a template we override:
    # re-derive overrides/templates/<name> from the new upstream file, then update the hash.
    for name, digest in _recorded().items():
        actual = hashlib.sha256((UPSTREAM / name).read_bytes()).hexdigest()
        assert actual == digest, f"upstream template {name} changed; re-derive our override"


def test_enum_property_override_differs_from_upstream_only_in_the_construct_call() -> None:
    ours = (OVERRIDES / "property_templates" / "enum_property.py.jinja").read_text()
    upstream = (UPSTREAM / "property_templates" / "enum_property.py.jinja").read_text()
    assert ours == upstream.replace(
        "{{ property.class_info.name }}({{ source }})",
        "{{ property.class_info.name }}.from_api_value({{ source }})",
    )


def test_boolean_property_override_sends_json_booleans_in_multipart_parts() -> None:
    # Upstream writes str(True): a multipart part "True", which a server reading the spec's
    # boolean ("true"/"false", as the query and headers already send it) refuses.
    ours = (OVERRIDES / "property_templates" / "boolean_property.py.jinja").read_text()
    upstream = (UPSTREAM / "property_templates" / "boolean_property.py.jinja").read_text()
    assert ours == upstream.replace(
        "(None, str({{source}}).encode(), ",
        '(None, ("true" if {{ source }} else "false").encode(), ',
    )


def _without_leading_comment(template: str) -> str:
    """An override minus its leading Jinja comment (the explanation of its diff to upstream)."""
    assert template.startswith("{#-"), "an override starts with a comment explaining its diff"
    return template.split("-#}\n", 1)[1]


RANDOM_BOUNDARY = "# httpx sets the multipart Content-Type itself, with a random boundary per request"


def test_endpoint_override_is_upstream_plus_the_argument_checks_and_the_operation() -> None:
    ours = _without_leading_comment((OVERRIDES / "endpoint_module.py.jinja").read_text())
    upstream = (UPSTREAM / "endpoint_module.py.jinja").read_text()
    # The upstream lines the override hooks into (each replace below must find them).
    anchor = "{% set return_string = endpoint.response_type() %}"
    signature_end = ") -> dict[str, Any]:\n    {{ header_params(endpoint) | indent(4) }}"
    serialise = "{{ body_to_kwarg(body) | indent("
    call = "    kwargs = _get_kwargs(\n        {{ kwargs(endpoint, include_client=False) }}\n    )\n"
    build = (
        "    return Response(\n"
        "        status_code=HTTPStatus(response.status_code),\n"
        "        content=response.content,\n"
        "        headers=response.headers,\n"
        "        parsed=_parse_response(client=client, response=response),\n"
        "    )\n"
    )
    guarded_build = (
        "    try:\n"
        "        parsed = _parse_response(client=client, response=response)\n"
        "    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:\n"
        "        raise errors.parse_error(client, response, error) from None\n"
        + build.replace("parsed=_parse_response(client=client, response=response)", "parsed=parsed")
    )
    assert upstream.count(build) == 1
    assert (upstream.count(anchor), upstream.count(signature_end)) == (1, 1)
    assert (upstream.count(serialise), upstream.count(call)) == (2, 2)  # one body / several; sync / async
    # The request names its operation (and its checked path arguments) in httpx extensions.
    kwargs_start = "    _kwargs: dict[str, Any] = {\n"
    quoted = 'quote(str({{parameter.python_name}}), safe="")'
    templated_url_end = "        ),\n        {% else %}\n"
    static_url_end = '        "url": "{{ endpoint.path | in_double_quote_literal }}",\n        {% endif %}\n'
    for part in (kwargs_start, quoted, templated_url_end, static_url_end):
        assert upstream.count(part) == 1, part
    operation = '"aigenstudio.operation": "{{ endpoint.name }}"'

    macros = ours[ours.index("{#- [ours]") : ours.index(anchor)]
    assert re.findall(r"{% macro (\w+)\(", macros) == [
        "listed_values",
        "plain_types",
        "argument_check",
        "argument_checks",
        "serialise_body",
        "path_arguments",
    ]
    guarded_call = (
        "    try:\n"
        "        kwargs = _get_kwargs(\n"
        "            {{ kwargs(endpoint, include_client=False) | indent(4) }}\n"
        "        )\n"
        "    except errors.InvalidArgument as error:\n"
        "        raise errors.argument_error(client, error) from None\n"
    )
    assert ours == (
        upstream.replace(anchor, macros + anchor)
        .replace(
            signature_end, signature_end.replace("\n", "\n    {{ argument_checks(endpoint) | indent(4) }}\n")
        )
        .replace(serialise, "{{ serialise_body(body) | indent(")
        .replace('headers["Content-Type"] = "multipart/form-data; boundary=+++"', RANDOM_BOUNDARY)
        .replace(call, guarded_call)
        .replace(build, guarded_build)
        .replace(kwargs_start, "    {{ path_arguments(endpoint) | indent(4) }}\n" + kwargs_start)
        .replace(quoted, 'quote(_path["{{parameter.python_name}}"], safe="")')
        .replace(
            templated_url_end,
            '        ),\n        "extensions": {'
            + operation
            + ', "aigenstudio.path": _path},\n        {% else %}\n',
        )
        .replace(
            static_url_end,
            static_url_end.replace("{% endif %}", '"extensions": {' + operation + "},\n        {% endif %}"),
        )
    )


def test_errors_override_is_upstream_plus_invalid_argument() -> None:
    ours = _without_leading_comment((OVERRIDES / "errors.py.jinja").read_text())
    upstream = (UPSTREAM / "errors.py.jinja").read_text()
    kept, exported = upstream.rsplit("__all__", 1)
    assert exported == ' = ["UnexpectedStatus"]\n'
    assert ours.startswith(kept)  # UnexpectedStatus unchanged
    added = ours[len(kept) :]
    assert re.findall(r"^(?:class|def) (\w+)", added, re.MULTILINE) == [
        "InvalidArgument",
        "lacks_utc_offset",
        "check_body",
        "argument_error",
        "parse_error",
        "PaginationLoop",
        "pagination_error",
    ]
    assert added.endswith(
        '\n__all__ = ["InvalidArgument", "PaginationLoop", "UnexpectedStatus", "argument_error", '
        '"check_body", "lacks_utc_offset", "pagination_error", "parse_error"]\n'
    )
    assert "{%" not in added  # plain Python, no template logic
    assert "{{" not in added


# Every parameter kind the argument checks distinguish, in one small spec: the generated
# code must pass mypy --strict and refuse/accept the same way for all of them.
KINDS_SPEC = """\
openapi: 3.1.0
info: {title: Kinds, version: 1.0.0}
paths:
  /things/{thing_id}/{colour}:
    post:
      operationId: make_thing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: colour, in: path, required: true, schema: {$ref: '#/components/schemas/Colour'}}
        - {name: count, in: query, required: true, schema: {type: integer}}
        - {name: ratio, in: query, schema: {type: number}}
        - {name: flag, in: query, schema: {type: boolean}}
        - {name: day, in: query, schema: {type: string, format: date}}
        - {name: since, in: query, required: true, schema: {type: string, format: date-time}}
        - {name: level, in: query, schema: {$ref: '#/components/schemas/Level'}}
        - {name: tags, in: query, schema: {type: array, items: {$ref: '#/components/schemas/Colour'}}}
        - {name: ids, in: query, schema: {type: array, items: {type: string, format: uuid}}}
        - {name: either, in: query, schema: {oneOf: [{type: integer}, {type: string, format: date-time}]}}
        - {name: maybe, in: query, schema: {type: [string, 'null']}}
        - {name: anything, in: query, schema: {}}
        - {name: fixed, in: query, schema: {const: fixed}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
        - {name: session, in: cookie, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /uploads:
    post:
      operationId: upload
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Upload'}
      responses:
        '204': {description: done}
  /raw:
    put:
      operationId: put_raw
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        '204': {description: done}
components:
  schemas:
    Colour: {type: string, enum: [red, green]}
    Level: {type: integer, enum: [1, 2, 3]}
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        colour: {$ref: '#/components/schemas/Colour'}
    Upload:
      type: object
      properties:
        file: {type: string, format: binary}
"""

KINDS_SCRIPT = """\
import datetime, io, uuid
from aigenstudio_client import errors
from aigenstudio_client.api.default import make_thing, put_raw, upload
from aigenstudio_client.client import Client
from aigenstudio_client.models import Colour, Thing
from aigenstudio_client.types import File

UTC = datetime.UTC
SINCE = datetime.datetime(2024, 1, 1, tzinfo=UTC)
GOOD = dict(thing_id=str(uuid.uuid4()), colour="red", count=1, since=SINCE, x_trace="t")
sent = make_thing._get_kwargs(
    **GOOD, ratio=1, flag=True, day=datetime.date(2024, 1, 2), level=2, tags=[Colour.GREEN],
    ids=[uuid.UUID(int=1), "x"], either=3, maybe=None, anything=object(), session="s", body=Thing(name="n"),
)
assert sent["url"].endswith("/red"), sent["url"]
path = {"thing_id": GOOD["thing_id"], "colour": "red"}
assert sent["extensions"] == {"aigenstudio.operation": "make_thing", "aigenstudio.path": path}, sent
assert sent["params"]["level"] == 2 and sent["params"]["tags"] == ["green"], sent["params"]
assert sent["json"] == {"name": "n"}, sent["json"]

def refused(function, **arguments):
    try:
        function(**arguments)
    except errors.InvalidArgument as error:
        return error.argument, error.rule
    raise AssertionError(f"accepted {arguments}")

CASES = {
    "thing_id": (1, "must be a UUID or a str of printable characters"),
    "colour": ("blue", "must be a Colour or one of its values: 'red', 'green'"),
    "count": (True, "must be an int"),
    "ratio": ("1.5", "must be a float or an int"),
    "flag": (1, "must be a bool"),
    "day": (datetime.datetime(2024, 1, 1, tzinfo=UTC), "must be a datetime.date (not a datetime.datetime)"),
    "since": ("2024-01-01T00:00:00Z", "must be a datetime.datetime with a UTC offset"),
    "level": (4, "must be a Level or one of its values: 1, 2, 3"),
    "tags": (["red"], "must be a list of Colour"),
    "ids": ([1], "must be a list of UUID or str"),
    "either": ("x", "must be one of these types: datetime.datetime | int"),
    "maybe": (1, "must be one of these types: None | str"),
    "x_trace": (None, "must be a str"),
    "session": (1, "must be a str"),
    "body": ({"name": "n"}, "must be a Thing: pass Thing(...) or Thing.from_dict(...)"),
}
for name, (value, rule) in CASES.items():
    assert refused(make_thing._get_kwargs, **{**GOOD, name: value}) == (name, rule), name
for segment in ("", ".", ".."):
    argument, rule = refused(make_thing._get_kwargs, **{**GOOD, "thing_id": segment})
    assert (argument, rule[:46]) == ("thing_id", "must be printable text, not empty, '.' or '..'"), rule
argument, rule = refused(make_thing._get_kwargs, **GOOD, body=Thing(name="n", colour="red"))
assert argument == "body" and rule.startswith("could not be serialised: AttributeError: "), rule

assert upload._get_kwargs()["extensions"] == {"aigenstudio.operation": "upload"}
upload._get_kwargs(body=Thing(name="n"))
assert refused(upload._get_kwargs, body={}) == ("body", "must be one of these types: Thing, Upload")
put_raw._get_kwargs(body=File(payload=io.BytesIO(b"x")))
assert refused(put_raw._get_kwargs, body=b"x") == ("body", "must be a File")

client = Client(base_url="http://127.0.0.1:9")
wrong = {**GOOD, "count": "1"}
assert refused(make_thing.sync_detailed, client=client, **wrong) == ("count", "must be an int")
print("ok")
"""


@pytest.mark.slow
def test_argument_checks_cover_every_parameter_kind(repo: RepoCopy, tmp_path: Path) -> None:
    spec = tmp_path / "kinds.yaml"
    spec.write_text(KINDS_SPEC)
    generated = repo.run("generate", "--spec", str(spec))
    assert generated.returncode == 0, generated.stdout + generated.stderr

    repo.assert_typed_and_runs(tmp_path, KINDS_SCRIPT)
