"""The generated-code diff: git-style stat lines, renames, and the full unified diff."""

from __future__ import annotations

from pathlib import Path

from tools.apidiff.code_diff import diff_trees, stat, unified


def _tree(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for rel, text in files.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    return package


def test_modified_added_removed_and_renamed_files(tmp_path: Path) -> None:
    old = _tree(
        tmp_path / "a", {"a.py": "x = 1\ny = 2\n", "api/old/f.py": "def f(): ...\n", "gone.py": "z = 0\n"}
    )
    new = _tree(
        tmp_path / "b", {"a.py": "x = 1\ny = 3\nw = 4\n", "api/new/f.py": "def f(): ...\n", "c.py": "c = 1\n"}
    )
    diffs = diff_trees(old, new, prefix="generated/")
    assert stat(diffs).splitlines() == [
        " generated/pkg/a.py                  | 3 ++-",
        " generated/pkg/api/{old => new}/f.py | 0",
        " generated/pkg/c.py                  | 1 +",
        " generated/pkg/gone.py               | 1 -",
        " 4 files changed, 3 insertions(+), 2 deletions(-)",
    ]
    text, cut = unified(diffs)
    assert not cut
    assert "diff --git a/generated/pkg/a.py b/generated/pkg/a.py\n" in text
    assert "-y = 2\n+y = 3\n+w = 4\n" in text
    assert "rename from generated/pkg/api/old/f.py\nrename to generated/pkg/api/new/f.py\n" in text
    assert "--- /dev/null\n+++ b/generated/pkg/c.py\n" in text


def test_identical_trees_have_no_diff(tmp_path: Path) -> None:
    files = {"a.py": "x = 1\n"}
    assert diff_trees(_tree(tmp_path / "a", files), _tree(tmp_path / "b", files)) == []


def test_long_diffs_are_cut_and_say_so(tmp_path: Path) -> None:
    old = _tree(tmp_path / "a", {"a.py": "".join(f"x{i} = {i}\n" for i in range(50))})
    new = _tree(tmp_path / "b", {"a.py": ""})
    text, cut = unified(diff_trees(old, new), max_lines=10)
    assert cut
    assert len(text.splitlines()) == 10
