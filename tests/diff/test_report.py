"""The Markdown report: summary counts, suggested bump, exit code, and safe fencing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.apidiff.code_diff import diff_trees
from tools.apidiff.report import Review, render
from tools.apidiff.report_json import as_dict
from tools.apidiff.rules import Change, Level

BREAK = Change(
    "endpoint-removed", Level.BREAKING, "GET /a", "endpoint removed", "api-removed-without-deprecation"
)
ADD = Change("endpoint-added", Level.INFO, "GET /b", "endpoint added", "endpoint-added")
NOTE = Change("tags-changed", Level.INFO, "GET /c", "tags x -> y", "api-tag-added")
WARN = Change("parameter-removed", Level.WARNING, "GET /d parameter query:q", "parameter query:q removed")


@pytest.mark.parametrize(
    ("http", "python", "bump", "code"),
    [
        ([BREAK, ADD], [], "major", 1),
        ([NOTE], [BREAK], "major", 1),  # a Python-only break gates CI too
        ([ADD, NOTE], [ADD], "minor", 0),
        ([WARN], [], "patch", 0),  # a warning does not gate, and adds nothing
        ([NOTE], [], "patch", 0),
        ([], [], "none", 0),
    ],
)
def test_bump_and_exit_code(http: list[Change], python: list[Change], bump: str, code: int) -> None:
    review = Review("old.yaml", "new.yaml", http, python, [])
    assert review.bump() == bump
    assert review.exit_code() == code
    assert f"Suggested version bump: **{bump}**" in render(review)


def test_summary_counts_each_side() -> None:
    text = render(Review("old.yaml", "new.yaml", [BREAK, WARN, ADD, NOTE], [BREAK], []))
    assert "**Summary:** 5 API change(s): 2 breaking, 1 warning, 2 info." in text
    assert (
        "Findings: 2 breaking, 1 warning, 2 info (HTTP API: 1 breaking, 1 warning, 2 info; "
        "Python surface: 1 breaking, 0 warning, 0 info)."
    ) in text


def test_http_rows_name_the_oasdiff_rule() -> None:
    text = render(Review("o", "n", [BREAK, WARN], None))
    assert "| **breaking** | `endpoint-removed` | `api-removed-without-deprecation` | `GET /a` |" in text
    assert "| warning | `parameter-removed` | — | `GET /d parameter query:q` |" in text
    assert "Python surface: not computed (--http-only)." in text


def test_a_generator_failure_keeps_the_http_section_and_says_why() -> None:
    review = Review(
        "o", "n", [ADD], python_note="generator failed: Unsupported content type", generator_failed=True
    )
    text = render(review)
    assert "| info | `endpoint-added` |" in text
    assert "Python surface: not computed (generator failed: Unsupported content type)." in text
    assert review.exit_code() == 2  # nothing breaking was found, but the spec cannot be generated
    review.http.append(BREAK)
    assert review.exit_code() == 1


def test_json_lists_each_change_with_its_rule_ids() -> None:
    data = as_dict(Review("o", "n", [BREAK, WARN], [ADD], [], warnings=["n: 1 validation problem"]))
    assert data["http"][0] == {
        "level": "breaking",
        "rule": "endpoint-removed",
        "oasdiff": "api-removed-without-deprecation",
        "location": "GET /a",
        "message": "endpoint removed",
    }
    assert data["http"][1]["oasdiff"] is None
    assert data["summary"] == {"breaking": 1, "warning": 1, "info": 1, "bump": "major", "exit_code": 1}
    assert data["warnings"] == ["n: 1 validation problem"]
    assert data["python_status"] == "computed"


def test_table_cells_escape_pipes() -> None:
    change = Change("security-added", Level.INFO, "GET /a security", "security a | b -> c")
    assert "| security a \\| b -> c |" in render(Review("o", "n", [change], [], []))


def test_code_fence_outgrows_backticks_in_the_diff(tmp_path: Path) -> None:
    (tmp_path / "a" / "pkg").mkdir(parents=True)
    (tmp_path / "b" / "pkg").mkdir(parents=True)
    (tmp_path / "a" / "pkg" / "doc.py").write_text('"""x"""\n')
    (tmp_path / "b" / "pkg" / "doc.py").write_text('"""```python\nx\n```"""\n')
    text = render(Review("o", "n", [], [], diff_trees(tmp_path / "a" / "pkg", tmp_path / "b" / "pkg")))
    assert "````diff\n" in text
    assert "<details><summary>Full diff (1 files)</summary>" in text


# --- the bump: only new operations or fields are a feature --------------------------------


N, W = Level.INFO, Level.WARNING


@pytest.mark.parametrize(
    ("change", "bump"),
    [
        (Change("endpoint-added", N, "GET /b", "", "endpoint-added"), "minor"),
        (
            Change("parameter-added", N, "GET /b parameter q", "", "new-optional-request-parameter"),
            "minor",
        ),
        (
            Change("property-added", N, "GET /b response 200", "", "response-optional-property-added"),
            "minor",
        ),
        (
            Change("property-added", N, "POST /b request body", "", "new-optional-request-property"),
            "minor",
        ),
        (
            Change(
                "enum-value-added",
                N,
                "POST /b request body",
                "",
                "request-property-enum-value-added",
            ),
            "minor",
        ),
        (Change("function-added", N, "pkg.api.x.sync", ""), "minor"),
        (Change("class-added", N, "pkg.models.x.X", ""), "minor"),
        (Change("attribute-added", N, "pkg.models.x.X.y", ""), "minor"),
        (Change("module-added", N, "pkg.api.x", ""), "minor"),
        (
            Change("pattern-added", N, "GET /b response 200", "", "response-property-pattern-added"),
            "patch",
        ),
        (Change("server-added", N, "servers", ""), "patch"),
        (Change("security-added", N, "GET /b", "", "api-security-added"), "patch"),
        (
            Change(
                "response-status-added",
                N,
                "GET /b response 404",
                "",
                "response-non-success-status-added",
            ),
            "patch",
        ),
        (
            Change("media-type-added", N, "GET /b response 200", "", "response-media-type-added"),
            "patch",
        ),
        (Change("response-header-added", N, "GET /b response 200 header X", ""), "patch"),
        (
            Change(
                "enum-value-added",
                W,
                "GET /b response 200",
                "",
                "response-property-enum-value-added",
            ),
            "patch",
        ),
        (Change("field-became-optional", N, "pkg.models.x.X(y)", ""), "patch"),
    ],
)
def test_only_new_operations_and_fields_bump_minor(change: Change, bump: str) -> None:
    assert Review("old", "new", [change], []).bump() == bump
