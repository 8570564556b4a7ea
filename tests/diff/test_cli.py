"""The `make diff` command: exit codes, error messages, --base in a git repo, no side effects."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.diff.conftest import FIXTURES, NEXT_SPEC, REPO_SPEC, ROOT, V1_SPEC, Run, run_script
from tools.apidiff import cli
from tools.generate import tree_digest
from tools.spec_file import SpecError

RunDiff = Callable[..., Run]


def test_unchanged_spec_reports_no_changes_and_exits_0(run_diff: RunDiff) -> None:
    result = run_diff("--old", str(REPO_SPEC), "--new", str(REPO_SPEC))
    assert result.code == 0
    assert "no changes" in result.out.lower()
    assert "Suggested version bump: **none**" in result.out
    assert result.report.read_text() == result.out


def test_breaking_http_change_exits_1(run_diff: RunDiff) -> None:
    pair = FIXTURES / "response-property-made-optional"
    result = run_diff("--old", str(pair / "old.yaml"), "--new", str(pair / "new.yaml"), "--http-only")
    assert result.code == 1
    assert (
        "| **breaking** | `property-became-optional` | `response-property-became-optional` "
        "| `GET /pets response 200 #/properties/name` |"
    ) in result.out
    assert "Suggested version bump: **major**" in result.out


def test_a_warning_alone_exits_0(run_diff: RunDiff) -> None:
    pair = FIXTURES / "response-property-removed"  # an optional response property: oasdiff warns
    result = run_diff("--old", str(pair / "old.yaml"), "--new", str(pair / "new.yaml"), "--http-only")
    assert result.code == 0
    assert "| warning | `property-removed` | `response-optional-property-removed` |" in result.out


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
    assert result.err.startswith(f"error: {spec}: 1 validation problem; the first at ")
    # Either validator backend's quoting (python jsonschema: 'object', jsonschema-rs: "object").
    assert re.search(r"at \$\.paths\['/pets'\]\.get\.responses: 7 is not of type .object. \(", result.err)
    assert len(result.err.strip().splitlines()) == 1


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
    assert (
        "| **breaking** | `endpoint-removed` | `api-path-removed-without-deprecation` | `GET /owners` |"
    ) in result.stdout
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


def test_an_internal_error_exits_3_in_one_line_and_cleans_up(
    run_diff: RunDiff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the tool's temp dirs go

    def explode(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(cli, "diff_http", explode)
    pair = FIXTURES / "endpoint-added"
    result = run_diff("--old", str(pair / "old.yaml"), "--new", str(pair / "new.yaml"))
    assert result.code == 3  # not 1, which means "breaking changes found"
    assert result.err == (
        "error: internal error: MemoryError (a bug in tools/apidiff; rerun with --traceback for details)\n"
    )
    assert result.out == ""
    assert list(scratch.iterdir()) == []  # no temp dirs left behind
    assert not result.report.exists()


def test_a_generator_failure_keeps_the_http_report_and_names_the_cause_first(
    run_diff: RunDiff, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = "\n".join(
        [
            "/tmp/x/new.yaml: the generator failed:",
            "Generating /tmp/aigen-diff-1/new/aigenstudio_client",
            "Traceback (most recent call last):",
            *(
                f'  File "/site-packages/openapi_python_client/parser/x.py", line {n}, in f'
                for n in range(400)
            ),
            "KeyError: 'discriminator'",
        ]
    )

    def fail(*_args: object) -> None:
        raise SpecError(log)

    monkeypatch.setattr(cli, "generate_pair", fail)
    pair = FIXTURES / "endpoint-added"
    result = run_diff("--old", str(pair / "old.yaml"), "--new", str(pair / "new.yaml"))
    assert "Python surface: not computed (generator failed: KeyError: 'discriminator')." in result.out
    assert "| info | `endpoint-added` | `endpoint-added` | `GET /owners` |" in result.out
    assert result.code == 2  # nothing breaking found, but the spec cannot be generated
    assert "Traceback" not in result.out + result.err
    assert "error: Python surface not computed: generator failed: KeyError: 'discriminator'" in result.err


def test_generator_cause_picks_the_reason() -> None:
    warning = (
        "x.yaml: the generator failed:\nGenerating /tmp/p\nWarning(s) encountered while generating.\n\n"
        "WARNING parsing POST /a within default. Endpoint will not be generated.\n\n"
        "Unsupported content type application/xml\n\nIf you believe this was a mistake..."
    )
    assert cli.generator_cause(warning) == (
        "Unsupported content type application/xml "
        "(WARNING parsing POST /a within default. Endpoint will not be generated)"
    )
    assert cli.generator_cause("x.yaml at $.a: Dict key must be str") == "x.yaml at $.a: Dict key must be str"


def test_json_format_for_ci_gates(run_diff: RunDiff, tmp_path: Path) -> None:
    pair = FIXTURES / "endpoint-added"
    result = run_diff(
        "--old", str(pair / "new.yaml"), "--new", str(pair / "old.yaml"), "--http-only", "--format", "json"
    )
    assert result.code == 1
    data = json.loads(result.out)
    assert data["http"] == [
        {
            "level": "breaking",
            "rule": "endpoint-removed",
            "oasdiff": "api-path-removed-without-deprecation",
            "location": "GET /owners",
            "message": "endpoint removed (operationId listOwners)",
        }
    ]
    assert data["summary"]["exit_code"] == 1
    assert data["python"] is None
    assert data["python_status"] == "Python surface: not computed (--http-only)"
    assert json.loads(result.report.read_text()) == data
