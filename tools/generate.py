"""Regenerate generated/aigenstudio_client from openapi.yaml, atomically and reproducibly.

Usage (normally through make):
    python tools/generate.py generate [--spec OTHER.yaml] [--strict]  # validate, generate, swap in
    python tools/generate.py check [--strict]                          # drift check, changes nothing

The spec is validated first (openapi-spec-validator), the generator runs into a temporary
directory next to generated/, and only a successful run replaces generated/aigenstudio_client.
A stamp (spec, config, templates, generator version, the mode and the output tree hashes) lets a
no-change run return at once.

What is refused, and what is only a warning. Vendors publish specs with small violations of
the OpenAPI schema that the generator reads as meant (a `const` in a 3.0 document, a `title`
on an operation, a `default` of another type than its schema). Every problem the validator
finds is printed as a warning with its JSON path (all of them, not only the first), and the
client is generated. A spec is refused (exit 2, generated/ untouched) only for what would make
the generated client wrong or leave part of the spec out of it:
  - it is not a YAML/JSON mapping, declares no OpenAPI 3.0/3.1 version (the ones the pinned
    generator reads), or has a mapping key that is not a string (an unquoted `200:`);
  - a `$ref` names nothing in the document (or another file: one self-contained document);
  - the generator refuses it (a document its parser rejects: a missing `info.version`, a
    `type: strng`, a negative `maxLength`...) or warns about it (`--fail-on-warning`: an
    operation or a model it would leave out, such as a path whose parameters do not match its
    template, an optional path parameter, an unknown media type or an enum of mixed types);
  - the runtime contract (tools/contract.py) or the resource facade (tools/facade.py) cannot
    be built from it.
Either way a refusal comes after the warnings, which often say why. `--strict` (make generate
STRICT=1, make check STRICT=1, for a CI that wants a clean spec) refuses any validation
problem, listing them all.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

if __package__ in (None, ""):  # run as a script (make generate): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.contract import ContractError, compile_contract, dumps
from tools.facade import FacadeError, load_document, parse_spec, render_facade
from tools.media_types import derived_config
from tools.spec_file import SpecError, check_spec_file, read_spec_document

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aigenstudio_client"
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yaml"
TEMPLATES = ROOT / "overrides" / "templates"
GENERATED = ROOT / "generated"
STAMP = ROOT / ".venv" / "generate.stamp"
CONTRACT_NAME = "contract.json"
CONTRACT_COMPILER = ROOT / "tools" / "contract.py"
MEDIA_TYPES = ROOT / "tools" / "media_types.py"
FACADE_NAME = "resources.py"
FACADE_RENDERER = ROOT / "tools" / "facade.py"
FACADE_ARGUMENTS = ROOT / "tools" / "facade_arguments.py"
# The OpenAPI versions the pinned generator reads (openapi-python-client: 3.0 and 3.1).
SUPPORTED_OPENAPI = re.compile(r"3\.[01]\.\d+")
_T = TypeVar("_T")
LISTED_PROBLEMS = 100  # validation problems shown, in a warning each or in a strict refusal


def _walk(node: object, path: str = "$") -> Iterator[tuple[str, object]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if str(key).isidentifier() else f"{path}['{key}']")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


class ValidatedSpec(NamedTuple):
    document: dict[str, Any]
    warnings: list[str]  # "at <JSON path>: <problem>", one per validation problem


def validate_spec(spec: Path, *, strict: bool = True, document: object = None) -> ValidatedSpec:
    """The parsed spec and its validation problems (see the module docstring for the rule).

    SpecError (naming the file and the JSON path) for what would make the client wrong; with
    `strict`, also for any validation problem, all of them listed. `document`: the spec as
    `read_spec_document` parsed it, when the caller has it already (else it is read here).
    """
    if document is None:
        document = read_spec_document(spec)
    if not isinstance(document, dict):
        raise SpecError(f"{spec}: not an OpenAPI document (top level is not a mapping)")
    check_openapi_version(spec, document)
    _refuse_non_string_keys(spec, document)
    _refuse_unresolvable_refs(spec, document)
    problems = validation_problems(document)
    unresolvable = [problem for problem in problems if problem.startswith("at $: unresolvable $ref")]
    if unresolvable or (strict and problems):
        shown = unresolvable or problems
        count = f"{len(shown)} validation problem{'s' if len(shown) != 1 else ''}"
        mode = "" if unresolvable else " (strict mode: make generate without STRICT=1 generates anyway)"
        raise SpecError(f"{spec}: {count}{mode}:\n" + "\n".join(f"  {line}" for line in listed(shown)))
    return ValidatedSpec(document, problems)


def listed(lines: list[str]) -> list[str]:
    """The first LISTED_PROBLEMS of `lines`, then how many more there are."""
    more = len(lines) - LISTED_PROBLEMS
    return lines if more <= 0 else [*lines[:LISTED_PROBLEMS], f"... and {more} more"]


def one_line(text: str, limit: int = 300) -> str:
    """`text` as one printable line of at most `limit` characters: a spec's keys and values,
    quoted in a message, cannot move the terminal's cursor or forge a line of the log."""
    shown = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def validation_problems(document: dict[str, Any]) -> list[str]:
    """Every problem openapi-spec-validator finds, each as "at <JSON path>: <message>"."""
    # Imported here: tools.apidiff reads specs through this module.
    from tools.apidiff.loader import normalise
    from tools.apidiff.validation import validate

    problems = validate(normalise(document)[0])
    return [one_line(f"at {problem.location}: {problem.message}") for problem in problems]


def _refuse_unresolvable_refs(spec: Path, document: dict[str, Any]) -> None:
    """A `$ref` naming nothing would leave a type out of the client: refused where it is."""
    from tools.apidiff.loader import lookup, references
    from tools.apidiff.validation import json_path

    for parts, ref in references(document):
        at = f"{json_path(list(parts))}.$ref"
        if not isinstance(ref, str):
            raise SpecError(f"{spec} at {at}: a $ref must be a string, not {type(ref).__name__}")
        if not ref.startswith("#"):
            raise SpecError(
                f"{spec} at {at}: $ref {ref!r} points outside this document "
                "(the generator reads one self-contained file)"
            )
        try:
            lookup(document, ref)
        except KeyError:
            raise SpecError(f"{spec} at {at}: unresolvable $ref {ref!r} (no such component)") from None


def _refuse_non_string_keys(spec: Path, document: dict[Any, Any]) -> None:
    """A mapping key YAML reads as a number or date (unquoted `200:`) is refused at its place:
    the pinned generator accepts string keys only (`make diff` reads such specs anyway)."""
    for path, node in _walk(document):
        if isinstance(node, dict):
            for key in node:
                if not isinstance(key, str):
                    kind = type(key).__name__
                    raise SpecError(
                        f"{spec} at {path}: the key {key!r} is not a string (YAML reads it as {kind}); "
                        f"quote it ('{key}': ...)"
                    )


def check_openapi_version(spec: Path, document: dict[Any, Any]) -> None:
    """SpecError (one line naming the file) unless `document` declares OpenAPI 3.0 or 3.1."""
    version = document.get("openapi")
    if version is None:
        if "swagger" in document:
            raise SpecError(
                f"{spec}: a Swagger {document['swagger']} document, not OpenAPI 3.x "
                "(convert it to OpenAPI 3.0 or 3.1 first)"
            )
        raise SpecError(f"{spec}: not an OpenAPI 3.x document (no top-level 'openapi' field)")
    if isinstance(version, int | float) and not isinstance(version, bool):
        raise SpecError(
            f"{spec}: 'openapi: {version}' is a number; write the full version, e.g. openapi: 3.1.0"
        )
    if not isinstance(version, str) or not SUPPORTED_OPENAPI.fullmatch(version):
        shown = version if isinstance(version, str) and version.isprintable() else repr(version)
        raise SpecError(
            f"{spec}: 'openapi: {shown[:40]}' is not OpenAPI 3.0 or 3.1 "
            "(the versions the pinned generator reads)"
        )


def generator_command(spec: Path, output: Path, root: Path = ROOT, config: Path | None = None) -> list[str]:
    """The openapi-python-client call, with the config (default: the checkout's at `root`,
    else the one derived for the spec, see `write_derived_config`) and templates of `root`."""
    return [
        str(Path(sys.executable).parent / "openapi-python-client"),
        "generate",
        "--path", str(spec),
        "--config", str(config or root / CONFIG.relative_to(ROOT)),
        "--custom-template-path", str(root / TEMPLATES.relative_to(ROOT)),
        "--meta", "none",
        "--output-path", str(output),
        "--fail-on-warning",
    ]  # fmt: skip


def write_derived_config(config: dict[str, Any], workdir: Path) -> Path:
    """`config` (generator-config.yaml plus a `content_type_overrides` entry for every bytes
    media type of the spec, `tools.media_types.derived_config`) written into `workdir`: the
    generator reads an `image/png` or `application/pdf` response as a File instead of
    refusing the spec."""
    import yaml

    workdir.mkdir(parents=True, exist_ok=True)  # generate_into may be given a fresh workdir
    path = workdir / "generator-config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return path


def _start_generator(spec: Path, output: Path, config: dict[str, Any]) -> subprocess.Popen[str]:
    venv_bin = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=venv_bin + os.pathsep + os.environ.get("PATH", ""))
    command = generator_command(spec, output, config=write_derived_config(config, output.parent))
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _attempt(build: Callable[[], _T]) -> _T | Exception:
    """build()'s result, or the exception it raised (reported once the generator has run)."""
    try:
        return build()
    except Exception as exc:
        return exc


def generate_into(
    spec: Path, workdir: Path, *, strict: bool = False, warn: Callable[[str], None] | None = None
) -> Path:
    """Validate `spec` and generate the package into workdir; returns the package path.

    `warn` is called with each validation problem (a line naming the file and the JSON path)
    the generation goes on despite; with `strict` any such problem stops it (SpecError).
    The generator runs while the spec is validated (validation alone costs about half a
    generator run) and the contract and the resource facade are built; their output is used
    only when validation passed and the generator succeeded. For a spec the generator
    refuses, its own message says more than a contract or facade failure would.
    """
    output = workdir / PACKAGE
    parsed = read_spec_document(spec)  # once: the derived config and the validation read it
    config = derived_config(CONFIG, parsed if isinstance(parsed, dict) else {})
    generator = _start_generator(spec, output, config)
    try:
        document, warnings = validate_spec(spec, strict=strict, document=parsed)
        if warn is not None:
            for warning in listed(warnings):
                warn(f"{spec} {warning}")
        # The generator's own parse (its YAML reader, its Config), made once for the contract's
        # names and the resource facade (client.<resource>.<verb>); if it fails, each of them
        # parses again and says why in its own words.
        read = _attempt(lambda: load_document(spec))
        shared = read if isinstance(read, Exception) else _attempt(lambda: parse_spec(read, spec, config))
        generator_parse = None if isinstance(shared, Exception) else shared
        names = None if generator_parse is None else generator_parse.openapi
        contract = _attempt(lambda: compile_contract(document, names))
        facade = (
            read
            if isinstance(read, Exception)
            else _attempt(lambda: render_facade(read, spec, generator_parse))
        )
    except BaseException:
        generator.kill()
        generator.communicate()
        raise
    log, _ = generator.communicate()
    if generator.returncode != 0 or not (output / "__init__.py").is_file():
        why = f"\n(the {len(warnings)} validation warning(s) above may say why)" if warnings else ""
        raise SpecError(f"{spec}: the generator failed:\n{log}".rstrip() + why)
    if isinstance(contract, ContractError):
        raise SpecError(f"{spec}: cannot compile the runtime contract: {contract}") from contract
    if isinstance(contract, Exception):
        raise contract
    if isinstance(facade, FacadeError):
        raise SpecError(f"{spec}: cannot render the resource facade: {facade}") from facade
    if isinstance(facade, Exception):
        raise facade
    # The runtime's view of the spec, beside the code generated from it (covered by `check`).
    (output / CONTRACT_NAME).write_text(dumps(contract), encoding="utf-8")
    # --meta none emits no py.typed: the generated package is typed, so it carries the marker.
    (output / "py.typed").write_text("", encoding="utf-8")
    (output / FACADE_NAME).write_text(facade, encoding="utf-8")
    return output


def _tree_files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for rel, path in _tree_files(root).items():
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Lines describing how `actual` differs from `expected` (empty when identical)."""
    want, have = _tree_files(expected), _tree_files(actual)
    problems = [f"missing:  {rel}" for rel in sorted(want.keys() - have.keys())]
    problems += [f"stray:    {rel}" for rel in sorted(have.keys() - want.keys())]
    problems += [
        f"modified: {rel}"
        for rel in sorted(want.keys() & have.keys())
        if not filecmp.cmp(want[rel], have[rel], shallow=False)
    ]
    return problems


def _inputs_digest(spec: Path, strict: bool) -> str:
    digest = hashlib.sha256()
    digest.update(b"strict" if strict else b"lenient")  # a strict run validates a warned spec
    digest.update(metadata.version("openapi-python-client").encode())
    digest.update(metadata.version("ruff").encode())
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())  # the facade template too
    for path in [spec, CONFIG, CONTRACT_COMPILER, FACADE_RENDERER, FACADE_ARGUMENTS, MEDIA_TYPES, *templates]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _print_warning(line: str) -> None:
    print(f"warning: {line}", file=sys.stderr)


def command_generate(spec: Path, strict: bool = False) -> int:
    check_spec_file(spec)
    target = GENERATED / PACKAGE
    if target.exists() and not target.is_dir():
        raise SpecError(f"{target.relative_to(ROOT)}: is not a directory (remove it, then make generate)")
    stamp = _inputs_digest(spec, strict)
    if target.is_dir() and STAMP.is_file() and STAMP.read_text() == f"{stamp}\n{tree_digest(target)}\n":
        if spec.resolve() != SPEC.resolve() and spec.read_bytes() != SPEC.read_bytes():
            shutil.copyfile(spec, SPEC)
        print(f"generated/{PACKAGE} is up to date with {spec.name} (nothing to do)")
        return 0
    GENERATED.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".generate-", dir=ROOT) as work:
        fresh = generate_into(spec, Path(work), strict=strict, warn=_print_warning)
        # Swap: both renames are on one filesystem; a failure above leaves target as it was.
        old = Path(work) / "previous"
        if target.exists():
            target.rename(old)
        fresh.rename(target)
    if spec.resolve() != SPEC.resolve():
        shutil.copyfile(spec, SPEC)
    STAMP.parent.mkdir(exist_ok=True)
    STAMP.write_text(f"{stamp}\n{tree_digest(target)}\n")
    print(f"generated/{PACKAGE} regenerated from {spec.name}")
    return 0


def stray_outside_package() -> list[str]:
    """Entries of generated/ besides the package: importable in a checkout, never shipped."""
    if not GENERATED.is_dir():
        return []
    return [
        f"stray:    ../{entry.name} (in generated/, outside {PACKAGE})"
        for entry in sorted(GENERATED.iterdir())
        if entry.name not in (PACKAGE, "__pycache__")
    ]


def command_check(strict: bool = False) -> int:
    check_spec_file(SPEC)
    with tempfile.TemporaryDirectory(prefix="aigen-check-") as work:
        fresh = generate_into(SPEC, Path(work), strict=strict, warn=_print_warning)
        problems = compare_trees(fresh, GENERATED / PACKAGE) + stray_outside_package()
    if problems:
        print(f"generated/{PACKAGE} differs from what the pinned generator makes of openapi.yaml:")
        print("\n".join(f"  {line}" for line in problems))
        print("Run `make generate` (never edit generated/ by hand).")
        return 1
    print(f"generated/{PACKAGE} matches openapi.yaml")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="validate the spec and regenerate generated/")
    gen.add_argument("--spec", default=str(SPEC), help="spec to take in (copied over openapi.yaml)")
    check = sub.add_parser("check", help="fail if generated/ differs from a fresh generation")
    for command in (gen, check):
        command.add_argument(
            "--strict", action="store_true", help="refuse a spec with any validation problem"
        )
    args = parser.parse_args(argv)
    # Exit codes: 0 done (or no drift), 1 drift found by check, 2 cannot run (bad spec, bad input).
    try:
        if args.command == "generate":
            return command_generate(Path(args.spec), strict=args.strict)
        return command_check(strict=args.strict)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
