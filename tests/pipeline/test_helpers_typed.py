"""A spec change that breaks a hand-written helper fails ``mypy --strict``, not a run.

The maintainer's program: the vendor's next spec removes, renames or widens a parameter a
helper passes to the generated client (``iter_jobs``' status filter, a create-body field the
catalog and the CLI send), or drops an enum value the CLI offers. Each case regenerates a temp
copy of the repo (our ``overrides/aigenstudio`` included) and type-checks the copy's helpers
against the copy's generated package: a break must name the helper's line; a dropped choice
must simply stop being offered (the CLI reads its choices from the generated enums).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, RepoCopy

pytestmark = pytest.mark.slow

Spec = dict[str, Any]


def _list_parameters(spec: Spec) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = spec["paths"]["/product-photo-jobs"]["get"]["parameters"]
    return parameters


def _status_parameter(spec: Spec) -> dict[str, Any]:
    return next(p for p in _list_parameters(spec) if p.get("name") == "status")


def _drop_status_filter(spec: Spec) -> None:
    _list_parameters(spec).remove(_status_parameter(spec))


def _status_filter_becomes_array(spec: Spec) -> None:
    parameter = _status_parameter(spec)
    parameter["schema"] = {"type": "array", "items": parameter["schema"]}
    parameter.update(style="form", explode=True)


def _rename_create_field(old: str, new: str) -> Callable[[Spec], None]:
    def rename(spec: Spec) -> None:
        body = spec["components"]["schemas"]["ProductPhotoJobCreateRequest"]
        body["properties"] = {new if k == old else k: v for k, v in body["properties"].items()}
        body["required"] = [new if k == old else k for k in body.get("required", [])]

    return rename


def _rename_image_field(old: str, new: str) -> Callable[[Spec], None]:
    def rename(spec: Spec) -> None:
        image = spec["components"]["schemas"]["ProductPhotoImageInput"]
        image["properties"] = {new if k == old else k: v for k, v in image["properties"].items()}
        image["required"] = [new if k == old else k for k in image.get("required", [])]

    return rename


def _regenerated(repo: RepoCopy, change: Callable[[Spec], None]) -> None:
    spec_path = repo.root / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    change(spec)
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    generated = repo.run("generate")
    assert generated.returncode == 0, generated.stdout + generated.stderr


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy")


def test_the_unchanged_copy_type_checks(repo: RepoCopy, mypy_cache: Path) -> None:
    # The baseline: the copy's helpers pass against the copy's own regeneration.
    _regenerated(repo, lambda spec: None)
    checked = repo.typecheck_overrides(mypy_cache)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("change", "helper"),
    [
        (_drop_status_filter, "aigenstudio/_workflow/pagination.py"),
        (_status_filter_becomes_array, "aigenstudio/_workflow/pagination.py"),
        (_rename_create_field("images", "inputs"), "aigenstudio/_catalog/planner.py"),
        (_rename_create_field("preservation_level", "fidelity"), "aigenstudio/_catalog/cli.py"),
        (_rename_create_field("operation", "operation_id"), "aigenstudio/_catalog/cli.py"),
        (_rename_create_field("webhook_url", "callback_url"), "aigenstudio/_catalog/"),
        (_rename_image_field("external_id", "sku"), "aigenstudio/_catalog/planner.py"),
    ],
    ids=[
        "status-removed",
        "status-array",
        "images-renamed",
        "preservation_level-renamed",
        "operation-renamed",
        "webhook_url-renamed",
        "external_id-renamed",
    ],
)
def test_a_parameter_change_fails_the_type_check_at_the_helper(
    repo: RepoCopy, mypy_cache: Path, change: Callable[[Spec], None], helper: str
) -> None:
    _regenerated(repo, change)
    checked = repo.typecheck_overrides(mypy_cache)
    report = checked.stdout + checked.stderr
    assert checked.returncode == 1, report
    assert any(line.startswith(helper) and ": error:" in line for line in report.splitlines()), report


CHOICES_SCRIPT = """\
import sys
from aigenstudio._catalog.cli import build_parser

parser = build_parser()
catalog = parser._subparsers._group_actions[0].choices["catalog"]
run = catalog._subparsers._group_actions[0].choices["run"]
for action in run._actions:
    if action.dest in ("preservation_level", "operation"):
        print(action.dest, ",".join(action.choices or ()), sep="=")
"""


def _cli_choices(repo: RepoCopy) -> dict[str, set[str]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repo.root / "overrides"), str(repo.root / "generated")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    ran = subprocess.run(
        [sys.executable, "-c", CHOICES_SCRIPT], env=env, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    pairs = (line.split("=", 1) for line in ran.stdout.splitlines())
    return {name: set(values.split(",")) for name, values in pairs}


def _drop_enum_values(spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    levels = schemas["ProductPhotoJobCreateRequest"]["properties"]["preservation_level"]
    levels["enum"].remove("creative")
    schemas["ProductPhotoOperationId"]["enum"].remove("premium_ad")


def test_a_dropped_enum_value_is_no_longer_offered_by_the_cli(repo: RepoCopy, mypy_cache: Path) -> None:
    assert _cli_choices(repo) == {
        "preservation_level": {"strict", "balanced", "creative"},
        "operation": {
            "product_photo_enhance",
            "remove_background",
            "studio_packshot",
            "marketplace_clean",
            "natural_lifestyle",
            "premium_ad",
        },
    }
    _regenerated(repo, _drop_enum_values)
    checked = repo.typecheck_overrides(mypy_cache)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # nothing names the value
    choices = _cli_choices(repo)
    assert "creative" not in choices["preservation_level"]
    assert "premium_ad" not in choices["operation"]
    assert choices["preservation_level"] == {"strict", "balanced"}


# -- operation names: strings no type checker sees, so a test holds them to the contract --------


def _named_operations(overrides: Path) -> dict[str, str]:
    """Every ``*_OPERATION = "<generated function name>"`` in the package -> where it is written."""
    named: dict[str, str] = {}
    for path in sorted((overrides / "aigenstudio").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.endswith("_OPERATION")
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                named[node.value.value] = f"{path.relative_to(overrides).as_posix()}:{node.lineno}"
    return named


def _unknown_operations(root: Path) -> list[str]:
    contract = json.loads((root / "generated" / "aigenstudio_client" / "contract.json").read_text())
    modules = {operation["module"] for operation in contract["operations"].values()}
    named = _named_operations(root / "overrides")
    return [f"{where}: {name}" for name, where in named.items() if name not in modules]


def test_every_operation_a_helper_names_is_in_the_contract() -> None:
    named = _named_operations(ROOT / "overrides")
    assert len(named) >= 4  # list jobs, get job, create job, list operations
    assert _unknown_operations(ROOT) == []


def test_a_renamed_operation_id_is_reported_at_the_helper(repo: RepoCopy) -> None:
    def rename(spec: Spec) -> None:
        spec["paths"]["/product-photo-jobs/{jobId}"]["get"]["operationId"] = "fetchProductPhotoJob"

    _regenerated(repo, rename)
    [unknown] = _unknown_operations(repo.root)
    assert unknown.startswith("aigenstudio/_workflow/waiting.py:")
    assert unknown.endswith(": get_product_photo_job")
