"""Validation warns about what the generator reads as meant and refuses what would be wrong.

A vendor's spec with small violations of the OpenAPI schema (a `const` in a 3.0 document, a
`title` on an operation) generates, with one warning per violation naming its JSON path;
`--strict` (make generate STRICT=1, make check STRICT=1) refuses it, listing them all. What
would make the client wrong (a `$ref` naming nothing, an operation the generator would leave
out) is refused in both modes. The rule is in tools/generate.py's docstring.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, RepoCopy

pytestmark = pytest.mark.slow

VIOLATIONS_SPEC = ROOT / "tests" / "fixtures" / "specs" / "violations" / "vendor-3.0-with-violations.yaml"
# Where each violation of the fixture is, and what is wrong there.
VIOLATIONS = {
    "$.info": "'summary' was unexpected",
    "$.paths['/product-photo-presets'].get": "'title' was unexpected",
    "$.components.schemas.ProductPhotoPresetListResponse.properties.object": "'const' is not allowed here",
}


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def test_harmless_violations_generate_with_a_warning_at_each_location(repo: RepoCopy) -> None:
    result = repo.run("generate", "--spec", str(VIOLATIONS_SPEC))
    assert result.returncode == 0, result.stderr
    warnings = _warnings(result.stderr)
    assert len(warnings) == len(VIOLATIONS), result.stderr
    for (location, problem), warning in zip(VIOLATIONS.items(), warnings, strict=True):
        assert warning.startswith(f"warning: {VIOLATIONS_SPEC} at {location}: "), warning
        assert problem in warning
    # Read as meant: the 3.0 document's `const` is the generated model's Literal.
    model = (repo.package / "models" / "product_photo_preset_list_response.py").read_text()
    assert 'object_: Literal["list"] | None = None' in model  # absent: None (a const is never null)
    assert (repo.root / "openapi.yaml").read_bytes() == VIOLATIONS_SPEC.read_bytes()


def test_strict_refuses_and_lists_every_problem(repo: RepoCopy) -> None:
    before = repo.snapshot()
    spec_before = (repo.root / "openapi.yaml").read_bytes()
    result = repo.run("generate", "--spec", str(VIOLATIONS_SPEC), "--strict")
    assert result.returncode == 2
    assert f"error: {VIOLATIONS_SPEC}: 3 validation problems (strict mode" in result.stderr
    for location, problem in VIOLATIONS.items():
        assert f"  at {location}: " in result.stderr
        assert problem in result.stderr
    assert repo.snapshot() == before
    assert (repo.root / "openapi.yaml").read_bytes() == spec_before


def test_check_warns_and_strict_check_refuses(repo: RepoCopy) -> None:
    assert repo.run("generate", "--spec", str(VIOLATIONS_SPEC)).returncode == 0
    checked = repo.run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(_warnings(checked.stderr)) == len(VIOLATIONS)
    strict = repo.run("check", "--strict")
    assert strict.returncode == 2
    assert "3 validation problems (strict mode" in strict.stderr


def test_strict_generate_is_not_skipped_as_up_to_date(repo: RepoCopy) -> None:
    assert repo.run("generate", "--spec", str(VIOLATIONS_SPEC)).returncode == 0
    assert "up to date" in repo.run("generate").stdout
    assert repo.run("generate", "--strict").returncode == 2


def _vendor_spec_with(old: str, new: str) -> str:
    text = (ROOT / "openapi.yaml").read_text()
    assert text.count(old) == 1
    return text.replace(old, new)


JOB_ID_PARAMETER = "        - name: jobId\n          in: path\n          required: true\n"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            _vendor_spec_with(
                "$ref: '#/components/schemas/ProductPhotoPreset'", "$ref: 'presets.yaml#/ProductPhotoPreset'"
            ),
            "at $.components.schemas.ProductPhotoPresetListResponse.properties.presets.items.$ref: "
            "$ref 'presets.yaml#/ProductPhotoPreset' points outside this document",
        ),
        (
            _vendor_spec_with(
                "$ref: '#/components/schemas/ProductPhotoPreset'",
                "$ref: '#/components/schemas/Product%20Photo'",
            ),
            "unresolvable $ref '#/components/schemas/Product%20Photo'",
        ),
        (
            _vendor_spec_with(JOB_ID_PARAMETER, JOB_ID_PARAMETER.replace("jobId", "job_id")),
            "Incorrect path templating for /product-photo-jobs/{jobId}",
        ),
        (
            _vendor_spec_with(
                JOB_ID_PARAMETER, JOB_ID_PARAMETER.replace("required: true", "required: false")
            ),
            "Path parameter must be required",
        ),
        (
            _vendor_spec_with("      operationId: listProductPhotoPresets\n", "      operationId: 7\n"),
            "the generator failed",
        ),
    ],
    ids=["ref-to-another-file", "ref-to-nothing", "path-template-mismatch", "optional-path-param", "bad-id"],
)
def test_harmful_problems_are_refused_without_strict(
    repo: RepoCopy, tmp_path: Path, broken: str, expected: str
) -> None:
    before = repo.snapshot()
    bad = tmp_path / "bad.yaml"
    bad.write_text(broken)
    result = repo.run("generate", "--spec", str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr
    assert repo.snapshot() == before


def test_a_ref_inside_example_data_is_data_not_a_reference(repo: RepoCopy, tmp_path: Path) -> None:
    spec = tmp_path / "example-ref.yaml"
    spec.write_text(
        _vendor_spec_with(
            "                request_id: req_abc123\n",
            "                request_id: req_abc123\n"
            "                metadata:\n"
            "                  $ref: not-a-reference\n",
        )
    )
    result = repo.run("generate", "--spec", str(spec))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("strict", "flag"), [("1", True), ("", False), ("0", False)])
def test_make_passes_strict_to_generate_and_check(strict: str, flag: bool) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for target in ("generate", "check"):
        dry = subprocess.run(
            ["make", "-n", "-C", str(ROOT), target, f"STRICT={strict}"],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next(line for line in dry.stdout.splitlines() if "tools/generate.py" in line)
        assert line.split()[2] == target
        assert ("--strict" in line.split()) == flag, line


def test_warnings_are_printable_single_lines_and_capped(repo: RepoCopy, tmp_path: Path) -> None:
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    # 150 problems, each quoting a key that would clear the screen and forge a log line.
    document["components"]["examples"] = {
        f"Example{number}": {"value": number, "\x1b[2J\nerror: forged": True} for number in range(150)
    }
    spec = tmp_path / "hostile.json"
    spec.write_text(json.dumps(document))
    result = repo.run("generate", "--spec", str(spec))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("warning: ") for line in lines), lines[:3]
    assert "\x1b" not in result.stderr
    assert len(lines) == 101
    assert lines[-1] == f"warning: {spec} ... and 50 more"
    assert "('\\x1b[2J" in lines[0]
    strict = repo.run("generate", "--spec", str(spec), "--strict")
    assert strict.returncode == 2
    assert "\x1b" not in strict.stderr
    assert f"error: {spec}: 150 validation problems" in strict.stderr
    assert strict.stderr.rstrip().endswith("  ... and 50 more")


def test_a_reference_segment_is_read_as_written_then_percent_decoded() -> None:
    from tools.apidiff.loader import lookup

    paths = {"/jobs/{id}": {"get": {"operationId": "getJob"}}}
    assert lookup({"paths": paths}, "#/paths/~1jobs~1%7Bid%7D/get/operationId") == "getJob"
    assert lookup({"a%20b": 1, "a b": 2}, "#/a%20b") == 1
    for missing in ("#/a%20c", "#", "#paths", "other.yaml#/a"):
        with pytest.raises(KeyError):
            lookup({"a b": 2}, missing)
