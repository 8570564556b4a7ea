"""`make diff`: review what a new vendor spec changes, on the wire and for Python callers.

Usage (normally through make):
    python tools/apidiff/cli.py --new NEW.yaml            # openapi.yaml -> NEW.yaml
    python tools/apidiff/cli.py --base REF                # openapi.yaml at REF -> openapi.yaml now
    python tools/apidiff/cli.py --old A.yaml --new B.yaml

Prints a Markdown report and writes it to --output (reports/api-diff.md). Exit codes: 0 no
breaking change, 1 breaking changes (HTTP or Python surface), 2 usage or input error.
Regeneration happens in a temp dir: the working tree is never touched.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.apidiff.code_diff import diff_trees
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import Spec, SpecLoadError, load_spec
from tools.apidiff.python_diff import diff_python, find_usages, generate_pair
from tools.apidiff.report import EXIT_USAGE, Review, render
from tools.generate import SPEC, SpecError, validate_spec

ROOT = SPEC.parent
DEFAULT_OUTPUT = ROOT / "reports" / "api-diff.md"
OUR_CODE = ("overrides", "tools", "bench", "tests")
NOT_SCANNED = (ROOT / "tools" / "apidiff", ROOT / "tests" / "diff")  # they name old paths on purpose


class UsageError(Exception):
    """Bad arguments or input: reported as `error: ...` with exit code 2."""


def _label(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _spec_at_ref(spec: Path, ref: str, workdir: Path) -> Path:
    """The committed version of `spec` at git `ref`, written to workdir (git state untouched)."""
    result = subprocess.run(
        ["git", "show", f"{ref}:./{spec.name}"],
        cwd=spec.resolve().parent,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        problem = result.stderr.decode(errors="replace").strip()
        raise UsageError(f"{_label(spec)} at {ref}: cannot read it from git: {problem}")
    old = workdir / "base" / spec.name
    old.parent.mkdir()
    old.write_bytes(result.stdout)
    return old


def _check(spec: Path, label: str) -> Spec:
    """Parse, validate and return the resolved spec; messages name `label` (a git ref's copy
    lives in a temp dir)."""
    try:
        resolved = load_spec(spec, label)
        validate_spec(spec)
    except (SpecLoadError, SpecError) as exc:
        raise UsageError(str(exc).replace(str(spec), label)) from exc
    return resolved


def our_python_files() -> list[Path]:
    """The hand-written code a Python-surface break can hit (generated/ is regenerated anyway)."""
    return [
        path
        for folder in OUR_CODE
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "__pycache__" not in path.parts and not any(path.is_relative_to(skip) for skip in NOT_SCANNED)
    ]


def build_review(old: Path, new: Path, old_label: str, new_label: str, *, http_only: bool) -> Review:
    old_spec, new_spec = _check(old, old_label), _check(new, new_label)
    review = Review(old_label, new_label, diff_http(old_spec, new_spec))
    if http_only:
        return review
    if old.read_bytes() == new.read_bytes():
        review.python, review.code = [], []  # same input, same pinned generator: same output
        return review
    with tempfile.TemporaryDirectory(prefix="aigen-diff-") as work:
        try:
            old_package, new_package = generate_pair(old, new, Path(work))
        except SpecError as exc:
            raise UsageError(str(exc).replace(str(old), old_label).replace(str(new), new_label)) from exc
        review.python = diff_python(old_package, new_package)
        review.usages = find_usages(review.python, our_python_files(), ROOT)
        review.code = diff_trees(old_package, new_package, prefix="generated/")
    return review


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", type=Path, default=SPEC, help="spec under review (default: openapi.yaml)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--old", type=Path, default=None, help="spec to compare against (default: openapi.yaml)"
    )
    source.add_argument(
        "--base", metavar="REF", help="compare against the --new file as committed at git REF"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="report file (default: %(default)s)"
    )
    parser.add_argument(
        "--http-only", action="store_true", help="skip regeneration (no Python or code sections)"
    )
    args = parser.parse_args(argv)
    new: Path = args.new
    try:
        with tempfile.TemporaryDirectory(prefix="aigen-diff-base-") as work:
            if args.base:
                old = _spec_at_ref(new, args.base, Path(work))
                old_label = f"{_label(new)}@{args.base}"
            else:
                old = args.old or SPEC
                old_label = _label(old)
            review = build_review(old, new, old_label, _label(new), http_only=args.http_only)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = render(review)
    print(report, end="")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")
    print(f"report written to {_label(args.output)}", file=sys.stderr)
    return review.exit_code()


if __name__ == "__main__":
    sys.exit(main())
