"""The Python side of the review: what changes for code that imports the generated client.

Both specs are regenerated with the pipeline's own `generate_into` (same pinned generator,
config and templates as `make generate`) into a temp dir, then compared with griffe: its
`find_breaking_changes` classifies signature and attribute breaks, and a listing of the public
modules, classes, functions and fields adds what it leaves out (additions, and every module of
a moved tree, such as the endpoint modules a tag rename moves to a new import path).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from tools.apidiff.rules import Change, Level, order
from tools.generate import generate_into


@dataclass(frozen=True)
class Surface:
    """Public objects of one generated package: dotted path -> griffe kind value."""

    objects: dict[str, str]
    root: Any  # the griffe Module, kept for find_breaking_changes


def generate_pair(old_spec: Path, new_spec: Path, workdir: Path) -> tuple[Path, Path]:
    """Generate both specs under workdir; returns the two package directories."""
    return generate_into(old_spec, workdir / "old"), generate_into(new_spec, workdir / "new")


def load_surface(package_dir: Path) -> Surface:
    """Load a generated package statically (never imported, so nothing of it runs)."""
    root = griffe.load(
        package_dir.name,
        search_paths=[package_dir.parent],
        modules_collection=griffe.ModulesCollection(),  # two same-named packages must not mix
        allow_inspection=False,
    )
    objects: dict[str, str] = {}
    _collect(root, objects)
    return Surface(objects, root)


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _collect(obj: Any, objects: dict[str, str]) -> None:
    objects[obj.path] = obj.kind.value
    for name, member in obj.members.items():
        if member.is_alias or not _is_public(name):
            continue  # re-exports are checked by griffe; private names are not surface
        if member.is_module or member.is_class:
            _collect(member, objects)
        elif member.is_function or (member.is_attribute and obj.is_class):
            objects[member.path] = member.kind.value


def _under(path: str, roots: set[str]) -> bool:
    return any(path == root or path.startswith(root + ".") for root in roots)


def _find_moves(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Removed module -> added module of the same name (unique), e.g. after a tag rename."""
    removed = [p for p in old.keys() - new.keys() if old[p] == "module"]
    added = [p for p in new.keys() - old.keys() if new[p] == "module"]
    moves: dict[str, str] = {}
    for path in sorted(removed):
        name = path.rpartition(".")[2]
        candidates = [p for p in added if p.rpartition(".")[2] == name]
        if len(candidates) == 1:
            moves[path] = candidates[0]
    return moves


def _members(objects: dict[str, str], root: str) -> set[str]:
    return {p[len(root) :] for p in objects if p.startswith(root + ".")}


def _listing(old: Surface, new: Surface, moves: dict[str, str]) -> tuple[list[Change], set[str]]:
    """Added/removed/moved objects, topmost only (every moved module is listed); also returns
    the roots already covered, so griffe's own report of the same removal is not repeated."""
    covered: set[str] = set()
    changes: list[Change] = []
    for path in sorted(old.objects.keys() - new.objects.keys()):
        if path in moves:  # checked first: a moved module inside a removed package is still listed
            same = _members(old.objects, path) == _members(new.objects, moves[path])
            message = (
                f"moved to `{moves[path]}` (import path changed; {'same' if same else 'changed'} members)"
            )
            changes.append(Change("module-moved", Level.BREAKING, path, message))
        elif not _under(path, covered):
            kind = old.objects[path]
            changes.append(Change(f"{kind}-removed", Level.BREAKING, path, f"{kind} removed"))
        covered.add(path)
    added_roots = set(moves.values())
    for path in sorted(new.objects.keys() - old.objects.keys()):
        if _under(path, added_roots):
            continue
        added_roots.add(path)
        kind = new.objects[path]
        changes.append(Change(f"{kind}-added", Level.INFO, path, f"{kind} added"))
    return changes, covered


def _parameter_names(obj: Any) -> list[str]:
    return [p.name for p in obj.parameters if p.name not in ("self", "cls")]


def _same_functions(old: Surface, new: Surface, moves: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(old path, new path) of every function on both sides, following moved modules."""
    for path, kind in sorted(old.objects.items()):
        if kind != "function":
            continue
        target = path
        for source, destination in moves.items():
            if path.startswith(source + "."):
                target = destination + path[len(source) :]
        if new.objects.get(target) == "function":
            yield path, target


def _optional_parameters_added(old: Surface, new: Surface, moves: dict[str, str]) -> Iterator[Change]:
    """griffe reports required additions; optional ones are new (non-breaking) features."""
    for old_path, new_path in _same_functions(old, new, moves):
        before = set(_parameter_names(_relative(old, old_path)))
        for param in _relative(new, new_path).parameters:
            if param.name not in before and param.name not in ("self", "cls") and param.default is not None:
                yield Change(
                    "parameter-added",
                    Level.INFO,
                    f"{new_path}({param.name})",
                    f"optional parameter `{param.name}` added (default {param.default})",
                )


def _breakage_change(breakage: Any) -> Change:
    kind = breakage.kind.name.lower().replace("_", "-")
    location = breakage.obj.path
    old, new = breakage.old_value, breakage.new_value
    if kind.startswith("parameter-"):
        param = old if old is not None else new
        location = f"{location}({param.name})"
        if kind == "parameter-changed-default":
            return Change(
                kind, Level.BREAKING, location, f"{breakage.kind.value}: {old.default} -> {new.default}"
            )
        return Change(kind, Level.BREAKING, location, breakage.kind.value)
    detail = f": {old} -> {new}" if old is not None and new is not None else ""
    return Change(kind, Level.BREAKING, location, f"{breakage.kind.value}{detail}")


def _relative(surface: Surface, path: str) -> Any:
    return surface.root[path.partition(".")[2]]


def diff_surfaces(old: Surface, new: Surface) -> list[Change]:
    moves = _find_moves(old.objects, new.objects)
    listing, covered = _listing(old, new, moves)
    changes = [*listing, *_optional_parameters_added(old, new, moves)]
    pairs = [(old.root, new.root)] + [(_relative(old, a), _relative(new, b)) for a, b in moves.items()]
    for old_obj, new_obj in pairs:  # moved modules too: a move can hide a signature change
        for breakage in griffe.find_breaking_changes(old_obj, new_obj):
            change = _breakage_change(breakage)
            if change.kind == "object-removed" and _under(breakage.obj.path, covered):
                continue  # already listed above, with the move target where there is one
            changes.append(change)
    return sorted(_facade_names(changes, {**_facade_paths(old), **_facade_paths(new)}), key=order)


_ENTRY_CLASSES = {"SyncResources": "client", "AsyncResources": "async_client"}


def _facade_paths(surface: Surface) -> dict[str, str]:
    """Resource facade class -> how a caller reaches it: ProductPhotoJobs ->
    client.product_photo_jobs, ProductPhotoJobsWithRawResponse -> ...with_raw_response."""
    try:
        module = surface.root["resources"]
    except (KeyError, AttributeError):
        return {}
    paths: dict[str, str] = {}
    for entry, caller in _ENTRY_CLASSES.items():
        if entry not in module.members:
            continue
        for name, member in module[entry].members.items():
            if member.is_attribute and member.annotation is not None and _is_public(name):
                paths[str(member.annotation)] = f"{caller}.{name}"
    for cls, reached in list(paths.items()):
        if cls in module.members and module[cls].is_class:
            for name, member in module[cls].members.items():
                if member.is_attribute and member.annotation is not None and _is_public(name):
                    paths.setdefault(str(member.annotation), f"{reached}.{name}")
    return paths


def _facade_names(changes: list[Change], paths: dict[str, str]) -> list[Change]:
    """Name facade changes the way callers write them: `client.product_photo_jobs.cancel`."""
    named: list[Change] = []
    for change in changes:
        dotted = change.location.split("(", 1)[0]
        head, _, member = dotted.rpartition(".")
        parent = head.rpartition(".")[2]
        if ".resources." in dotted and parent in paths:
            call = f"{paths[parent]}.{member}"
            change = Change(change.kind, change.level, change.location, f"{change.message} (`{call}`)")
        elif ".resources." in dotted and member in paths:
            change = Change(
                change.kind, change.level, change.location, f"{change.message} (`{paths[member]}`)"
            )
        named.append(change)
    return named


def diff_python(old_package: Path, new_package: Path) -> list[Change]:
    """Every Python-surface change between two generated packages (directories)."""
    return diff_surfaces(load_surface(old_package), load_surface(new_package))


@dataclass(frozen=True)
class Usage:
    """A line of our hand-written code that imports something the new package no longer has."""

    file: str
    line: int
    target: str
    text: str


_GONE_KINDS = ("module-moved", "module-removed", "class-removed", "function-removed")


def _patterns(target: str) -> list[re.Pattern[str]]:
    module, _, name = target.rpartition(".")
    return [
        re.compile(rf"(?<![\w.]){re.escape(target)}(?![\w])"),  # import a.b.c / "a.b.c" / from a.b.c import
        re.compile(rf"from\s+{re.escape(module)}\s+import\s+.*(?<![\w.]){re.escape(name)}(?!\w)"),
    ]


def find_usages(changes: list[Change], files: list[Path], base: Path) -> list[Usage]:
    """Lines in `files` that name a removed or moved module, class or function."""
    # Longest first, so a line names the moved module rather than its removed package.
    gone = sorted((c.location for c in changes if c.kind in _GONE_KINDS), key=len, reverse=True)
    patterns = [(target, pattern) for target in gone for pattern in _patterns(target)]
    usages: list[Usage] = []
    for path in files:
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if text.lstrip().startswith("#"):  # a comment mentioning a path imports nothing
                continue
            hit = next((target for target, pattern in patterns if pattern.search(text)), None)
            if hit:
                usages.append(Usage(path.relative_to(base).as_posix(), number, hit, text.strip()))
    return usages
