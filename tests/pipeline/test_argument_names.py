"""The contract names every parameter as the generated function does: one naming, the generator's.

The runtime names a parameter in its errors (``RequestValidationError.field``) and finds path
values by the contract's ``argument``; a name computed by a look-alike rule (``ETag`` ->
``etag``, ``url`` -> ``url``) would name an argument the generated function does not have.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RepoCopy

# Names a naive snake_case gets wrong: acronyms, keywords, builtins, dashes, and the names the
# generator renames (``url`` and ``client`` are its own arguments; ``id`` in two locations).
NAMES_SPEC = """\
openapi: 3.1.0
info: {title: Names, version: 1.0.0}
paths:
  /things/{id}/{HTTPStatus}:
    get:
      operationId: getThingByHTTPStatus
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: HTTPStatus, in: path, required: true, schema: {type: integer}}
        - {name: id, in: query, schema: {type: string}}
        - {name: class, in: query, schema: {type: string}}
        - {name: type, in: query, schema: {type: string}}
        - {name: url, in: query, schema: {type: string}}
        - {name: client, in: query, schema: {type: string}}
        - {name: page2Size, in: query, schema: {type: integer}}
        - {name: ETag, in: header, schema: {type: string}}
        - {name: X-Request-Id, in: header, schema: {type: string}}
      responses:
        '204': {description: done}
  /plain:
    post:
      responses:
        '204': {description: done}
"""

NAMES_SCRIPT = """\
import importlib, inspect, json, pathlib, pkgutil
import aigenstudio_client
from aigenstudio_client import api

package = pathlib.Path(aigenstudio_client.__file__).parent
contract = json.loads((package / "contract.json").read_text())
modules = {
    info.name.rsplit(".", 1)[-1]: importlib.import_module(info.name)
    for info in pkgutil.walk_packages(api.__path__, prefix="aigenstudio_client.api.")
    if not info.ispkg
}
seen = {}
for operation in contract["operations"].values():
    function = modules[operation["module"]].sync_detailed
    arguments = list(inspect.signature(function).parameters)
    for parameter in operation["parameters"]:
        assert parameter["argument"] in arguments, (parameter, arguments)
        seen[(parameter["in"], parameter["name"])] = parameter["argument"]
print(json.dumps(sorted(f"{k[0]} {k[1]} {v}" for k, v in seen.items())))
"""


@pytest.mark.slow
def test_the_contract_names_each_parameter_as_the_generated_signature_does(
    repo: RepoCopy, tmp_path: Path
) -> None:
    spec = tmp_path / "names.yaml"
    spec.write_text(NAMES_SPEC)
    generated = repo.run("generate", "--spec", str(spec))
    assert generated.returncode == 0, generated.stdout + generated.stderr
    env = {**os.environ, "PYTHONPATH": str(repo.root / "generated"), "PYTHONDONTWRITEBYTECODE": "1"}
    ran = subprocess.run(
        [sys.executable, "-c", NAMES_SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.strip() == (
        '["header ETag e_tag", "header X-Request-Id x_request_id", "path HTTPStatus http_status", '
        '"path id id_path", "query class class_", "query client client_query", "query id id_query", '
        '"query page2Size page_2_size", "query type type_", "query url url_query"]'
    )
