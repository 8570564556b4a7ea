"""The review as JSON, for CI gates (`--format json`): one object per change with its level,
our rule id, oasdiff's rule id, location and message."""

from __future__ import annotations

import json
from typing import Any

from tools.apidiff.report import python_status
from tools.apidiff.review import Review
from tools.apidiff.rules import Change, Level


def _change(change: Change) -> dict[str, str | None]:
    return {
        "level": change.level.value,
        "rule": change.kind,
        "oasdiff": change.oasdiff or None,
        "location": change.location,
        "message": change.message,
    }


def as_dict(review: Review) -> dict[str, Any]:
    code = None
    if review.code is not None:
        code = {
            "files": len(review.code),
            "insertions": sum(d.added for d in review.code),
            "deletions": sum(d.removed for d in review.code),
        }
    return {
        "old": review.old_label,
        "new": review.new_label,
        "summary": {
            "breaking": review.count(Level.BREAKING),
            "warning": review.count(Level.WARNING),
            "info": review.count(Level.INFO),
            "bump": review.bump(),
            "exit_code": review.exit_code(),
        },
        "warnings": review.warnings,
        "http": [_change(c) for c in review.http],
        "python": None if review.python is None else [_change(c) for c in review.python],
        "python_status": python_status(review) if review.python is None else "computed",
        "usages": [{"file": u.file, "line": u.line, "target": u.target} for u in review.usages],
        "code": code,
    }


def render_json(review: Review) -> str:
    return json.dumps(as_dict(review), indent=2, ensure_ascii=False) + "\n"
