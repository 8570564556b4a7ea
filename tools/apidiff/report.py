"""Render a review as Markdown a reviewer can paste into a pull request."""

from __future__ import annotations

import re

from tools.apidiff.code_diff import stat, unified
from tools.apidiff.grouping import ApiChange
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


def _spec_versions(review: Review) -> str:
    old, new = review.spec_versions
    if not (old or new) or old == new:
        return f" Vendor spec version: {new or 'not given'}." if new else ""
    return f" Vendor spec version: {old or '?'} → {new or '?'}."


def _summary(review: Review) -> list[str]:
    if not review.has_changes and review.python is not None:
        return [f"**Summary:** no changes.{_spec_versions(review)} Suggested version bump: **none**.", ""]
    python = (
        python_status(review)
        if review.python is None
        else f"Python surface: {_counts(review, review.python)}"
    )
    groups = review.groups()
    levels = [g.level for g in groups]
    return [
        f"**Summary:** {len(groups)} API change(s): {levels.count(Level.BREAKING)} breaking, "
        f"{levels.count(Level.WARNING)} warning, {levels.count(Level.INFO)} info.{_spec_versions(review)} "
        f"Suggested version bump: **{review.bump()}**.",
        "",
        f"Findings: {review.count(Level.BREAKING)} breaking, {review.count(Level.WARNING)} warning, "
        f"{review.count(Level.INFO)} info (HTTP API: {_counts(review, review.http)}; {python}).",
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


SHOWN_CALLS = 3  # Python calls named per API change row before "+N more"
COMMENT_LIMIT = 65_536  # characters in one GitHub pull-request comment
CUT_NOTE = "Report cut to fit one pull-request comment"


def _change_text(group: ApiChange) -> str:
    head = group.head
    return f"`{_cell(head.location)}`: {_cell(head.message)}"


def _fan_out(group: ApiChange) -> str:
    calls = group.calls
    if not calls:
        return "—"
    shown = ", ".join(f"`{c}`" for c in calls[:SHOWN_CALLS])
    return shown + (f" (+{len(calls) - SHOWN_CALLS} more)" if len(calls) > SHOWN_CALLS else "")


def _api_changes(review: Review) -> list[str]:
    """One row per API change (the wire change and its Python fan-out), most severe first."""
    groups = review.groups()
    lines = ["### API changes", ""]
    if not groups:
        return [*lines, "No changes.", ""]
    lines += ["| Level | Change | Python calls affected | What a caller does |", "| --- | --- | --- | --- |"]
    for group in groups:
        action = _cell(group.action) or "—"
        lines.append(f"| {_level_of(group.level)} | {_change_text(group)} | {_fan_out(group)} | {action} |")
    lines.append("")
    stricter = [g for g in groups if g.stricter_python]
    if stricter:
        lines += ["Levels reconciled (the Python side is stricter than the wire):", ""]
        lines += [f"- `{_cell(g.head.location)}` is {g.level}: {g.stricter_python}." for g in stricter]
        lines.append("")
    return lines


def _level_of(level: Level) -> str:
    return f"**{level}**" if level is Level.BREAKING else str(level)


def handwritten_status(review: Review) -> str:
    """One line on our hand-written package (overrides/aigenstudio)."""
    own = review.handwritten
    if own is None:
        return "Hand-written code (`aigenstudio`): not checked (the Python surface was not computed)."
    hits = len(own.affected) + len(own.surface)
    since = ""
    if own.base:
        count = len(own.changes)
        where = " (rows above)" if count else ""
        since = f" Its public API since `{own.base}`: {count or 'no'} change(s){where}."
    if not hits:
        return f"Hand-written code (`aigenstudio`): {own.checked} uses checked, none affected.{since}"
    checked = f"Hand-written code (`aigenstudio`): {own.checked} uses checked"
    return f"{checked}, {hits} affected (fix before merging).{since}"


def _handwritten(review: Review) -> list[str]:
    lines = [handwritten_status(review), ""]
    own = review.handwritten
    if own is None or not (own.affected or own.surface):
        return lines
    lines += [f"- public `{c.location}`: {_cell(c.message)}" for c in own.surface]
    lines += [f"- `{u.file}:{u.line}` uses `{u.target}`: `{_cell(u.text)}`" for u in own.affected]
    return [*lines, ""]


def _folded(title: str, body: list[str]) -> list[str]:
    return [f"<details><summary>{title}</summary>", "", *body, "</details>", ""]


def render(review: Review, limit: int | None = COMMENT_LIMIT) -> str:
    """The review as Markdown, short for a small change (the per-rule tables and the generated
    code diff are folded) and no longer than `limit` (one pull-request comment; see `fit`)."""
    sections = _sections(review)
    if limit is None:
        return "\n".join(line for section in sections for line in section).rstrip("\n") + "\n"
    return fit(sections, limit)


def _sections(review: Review) -> list[list[str]]:
    """The report's sections, the ones `fit` may shorten last."""
    head = [f"## API change review: `{review.old_label}` → `{review.new_label}`", "", *_summary(review)]
    if review.warnings:
        head += ["### Warnings", "", *(f"- {_cell(w)}" for w in review.warnings), ""]
    head += _api_changes(review)
    if review.python is not None:
        head += _handwritten(review)
    if review.usages:
        head += [
            "Hand-written code in this repository that uses a removed import path (fix before merging):",
            "",
        ]
        head += [f"- `{u.file}:{u.line}` uses `{u.target}`: `{_cell(u.text)}`" for u in review.usages]
        head += [""]
    http = _folded(
        f"HTTP API changes, by rule ({len(review.http)})",
        ["### HTTP API changes", "", *_http_table(review.http)],
    )
    python_body = [f"### Python surface changes (`{review.package}`)", ""]
    python_body += (
        [f"{python_status(review)}.", ""] if review.python is None else _python_table(review.python)
    )
    python = _folded(f"Python surface changes ({len(review.python or [])})", python_body)
    return [head, http, python, _code(review)]


def fit(sections: list[list[str]], limit: int) -> str:
    """Join the sections; if the text is longer than `limit`, cut the later sections at a line
    boundary (closing an open fence and `<details>`) and say where the whole report is."""
    text = "\n".join(line for section in sections for line in section).rstrip("\n") + "\n"
    if len(text) <= limit:
        return text
    note = [
        "",
        f"**{CUT_NOTE} ({limit:,} characters).** The whole report is "
        "the `api-diff` artifact of this run (`reports/api-diff.full.md`); `make diff` prints it.",
    ]
    budget = limit - len("\n".join(note)) - 200  # room for the closing fence and tags
    kept: list[str] = []
    used, fence, details = 0, "", 0
    for line in (line for section in sections for line in section):
        if used + len(line) + 1 > budget:
            break
        kept.append(line)
        used += len(line) + 1
        marker = re.match(r"^(`{3,})", line)
        if marker and (not fence or marker.group(1) == fence):
            fence = "" if fence else marker.group(1)
        details += line.startswith("<details>") - line.startswith("</details>")
    kept += [fence] if fence else []
    kept += ["", "</details>"] * details
    return "\n".join([*kept, *note]).rstrip("\n") + "\n"
