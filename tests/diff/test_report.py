"""The Markdown report: summary counts, suggested bump, exit code, and safe fencing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.apidiff.code_diff import diff_trees
from tools.apidiff.http_diff import Change, Severity
from tools.apidiff.report import Review, render

BREAK = Change("endpoint-removed", Severity.BREAKING, "GET /a", "endpoint removed")
ADD = Change("endpoint-added", Severity.NON_BREAKING, "GET /b", "endpoint added")
NOTE = Change("tags-changed", Severity.INFO, "GET /c", "tags x -> y")


@pytest.mark.parametrize(
    ("http", "python", "bump", "code"),
    [
        ([BREAK, ADD], [], "major", 1),
        ([NOTE], [BREAK], "major", 1),  # a Python-only break gates CI too
        ([ADD, NOTE], [ADD], "minor", 0),
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
    text = render(Review("old.yaml", "new.yaml", [BREAK, ADD, NOTE], [BREAK], []))
    assert (
        "**Summary:** 2 breaking, 1 non-breaking changes (HTTP API: 1 breaking, 1 non-breaking, 1 info; "
        "Python surface: 1 breaking, 0 non-breaking, 0 info)."
    ) in text


def test_table_cells_escape_pipes() -> None:
    change = Change("security-changed", Severity.BREAKING, "GET /a security", "security a | b -> c")
    assert "| security a \\| b -> c |" in render(Review("o", "n", [change], [], []))


def test_code_fence_outgrows_backticks_in_the_diff(tmp_path: Path) -> None:
    (tmp_path / "a" / "pkg").mkdir(parents=True)
    (tmp_path / "b" / "pkg").mkdir(parents=True)
    (tmp_path / "a" / "pkg" / "doc.py").write_text('"""x"""\n')
    (tmp_path / "b" / "pkg" / "doc.py").write_text('"""```python\nx\n```"""\n')
    text = render(Review("o", "n", [], [], diff_trees(tmp_path / "a" / "pkg", tmp_path / "b" / "pkg")))
    assert "````diff\n" in text
    assert "<details><summary>Full diff (1 files)</summary>" in text
