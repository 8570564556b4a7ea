"""The vendor's spec as a file: one readable YAML document, or a SpecError naming the file.

Shared by tools/generate.py (make generate) and tools/apidiff (make diff), which both read the
spec first; kept apart so that neither imports the other for it.
"""

from __future__ import annotations

from pathlib import Path


class SpecError(Exception):
    """The spec cannot be generated from; the message names the file and the problem."""


def check_spec_file(spec: Path, label: str | None = None) -> None:
    """SpecError (one line naming the file) unless `spec` is a file this process can read."""
    name = label or str(spec)
    if str(spec) in ("", "."):
        raise SpecError("no spec given: name the file, e.g. make generate SPEC=path/to/openapi.yaml")
    if spec.is_dir():
        raise SpecError(f"{name}: cannot read the spec: it is a directory, not a file")
    if not spec.exists():
        raise SpecError(f"{name}: cannot read the spec: no such file")
    try:
        with spec.open("rb") as readable:
            readable.read(1)
    except OSError as exc:
        raise SpecError(f"{name}: cannot read the spec: {exc.strerror or exc}") from exc


def read_spec_document(spec: Path, label: str | None = None) -> object:
    """Parse the YAML at `spec`; SpecError names `label` (default: the path) and the line."""
    import yaml

    name = label or str(spec)
    check_spec_file(spec, label)
    try:
        text = spec.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SpecError(f"{name}: cannot read the spec: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SpecError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start})") from exc
    try:
        # libyaml when available: ~10x faster, same result.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        position = getattr(exc, "position", None)  # a ReaderError (a control character) has no mark
        if not where and isinstance(position, int):
            where = f" (character {position + 1})"
        raise SpecError(f"{name}{where}: invalid YAML: {problem.splitlines()[0]}") from exc
