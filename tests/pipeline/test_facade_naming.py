"""The facade's naming rule (tools/facade.py), one test per rule, and its independence of tags."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.facade import name_operation, public_surface, qualify_builtins, qualify_models, render_facade

from .conftest import NEXT_SPEC, ROOT, RepoCopy

# -- the rule, operation by operation ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        ("/product-photo-jobs", "get", (("product_photo_jobs",), "list")),
        ("/product-photo-jobs", "post", (("product_photo_jobs",), "create")),
        ("/product-photo-jobs/{jobId}", "get", (("product_photo_jobs",), "get")),
        ("/jobs/{jobId}", "put", (("jobs",), "replace")),
        ("/jobs/{jobId}", "patch", (("jobs",), "update")),
        ("/jobs/{jobId}", "delete", (("jobs",), "delete")),
    ],
    ids=["collection-get", "collection-post", "item-get", "item-put", "item-patch", "item-delete"],
)
def test_collection_and_item_verbs(path: str, method: str, expected: Any) -> None:
    assert name_operation(path, method) == expected


def test_resource_is_the_first_segment_in_snake_case() -> None:
    assert name_operation("/Product-Photo.Jobs", "get") == (("product_photo_jobs",), "list")
    assert name_operation("/productPhotoJobs/{id}", "get") == (("product_photo_jobs",), "get")
    assert name_operation("/class", "get") == (("class_",), "list")  # a keyword stays usable


def test_a_post_to_a_segment_after_an_item_is_that_action() -> None:
    assert name_operation("/jobs/{jobId}/cancel", "post") == (("jobs",), "cancel")
    assert name_operation("/jobs/{id}/items/{itemId}/retry-now", "POST") == (("jobs", "items"), "retry_now")


def test_nested_collections_nest() -> None:
    assert name_operation("/jobs/{jobId}/items", "get") == (("jobs", "items"), "list")
    assert name_operation("/jobs/{jobId}/items/{itemId}", "get") == (("jobs", "items"), "get")
    assert name_operation("/jobs/{jobId}/items/{itemId}", "delete") == (("jobs", "items"), "delete")


def test_a_post_to_a_segment_the_spec_also_uses_as_a_collection_is_create() -> None:
    spec = [("/jobs/{jobId}/items", "get"), ("/jobs/{jobId}/items", "post")]
    assert name_operation("/jobs/{jobId}/items", "post", spec) == (("jobs", "items"), "create")
    below = [("/jobs/{id}/items/{itemId}", "get"), ("/jobs/{jobId}/items", "post")]
    assert name_operation("/jobs/{jobId}/items", "post", below) == (("jobs", "items"), "create")
    alone = [("/jobs/{jobId}/cancel", "post"), ("/jobs/{jobId}", "get")]
    assert name_operation("/jobs/{jobId}/cancel", "post", alone) == (("jobs",), "cancel")


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        ("/jobs", "delete", (("jobs",), None)),  # the rule has no verb for it
        ("/jobs/{jobId}", "post", (("jobs",), None)),
        ("/jobs", "head", (("jobs",), None)),
        ("/jobs/{a}/{b}", "get", (("jobs",), None)),  # nothing names the second parameter
        ("/jobs/{jobId}:cancel", "post", (("jobs",), None)),  # a segment mixing both
        ("/", "get", (("root",), None)),  # no literal segment at all
        ("/{tenant}/jobs", "get", (("jobs",), "list")),  # leading parameters name nothing
    ],
)
def test_what_the_rule_does_not_name_falls_back(path: str, method: str, expected: Any) -> None:
    assert name_operation(path, method) == expected


def test_builtins_in_annotations_are_qualified_outside_string_literals() -> None:
    assert qualify_builtins('x: list[int] | Unset = UNSET,\ny: Literal["list"] = "list",\n') == (
        'x: builtins.list[int] | Unset = UNSET,\ny: Literal["list"] = "list",\n'
    )
    nested = "builtins.list[dict[str, list[A]]]"
    assert qualify_builtins(nested) == "builtins.list[dict[str, builtins.list[A]]]"


def test_models_in_annotations_are_named_through_the_models_package() -> None:
    names = frozenset({"Job", "Status"})
    code = 'x: Job | None = None,\ny: Status | Unset = Status.QUEUED,\nz: Literal["Job"] = "Job",\nw: a.Job\n'
    assert qualify_models(code, names) == (
        "x: models.Job | None = None,\ny: models.Status | Unset = models.Status.QUEUED,\n"
        'z: Literal["Job"] = "Job",\nw: a.Job\n'
    )


# -- a whole spec ------------------------------------------------------------------------

NAMING_SPEC = """\
openapi: 3.1.0
info: {title: Naming, version: 1.0.0}
paths:
  /jobs:
    get:
      operationId: listJobs
      tags: [Jobs]
      summary: List jobs
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, default: 2}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/JobPage'}}}
    post:
      operationId: createJob
      tags: [Jobs]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}
      responses:
        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
  /jobs/{jobId}:
    parameters:
      - {name: jobId, in: path, required: true, schema: {type: string}}
    get:
      operationId: getJob
      tags: [Jobs]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
        '404':
          description: missing
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
    put:
      operationId: replaceJob
      tags: [Jobs]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
    patch:
      operationId: updateJob
      tags: [Jobs]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
    delete:
      operationId: deleteJob
      tags: [Jobs]
      responses:
        '204': {description: gone}
  /jobs/{jobId}/cancel:
    post:
      operationId: cancelJob
      tags: [Jobs]
      security: [{token: []}]  # the generated function then asks for an AuthenticatedClient
      parameters:
        - {name: jobId, in: path, required: true, schema: {type: string}}
        - {name: X-Request-Id, in: header, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
  /jobs/{jobId}/items:
    parameters:
      - {name: jobId, in: path, required: true, schema: {type: string}}
    get:
      operationId: listJobItems
      tags: [Items]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}
    post:
      operationId: addJobItem
      tags: [Items]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
      responses:
        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
  /jobs/{jobId}/items/{itemId}:
    get:
      operationId: getJobItem
      tags: [Items]
      parameters:
        - {name: jobId, in: path, required: true, schema: {type: string}}
        - {name: itemId, in: path, required: true, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
  /reports/{reportId}:
    delete:
      operationId: deleteReport
      tags: [Reports]
      parameters:
        - {name: reportId, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
  /reports/{reportId}/delete:
    post:
      operationId: deleteReportLater
      tags: [Reports]
      parameters:
        - {name: reportId, in: path, required: true, schema: {type: string}}
      responses:
        '202': {description: queued}
  /presets:
    get:
      operationId: listPresets
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Presets'}}}
  /headers:
    get:
      operationId: listHeaders
      responses:
        '200': {description: ok, content: {text/plain: {schema: {type: string}}}}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    Job:
      type: object
      required: [id]
      properties:
        id: {type: string}
    JobPage:
      type: object
      required: [jobs]
      properties:
        jobs: {type: array, items: {$ref: '#/components/schemas/Job'}}
        next_cursor: {type: [string, 'null']}
        labels: {type: array, items: {type: string}}
    Item:
      type: object
      required: [id]
      properties:
        id: {type: integer}
    Presets:
      type: object
      properties:
        names: {type: array, items: {type: string}}
    Problem:
      type: object
      properties:
        detail: {type: string}
"""

# The same operations under other tags (and one tag dropped): the facade must not move.
REGROUPED_SPEC = (
    NAMING_SPEC.replace("tags: [Jobs]", "tags: [Work]")
    .replace("tags: [Items]", "tags: [Work]")
    .replace("tags: [Reports]", "tags: [Admin Reports]")
    .replace("operationId: listPresets\n", "operationId: listPresets\n      tags: [Metadata]\n")
)

EXPECTED_SURFACE = {
    # class -> its public methods and properties (nested resources are properties)
    "Jobs": [
        *("cancel", "create", "delete", "get", "items", "iter", "list", "replace", "update"),
        "with_raw_response",
    ],
    "JobsItems": ["create", "get", "list", "with_raw_response"],
    "Reports": ["delete_report", "delete_report_later", "with_raw_response"],
    "PresetsResource": ["list", "with_raw_response"],  # `Presets` is a model's name
    "Headers": ["list", "with_raw_response"],
    "SyncResources": ["headers_", "jobs", "presets", "reports"],  # `headers`: a client attribute
}


@pytest.fixture(scope="module")
def facade() -> str:
    return render_facade(yaml.safe_load(NAMING_SPEC))


def _members(text: str) -> dict[str, list[str]]:
    return {
        node.name: sorted(
            {  # a verb with a keyword body has @overload stubs of the same name
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_")
            }
        )
        for node in ast.parse(text).body
        if isinstance(node, ast.ClassDef)
    }


def test_the_spec_maps_to_the_expected_resources_and_verbs(facade: str) -> None:
    members = _members(facade)
    for name, expected in EXPECTED_SURFACE.items():
        assert members[name] == expected, name
    for name in ["Jobs", "JobsItems", "Reports", "PresetsResource", "Headers"]:
        # each resource in four flavours, the raw ones without `iter` and `with_raw_response`
        assert members[f"Async{name}"] == members[name]
        plain = [m for m in members[name] if m not in ("iter", "with_raw_response")]
        assert members[f"{name}WithRawResponse"] == plain
        assert members[f"Async{name}WithRawResponse"] == plain
    assert members["AsyncResources"] == members["SyncResources"]
    assert "Presets" not in members  # the model keeps its name


def test_arguments_mirror_the_generated_functions(facade: str) -> None:
    signatures = {
        (cls, name): sig
        for cls, methods in public_surface(facade).items()
        for sig in methods
        for name in [sig.split("(", 1)[0].removeprefix("async ")]
    }
    # The generated function's arguments as a caller writes them: an optional one defaults to
    # None (not sent) and one with a default keeps it, never the generator's UNSET; and every
    # method also takes timeout= and extra_headers=.
    per_call = "timeout: float | httpx.Timeout | None=None, extra_headers: Mapping[str, str] | None=None"
    assert signatures["JobsItems", "get"] == (
        f"get(self, job_id: str, item_id: int, *, {per_call}) -> models.Item"
    )
    assert signatures["Jobs", "cancel"] == (
        f"cancel(self, job_id: str, *, x_request_id: str | None=None, {per_call}) -> models.Job"
    )
    assert signatures["Jobs", "list"] == (
        "list(self, *, cursor: str | None=None, limit: int=2,"
        f" tags: builtins.list[str] | None=None, {per_call}) -> models.JobPage"
    )
    # iter: list's arguments without the cursor, yielding the page's one list of models
    assert signatures["Jobs", "iter"] == (
        f"iter(self, *, limit: int=2, tags: builtins.list[str] | None=None, {per_call})"
        " -> Iterator[models.Job]"
    )
    assert "Unset" not in " ".join(signatures.values())
    assert signatures["AsyncJobs", "iter"].startswith("async iter(self, *, limit")
    assert signatures["AsyncJobs", "iter"].endswith("-> AsyncIterator[models.Job]")
    assert signatures["JobsItems", "list"] == (
        f"list(self, job_id: str, *, {per_call}) -> builtins.list[models.Item]"
    )
    assert signatures["JobsItemsWithRawResponse", "get"].endswith("-> RawResponse[models.Item]")
    assert signatures["Jobs", "delete"].endswith("-> None")  # a 204 without content


# The endpoint modules, named where the facade imports them: the TYPE_CHECKING imports and
# the stand-ins that import each on first use (the only lines that name a tag package).
ENDPOINT_IMPORTS = re.compile(r"^if TYPE_CHECKING:\n(?:    .*\n|\n)*?else:\n(?:    .*\n)+", re.MULTILINE)


def _endpoint_modules(text: str) -> list[tuple[str, str]]:
    """(global name, module) of each endpoint stand-in, without its tag package."""
    found = re.findall(r'(_ep__\w+) = _Endpoint\(\s*"\1",\s*"\.api\.\w+\.(\w+)"', text)
    return sorted(found)


def test_a_tag_regrouping_leaves_the_facade_unchanged_but_its_imports(facade: str) -> None:
    regrouped = render_facade(yaml.safe_load(REGROUPED_SPEC))
    assert public_surface(regrouped) == public_surface(facade)
    assert len(ENDPOINT_IMPORTS.findall(facade)) == 1
    assert ENDPOINT_IMPORTS.sub("", regrouped) == ENDPOINT_IMPORTS.sub("", facade)
    assert _endpoint_modules(regrouped) == _endpoint_modules(facade) != []
    assert "from .api.work import" in regrouped
    assert "from .api.jobs import" in facade
    assert '".api.work.' in regrouped


def test_the_vendor_tag_regrouping_leaves_the_facade_unchanged_but_its_imports() -> None:
    from tools.facade import load_document

    today = render_facade(load_document(ROOT / "openapi.yaml"))
    regrouped = render_facade(load_document(NEXT_SPEC))
    assert public_surface(regrouped) == public_surface(today)
    assert today == (ROOT / "generated" / "aigenstudio_client" / "resources.py").read_text()
    assert regrouped != today  # the endpoint modules did move...
    # ...and only the imports changed
    assert ENDPOINT_IMPORTS.sub("", regrouped) == ENDPOINT_IMPORTS.sub("", today)
    assert _endpoint_modules(regrouped) == _endpoint_modules(today) != []
    assert "product_photo_api" in today
    assert "product_photo_api" not in ENDPOINT_IMPORTS.sub("", today)


LAZY_SPEC = """\
openapi: 3.1.0
info: {title: Lazy, version: 1.0.0}
paths:
  /studios/{studioId}:
    get:
      operationId: getStudio
      parameters:
        - {name: studioId, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Studio'}}}}
  /studios/{studioId}/models:
    get:
      operationId: listStudioModels
      parameters:
        - {name: studioId, in: path, required: true, schema: {type: string}}
        - {name: status, in: query, schema: {type: string, enum: [queued, done], default: queued}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Studio'}}}}
components:
  schemas:
    Studio: {type: object, required: [id], properties: {id: {type: string}}}
"""


def test_the_facade_imports_no_endpoint_module_and_no_model_at_import() -> None:
    text = render_facade(yaml.safe_load(LAZY_SPEC))
    compile(text, "resources.py", "exec")
    outside = ENDPOINT_IMPORTS.sub("", text)  # the TYPE_CHECKING imports and the stand-ins
    assert ".api." not in outside
    assert "from .models" not in outside
    assert _endpoint_modules(text) == [
        ("_ep__get_studio", "get_studio"),
        ("_ep__list_studio_models", "list_studio_models"),
    ]
    assert "from . import errors, models\n" in text
    # models are named through the lazy package; an enum default loads that enum alone
    assert "-> models.Studio:" in text
    assert "= models.ListStudioModelsStatus.QUEUED," in text
    # a nested resource named `models` would shadow the package in its class: it gets a "_"
    assert "def models_(self) -> StudiosModels:" in text
    assert "def models(" not in text


def test_the_rendered_text_is_stable(facade: str) -> None:
    assert render_facade(yaml.safe_load(NAMING_SPEC)) == facade
    compile(facade, "resources.py", "exec")


# -- the generated package, typed and run ---------------------------------------------------

RUN_SCRIPT = """\
import asyncio, json
import httpx
from aigenstudio_client.client import Client
from aigenstudio_client.models import Item, Job
from aigenstudio_client.resources import AsyncResources, RawResponse, SyncResources

PAGES = {None: (["a", "b"], "c1"), "c1": (["c"], "c2"), "c2": (["d"], "c1")}  # c1 repeats
seen = []

def handler(request):
    seen.append(f"{request.method} {request.url.path}")
    path = request.url.path
    if path == "/jobs" and request.method == "GET":
        ids, cursor = PAGES[request.url.params.get("cursor")]
        return httpx.Response(200, json={"jobs": [{"id": i} for i in ids], "next_cursor": cursor},
                              headers={"X-Request-Id": "req-1"})
    if path.endswith("/items") and request.method == "GET":
        return httpx.Response(200, json=[{"id": 1}, {"id": 2}])
    if "/items" in path:
        return httpx.Response(201 if request.method == "POST" else 200, json={"id": 7})
    if request.method == "DELETE" or path.endswith("/delete"):
        return httpx.Response(204 if request.method == "DELETE" else 202)
    if path == "/jobs/missing":
        return httpx.Response(404, json={"detail": "no"})
    return httpx.Response(201 if request.method == "POST" and path == "/jobs" else 200, json={"id": "j"})

class Sync(Client, SyncResources): pass
class Async(Client, AsyncResources): pass

client = Sync(base_url="http://api.test", httpx_args={"transport": httpx.MockTransport(handler)})
jobs = client.jobs
assert client.jobs is jobs  # one resource object per client
from aigenstudio_client import errors as _errors
_seen = []
try:
    _seen.extend(j.id for j in jobs.iter())
except _errors.PaginationLoop as _loop:  # the repeated cursor: raised, never a silent stop
    assert _loop.cursor == "c1" and _loop.pages == 3
else:
    raise AssertionError("iter() must raise at a repeated cursor")
assert _seen == ["a", "b", "c", "d"]
assert isinstance(jobs.create(body=Job(id="j")), Job)
assert jobs.get("j").id == "j" and jobs.replace("j", body=Job(id="j")).id == "j"
assert jobs.update("j", body=Job(id="j")).id == "j" and jobs.cancel("j").id == "j"
assert jobs.delete("j") is None
assert [i.id for i in jobs.items.list("j")] == [1, 2]
assert jobs.items.get("j", 3).id == 7 and jobs.items.create("j", body=Item(id=7)).id == 7
client.reports.delete_report("r")
client.reports.delete_report_later("r")
raw = jobs.with_raw_response.list()
assert isinstance(raw, RawResponse) and raw.status_code == 200 and raw.request_id == "req-1"
assert [j.id for j in raw.parse().jobs] == ["a", "b"]
from aigenstudio_client import errors
try:
    jobs.get("missing")  # a declared error status: the plain generated client parses it
except errors.UnexpectedStatus as error:
    assert error.status_code == 404
else:
    raise AssertionError("a 404 came back as a Job")
assert seen[:5] == ["GET /jobs", "GET /jobs", "GET /jobs", "POST /jobs", "GET /jobs/j"], seen

async def main():
    aclient = Async(base_url="http://api.test", httpx_args={"transport": httpx.MockTransport(handler)})
    _aseen = []
    try:
        async for j in aclient.jobs.iter(limit=5):
            _aseen.append(j.id)
    except _errors.PaginationLoop:
        pass
    else:
        raise AssertionError("async iter() must raise at a repeated cursor")
    assert _aseen == ["a", "b", "c", "d"]
    assert (await aclient.jobs.items.get("j", 1)).id == 7
    raw = await aclient.jobs.items.with_raw_response.get("j", 1)
    assert (raw.status_code, raw.request_id, raw.parse().id) == (200, None, 7)
asyncio.run(main())
try:
    SyncResources().jobs
except TypeError:
    pass
else:
    raise AssertionError("a resource outside a client")
print("ok")
"""


@pytest.mark.slow
def test_generated_facade_is_typed_and_calls_the_right_operations(repo: RepoCopy, tmp_path: Path) -> None:
    spec = tmp_path / "naming.yaml"
    spec.write_text(NAMING_SPEC)
    generated = repo.run("generate", "--spec", str(spec))
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert (repo.package / "resources.py").read_text() == render_facade(yaml.safe_load(NAMING_SPEC))

    repo.assert_typed_and_runs(tmp_path, RUN_SCRIPT)
