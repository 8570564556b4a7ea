"""`make diff`: review what a new vendor spec changes, on the wire and for Python callers.

Usage (normally through make):
    python tools/apidiff/cli.py --new NEW.yaml            # openapi.yaml -> NEW.yaml
    python tools/apidiff/cli.py --base REF                # openapi.yaml at REF -> openapi.yaml now
    python tools/apidiff/cli.py --old A.yaml --new B.yaml [--http-only] [--format json]

Prints the report (Markdown, or JSON with --format json) and writes it to --output
(reports/api-diff.md or .json). Exit codes: 0 nothing breaking, 1 breaking changes (HTTP or
Python surface), 2 bad arguments or unreadable input (a spec that does not parse or validate,
or that the generator refuses), 3 an internal error. Regeneration happens in a temp dir: the
working tree is never touched.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
import traceback
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.apidiff.code_diff import diff_trees
from tools.apidiff.grouping import operation_modules
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import Spec, SpecLoadError, read_document, resolve_document
from tools.apidiff.python_diff import (
    check_handwritten,
    diff_handwritten,
    diff_python,
    find_usages,
    generate_pair,
)
from tools.apidiff.report import CUT_NOTE, render
from tools.apidiff.report_json import render_json
from tools.apidiff.review import EXIT_INTERNAL, EXIT_USAGE, Review
from tools.apidiff.validation import summary, validate
from tools.generate import SPEC
from tools.spec_file import SpecError

ROOT = SPEC.parent
HANDWRITTEN = ROOT / "overrides" / "aigenstudio"
DEFAULT_OUTPUT = ROOT / "reports" / "api-diff.md"
OUR_CODE = ("overrides", "tools", "bench", "tests")
NOT_SCANNED = (ROOT / "tools" / "apidiff", ROOT / "tests" / "diff")  # they name old paths on purpose
SHOWN_PROBLEMS = 10


class UsageError(Exception):
    """Bad arguments or input: reported as `error: ...` with exit code 2."""


def _label(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def spec_at_ref(spec: Path, ref: str, workdir: Path) -> Path:
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


def load_checked(spec: Path, label: str, *, http_only: bool) -> tuple[Spec, list[str]]:
    """The resolved spec and the warnings about it. Validation problems stop the review
    (the generator would refuse the spec) unless --http-only, or unless oasdiff reads them
    too (no `responses`, an undeclared path variable, a pattern Python cannot compile)."""
    try:
        document, loose_keys = read_document(spec, label)
        resolved = resolve_document(document, label)
    except SpecLoadError as exc:
        raise UsageError(str(exc).replace(str(spec), label)) from exc
    problems = validate(document)
    blocking = [p for p in problems if not p.tolerated]
    if blocking and not http_only:
        raise UsageError(f"{summary(label, blocking)} (--http-only reviews the wire anyway)")
    warnings = []
    if loose_keys:
        warnings.append(
            f"{label}: {loose_keys} mapping key(s) are not strings (e.g. an unquoted `200:`); "
            "read as strings, as a JSON reader would"
        )
    if problems:
        warnings.append(summary(label, problems) + (" (reviewed anyway: --http-only)" if blocking else ""))
        warnings += [f"{label} at {p.location}: {p.message}" for p in problems[1:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            warnings.append(f"{label}: {len(problems) - SHOWN_PROBLEMS} more problem(s) not shown")
    return resolved, warnings


def spec_version(spec: Spec) -> str:
    info = spec.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    return str(version) if isinstance(version, (str, int, float)) else ""


def our_python_files() -> list[Path]:
    """The hand-written code a Python-surface break can hit (generated/ is regenerated anyway)."""
    return [
        path
        for folder in OUR_CODE
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "__pycache__" not in path.parts and not any(path.is_relative_to(skip) for skip in NOT_SCANNED)
    ]


def generator_cause(message: str) -> str:
    """The cause in a generator failure, first: the exception of a traceback (its last line),
    the reason under the generator's WARNING line, else the message's first line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return "no output"
    if any(line.startswith("Traceback") for line in lines):
        return lines[-1]
    for index, line in enumerate(lines):
        if line.startswith(("WARNING", "ERROR")) and index + 1 < len(lines):
            return f"{lines[index + 1]} ({line.rstrip('.')})"
    return lines[0] if len(lines) == 1 else f"{lines[0].rstrip(':')}: {lines[1]}"


def package_at_ref(spec: Path, ref: str, workdir: Path) -> Path | None:
    """Our hand-written package as committed at git `ref`, extracted under workdir; None when
    the spec is not in this repository or the ref has no such package."""
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=spec.resolve().parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != ROOT.resolve():
        return None
    name = HANDWRITTEN.relative_to(ROOT).as_posix()
    archive = subprocess.run(["git", "archive", ref, "--", name], cwd=ROOT, capture_output=True, check=False)
    if archive.returncode != 0:
        return None
    target = workdir / "handwritten"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    package = target / name
    return package if (package / "__init__.py").is_file() else None


def _python_side(
    review: Review,
    old: Path,
    new: Path,
    labels: tuple[str, str],
    specs: tuple[Spec, Spec],
    handwritten_base: tuple[Path, str] | None,
) -> None:
    if old.read_bytes() == new.read_bytes() and handwritten_base is None:
        review.python, review.code = [], []  # same input, same pinned generator: same output
        return
    with tempfile.TemporaryDirectory(prefix="aigen-diff-") as work:
        try:
            old_package, new_package = generate_pair(old, new, Path(work))
        except Exception as exc:  # the generator, the contract compiler or the facade renderer
            text = str(exc).replace(str(old), labels[0]).replace(str(new), labels[1]).replace(work, "<tmp>")
            if not isinstance(exc, SpecError):  # not the pipeline's own message: name the error
                text = f"{type(exc).__name__}: {text}".rstrip(": ")
            review.python_note = f"generator failed: {generator_cause(text)}"
            review.generator_failed = True
            return
        review.python = diff_python(old_package, new_package, specs)
        review.usages = find_usages(review.python, our_python_files(), ROOT)
        review.handwritten = check_handwritten(review.python, HANDWRITTEN, ROOT, review.operations)
        if handwritten_base is not None:
            own = diff_handwritten(handwritten_base[0], HANDWRITTEN)
            review.handwritten = replace(review.handwritten, changes=own, base=handwritten_base[1])
        review.code = diff_trees(old_package, new_package, prefix="generated/")


def build_review(
    old: Path,
    new: Path,
    old_label: str,
    new_label: str,
    *,
    http_only: bool,
    handwritten_base: tuple[Path, str] | None = None,
) -> Review:
    """The review of `new` against `old`; with `handwritten_base` (our package as committed at
    a git ref, and that ref) also our hand-written package's API changes since then."""
    old_spec, old_warnings = load_checked(old, old_label, http_only=http_only)
    new_spec, new_warnings = load_checked(new, new_label, http_only=http_only)
    review = Review(old_label, new_label, diff_http(old_spec, new_spec), warnings=old_warnings + new_warnings)
    review.operations = operation_modules((old_spec, new_spec))
    review.spec_versions = (spec_version(old_spec), spec_version(new_spec))
    if not http_only:
        _python_side(review, old, new, (old_label, new_label), (old_spec, new_spec), handwritten_base)
    return review


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--new", type=Path, default=SPEC, help="spec under review (default: openapi.yaml)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--old", type=Path, default=None, help="spec to compare against (default: openapi.yaml)"
    )
    source.add_argument(
        "--base", metavar="REF", help="compare against the --new file as committed at git REF"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"report file (default: {_label(DEFAULT_OUTPUT)}, .json for json)",
    )
    parser.add_argument(
        "--http-only", action="store_true", help="skip regeneration (no Python or code sections)"
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown", help="report format")
    parser.add_argument("--traceback", action="store_true", help="show the traceback of an internal error")
    return parser


def run(args: argparse.Namespace) -> int:
    new: Path = args.new
    try:
        with tempfile.TemporaryDirectory(prefix="aigen-diff-base-") as work:
            base = None
            if args.base:
                old = spec_at_ref(new, args.base, Path(work))
                old_label = f"{_label(new)}@{args.base}"
                package = package_at_ref(new, args.base, Path(work))
                base = (package, args.base) if package is not None else None
            else:
                old = args.old or SPEC
                old_label = _label(old)
            review = build_review(
                old, new, old_label, _label(new), http_only=args.http_only, handwritten_base=base
            )
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = render_json(review) if args.format == "json" else render(review)
    output: Path = args.output or DEFAULT_OUTPUT.with_suffix(".json" if args.format == "json" else ".md")
    print(report, end="")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report, encoding="utf-8")
    full = output.with_name(f"{output.stem}.full.md")
    if args.format == "markdown" and CUT_NOTE in report:  # cut to fit a comment: keep the whole
        full.write_text(render(review, limit=None), encoding="utf-8")
        print(f"whole report written to {_label(full)}", file=sys.stderr)
    if review.generator_failed:
        print(f"error: Python surface not computed: {review.python_note}", file=sys.stderr)
    print(f"report written to {_label(output)}", file=sys.stderr)
    return review.exit_code()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except Exception as exc:  # MemoryError and RecursionError included: not "breaking changes"
        if args.traceback:
            traceback.print_exc()
        detail = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"error: internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
            "(a bug in tools/apidiff; rerun with --traceback for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
