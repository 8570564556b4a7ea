"""Compared schema pairs ("units") and how their findings are reported.

A unit is either a place in an operation (a parameter, body, response or header schema: a
root) or a pair of components compared in one context. Units record who uses them. A unit
reached along a single chain of uses from one root is reported there, at its full JSON
pointer; one used in several places (or inside a reference cycle) is reported once, at the
component, with how many places reach it and the first few: a removal in a component used in
550 places is one row, not 550.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.apidiff.loader import ref_name
from tools.apidiff.rules import Change, Context, Level

SHOWN_SITES = 3


@dataclass(frozen=True)
class Finding:
    """A change found in a unit; `parts` is the JSON pointer below the unit's schemas."""

    parts: tuple[str, ...]
    kind: str
    level: Level
    oasdiff: str
    message: str


@dataclass(eq=False)
class Unit:
    old: dict[str, Any]
    new: dict[str, Any]
    ctx: Context
    label: str  # a root's location ("GET /pets response 200") or the component's `$ref`
    root: bool
    findings: list[Finding] = field(default_factory=list)
    uses: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # (user unit, pointer)


def pointer(base: str, parts: tuple[str, ...]) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "/".join([base, *escaped])


def _at(where: str, parts: tuple[str, ...]) -> str:
    return where if not parts else f"{where} {pointer('#', parts)}"


def _chain(units: list[Unit], index: int) -> tuple[int, tuple[str, ...]] | None:
    """(root, pointer from it) when exactly one chain of single uses leads to the unit."""
    parts: tuple[str, ...] = ()
    seen: set[int] = set()
    while not units[index].root:
        uses = units[index].uses
        if len(uses) != 1 or index in seen:
            return None
        seen.add(index)
        index, use = uses[0]
        parts = (*use, *parts)
    return index, parts


def _sites(units: list[Unit], index: int) -> set[str]:
    """The root locations that reach a unit (the use graph may have cycles)."""
    seen, stack, sites = {index}, [index], set()
    while stack:
        unit = units[stack.pop()]
        if unit.root:
            sites.add(unit.label)
        for user, _ in unit.uses:
            if user not in seen:
                seen.add(user)
                stack.append(user)
    return sites


def _reached(message: str, component: str, sites: set[str]) -> str:
    shown = sorted(sites)
    more = ", …" if len(shown) > SHOWN_SITES else ""
    places = f"{len(shown)} place{'s' if len(shown) != 1 else ''}"
    return f"{message} (in {component}; reached from {places}: {', '.join(shown[:SHOWN_SITES])}{more})"


def report(units: list[Unit]) -> list[Change]:
    """Inline where one chain of uses from one place leads to a finding; otherwise one row per
    finding of a component, across the contexts it was compared in, with the places."""
    changes: list[Change] = []
    by_finding: dict[tuple[str, str, Level, str, str], list[tuple[int, Finding]]] = {}
    for index, unit in enumerate(units):
        if unit.root:
            where = unit.label
            changes += [
                Change(f.kind, f.level, _at(where, f.parts), f.message, f.oasdiff) for f in unit.findings
            ]
            continue
        for f in unit.findings:
            key = (pointer(unit.label, f.parts), f.kind, f.level, f.oasdiff, f.message)
            by_finding.setdefault(key, []).append((index, f))
    for (location, kind, level, oasdiff, message), found_in in by_finding.items():
        chain = _chain(units, found_in[0][0]) if len(found_in) == 1 else None
        if chain is not None:
            root, prefix = chain
            where = _at(units[root].label, (*prefix, *found_in[0][1].parts))
            changes.append(Change(kind, level, where, message, oasdiff))
            continue
        sites = set().union(*(_sites(units, index) for index, _ in found_in))
        component = ref_name(units[found_in[0][0]].label)
        changes.append(Change(kind, level, location, _reached(message, component, sites), oasdiff))
    return changes
