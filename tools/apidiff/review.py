"""A review's content, the version bump it suggests and the exit code it maps to."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.apidiff.code_diff import FileDiff
from tools.apidiff.grouping import ApiChange, group
from tools.apidiff.python_diff import HandWritten, Usage
from tools.apidiff.rules import Change, Level

EXIT_OK = 0  # nothing breaking
EXIT_BREAKING = 1  # a breaking change (HTTP or Python surface)
EXIT_USAGE = 2  # bad arguments or unreadable input (a spec, or one the generator refuses)
EXIT_INTERNAL = 3  # a bug in the tool (or the machine ran out of memory)


@dataclass
class Review:
    old_label: str
    new_label: str
    http: list[Change]
    python: list[Change] | None = None  # None: not computed (see python_note)
    code: list[FileDiff] | None = None
    package: str = "aigenstudio_client"
    usages: list[Usage] = field(default_factory=list)  # our own code that the Python breaks hit
    warnings: list[str] = field(default_factory=list)  # about the input: validation problems...
    python_note: str = "--http-only"  # why the Python side was not computed
    generator_failed: bool = False
    operations: dict[str, str] = field(default_factory=dict)  # `METHOD /path` -> module name
    spec_versions: tuple[str, str] = ("", "")  # the specs' info.version, old and new
    handwritten: HandWritten | None = None  # our package's surface and uses (None: not checked)

    def groups(self) -> list[ApiChange]:
        """One entry per API change, its Python fan-out under it (tools/apidiff/grouping.py)."""
        own = self.handwritten.surface if self.handwritten else []
        return group(self.http, [*(self.python or []), *own, *self.own_changes], self.operations)

    @property
    def own_changes(self) -> list[Change]:
        """Our hand-written package's public API changes since the git base (when compared)."""
        return self.handwritten.changes if self.handwritten else []

    def all_changes(self) -> list[Change]:
        return [*self.http, *(self.python or []), *self.own_changes]

    def count(self, level: Level, changes: list[Change] | None = None) -> int:
        pool = self.all_changes() if changes is None else changes
        return sum(1 for change in pool if change.level is level)

    @property
    def has_changes(self) -> bool:
        return bool(self.all_changes() or self.code)

    def bump(self) -> str:
        """SemVer for the client package: any break is major, anything new minor."""
        if self.count(Level.BREAKING):
            return "major"
        if any(change.is_addition for change in self.all_changes()):
            return "minor"
        return "patch" if self.has_changes else "none"

    def exit_code(self) -> int:
        # Python breaks gate too: a tag rename is harmless on the wire but breaks every import.
        if self.count(Level.BREAKING):
            return EXIT_BREAKING
        # Nothing breaking was found, but the spec cannot be generated: not a pass.
        return EXIT_USAGE if self.generator_failed else EXIT_OK
