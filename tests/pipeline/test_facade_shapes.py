"""The facade's naming table (README, "The resource facade is generated"), every row a case on
a fixture spec; iter() on every cursor list whatever its items; deprecated operations."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from tools.facade import load_document, public_surface, render_facade

from .conftest import ROOT, RepoCopy

SHAPES_SPEC = ROOT / "tests" / "fixtures" / "specs" / "v1.1" / "facade-shapes.yaml"

# Shapes facade-shapes.yaml has no natural case for: collisions, keywords, our own members,
# builtins that annotations use (str), cursor lists of scalars and of plain oneOf items.
EDGES_SPEC = """\
openapi: 3.1.0
info: {title: Edges, version: 1.1.0}
paths:
  /reports/{reportId}:
    delete:
      operationId: deleteReport
      parameters: [{name: reportId, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: gone}}
  /reports/{reportId}/delete:
    post:
      operationId: deleteReportLater
      parameters: [{name: reportId, in: path, required: true, schema: {type: string}}]
      responses: {'202': {description: queued}}
  /headers:
    get:
      operationId: getHeaders
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /class:
    get:
      operationId: getClass
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /help/{topic}/type:
    get:
      operationId: getHelpType
      parameters: [{name: topic, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /things/{thing_id}:
    get:
      operationId: getThing
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /things/{thing_id}/str:
    get:
      operationId: getThingStr
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /things/{thing_id}/format:
    post:
      operationId: formatThing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: id, in: query, schema: {type: integer}}
        - {name: since, in: query, schema: {type: string, format: date-time}}
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /things/{thing_id}/models:
    get:
      operationId: listThingModels
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /things/{thing_id}/datetime:
    get:
      operationId: getThingDatetime
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /things/{thing_id}/with-raw-response:
    get:
      operationId: getThingRaw
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: string}}}}}
  /labels:
    parameters: [{$ref: '#/components/parameters/Locale'}]
    get:
      operationId: listLabels
      deprecated: true
      description: "Use GET /tags: it says \\"labels\\" in 'any' language,\\n  with \\\\ escapes"
      parameters: [{name: cursor, in: query, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [labels]
                properties:
                  labels: {type: array, items: {type: string}}
                  next_cursor: {type: [integer, 'null']}
  /notes:
    get:
      operationId: listNotes
      parameters: [{name: cursor, in: query, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  notes:
                    type: array
                    items: {oneOf: [{$ref: '#/components/schemas/Note'}, {type: string}]}
                  next_cursor: {type: string}
components:
  parameters:
    Locale:
      {name: locale, in: query, deprecated: true, description: Ignored since 1.1., schema: {type: string}}
  schemas:
    Note: {type: object, required: [text], properties: {text: {type: string}}}
"""


@cache
def _shapes() -> str:
    return render_facade(load_document(SHAPES_SPEC), SHAPES_SPEC)


@cache
def _edges() -> str:
    return render_facade(yaml.safe_load(EDGES_SPEC))


# Every facade method's per-call options, after the operation's own arguments.
PER_CALL = "timeout: float | httpx.Timeout | None=None, extra_headers: Mapping[str, str] | None=None"


def _classes(text: str) -> dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    return {
        node.name: {
            item.name: item for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for node in ast.parse(text).body
        if isinstance(node, ast.ClassDef)
    }


def _resolve(text: str, expression: str, root: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """The method ``client.a.b.verb`` names, from the mixin class ``root`` through the properties."""
    classes = _classes(text)
    cls = root
    *attributes, verb = expression.removeprefix("client.").split(".")
    for attribute in attributes:
        member = classes[cls].get(attribute)
        assert member is not None, f"{cls} has no {attribute!r}: {sorted(classes[cls])}"
        assert member.returns is not None, f"{cls}.{attribute}"
        assert member.decorator_list, f"{cls}.{attribute} is no resource"
        cls = ast.unparse(member.returns)
    method = classes[cls].get(verb)
    assert method is not None, f"{cls} has no {verb!r}: {sorted(classes[cls])}"
    assert not any("cached_property" in ast.unparse(d) for d in method.decorator_list), f"{cls}.{verb}"
    return method


# The README's naming table, row by row: (the spec, its operation, the facade's call).
TABLE = [
    (_shapes, "GET /events", "client.events.list"),  # a collection
    (_shapes, "POST /product-photo-jobs", "client.product_photo_jobs.create"),
    (_shapes, "GET /product-photo-jobs/{jobId}", "client.product_photo_jobs.get"),  # an item
    (_shapes, "GET /webhooks/endpoints", "client.webhooks.endpoints.list"),  # two literal segments
    (_shapes, "POST /webhooks/endpoints", "client.webhooks.endpoints.create"),
    (_shapes, "GET /webhooks/endpoints/{endpoint_id}", "client.webhooks.endpoints.get"),
    (_shapes, "PATCH /webhooks/endpoints/{endpoint_id}", "client.webhooks.endpoints.update"),
    (_shapes, "DELETE /webhooks/endpoints/{endpoint_id}", "client.webhooks.endpoints.delete"),
    (_shapes, "POST /product-photo-jobs/{job_id}/cancel", "client.product_photo_jobs.cancel"),  # an action
    # a sub-resource after an id
    (
        _shapes,
        "GET /webhooks/endpoints/{endpoint_id}/deliveries",
        "client.webhooks.endpoints.deliveries.list",
    ),
    (_shapes, "GET /sandbox/credits", "client.sandbox.credits.list"),  # a builtin's name, no suffix
    (_shapes, "GET /sandbox/credits", "client.sandbox.with_raw_response.credits.list"),  # nested raw
    (_shapes, "GET /sandbox/credits", "client.sandbox.credits.with_raw_response.list"),
    (_shapes, "GET /license", "client.license.list"),
    (_shapes, "GET /sandbox/balance", "client.sandbox.balance.list"),  # deprecated: warns
    (_shapes, "GET /events", "client.events.iter"),  # a cursor list of discriminated oneOf items
    (_edges, "DELETE /reports/{reportId}", "client.reports.delete_report"),  # a collision
    (_edges, "POST /reports/{reportId}/delete", "client.reports.delete_report_later"),
    (_edges, "GET /headers", "client.headers_.list"),  # an attribute of the client
    (_edges, "GET /class", "client.class_.list"),  # a keyword
    (_edges, "GET /help/{topic}/type", "client.help.type.list"),  # builtins, no suffix
    (_edges, "GET /things/{thing_id}/str", "client.things.str.list"),
    (_edges, "POST /things/{thing_id}/format", "client.things.format"),
    (_edges, "GET /things/{thing_id}/models", "client.things.models_.list"),  # our own member
    (_edges, "GET /things/{thing_id}/with-raw-response", "client.things.with_raw_response_.list"),
    (_edges, "GET /things/{thing_id}/datetime", "client.things.datetime_.list"),  # annotations read it
    (_edges, "GET /labels", "client.labels.iter"),  # a cursor list of strings
    (_edges, "GET /notes", "client.notes.iter"),  # a cursor list of plain oneOf items
]


@pytest.mark.parametrize(("facade", "operation", "expression"), TABLE, ids=[f"{r[1]}->{r[2]}" for r in TABLE])
@pytest.mark.parametrize("root", ["SyncResources", "AsyncResources"])
def test_the_naming_table(facade: object, operation: str, expression: str, root: str) -> None:
    assert callable(facade)
    method = _resolve(facade(), expression, root)
    doc = ast.get_docstring(method) or ""
    # the docstring names the operation (with the generator's parameter names)
    named = re.findall(r"``([A-Z]+ /[^`]*)``", doc)
    assert _parameters_blank(operation) in map(_parameters_blank, named), doc


def _parameters_blank(operation: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", operation)


def test_no_facade_name_carries_the_generators_builtin_suffix() -> None:
    import builtins
    import keyword

    for text in (_shapes(), _edges()):
        for cls, members in _classes(text).items():
            for name in members:
                if name.endswith("_") and not name.startswith("_"):
                    base = name[:-1]
                    assert keyword.iskeyword(base) or base in {
                        "headers",
                        "models",
                        "with_raw_response",
                        "datetime",
                    }, f"{cls}.{name}"
                    assert not (hasattr(builtins, base) and not keyword.iskeyword(base)), f"{cls}.{name}"


def test_a_resource_never_takes_the_name_of_an_attribute_of_our_clients() -> None:
    """A resource named like an attribute of aigenstudio's Client (``request_id``, ``is_sandbox``)
    would be hidden by it (the client class comes first in the MRO): it gets the ``_``."""
    from aigenstudio import AsyncClient, Client
    from aigenstudio_client.resources import AsyncResources, SyncResources

    from tools.facade import CLIENT_MEMBERS

    for client, mixin in ((Client, SyncResources), (AsyncClient, AsyncResources)):
        public = {name for name in dir(client) if not name.startswith("_") and name not in vars(mixin)}
        assert public <= CLIENT_MEMBERS, sorted(public - CLIENT_MEMBERS)


def test_iter_yields_the_generated_item_type_of_every_cursor_list() -> None:
    signatures = {sig.split("(", 1)[0]: sig for sig in public_surface(_shapes())["Events"]}
    assert signatures["iter"].endswith("-> Iterator[models.JobCompletedEvent | models.JobFailedEvent]")
    assert "cursor" not in signatures["iter"]
    asynchronous = {sig.split("(", 1)[0]: sig for sig in public_surface(_shapes())["AsyncEvents"]}
    assert asynchronous["async iter"].endswith(
        "-> AsyncIterator[models.JobCompletedEvent | models.JobFailedEvent]"
    )
    # `str` is a member there (things.str): annotations name the builtin through `builtins`
    edges = public_surface(_edges())
    qualified = PER_CALL.replace("Mapping[str, str]", "Mapping[builtins.str, builtins.str]")
    assert [s for s in edges["Labels"] if s.startswith("iter(")] == [
        f"iter(self, *, locale: builtins.str | None=None, {qualified}) -> Iterator[builtins.str]"
    ]
    assert [s for s in edges["Notes"] if s.startswith("iter(")] == [
        f"iter(self, *, {qualified}) -> Iterator[models.Note | builtins.str]"
    ]


def test_a_deprecated_operation_is_marked_for_type_checkers_and_documented() -> None:
    classes = _classes(_shapes())
    for cls in ("SandboxBalance", "AsyncSandboxBalance", "SandboxBalanceWithRawResponse"):
        method = classes[cls]["list"]
        assert [ast.unparse(d) for d in method.decorator_list] == [
            "_deprecated('GET /sandbox/balance is deprecated: Replaced by GET /sandbox/credits, which answers"
            " the same balance.')"
        ], cls
        doc = ast.get_docstring(method) or ""
        assert doc.startswith("Deprecated: Get the sandbox balance"), doc
        assert "Replaced by GET /sandbox/credits" in doc
    assert not classes["SandboxCredits"]["list"].decorator_list


def test_a_deprecated_cursor_list_warns_once_from_iter_and_quotes_the_spec_safely() -> None:
    classes = _classes(_edges())
    message = (
        """GET /labels is deprecated: Use GET /tags: it says "labels" in 'any' language, with \\ escapes"""
    )
    for cls, verb in (("Labels", "list"), ("Labels", "iter"), ("AsyncLabels", "iter")):
        method = classes[cls][verb]
        assert [ast.literal_eval(d.args[0]) for d in method.decorator_list if isinstance(d, ast.Call)] == [
            message
        ]
        warns = [
            n for n in ast.walk(method) if isinstance(n, ast.Call) and ast.unparse(n.func) == "warnings.warn"
        ]
        assert [ast.literal_eval(w.args[0]) for w in warns] == [message], cls
        assert "``locale``: deprecated. Ignored since 1.1." in (ast.get_docstring(method) or "")
    # iter reads the pages through the endpoint, not through the deprecated list (one warning)
    assert "self.list(" not in ast.unparse(classes["Labels"]["iter"])


def test_a_deprecated_parameter_is_documented() -> None:
    doc = ast.get_docstring(_classes(_shapes())["Events"]["list"]) or ""
    assert "``since``: deprecated" in doc, doc
    assert "``since``" not in (ast.get_docstring(_classes(_shapes())["WebhooksEndpoints"]["list"]) or "")


# -- the generated package, typed and run ---------------------------------------------------

PROGRAM = """\
from __future__ import annotations

import asyncio
import warnings
from typing import assert_type

import httpx
from aigenstudio_client.client import Client
from aigenstudio_client.models import CreditBalance, JobCompletedEvent, JobFailedEvent, License
from aigenstudio_client.resources import AsyncResources, SyncResources

PAGES = {
    None: ([{"type": "job.completed", "id": "e1", "job_id": "6f1c2b4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
             "credits_charged": 5}], "c1"),
    "c1": ([{"type": "job.failed", "id": "e2", "job_id": "6f1c2b4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
             "reason": "unreachable"}], None),
}


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/events":
        events, cursor = PAGES[request.url.params.get("cursor")]
        return httpx.Response(200, json={"events": events, "next_cursor": cursor, "request_id": "r"})
    if request.url.path == "/license":
        return httpx.Response(200, json={"name": "n", "url": "https://x.example/l"})
    return httpx.Response(200, json={"remaining_credits": 7, "request_id": "r"})


class Sync(Client, SyncResources):
    pass


class Async(Client, AsyncResources):
    pass


client = Sync(base_url="http://api.test", httpx_args={"transport": httpx.MockTransport(handler)})
seen: list[str] = []
for event in client.events.iter(limit=1):
    assert_type(event, JobCompletedEvent | JobFailedEvent)
    if isinstance(event, JobCompletedEvent):
        seen.append(f"completed {event.credits_charged}")
    else:
        seen.append(f"failed {event.reason}")
assert seen == ["completed 5", "failed unreachable"], seen
assert_type(client.sandbox.credits.list(), CreditBalance)
assert_type(client.license.list(), License)
assert client.sandbox.with_raw_response.credits.list().parse().remaining_credits == 7

with warnings.catch_warnings(record=True) as sync_warnings:
    warnings.simplefilter("always")
    balance = client.sandbox.balance.list()  # SYNC CALL
assert balance.remaining_credits == 7
assert [w.category for w in sync_warnings] == [DeprecationWarning], sync_warnings
assert sync_warnings[0].filename == __file__, sync_warnings[0].filename
assert "GET /sandbox/balance is deprecated" in str(sync_warnings[0].message)
assert "SYNC CALL" in open(__file__).read().splitlines()[sync_warnings[0].lineno - 1]
with warnings.catch_warnings(record=True) as raw_warnings:
    warnings.simplefilter("always")
    client.sandbox.balance.with_raw_response.list()
assert [w.filename for w in raw_warnings] == [__file__], raw_warnings
with warnings.catch_warnings(record=True) as other_warnings:
    warnings.simplefilter("always")
    client.sandbox.credits.list()
assert other_warnings == [], other_warnings


async def main() -> None:
    aclient = Async(base_url="http://api.test", httpx_args={"transport": httpx.MockTransport(handler)})
    kinds: list[str] = []
    async for event in aclient.events.iter():
        assert_type(event, JobCompletedEvent | JobFailedEvent)
        kinds.append(type(event).__name__)
    assert kinds == ["JobCompletedEvent", "JobFailedEvent"], kinds
    with warnings.catch_warnings(record=True) as async_warnings:
        warnings.simplefilter("always")
        await aclient.sandbox.balance.list()  # ASYNC CALL
    assert [w.category for w in async_warnings] == [DeprecationWarning], async_warnings
    line = open(__file__).read().splitlines()[async_warnings[0].lineno - 1]
    assert (async_warnings[0].filename, "ASYNC CALL" in line) == (__file__, True), async_warnings


asyncio.run(main())
print("ok")
"""

USES_DEPRECATED = """\
from aigenstudio_client.client import Client
from aigenstudio_client.resources import SyncResources


class Sync(Client, SyncResources):
    pass


Sync(base_url="http://api.test").sandbox.balance.list()
Sync(base_url="http://api.test").sandbox.credits.list()
"""


def _mypy(repo: RepoCopy, workdir: Path, program: Path, *flags: str) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            *flags,
            "--cache-dir",
            str(workdir / "mypy"),
            program.name,
        ],
        cwd=workdir,
        env={**os.environ, "MYPYPATH": str(repo.root / "generated")},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.slow
def test_the_generated_facade_iterates_typed_items_and_warns(repo: RepoCopy, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    generated = repo.run("generate", "--spec", str(SHAPES_SPEC))
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert (repo.package / "resources.py").read_text() == _shapes()
    program = tmp_path / "program.py"
    program.write_text(PROGRAM)
    code, output = _mypy(repo, tmp_path, program)
    assert code == 0, output
    env = {**os.environ, "PYTHONPATH": str(repo.root / "generated"), "PYTHONDONTWRITEBYTECODE": "1"}
    ran = subprocess.run(
        [sys.executable, "-W", "error", str(program)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert (ran.returncode, ran.stdout) == (0, "ok\n"), ran.stdout + ran.stderr
    # type checkers report the use of a deprecated operation (mypy: the `deprecated` error code)
    uses = tmp_path / "uses.py"
    uses.write_text(USES_DEPRECATED)
    code, output = _mypy(repo, tmp_path, uses, "--enable-error-code", "deprecated")
    assert code == 1, output
    assert [line for line in output.splitlines() if "[deprecated]" in line] == [
        f"{uses.name}:9: error: function aigenstudio_client.resources.SandboxBalance.list is deprecated:"
        " GET /sandbox/balance is deprecated: Replaced by GET /sandbox/credits, which answers the same"
        " balance.  [deprecated]"
    ], output


@pytest.mark.slow
def test_the_generated_edge_names_type_check(repo: RepoCopy, tmp_path: Path) -> None:
    spec = tmp_path / "edges.yaml"
    spec.write_text(EDGES_SPEC)
    generated = repo.run("generate", "--spec", str(spec))
    assert generated.returncode == 0, generated.stdout + generated.stderr
    repo.assert_typed_and_runs(tmp_path, EDGES_SCRIPT)


EDGES_SCRIPT = """\
import warnings
import httpx
from aigenstudio_client.client import Client
from aigenstudio_client.resources import SyncResources

assert {"help", "things", "headers_", "class_", "labels", "notes", "reports"} <= set(vars(SyncResources))
PAGES = {None: (["a"], 1), "1": (["b"], None)}


def handler(request):
    labels, cursor = PAGES[request.url.params.get("cursor")]
    return httpx.Response(200, json={"labels": labels, "next_cursor": cursor})


class Sync(Client, SyncResources):
    pass


client = Sync(base_url="http://api.test", httpx_args={"transport": httpx.MockTransport(handler)})
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert list(client.labels.iter()) == ["a", "b"]
assert [(w.category, w.filename) for w in caught] == [(DeprecationWarning, "<string>")], caught
assert client.labels.list.__deprecated__.startswith("GET /labels is deprecated")
print("ok")
"""
