"""The oasdiff-like cases of cases.yaml, and how often our HTTP verdict agrees with oasdiff's.

    .venv/bin/python tests/diff/oasdiff/agreement.py [--root CHECKOUT]

prints, per case, oasdiff's level and our verdict, then the agreement count. --root runs the
`make diff` code of another checkout (e.g. a `git worktree` of an older commit), so the
figure can be compared before and after a change; only `load_spec` and `diff_http` are used.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).with_name("cases.yaml")


@dataclass(frozen=True)
class Case:
    rule: str
    level: str  # oasdiff's: ERR, WARN, INFO or NONE
    old: dict[str, Any]
    new: dict[str, Any]
    ours: str | None  # a verdict we give on purpose instead of oasdiff's

    @property
    def breaking(self) -> bool:
        """oasdiff's verdict: only ERR fails its breaking-change gate."""
        return self.level == "ERR"

    @property
    def expected_breaking(self) -> bool:
        return self.ours == "breaking" if self.ours else self.breaking


def _operation(raw: dict[str, Any]) -> dict[str, Any]:
    operation = {k: v for k, v in raw.items() if k not in ("body", "reply")}
    if "body" in raw:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": raw["body"]}},
        }
    if "reply" in raw:
        content = {"application/json": {"schema": raw["reply"]}}
        operation["responses"] = {"200": {"description": "OK", "content": content}}
    operation.setdefault("responses", {"200": {"description": "OK"}})
    return operation


def document(side: dict[str, Any]) -> dict[str, Any]:
    """A whole OpenAPI document from a case's shorthand side."""
    doc: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "Pets", "version": "1.0.0"}}
    for key in ("servers", "security"):
        if key in side:
            doc[key] = side[key]
    paths: dict[str, Any] = {}
    if "op" in side:
        paths.setdefault(side.get("path", "/pets"), {})[side.get("method", "get")] = _operation(side["op"])
    for path, item in (side.get("paths") or {}).items():
        paths.setdefault(path, {}).update(item)
    doc["paths"] = paths
    if "components" in side:
        doc["components"] = side["components"]
    return doc


def load_cases() -> list[Case]:
    raw = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return [Case(c["rule"], c["level"], c["old"], c["new"], c.get("ours")) for c in raw]


def write_pair(case: Case, folder: Path) -> tuple[Path, Path]:
    old, new = folder / "old.yaml", folder / "new.yaml"
    old.write_text(yaml.safe_dump(document(case.old), sort_keys=False), encoding="utf-8")
    new.write_text(yaml.safe_dump(document(case.new), sort_keys=False), encoding="utf-8")
    return old, new


def _level(change: Any) -> str:
    """The level of a change, from this checkout's `level` or an older one's `severity`."""
    value = getattr(change, "level", None) or change.severity
    return str(getattr(value, "value", value))


def our_changes(case: Case) -> list[Any]:
    from tools.apidiff.http_diff import diff_http
    from tools.apidiff.loader import load_spec

    with tempfile.TemporaryDirectory(prefix="aigen-oasdiff-case-") as work:
        old, new = write_pair(case, Path(work))
        return list(diff_http(load_spec(old), load_spec(new)))


def our_verdict(case: Case) -> bool | None:
    """True when we call the change breaking; None when the differ fails on the case."""
    try:
        return any(_level(change) == "breaking" for change in our_changes(case))
    except Exception:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="checkout whose tools/apidiff to run")
    args = parser.parse_args(argv)
    sys.path.insert(0, str((args.root or Path(__file__).resolve().parents[3]).resolve()))
    cases = load_cases()
    agree = missed = extra = failed = 0
    for case in cases:
        verdict = our_verdict(case)
        if verdict is None:
            failed += 1
            note = "FAILED"
        elif verdict == case.breaking:
            agree += 1
            note = "agree"
        elif case.breaking:
            missed += 1
            note = "MISSED (oasdiff: breaking)"
        else:
            extra += 1
            note = "EXTRA (oasdiff: not breaking)" + (" [on purpose]" if case.ours else "")
        print(f"{case.level:5} {note:40} {case.rule}")
    print(
        f"\n{agree} of {len(cases)} verdicts agree with oasdiff; {missed} breaking changes missed, "
        f"{extra} non-breaking changes called breaking, {failed} cases failed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
