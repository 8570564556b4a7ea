"""The generated-code side of the review: `git diff --stat`-style counts and the full diff.

Works on two directories (no git needed), so it can compare two temp generations. A file
that disappears in one place and reappears with the same bytes in another is shown as a
rename, the way git shows it, instead of as a whole-file deletion plus addition.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileDiff:
    old_path: str | None  # None: added
    new_path: str | None  # None: removed
    added: int
    removed: int
    patch: list[str]

    @property
    def name(self) -> str:
        if self.old_path and self.new_path and self.old_path != self.new_path:
            return _rename_name(self.old_path, self.new_path)
        return self.new_path or self.old_path or ""


def _rename_name(old: str, new: str) -> str:
    """git's compact rename form: `api/{product_photo_api => product_photo_jobs}/x.py`."""
    a, b = old.split("/"), new.split("/")
    head = 0
    while head < min(len(a), len(b)) - 1 and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head - 1 and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle = f"{{{'/'.join(a[head : len(a) - tail])} => {'/'.join(b[head : len(b) - tail])}}}"
    return "/".join([*a[:head], middle, *a[len(a) - tail :]])


def _files(root: Path, prefix: str) -> dict[str, Path]:
    return {
        prefix + p.relative_to(root.parent).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)


def _file_diff(old_rel: str | None, old: Path | None, new_rel: str | None, new: Path | None) -> FileDiff:
    before, after = _lines(old), _lines(new)
    patch = list(
        difflib.unified_diff(
            before,
            after,
            fromfile=f"a/{old_rel}" if old_rel else "/dev/null",
            tofile=f"b/{new_rel}" if new_rel else "/dev/null",
        )
    )
    if old_rel and new_rel and old_rel != new_rel:
        patch = [f"rename from {old_rel}\n", f"rename to {new_rel}\n", *patch]
    header = f"diff --git a/{old_rel or new_rel} b/{new_rel or old_rel}\n"
    patch = [header, *patch] if patch else []
    added = sum(1 for line in patch if line.startswith("+") and not line.startswith("+++ "))
    removed = sum(1 for line in patch if line.startswith("-") and not line.startswith("--- "))
    return FileDiff(old_rel, new_rel, added, removed, patch)


def diff_trees(old_root: Path, new_root: Path, prefix: str = "") -> list[FileDiff]:
    """Changed files between two package directories, shown as `prefix` + `package/...`."""
    old_files, new_files = _files(old_root, prefix), _files(new_root, prefix)
    removed = sorted(old_files.keys() - new_files.keys())
    added = sorted(new_files.keys() - old_files.keys())
    renames: dict[str, str] = {}
    for old_rel in removed:
        content = old_files[old_rel].read_bytes()
        same = [n for n in added if n not in renames.values() and new_files[n].read_bytes() == content]
        if same:
            renames[old_rel] = min(same, key=lambda n: (Path(n).name != Path(old_rel).name, n))
    diffs: list[FileDiff] = []
    for rel in sorted(old_files.keys() & new_files.keys()):
        diff = _file_diff(rel, old_files[rel], rel, new_files[rel])
        if diff.patch:
            diffs.append(diff)
    for old_rel, new_rel in renames.items():
        diffs.append(_file_diff(old_rel, old_files[old_rel], new_rel, new_files[new_rel]))
    for rel in removed:
        if rel not in renames:
            diffs.append(_file_diff(rel, old_files[rel], None, None))
    for rel in added:
        if rel not in renames.values():
            diffs.append(_file_diff(None, None, rel, new_files[rel]))
    return sorted(diffs, key=lambda d: d.new_path or d.old_path or "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def stat(diffs: list[FileDiff], width: int = 40) -> str:
    """The `git diff --stat` block: one line per file, then the totals line."""
    if not diffs:
        return "0 files changed"
    name_width = max(len(d.name) for d in diffs)
    count_width = max(len(str(d.added + d.removed)) for d in diffs)
    most = max(d.added + d.removed for d in diffs) or 1
    lines = []
    for d in diffs:
        total = d.added + d.removed
        scale = min(1.0, width / most)
        plus, minus = round(d.added * scale), round(d.removed * scale)
        if total and not plus + minus:
            plus, minus = (1, 0) if d.added else (0, 1)
        lines.append(f" {d.name:<{name_width}} | {total:>{count_width}} {'+' * plus}{'-' * minus}".rstrip())
    added, removed = sum(d.added for d in diffs), sum(d.removed for d in diffs)
    lines.append(
        f" {_plural(len(diffs), 'file')} changed, {_plural(added, 'insertion')}(+), "
        f"{_plural(removed, 'deletion')}(-)"
    )
    return "\n".join(lines)


def unified(diffs: list[FileDiff], max_lines: int = 5000) -> tuple[str, bool]:
    """The full diff text (capped at max_lines; the flag says whether it was cut)."""
    lines = [line if line.endswith("\n") else line + "\n" for d in diffs for line in d.patch]
    cut = len(lines) > max_lines
    return "".join(lines[:max_lines]), cut
