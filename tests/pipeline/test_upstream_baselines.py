"""The generator's own end-to-end documents go through the pipeline: warnings, then a clean client.

openapi-python-client's baseline 3.0 and 3.1 specs (vendored in tests/fixtures/specs/upstream,
see its README) carry small schema violations and every shape the generator supports. Each is
regenerated into a temporary copy of the repository: generation succeeds with a warning per
violation, and the generated package (the facade included) passes mypy --strict.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, RepoCopy

pytestmark = pytest.mark.slow

UPSTREAM = ROOT / "tests" / "fixtures" / "specs" / "upstream"
BASELINES = [UPSTREAM / "baseline_openapi_3.0.json", UPSTREAM / "baseline_openapi_3.1.yaml"]
# Violations both documents carry, by location (the 3.0 one also has a `const`, a 3.1 keyword).
COMMON_WARNINGS = [
    "at $.paths['/types/unions/duplicate-types'].post: ",  # a `title` on an operation
    "at $.paths['/defaults'].post.parameters[1].schema.default: 1 is not of type 'string'",
]
CONST_IN_3_0 = (
    "at $.paths['/models/oneof-with-required-const'].get.responses[200].content['application/json']"
    ".schema.oneOf[0].properties.type: 'const' is not allowed here"
)
# The generator's own end-to-end config maps this invented media type to JSON; ours does not
# know it, so the generator leaves the operation out and (--fail-on-warning) refuses the spec.
UPSTREAM_MEDIA_TYPE = "content_type_overrides:\n  openapi/python/client: application/json\n"


def _generate_and_type_check(repo: RepoCopy, spec: Path, workdir: Path) -> str:
    result = repo.run("generate", "--spec", str(spec))
    assert result.returncode == 0, result.stderr[-3000:]
    mypy = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(workdir / "mypy")]
    typed = subprocess.run(
        [*mypy, "aigenstudio_client"],
        cwd=repo.root / "generated",
        capture_output=True,
        text=True,
        check=False,
    )
    assert typed.returncode == 0, typed.stdout[-5000:]
    return result.stderr


@pytest.mark.parametrize("spec", BASELINES, ids=lambda spec: spec.suffix[1:])
def test_baseline_generates_with_warnings_and_type_checks_given_its_media_type(
    repo: RepoCopy, tmp_path: Path, spec: Path
) -> None:
    config = repo.root / "generator-config.yaml"
    config.write_text(config.read_text() + UPSTREAM_MEDIA_TYPE)
    stderr = _generate_and_type_check(repo, spec, tmp_path)
    expected = COMMON_WARNINGS + ([CONST_IN_3_0] if spec.suffix == ".json" else [])
    warnings = [line for line in stderr.splitlines() if line.startswith(f"warning: {spec} at ")]
    assert len(warnings) == len(expected), stderr
    for fragment in expected:
        assert any(fragment in warning for warning in warnings), (fragment, stderr)
    # The integer enums of the baseline parse through their from_api_value.
    enum_module = (repo.package / "models" / "an_int_enum.py").read_text()
    assert "def from_api_value(cls, value: int) -> Self:" in enum_module


@pytest.mark.xfail(
    strict=True,
    reason=(
        "known gap: POST /config/content-type-override sends the invented media type "
        "'openapi/python/client' with a plain `type: string` schema (no `format: binary`); our "
        "bytes rule (tools/media_types.py) makes it a File body while the generator's body "
        'template reads it as str, so mypy --strict reports `"str" has no attribute "payload"` '
        "(upstream's own config maps the type to JSON, as the test above does)"
    ),
)
@pytest.mark.parametrize("spec", BASELINES, ids=lambda spec: spec.suffix[1:])
def test_baseline_generates_and_type_checks_with_our_config(
    repo: RepoCopy, tmp_path: Path, spec: Path
) -> None:
    _generate_and_type_check(repo, spec, tmp_path)
