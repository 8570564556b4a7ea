"""Render a review as Markdown a reviewer can paste into a pull request, and decide the exit code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.apidiff.code_diff import FileDiff, stat, unified
from tools.apidiff.http_diff import Change, Severity
from tools.apidiff.python_diff import Usage

EXIT_OK = 0
EXIT_BREAKING = 1
EXIT_USAGE = 2


@dataclass
class Review:
    old_label: str
    new_label: str
    http: list[Change]
    python: list[Change] | None = None  # None: the Python side was not computed (--http-only)
    code: list[FileDiff] | None = None
    package: str = "aigenstudio_client"
    usages: list[Usage] = field(default_factory=list)  # our own code that the Python breaks hit

    def all_changes(self) -> list[Change]:
        return [*self.http, *(self.python or [])]

    def count(self, severity: Severity, changes: list[Change] | None = None) -> int:
        pool = self.all_changes() if changes is None else changes
        return sum(1 for change in pool if change.severity is severity)

    @property
    def has_changes(self) -> bool:
        return bool(self.all_changes() or self.code)

    def bump(self) -> str:
        """SemVer for the client package: any break is major, any addition minor."""
        if self.count(Severity.BREAKING):
            return "major"
        if self.count(Severity.NON_BREAKING):
            return "minor"
        return "patch" if self.has_changes else "none"

    def exit_code(self) -> int:
        # Python breaks gate too: a tag rename is harmless on the wire but breaks every import.
        return EXIT_BREAKING if self.count(Severity.BREAKING) else EXIT_OK


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _counts(review: Review, changes: list[Change]) -> str:
    return (
        f"{review.count(Severity.BREAKING, changes)} breaking, "
        f"{review.count(Severity.NON_BREAKING, changes)} non-breaking, "
        f"{review.count(Severity.INFO, changes)} info"
    )


def _table(changes: list[Change]) -> list[str]:
    if not changes:
        return ["No changes.", ""]
    rows = ["| Severity | Change | Location | Details |", "| --- | --- | --- | --- |"]
    for change in changes:
        severity = f"**{change.severity}**" if change.severity is Severity.BREAKING else str(change.severity)
        rows.append(
            f"| {severity} | `{change.kind}` | `{_cell(change.location)}` | {_cell(change.message)} |"
        )
    return [*rows, ""]


def _fence(text: str, language: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{language}", text.rstrip("\n"), ticks]


def render(review: Review) -> str:
    lines = [f"## API change review: `{review.old_label}` → `{review.new_label}`", ""]
    if not review.has_changes:
        lines += ["**Summary:** no changes. Suggested version bump: **none**.", ""]
    else:
        python = "" if review.python is None else f"; Python surface: {_counts(review, review.python)}"
        lines += [
            f"**Summary:** {review.count(Severity.BREAKING)} breaking, "
            f"{review.count(Severity.NON_BREAKING)} non-breaking changes "
            f"(HTTP API: {_counts(review, review.http)}{python}). "
            f"Suggested version bump: **{review.bump()}**.",
            "",
        ]
    lines += ["### HTTP API changes", "", *_table(review.http)]
    lines += [f"### Python surface changes (`{review.package}`)", ""]
    lines += ["Not computed (--http-only).", ""] if review.python is None else _table(review.python)
    if review.usages:
        lines += [
            "Hand-written code in this repository that uses a removed import path (fix before merging):",
            "",
        ]
        lines += [f"- `{u.file}:{u.line}` uses `{u.target}`: `{_cell(u.text)}`" for u in review.usages]
        lines += [""]
    lines += ["### Generated code diff", ""]
    if review.code is None:
        lines += ["Not computed (--http-only).", ""]
    elif not review.code:
        lines += ["No changes.", ""]
    else:
        text, cut = unified(review.code)
        lines += [*_fence(stat(review.code), "text"), ""]
        lines += [f"<details><summary>Full diff ({len(review.code)} files)</summary>", ""]
        lines += [*_fence(text, "diff"), ""]
        if cut:
            lines += ["(diff cut short; run `make generate` in a scratch clone for all of it)", ""]
        lines += ["</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
