"""Render a review as Markdown a reviewer can paste into a pull request."""

from __future__ import annotations

import re

from tools.apidiff.code_diff import stat, unified
from tools.apidiff.review import Review
from tools.apidiff.rules import Change, Level

__all__ = ["Review", "render"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _counts(review: Review, changes: list[Change]) -> str:
    return (
        f"{review.count(Level.BREAKING, changes)} breaking, "
        f"{review.count(Level.WARNING, changes)} warning, "
        f"{review.count(Level.INFO, changes)} info"
    )


def _level(change: Change) -> str:
    return f"**{change.level}**" if change.level is Level.BREAKING else str(change.level)


def _http_table(changes: list[Change]) -> list[str]:
    if not changes:
        return ["No changes.", ""]
    rows = ["| Level | Rule | oasdiff | Location | Details |", "| --- | --- | --- | --- | --- |"]
    for change in changes:
        oasdiff = f"`{change.oasdiff}`" if change.oasdiff else "—"
        rows.append(
            f"| {_level(change)} | `{change.kind}` | {oasdiff} | `{_cell(change.location)}` "
            f"| {_cell(change.message)} |"
        )
    return [*rows, ""]


def _python_table(changes: list[Change]) -> list[str]:
    if not changes:
        return ["No changes.", ""]
    rows = ["| Level | Change | Location | Details |", "| --- | --- | --- | --- |"]
    for change in changes:
        rows.append(
            f"| {_level(change)} | `{change.kind}` | `{_cell(change.location)}` | {_cell(change.message)} |"
        )
    return [*rows, ""]


def _fence(text: str, language: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{language}", text.rstrip("\n"), ticks]


def python_status(review: Review) -> str:
    return f"Python surface: not computed ({review.python_note})"


def _summary(review: Review) -> list[str]:
    if not review.has_changes and review.python is not None:
        return ["**Summary:** no changes. Suggested version bump: **none**.", ""]
    python = (
        python_status(review)
        if review.python is None
        else f"Python surface: {_counts(review, review.python)}"
    )
    return [
        f"**Summary:** {review.count(Level.BREAKING)} breaking, {review.count(Level.WARNING)} warning, "
        f"{review.count(Level.INFO)} info (HTTP API: {_counts(review, review.http)}; {python}). "
        f"Suggested version bump: **{review.bump()}**.",
        "",
    ]


def _code(review: Review) -> list[str]:
    lines = ["### Generated code diff", ""]
    if review.code is None:
        return [*lines, "Not computed.", ""]
    if not review.code:
        return [*lines, "No changes.", ""]
    text, cut = unified(review.code)
    lines += [*_fence(stat(review.code), "text"), ""]
    lines += [f"<details><summary>Full diff ({len(review.code)} files)</summary>", ""]
    lines += [*_fence(text, "diff"), ""]
    if cut:
        lines += ["(diff cut short; run `make generate` in a scratch clone for all of it)", ""]
    return [*lines, "</details>", ""]


def render(review: Review) -> str:
    lines = [f"## API change review: `{review.old_label}` → `{review.new_label}`", "", *_summary(review)]
    if review.warnings:
        lines += ["### Warnings", "", *(f"- {_cell(w)}" for w in review.warnings), ""]
    lines += ["### HTTP API changes", "", *_http_table(review.http)]
    lines += [f"### Python surface changes (`{review.package}`)", ""]
    lines += [f"{python_status(review)}.", ""] if review.python is None else _python_table(review.python)
    if review.usages:
        lines += [
            "Hand-written code in this repository that uses a removed import path (fix before merging):",
            "",
        ]
        lines += [f"- `{u.file}:{u.line}` uses `{u.target}`: `{_cell(u.text)}`" for u in review.usages]
        lines += [""]
    lines += _code(review)
    return "\n".join(lines).rstrip("\n") + "\n"
