"""`make docs`: the HTML API reference of the public face, from the docstrings, with pdoc.

    python tools/docs.py [--out site]

Pages: the index is the getting-started page, made from README.md (the sections an
application developer needs, starting where a user starts); the maintainer's sections have a
page of their own (``maintainers``), and so has CHANGELOG.md (``changelog``); ``aigenstudio``
(``Client``, ``AsyncClient``,
the helpers and the errors), ``aigenstudio.aio``, and the generated ``aigenstudio_client``
modules an application touches (``models``, ``resources``, ``types``). Docstrings are read as
Google style (``Args:``, ``Returns:``, ``Raises:``).

Every warning is an error (pdoc reports what it cannot render as a Python warning): the
build fails naming it, so CI (``make test`` runs this) never publishes a half-rendered page.

One adjustment to pdoc: members a public class inherits from a class in a private module that
is not exported (``Client`` gets its constructor, ``with_headers``, ``close``... from the base
class in ``aigenstudio._client``) are documented as the class's own: that class has no page a
link could point to.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import pdoc
import pdoc.doc
import pdoc.render

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DEFAULT_OUT = ROOT / "site"
GUIDE_MODULE = "getting_started"
MAINTAINERS_MODULE = "maintainers"
CHANGELOG_MODULE = "changelog"
CHANGELOG = ROOT / "CHANGELOG.md"
MODULES = [
    "aigenstudio",
    "aigenstudio.aio",
    "aigenstudio_client.models",
    "aigenstudio_client.resources",
    "aigenstudio_client.types",
]
# README sections for the maintainer, not for an application developer (heading prefixes).
MAINTAINER_SECTIONS = (
    "Two commands",
    "Regenerating",
    "Layout",
    "Tests against real servers",
    "Benchmarks",
    "API change review",
    "API reference",
)
_FENCE = re.compile(r"^(```|~~~)")
# The README test's markers (tests/docs): instructions for the test, not for the reader.
_TEST_MARKER = re.compile(r"<!--\s*readme-example:.*-->")


class DocsError(Exception):
    """The reference cannot be built; the message says why."""


def guide_markdown(readme: str, maintainers: bool = False) -> str:
    """README.md without the maintainer's level-2 sections (headings inside code blocks ignored)
    and without the README test's markers; ``maintainers``: only those sections instead."""
    kept: list[str] = []
    skipping = maintainers  # the title and introduction belong to the guide
    fenced = False
    for line in readme.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            skipping = line[3:].strip().startswith(MAINTAINER_SECTIONS) != maintainers
        if not skipping and not (not fenced and _TEST_MARKER.fullmatch(line.strip())):
            kept.append(line)
    if maintainers:
        kept.insert(0, "Building, regenerating and testing the SDK (the README's maintainer sections).\n")
    else:
        pages = f"[the changelog]({CHANGELOG_MODULE}.html), [for maintainers]({MAINTAINERS_MODULE}.html)"
        kept.append(f"\nAlso: {pages}; the reference: {', '.join(_links())}.")
    return "\n".join(kept).rstrip() + "\n"


def _links() -> list[str]:
    return [f"[`{name}`]({name.replace('.', '/')}.html)" for name in MODULES]


def _write_page_module(folder: Path, name: str, text: str) -> None:
    """A module whose docstring is ``text``: pdoc renders it as a page like any module."""
    source = f"__docformat__ = 'markdown'\n__doc__ = {text!r}\n"
    (folder / f"{name}.py").write_text(source, encoding="utf-8")


def write_guide_module(folder: Path) -> None:
    """The guide, the maintainers' page and the changelog, as modules pdoc renders."""
    readme = README.read_text(encoding="utf-8")
    _write_page_module(folder, GUIDE_MODULE, guide_markdown(readme))
    _write_page_module(folder, MAINTAINERS_MODULE, guide_markdown(readme, maintainers=True))
    _write_page_module(folder, CHANGELOG_MODULE, CHANGELOG.read_text(encoding="utf-8"))


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _public_objects() -> set[int]:
    """ids of everything the documented modules export (``__all__``)."""
    exported: set[int] = set()
    for name in MODULES:
        module = importlib.import_module(name)
        exported.update(id(getattr(module, member)) for member in getattr(module, "__all__", ()))
    return exported


def _document_private_bases_as_own(public: set[int]) -> None:
    """Members taken from a private class that is not exported count as the documented class's own."""
    original = pdoc.doc.Class._taken_from

    def hidden(module: str, qualname: str) -> bool:
        if not (_private(module) or _private(qualname)):
            return False
        owner: object = importlib.import_module(module)
        for part in qualname.split("."):
            owner = getattr(owner, part, None)
        return id(owner) not in public

    def taken_from(self: pdoc.doc.Class, member_name: str, obj: object) -> tuple[str, str]:
        module, qualname = original(self, member_name, obj)
        owner = qualname.rpartition(".")[0]
        if owner and hidden(module, owner):
            return self.modulename, f"{self.qualname}.{member_name}"
        return module, qualname

    pdoc.doc.Class._taken_from = taken_from  # type: ignore[method-assign]


def _replace(out: Path, rendered: Path) -> None:
    """Put the rendered site at ``out``, replacing an earlier build but nothing else."""
    if out.exists():
        earlier_build = out.is_dir() and (not any(out.iterdir()) or (out / "search.js").is_file())
        if not earlier_build:
            raise DocsError(f"{out}: exists and is not an earlier docs build (no search.js): not replaced")
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(rendered), str(out))


def build(out: Path) -> list[Path]:
    """Render every page into ``out`` (replaced); warnings raise. The pages written."""
    with tempfile.TemporaryDirectory(prefix="aigen-docs-") as work:
        write_guide_module(Path(work))
        sys.path.insert(0, work)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                public = _public_objects()  # imports every module: an import warning fails here
                _document_private_bases_as_own(public)
                pdoc.render.configure(
                    docformat="google",
                    footer_text=f"aigenstudio {_version()}",
                    search=True,
                    show_source=True,
                )
                rendered = Path(work) / "site"
                guide_pages = (GUIDE_MODULE, MAINTAINERS_MODULE, CHANGELOG_MODULE)
                pdoc.pdoc(*guide_pages, *MODULES, output_directory=rendered)
                # The index starts where a user starts: the getting-started page, not a module list.
                shutil.copyfile(rendered / f"{GUIDE_MODULE}.html", rendered / "index.html")
                _replace(out, rendered)  # only once the whole site rendered
        except Warning as warning:
            raise DocsError(f"{type(warning).__name__}: {warning}") from None
        finally:
            sys.path.remove(work)
            for name in (GUIDE_MODULE, MAINTAINERS_MODULE, CHANGELOG_MODULE):
                sys.modules.pop(name, None)
    pages = sorted(out.rglob("*.html"))
    expected = [out / "index.html", out / f"{GUIDE_MODULE}.html", out / f"{MAINTAINERS_MODULE}.html"]
    expected.append(out / f"{CHANGELOG_MODULE}.html")
    expected += [out / (name.replace(".", "/") + ".html") for name in MODULES]
    missing = [str(page.relative_to(out)) for page in expected if page not in pages]
    if missing:
        raise DocsError(f"pdoc wrote no {', '.join(missing)}")
    return pages


def _version() -> str:
    from aigenstudio import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (replaced)")
    args = parser.parse_args(argv)
    try:
        pages = build(args.out)
    except DocsError as exc:
        print(f"docs: error: {exc}", file=sys.stderr)
        return 1
    print(f"docs: {len(pages)} pages in {args.out}/ (open {args.out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
