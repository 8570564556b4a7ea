"""`make bump [BASE=ref]`: the next version and its CHANGELOG entry, from the API change review.

After `make generate SPEC=...` and the review, this reviews `openapi.yaml` against the last
release exactly as `make diff` does. The last release is the newest `v*` git tag or, with no
tag, the newest version CHANGELOG.md records in the last commit (its spec is the one of the
commit that added that entry); BASE names another git ref. The version goes up from the last
release by the level the review suggests (SemVer: breaking -> major, below 1.0.0 the minor, as
SemVer's 0.x convention does; new operations or fields -> minor; anything else -> patch): the
`__version__` line of overrides/aigenstudio/_version.py is rewritten and a Keep a Changelog
entry is written (Added / Changed / Deprecated / Removed / Fixed / Security, naming the vendor's
spec version change and the calls users write), taking in what `## [Unreleased]` holds.

No API change is a no-op with a message, and so is a second run (the version and its entry are
already in place). Exit codes: 0 done or nothing to do, 2 bad input (no release to compare
with, a spec the review cannot read, a version file without one X.Y.Z version line).
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script (make bump): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.apidiff.cli import UsageError, build_review, package_at_ref, spec_at_ref
from tools.apidiff.grouping import ApiChange, operation_ids
from tools.apidiff.loader import SpecLoadError, load_spec, mapping
from tools.apidiff.review import EXIT_USAGE, Review
from tools.apidiff.rules import Level

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
VERSION_FILE = ROOT / "overrides" / "aigenstudio" / "_version.py"
CHANGELOG = ROOT / "CHANGELOG.md"
_VERSION_LINE = re.compile(r'^__version__ = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)
_RELEASE_HEADING = re.compile(r"^## \[(\d+)\.(\d+)\.(\d+)\]")
_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
SHOWN = 30  # lines per changelog section before "and N more"
SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")  # Keep a Changelog 1.1.0
Version = tuple[int, int, int]


class BumpError(Exception):
    """Reported as `error: ...` with exit code 2."""


@dataclass(frozen=True)
class Release:
    """The last release: its version, the git ref holding its spec (None: --old names the
    file), and how it was found, for the messages."""

    version: Version
    ref: str | None
    found: str


def next_version(version: Version, level: str) -> Version:
    major, minor, patch = version
    if level == "major":
        return (major + 1, 0, 0) if major >= 1 else (0, minor + 1, 0)  # 0.x: breaking bumps the minor
    if level == "minor":
        return major, minor + 1, 0
    return major, minor, patch + 1


def read_version(path: Path) -> Version:
    return _one_version(path.read_text(encoding="utf-8"), str(path))


def _one_version(text: str, where: str) -> Version:
    found = _VERSION_LINE.findall(text)
    if len(found) != 1:
        raise BumpError(f'{where}: expected exactly one line `__version__ = "X.Y.Z"`, found {len(found)}')
    major, minor, patch = (int(part) for part in found[0])
    return major, minor, patch


def write_version(path: Path, version: Version) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(_VERSION_LINE.sub(f'__version__ = "{_dotted(version)}"', text), encoding="utf-8")


def _dotted(version: Version) -> str:
    return ".".join(str(part) for part in version)


def _git(repo: Path, *args: str) -> str | None:
    """git's output, or None when the command fails (not a repository, no such ref...)."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def _version_of(match: re.Match[str] | None) -> Version | None:
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def _tagged_release(repo: Path) -> Release | None:
    tags = (_git(repo, "tag", "--list", "v*") or "").split()
    found = [(version, tag) for tag in tags if (version := _version_of(_TAG.match(tag))) is not None]
    if not found:
        return None
    version, tag = max(found)
    return Release(version, tag, f"tag {tag}")


def _logged_release(repo: Path, changelog: Path) -> Release | None:
    """The newest version the committed CHANGELOG records, and the commit that added it."""
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top is None or not changelog.resolve().is_relative_to(Path(top.strip()).resolve()):
        return None
    name = changelog.resolve().relative_to(Path(top.strip()).resolve()).as_posix()
    text = _git(repo, "show", f"HEAD:{name}")
    versions = [_version_of(_RELEASE_HEADING.match(line)) for _, line in _release_headings(text or "")]
    newest = max((v for v in versions if v is not None), default=None)
    if newest is None:
        return None
    heading = f"## [{_dotted(newest)}]"
    added = (_git(Path(top.strip()), "log", "--format=%H", "-S", heading, "--", name) or "").split()
    if not added:
        return None
    return Release(newest, added[-1], f"{name} at commit {added[-1][:12]}")


def last_release(repo: Path, changelog: Path) -> Release:
    """The newest `v*` tag or, newer or alone, the newest release the committed CHANGELOG holds."""
    found = [r for r in (_tagged_release(repo), _logged_release(repo, changelog)) if r is not None]
    if not found:
        raise BumpError(
            f"no release to compare with: no v* tag and no released version in {changelog.name}'s last "
            "commit: name the base, e.g. make bump BASE=<git ref>"
        )
    return max(found, key=lambda r: (r.version, r.found.startswith("tag")))


def _based_release(repo: Path, base: str, version_file: Path) -> Release:
    """BASE=ref: the version its `_version.py` says (the current one if it has none)."""
    text = None
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top is not None and version_file.resolve().is_relative_to(Path(top.strip()).resolve()):
        name = version_file.resolve().relative_to(Path(top.strip()).resolve()).as_posix()
        text = _git(repo, "show", f"{base}:{name}")
    version = _one_version(text, f"{version_file.name}@{base}") if text else read_version(version_file)
    return Release(version, base, f"git ref {base}")


def operation_summaries(spec: Path) -> dict[str, str]:
    """`METHOD /path` -> the operation's summary (or its operationId), for the entry's words."""
    try:
        document = load_spec(spec)
    except SpecLoadError:
        return {}
    summaries = {}
    for where, operation_id in operation_ids(document).items():
        method, path = where.split(" ", 1)
        operation = mapping(mapping(mapping(document, "paths"), path), method.lower())
        summaries[where] = str(operation.get("summary") or operation_id)
    return summaries


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


def _short(call: str) -> str:
    """A caller's spelling: `pkg.models.job_item.JobItem.field` -> `JobItem.field`."""
    parts = call.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 and parts[1] == "models" else call


def _user_names(group: ApiChange) -> list[str]:
    """The calls and names users write (the sync facade, our helpers, the models); the async,
    raw-response and endpoint-module twins are the same change and are not repeated."""
    calls = group.calls
    twins = ("aigenstudio_client.api.", "async_client.")
    user = [c for c in calls if not c.startswith(twins) and ".with_raw_response." not in c]
    return [_short(c) for c in (user or calls)][:SHOWN_NAMES]


SHOWN_NAMES = 4


def _listed(names: list[str], suffix: str = "") -> str:
    shown = [f"`{name}{suffix}`" for name in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _route(group: ApiChange) -> str:
    location = group.http.location if group.http else ""
    return re.split(r" (?:parameter|request|response|#)", location)[0] if location[:1].isupper() else ""


def section_of(group: ApiChange) -> str:
    """The Keep a Changelog section a change belongs in."""
    kind = group.head.kind
    if kind.startswith("security") or "security" in group.head.location:
        return "Security"
    if "deprecat" in kind:
        return "Deprecated"
    if kind.endswith("-removed"):
        return "Removed"
    if group.level is not Level.BREAKING and group.head.is_addition:
        return "Added"
    return "Changed"


def _wording(group: ApiChange, summaries: dict[str, str]) -> str:
    head, names, route = group.head, _user_names(group), _route(group)
    kind, about = head.kind, summaries.get(route, "")
    param = head.location.rpartition(":")[2] if " parameter " in head.location else ""
    if kind == "endpoint-added":
        return f"{_listed(names, '(...)')}: {about or 'a new operation'} (`{route}`)."
    if kind == "endpoint-removed":
        return f"{_listed(names, '(...)')}: the API no longer has `{route}`{f' ({about})' if about else ''}."
    if kind.startswith("parameter-") and param and group.python:
        calls = _listed([n for n in names if "." in n], f"({param}=...)")
        if kind == "parameter-removed":
            return f"The `{param}` parameter of `{route}` is gone: {calls} no longer take `{param}`."
        if kind == "parameter-added":
            return f"{calls}: new optional `{param}` parameter of `{route}`."
    if kind.startswith("property-") and group.python:
        side = "in responses" if " response " in head.location else "in requests"
        verb = {"property-added": "new field", "property-removed": "field removed"}.get(kind, "field changed")
        return f"{_listed(names)}: {verb} {side}."
    if kind == "enum-value-added" and group.python:
        schema = head.location.rpartition("/")[2]
        values = ", ".join(f"`{v}`" for v in re.findall(r"'([^']*)'", head.message))
        returned = "; the API may now return it, so code that handles every value should handle it"
        returned = returned if head.level is Level.WARNING else ""
        return f"`{schema}` has a new value {values} ({_listed(names)}){returned}."
    where = _listed(names) if names else f"`{route or head.location}`"
    return f"{where}: {head.message}."


def entry_sections(review: Review, summaries: dict[str, str]) -> dict[str, list[str]]:
    """Keep a Changelog section -> its lines, each API change once, breaking ones first."""
    sections: dict[str, list[str]] = {}
    for group in review.groups():
        if group.http is None and all(c in review.own_changes for c in group.python):
            continue  # our hand-written API's own changes: described by hand under [Unreleased]
        line = _wording(group, summaries)
        if group.level is Level.BREAKING:
            line = f"**Breaking:** {line} {group.action}"
        sections.setdefault(section_of(group), []).append(f"- {line}")
    return sections


def _spec_line(review: Review) -> list[str]:
    old, new = review.spec_versions
    if old and new and old != new:
        return [f"The vendor's API specification went from {old} to {new}; the client follows it.", ""]
    if review.http or review.python:
        return [
            f"The client follows the vendor's API specification{f' {new}' if new else ''} as updated.",
            "",
        ]
    return []


def changelog_entry(
    review: Review, version: str, date: str, summaries: dict[str, str], unreleased: dict[str, list[str]]
) -> str:
    """The CHANGELOG section for `version` in Keep a Changelog's order, with what
    `## [Unreleased]` held merged into its sections."""
    generated = entry_sections(review, summaries)
    lines = [f"## [{version}] - {date}", "", *_spec_line(review)]
    for title in SECTIONS:
        items = generated.get(title, [])
        more = [f"- … and {len(items) - SHOWN} more (see `make diff`)"] if len(items) > SHOWN else []
        body = [*items[:SHOWN], *more, *unreleased.get(title, [])]
        if body:
            lines += [f"### {title}", "", *body, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def take_unreleased(text: str) -> tuple[str, dict[str, list[str]]]:
    """The changelog without what `## [Unreleased]` holds (its heading stays), and that content
    by Keep a Changelog section (lines before any `###` count as Changed)."""
    headings = _release_headings(text)
    for index, (at, line) in enumerate(headings):
        if line.lower().startswith("## [unreleased]"):
            start = at + len(line)
            end = headings[index + 1][0] if index + 1 < len(headings) else len(text)
            break
    else:
        return text, {}
    sections: dict[str, list[str]] = {}
    title = "Changed"
    for line in text[start:end].strip("\n").splitlines():
        if line.startswith("### "):
            title = line[4:].strip()
        elif line.strip() or sections.get(title):
            sections.setdefault(title, []).append(line)
    cleaned = {name: _trimmed(lines) for name, lines in sections.items() if _trimmed(lines)}
    return text[:start] + "\n" + text[end:], cleaned


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def has_entry(path: Path, version: str) -> bool:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return any(line.startswith(f"## [{version}]") for _, line in _release_headings(text))


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


def _review_against(release: Release, args: argparse.Namespace) -> tuple[Review, dict[str, str]]:
    new: Path = args.new
    with tempfile.TemporaryDirectory(prefix="aigen-bump-") as work:
        base = None
        if release.ref is None:
            old, old_label = args.old, args.old.name
        else:
            old, old_label = spec_at_ref(new, release.ref, Path(work)), f"{new.name}@{release.ref[:12]}"
            package = package_at_ref(new, release.ref, Path(work))
            base = (package, release.ref[:12]) if package is not None else None
        review = build_review(old, new, old_label, new.name, http_only=False, handwritten_base=base)
        summaries = {**operation_summaries(old), **operation_summaries(new)}
    if review.generator_failed:
        raise BumpError(f"cannot choose the bump: Python surface not computed ({review.python_note})")
    return review, summaries


def _release(args: argparse.Namespace) -> Release:
    repo = args.new.resolve().parent
    if args.old is not None:
        return Release(read_version(args.version_file), None, args.old.name)
    if args.base:
        return _based_release(repo, args.base, args.version_file)
    return last_release(repo, args.changelog)


def bump(args: argparse.Namespace) -> str:
    release = _release(args)
    review, summaries = _review_against(release, args)
    level, last = review.bump(), _dotted(release.version)
    if level == "none":
        since = f"since {last} ({release.found})"
        return f"nothing to release: {args.new.name} has no API change {since}; nothing written"
    target = next_version(release.version, level)
    bumped, current = _dotted(target), read_version(args.version_file)
    if current == target and has_entry(args.changelog, bumped):
        done = f"version {bumped} and its {args.changelog.name} entry are in place"
        return f"already bumped: {done}; nothing written"
    if current != release.version:
        raise BumpError(
            f"{args.version_file.name} says {_dotted(current)}, but the last release is {last} "
            f"({release.found}) and this change makes it {bumped}: set it back to {last}, "
            "or name the base (BASE=<git ref>)"
        )
    text = args.changelog.read_text(encoding="utf-8") if args.changelog.exists() else "# Changelog\n"
    rest, unreleased = take_unreleased(text)
    entry = changelog_entry(review, bumped, args.date, summaries, unreleased)
    args.changelog.write_text(rest, encoding="utf-8")
    prepend_entry(args.changelog, entry, bumped)
    write_version(args.version_file, target)
    why = f"{level}{' (below 1.0.0: the minor)' if level == 'major' and release.version[0] == 0 else ''}"
    if review.own_changes:
        why += f"; {len(review.own_changes)} change(s) of the hand-written API count too"
    return f"version {last} -> {bumped} ({why}, since {release.found}); {args.changelog.name}: entry added"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--new", type=Path, default=SPEC, help="the spec released (default: openapi.yaml)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--base", metavar="REF", help="git ref of the last release (default: newest v* tag, else CHANGELOG)"
    )
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
