"""`make bump [BASE=ref]`: the next version and its CHANGELOG entry, from the API change review.

After `make generate SPEC=...` and the review, this reviews `openapi.yaml` against BASE (the
newest `v*` git tag by default) exactly as `make diff` does, bumps the version by the level it
suggests (SemVer: breaking -> major, below 1.0.0 the minor, as SemVer's 0.x convention does;
new operations or fields -> minor; anything else -> patch), rewrites the `__version__` line of
overrides/aigenstudio/_version.py and prepends an entry to CHANGELOG.md: breaking changes first,
then the operations added and removed by method and path (with their operation ids), the
Python surface changes and the rest. Exit codes: 0 done, 2 bad input (no tag and no BASE, a
spec the review cannot read, a version file without one X.Y.Z version line).
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script (make bump): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.apidiff.cli import UsageError, build_review, spec_at_ref
from tools.apidiff.http_diff import HTTP_METHODS
from tools.apidiff.loader import SpecLoadError, load_spec
from tools.apidiff.review import EXIT_USAGE, Review
from tools.apidiff.rules import Change, Level

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
VERSION_FILE = ROOT / "overrides" / "aigenstudio" / "_version.py"
CHANGELOG = ROOT / "CHANGELOG.md"
_VERSION_LINE = re.compile(r'^__version__ = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)
SHOWN = 30  # lines per changelog section before "and N more"


class BumpError(Exception):
    """Reported as `error: ...` with exit code 2."""


def next_version(version: tuple[int, int, int], level: str) -> tuple[int, int, int]:
    major, minor, patch = version
    if level == "major":
        return (major + 1, 0, 0) if major >= 1 else (0, minor + 1, 0)  # 0.x: breaking bumps the minor
    if level == "minor":
        return major, minor + 1, 0
    return major, minor, patch + 1


def read_version(path: Path) -> tuple[int, int, int]:
    found = _VERSION_LINE.findall(path.read_text(encoding="utf-8"))
    if len(found) != 1:
        raise BumpError(f'{path}: expected exactly one line `__version__ = "X.Y.Z"`, found {len(found)}')
    major, minor, patch = (int(part) for part in found[0])
    return major, minor, patch


def write_version(path: Path, version: tuple[int, int, int]) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(_VERSION_LINE.sub(f'__version__ = "{_dotted(version)}"', text), encoding="utf-8")


def _dotted(version: tuple[int, int, int]) -> str:
    return ".".join(str(part) for part in version)


def last_release_tag(repo: Path) -> str:
    result = subprocess.run(
        ["git", "tag", "--list", "v*", "--sort=-v:refname"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    tags = result.stdout.split()
    if result.returncode != 0 or not tags:
        raise BumpError("no release tag (v*) to compare with: name the base, e.g. make bump BASE=<git ref>")
    return tags[0]


def operation_ids(spec: Path) -> dict[str, str]:
    """`METHOD /path` -> operationId."""
    try:
        paths = load_spec(spec).get("paths") or {}
    except SpecLoadError:
        return {}
    return {
        f"{method.upper()} {path}": str(item[method].get("operationId", ""))
        for path, item in paths.items()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    }


def _line(change: Change) -> str:
    return f"- `{change.location}`: {change.message} (`{change.kind}`)"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    more = [f"- … and {len(lines) - SHOWN} more (see `make diff`)"] if len(lines) > SHOWN else []
    return [f"### {title}", "", *lines[:SHOWN], *more, ""]


def _operation(location: str, ids: dict[str, str]) -> str:
    name = ids.get(location)
    return f"- `{location}`" + (f" (`{name}`)" if name else "")


def changelog_entry(
    review: Review, version: str, date: str, ids: tuple[dict[str, str], dict[str, str]]
) -> str:
    """The CHANGELOG section for `version`: breaking changes first, then operations added and
    removed (method, path, operation id), the Python surface, the other API changes."""
    python = review.python or []
    breaking = [c for c in review.http + python if c.level is Level.BREAKING]
    added = [c for c in review.http if c.kind == "endpoint-added"]
    removed = [c for c in review.http if c.kind == "endpoint-removed"]
    rest = [c for c in review.http if c.level is not Level.BREAKING and c not in added and c not in removed]
    summary = (
        f"API change review of `{review.new_label}` against `{review.old_label}`: "
        f"{review.count(Level.BREAKING)} breaking, {review.count(Level.WARNING)} warning, "
        f"{review.count(Level.INFO)} info; bump: {review.bump()}."
    )
    lines = [f"## [{version}] - {date}", "", summary, ""]
    lines += _section("Breaking changes", [_line(c) for c in breaking])
    lines += _section("Operations added", [_operation(c.location, ids[1]) for c in added])
    lines += _section("Operations removed", [_operation(c.location, ids[0]) for c in removed])
    lines += _section("Python surface", [_line(c) for c in python if c.level is not Level.BREAKING])
    lines += _section("Other API changes", [_line(c) for c in rest])
    return "\n".join(lines).rstrip("\n") + "\n"


def _release_headings(text: str) -> list[tuple[int, str]]:
    """(offset, line) of each `## ` heading outside fenced code blocks."""
    found: list[tuple[int, str]] = []
    offset, fenced = 0, False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            found.append((offset, line))
        offset += len(line)
    return found


def prepend_entry(path: Path, entry: str, version: str) -> None:
    """Insert `entry` above the newest release: below the title, its introduction and a
    Keep-a-Changelog `## [Unreleased]` section, which stays on top."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    headings = _release_headings(text)
    if any(re.match(rf"## \[{re.escape(version)}\]", line) for _, line in headings):
        raise BumpError(f"{path}: already has an entry for {version}")
    releases = [(at, line) for at, line in headings if not line.lower().startswith("## [unreleased]")]
    if not releases:
        path.write_text(text.rstrip("\n") + "\n\n" + entry, encoding="utf-8")
    else:
        at = releases[0][0]
        path.write_text(text[:at] + entry + "\n" + text[at:], encoding="utf-8")


def bump(args: argparse.Namespace) -> str:
    new: Path = args.new
    version = read_version(args.version_file)
    with tempfile.TemporaryDirectory(prefix="aigen-bump-") as work:
        if args.old is not None:
            old, old_label = args.old, args.old.name
        else:
            base = args.base or last_release_tag(new.resolve().parent)
            old, old_label = spec_at_ref(new, base, Path(work)), f"{new.name}@{base}"
        review = build_review(old, new, old_label, new.name, http_only=False)
        ids = (operation_ids(old), operation_ids(new))
    if review.generator_failed:
        raise BumpError(f"cannot choose the bump: Python surface not computed ({review.python_note})")
    level = review.bump() if review.bump() != "none" else "patch"
    bumped = _dotted(next_version(version, level))
    entry = changelog_entry(review, bumped, args.date, ids)
    prepend_entry(args.changelog, entry, bumped)
    write_version(args.version_file, next_version(version, level))
    why = f"{level}{' (below 1.0.0: the minor)' if level == 'major' and version[0] == 0 else ''}"
    return f"version {_dotted(version)} -> {bumped} ({why}); {args.changelog.name}: entry added"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--new", type=Path, default=SPEC, help="the spec released (default: openapi.yaml)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--base", metavar="REF", help="git ref of the last release (default: newest v* tag)")
    source.add_argument("--old", type=Path, help="the last release's spec, as a file")
    parser.add_argument("--version-file", type=Path, default=VERSION_FILE)
    parser.add_argument("--changelog", type=Path, default=CHANGELOG)
    parser.add_argument(
        "--date", default=datetime.date.today().isoformat(), help="entry date (default: today)"
    )
    args = parser.parse_args(argv)
    try:
        print(bump(args))
    except (BumpError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    sys.exit(main())
