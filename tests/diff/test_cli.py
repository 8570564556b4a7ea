"""The `make diff` command: exit codes, error messages, --base in a git repo, no side effects."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.diff.conftest import FIXTURES, NEXT_SPEC, REPO_SPEC, ROOT, V1_SPEC, Run, run_script
from tools.generate import tree_digest

RunDiff = Callable[..., Run]


def test_unchanged_spec_reports_no_changes_and_exits_0(run_diff: RunDiff) -> None:
    result = run_diff("--old", str(REPO_SPEC), "--new", str(REPO_SPEC))
    assert result.code == 0
    assert "no changes" in result.out.lower()
    assert "Suggested version bump: **none**" in result.out
    assert result.report.read_text() == result.out


def test_breaking_http_change_exits_1(run_diff: RunDiff) -> None:
    pair = FIXTURES / "response-property-removed"
    result = run_diff("--old", str(pair / "old.yaml"), "--new", str(pair / "new.yaml"), "--http-only")
    assert result.code == 1
    assert "| **breaking** | `property-removed` | `GET /pets response 200 #/properties/name` |" in result.out
    assert "Suggested version bump: **major**" in result.out


def test_non_breaking_change_exits_0_and_suggests_minor(run_diff: RunDiff) -> None:
    pair = FIXTURES / "endpoint-added"
    result = run_diff("--old", str(pair / "old.yaml"), "--new", str(pair / "new.yaml"), "--http-only")
    assert result.code == 0
    assert "Suggested version bump: **minor**" in result.out


def test_malformed_yaml_exits_2_naming_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\npaths:\n  /pets: [unclosed\n")
    result = run_script("--new", str(broken), "--output", str(tmp_path / "r.md"))
    assert result.returncode == 2
    assert str(broken) in result.stderr
    assert "invalid YAML" in result.stderr
    assert "(line 4, column 1)" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "r.md").exists()


def test_invalid_openapi_exits_2_naming_the_file_and_json_path(run_diff: RunDiff, tmp_path: Path) -> None:
    spec = tmp_path / "no-responses.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /pets:\n    get: {operationId: x, responses: 7}\n"
    )
    result = run_diff("--new", str(spec))
    assert result.code == 2
    assert result.err.startswith(f"error: {spec}")
    # Either validator backend's quoting (python jsonschema: 'object', jsonschema-rs: "object").
    assert re.search(r"at \$\.paths\['/pets'\]\.get\.responses: 7 is not of type .object.$", result.err, re.M)


def test_unresolvable_ref_exits_2_naming_the_ref(run_diff: RunDiff, tmp_path: Path) -> None:
    spec = tmp_path / "dangling.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n"
        "        '200': {$ref: '#/components/responses/Gone'}\n"
    )
    result = run_diff("--new", str(spec))
    assert result.code == 2
    assert str(spec) in result.err
    assert "#/components/responses/Gone" in result.err


def test_missing_file_exits_2(run_diff: RunDiff, tmp_path: Path) -> None:
    result = run_diff("--new", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert "nope.yaml: cannot read the spec" in result.err


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def spec_repo(tmp_path: Path) -> Path:
    """A throwaway git repo with one committed spec (the real repo's git state is never used)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copy(FIXTURES / "endpoint-added" / "new.yaml", repo / "openapi.yaml")
    _git(repo, "add", "openapi.yaml")
    _git(repo, "commit", "-q", "-m", "spec")
    return repo


def test_base_compares_the_working_spec_with_the_committed_one(spec_repo: Path, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "endpoint-added" / "old.yaml", spec_repo / "openapi.yaml")  # drops /owners
    status_before = _git(spec_repo, "status", "--porcelain")
    result = run_script(
        "--base",
        "HEAD",
        "--new",
        "openapi.yaml",
        "--http-only",
        "--output",
        str(tmp_path / "r.md"),
        cwd=spec_repo,
    )
    assert result.returncode == 1, result.stderr
    assert "`openapi.yaml@HEAD` → `openapi.yaml`" in result.stdout
    assert "| **breaking** | `endpoint-removed` | `GET /owners` |" in result.stdout
    assert _git(spec_repo, "status", "--porcelain") == status_before


def test_base_with_an_unknown_ref_exits_2(spec_repo: Path, tmp_path: Path) -> None:
    result = run_script(
        "--base", "no-such-ref", "--new", "openapi.yaml", "--output", str(tmp_path / "r.md"), cwd=spec_repo
    )
    assert result.returncode == 2
    assert "openapi.yaml at no-such-ref" in result.stderr


@pytest.mark.slow
def test_next_split_tags_breaks_python_imports_but_not_the_wire(run_diff: RunDiff) -> None:
    generated_before = tree_digest(ROOT / "generated" / "aigenstudio_client")
    spec_before = REPO_SPEC.read_bytes()

    result = run_diff("--old", str(V1_SPEC), "--new", str(NEXT_SPEC))

    assert result.code == 1  # the Python surface breaks, so CI gates on it
    http = result.out.split("### HTTP API changes")[1].split("### Python surface changes")[0]
    python = result.out.split("### Python surface changes")[1].split("### Generated code diff")[0]
    code = result.out.split("### Generated code diff")[1]
    assert "**breaking**" not in http
    assert http.count("`tags-changed`") == 5
    assert "HTTP API: 0 breaking" in result.out
    for module, tag in [
        ("create_product_photo_job", "product_photo_jobs"),
        ("get_product_photo_job", "product_photo_jobs"),
        ("list_product_photo_jobs", "product_photo_jobs"),
        ("list_product_photo_operations", "product_photo_metadata"),
        ("list_product_photo_presets", "product_photo_metadata"),
    ]:
        assert (
            f"| **breaking** | `module-moved` | `aigenstudio_client.api.product_photo_api.{module}` "
            f"| moved to `aigenstudio_client.api.{tag}.{module}`"
        ) in python
    assert "Suggested version bump: **major**" in result.out
    assert "generated/aigenstudio_client/api/{product_photo_api => product_photo_jobs}/__init__.py" in code
    assert "<details><summary>Full diff" in code
    # Regeneration happened in a temp dir only.
    assert tree_digest(ROOT / "generated" / "aigenstudio_client") == generated_before
    assert REPO_SPEC.read_bytes() == spec_before
