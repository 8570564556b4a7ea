"""`make update-spec [SPEC_URL=...]`: the maintainer's loop in one command.

Fetches the vendor's published spec (https://, http:// or file://; SPEC_URL, else the
AIGENSTUDIO_SPEC_URL environment variable, else the vendor's documented address), and when
it differs from `openapi.yaml`: reviews it against `openapi.yaml` exactly as `make diff` does
(reports/api-diff.md, cut to one pull-request comment, and api-diff.full.md when cut), takes it
in and regenerates generated/ (`make generate`), then bumps the version with its CHANGELOG
entry (`make bump`). A spec identical to `openapi.yaml` changes nothing. A download that is not
a spec the review can read (an HTML error page, a truncated file) stops before anything is
written. The scheduled workflow .github/workflows/update-spec.yml runs this and opens a pull
request with the review as its body. Exit codes: 0 done or up to date, 2 cannot fetch or read
the spec (nothing written), 3 the regeneration or the bump failed after the spec was taken in.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import urllib.parse
from pathlib import Path

if __package__ in (None, ""):  # run as a script (make update-spec): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from tools import bump
from tools.apidiff.cli import UsageError, build_review
from tools.apidiff.report import CUT_NOTE, render
from tools.generate import SPEC, command_generate
from tools.spec_file import SpecError

ROOT = SPEC.parent
REPORT = ROOT / "reports" / "api-diff.md"
DEFAULT_URL = "https://docs.aigenstudio.app/openapi.yaml"
URL_VARIABLE = "AIGENSTUDIO_SPEC_URL"
MAX_BYTES = 20 * 1024 * 1024  # a spec is a few hundred kilobytes; a stream without end is refused
TIMEOUT = 60.0


class FetchError(Exception):
    """The spec could not be fetched: `error: ...`, exit code 2, nothing written."""


def spec_url(given: str | None) -> str:
    return given or os.environ.get(URL_VARIABLE) or DEFAULT_URL


def fetch(url: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes at `url` (https, http or file), at most `limit` of them."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        path = Path(urllib.parse.unquote(parts.path))
        try:
            if path.stat().st_size > limit:
                raise FetchError(f"{url}: larger than {limit} bytes: not a spec")
            return path.read_bytes()
        except OSError as exc:
            raise FetchError(f"{url}: cannot read it: {exc.strerror or exc}") from None
    if parts.scheme not in ("https", "http"):
        raise FetchError(f"{url}: not an https://, http:// or file:// URL")
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=TIMEOUT) as response:
            if response.status_code != 200:
                raise FetchError(f"{url}: the server answered {response.status_code}, not the spec")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"{url}: larger than {limit} bytes: not a spec")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: cannot fetch it: {type(exc).__name__}: {exc}") from None


def _write_review(fetched: Path, url: str, report: Path) -> tuple[str, int]:
    """Review the fetched spec against openapi.yaml; write the report. (summary, exit code)."""
    try:
        review = build_review(SPEC, fetched, SPEC.name, url, http_only=False)
    except UsageError as exc:
        raise FetchError(f"{url}: not a spec the review can read: {exc}") from None
    text = render(review)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")
    full = report.with_name(f"{report.stem}.full.md")
    if CUT_NOTE in text:
        full.write_text(render(review, limit=None), encoding="utf-8")
    elif full.exists():
        full.unlink()  # a stale whole report of an earlier run would mislead
    old, new = review.spec_versions
    versions = f" ({old} -> {new})" if old != new else ""
    return (
        f"{SPEC.name} updated from {url}{versions}: review in {report.relative_to(ROOT)}",
        review.exit_code(),
    )


def update(url: str, report: Path, date: str) -> int:
    body = fetch(url)
    if SPEC.exists() and SPEC.read_bytes() == body:
        print(f"{SPEC.name} is up to date with {url}: nothing to do")
        return 0
    with tempfile.TemporaryDirectory(prefix="aigen-update-") as work:
        fetched = Path(work) / SPEC.name
        fetched.write_bytes(body)
        summary, verdict = _write_review(fetched, url, report)
        try:
            command_generate(fetched)  # copies the spec over openapi.yaml once generated
        except SpecError as exc:
            print(f"error: {SPEC.name} taken in, but the regeneration failed: {exc}", file=sys.stderr)
            return 3
    print(summary + (" (breaking changes: see the review)" if verdict == 1 else ""))
    if bump.main(["--date", date]) != 0:
        print("error: the spec is taken in and generated/ regenerated, but make bump failed", file=sys.stderr)
        return 3
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help=f"the vendor's spec (default: ${URL_VARIABLE}, else {DEFAULT_URL})")
    parser.add_argument(
        "--report", type=Path, default=REPORT, help="the review (default: reports/api-diff.md)"
    )
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="CHANGELOG entry date")
    args = parser.parse_args(argv)
    url = spec_url(args.url)
    try:
        return update(url, args.report, args.date)
    except FetchError as exc:
        print(f"error: {exc} (nothing written)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
