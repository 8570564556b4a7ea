"""``make mutate``: the mutation score of the modules where money or secrets are at stake.

Each module named in ``tests/mutation/modules.toml`` is mutated by cosmic-ray, one mutant at
a time, and each mutant runs only that module's test selection (``-x``: the first failing
test kills it). The survivors are printed as ``file:line: operator: mutated line`` and the
whole run is written to ``reports/mutation/`` (``<module>.txt`` per module, ``summary.md``).

Mutants are written into a scratch copy of the tree (``reports/mutation/tree/``, first on
``PYTHONPATH``), never into the working tree: an interrupted run leaves no mutant behind,
and the working tree can be edited while a run goes on.

Survivors listed as equivalent in the config (a mutant no test can tell apart from the
original, each with its reason) are shown as such and left out of the score's denominator;
they are never dropped silently. ``--sample N`` measures N random mutants (seeded) per
module instead of all of them, and the report says which.

Usage: ``python tools/mutate.py [--modules retries,redaction] [--sample N] [--seed S]``
(exit 1 when a measured module scores under the config's ``min_score``).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tests" / "mutation" / "modules.toml"
REPORTS = ROOT / "reports" / "mutation"
SCRATCH = REPORTS / "tree"


Span = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Equivalent:
    operator: str
    mutated: str  # the mutated line, stripped: the mutant's identity across line shifts
    reason: str
    above: str = ""  # when set: the line just above the mutated one, stripped (for a line as bare as `break`)


@dataclass
class Module:
    path: str
    tests: list[str]
    equivalent: list[Equivalent] = field(default_factory=list)


@dataclass
class Outcome:
    line: int
    operator: str
    original: str
    mutated: str
    status: str  # killed, survived, equivalent, incompetent
    reason: str = ""


def load_config() -> tuple[float, dict[str, Module]]:
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    modules = {}
    for path, entry in data["modules"].items():
        equivalent = [
            Equivalent(e["operator"], e["mutated"].strip(), e["reason"], e.get("above", "").strip())
            for e in entry.get("equivalent", [])
        ]
        modules[path] = Module(path, list(entry["tests"]), equivalent)
    return float(data.get("min_score", 90.0)), modules


def choose(modules: dict[str, Module], names: str) -> list[Module]:
    """The modules named by ``names`` (comma/space separated; a path or any part of one)."""
    if not names.strip():
        return list(modules.values())
    chosen: list[Module] = []
    for name in names.replace(",", " ").split():
        matches = [m for path, m in modules.items() if name == path or name in path]
        if not matches:
            sys.exit(f"mutate: no module in {CONFIG.relative_to(ROOT)} matches {name!r}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def test_command(module: Module) -> str:
    return " ".join([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *module.tests])


def make_scratch_tree() -> None:
    """A fresh copy of the tree to mutate; its packages come first on the tests' import path."""
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)
    # The files git knows of (tracked, and new ones not ignored): the tree as it is now.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (SCRATCH / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, SCRATCH / name)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(SCRATCH / "overrides"), str(SCRATCH / "generated")])
    os.chdir(SCRATCH)


def run_module(module: Module, sample: int | None, seed: int, timeout: float) -> tuple[list[Outcome], int]:
    """Mutate ``module`` (all mutants, or a sample); return the outcomes and the mutant count."""
    from cosmic_ray.commands import init
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.testing import run_tests
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome

    command = test_command(module)
    baseline, output = run_tests(command, timeout)
    if baseline != TestOutcome.SURVIVED:
        sys.exit(f"mutate: the tests of {module.path} fail without any mutation:\n{output}")
    REPORTS.mkdir(parents=True, exist_ok=True)
    session = REPORTS / (Path(module.path).stem + ".sqlite")  # outside the scratch tree
    session.unlink(missing_ok=True)
    with use_db(str(session), WorkDB.Mode.create) as db:
        init([Path(module.path)], db, {})
        # Sorted by what the mutant is (job ids are random): the same seed samples the same mutants.
        items = sorted(db.pending_work_items, key=lambda item: _identity(item.mutations[0]))
        total = len(items)
        if sample is not None and sample < total:
            items = random.Random(seed).sample(items, sample)
        for number, item in enumerate(items, 1):
            result = mutate_and_test(item.mutations, command, timeout)
            db.set_result(item.job_id, result)
            print(f"\r  {module.path}: {number}/{len(items)}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        annotations = annotation_spans(module.path)
        done = db.completed_work_items
        return [classify(module, item, result, annotations) for item, result in done], total


def _identity(mutation: object) -> tuple[str, int]:
    return mutation.operator_name, mutation.occurrence  # type: ignore[attr-defined]


# A rule, not a list: under ``from __future__ import annotations`` no annotation is evaluated,
# so a mutant inside one (``str | None`` -> ``str - None``) cannot change what the code does.
ANNOTATION_REASON = "inside an annotation, never evaluated (from __future__ import annotations)"


def annotation_spans(path: str) -> list[Span]:
    """(start, end) positions of every annotation in ``path``, if none of them is evaluated."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    postponed = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    if not postponed:
        return []
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            found.append(node.returns)
    return [((a.lineno, a.col_offset), (a.end_lineno or a.lineno, a.end_col_offset or 0)) for a in found]


def classify(module: Module, item: object, result: object, annotations: list[Span]) -> Outcome:
    mutation = item.mutations[0]  # type: ignore[attr-defined]
    original, mutated = diff_lines(result.diff or "")  # type: ignore[attr-defined]
    outcome = Outcome(mutation.start_pos[0], mutation.operator_name, original, mutated, "killed")
    if result.test_outcome is None:  # type: ignore[attr-defined]
        outcome.status = "incompetent"
    elif not result.is_killed:  # type: ignore[attr-defined]
        outcome.status = "survived"
        start = tuple(mutation.start_pos)
        if any(begin <= start < end for begin, end in annotations):
            outcome.status, outcome.reason = "equivalent", ANNOTATION_REASON
        above = line_above(result.diff or "")  # type: ignore[attr-defined]
        for known in module.equivalent:
            same = known.operator == mutation.operator_name and known.mutated == mutated.strip()
            if same and known.above in ("", above):
                outcome.status, outcome.reason = "equivalent", known.reason
    return outcome


def line_above(diff: str) -> str:
    """The context line just above the first changed line of a unified diff, stripped."""
    previous = ""
    for line in diff.splitlines():
        if line.startswith(("---", "+++", "@@")):
            continue
        if line.startswith(("-", "+")):
            return previous
        previous = line[1:].strip()
    return previous


def diff_lines(diff: str) -> tuple[str, str]:
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(s.strip() for s in removed), " / ".join(s.strip() for s in added)


def score(outcomes: list[Outcome]) -> float:
    counted = [o for o in outcomes if o.status in ("killed", "survived")]
    return 100.0 * sum(o.status == "killed" for o in counted) / len(counted) if counted else 100.0


def module_report(module: Module, outcomes: list[Outcome], total: int) -> str:
    lines = [f"{module.path}: {len(outcomes)} of {total} mutants run, score {score(outcomes):.1f}%"]
    lines.append(f"  tests: {' '.join(module.tests)}")
    for status in ("survived", "equivalent", "incompetent"):
        for o in sorted((o for o in outcomes if o.status == status), key=lambda o: o.line):
            why = f"  [{o.reason}]" if o.reason else ""
            where = f"{module.path}:{o.line}: {o.operator}"
            lines.append(f"  {status.upper()} {where}: {o.original!r} -> {o.mutated!r}{why}")
    return "\n".join(lines) + "\n"


def summary_row(module: Module, outcomes: list[Outcome], total: int) -> str:
    count = {
        s: sum(o.status == s for o in outcomes) for s in ("killed", "survived", "equivalent", "incompetent")
    }
    measured = "full" if len(outcomes) == total else f"sample {len(outcomes)}/{total}"
    return (
        f"| `{module.path}` | {measured} | {count['killed']} | {count['survived']} | "
        f"{count['equivalent']} | {count['incompetent']} | {score(outcomes):.1f}% |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", default="", help="modules to mutate (default: all in the config)")
    parser.add_argument("--sample", type=int, default=None, help="mutants per module (default: all)")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--timeout", type=float, default=45.0, help="seconds per mutant's test run")
    args = parser.parse_args()
    min_score, modules = load_config()
    # No byte code is read or written: a mutant and the original may share size and mtime second.
    os.environ["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="mutate-pycache-")
    make_scratch_tree()
    failed = []
    for module in choose(modules, args.modules):
        outcomes, total = run_module(module, args.sample, args.seed, args.timeout)
        report = module_report(module, outcomes, total)
        (REPORTS / (Path(module.path).stem + ".txt")).write_text(report, encoding="utf-8")
        print(report, end="")
        (REPORTS / (Path(module.path).stem + ".row")).write_text(
            summary_row(module, outcomes, total), encoding="utf-8"
        )
        if score(outcomes) < min_score:
            failed.append(module.path)
    header = (
        "| module | measured | killed | survived | equivalent | incompetent | score |\n" + "|---" * 7 + "|"
    )
    # Every module's latest run, so a run of one module keeps the others' rows.
    rows = [row.read_text(encoding="utf-8") for row in sorted(REPORTS.glob("*.row"))]
    table = "\n".join([header, *rows]) + "\n"
    (REPORTS / "summary.md").write_text(table, encoding="utf-8")
    print(f"\n{table}\nreport: {(REPORTS / 'summary.md').relative_to(ROOT)} (and one .txt per module)")
    if failed:
        print(f"under {min_score:.0f}%: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
