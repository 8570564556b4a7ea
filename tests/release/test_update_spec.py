"""`make update-spec`: the vendor's spec fetched from a loopback server standing in for the
vendor's site (or a file:// URL), reviewed, taken in, regenerated and released, on a temporary
copy of this repository; and the scheduled workflow that runs it and opens the pull request."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.diff.vendor_update import vendor_update
from tests.release.repo_copy import ROOT, copy_repo, git
from tools import update_spec

WORKFLOW = ROOT / ".github" / "workflows" / "update-spec.yml"


class _Vendor(http.server.BaseHTTPRequestHandler):
    """Serves `body` at /openapi.yaml (status `status`), 404 elsewhere."""

    body = b""
    status = 200

    def do_GET(self) -> None:
        found = self.path == "/openapi.yaml"
        self.send_response(self.status if found else 404)
        payload = self.body if found else b"not found"
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def vendor() -> Iterator[type[_Vendor]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Vendor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Vendor.url = f"http://127.0.0.1:{server.server_address[1]}/openapi.yaml"  # type: ignore[attr-defined]
    yield _Vendor
    server.shutdown()
    thread.join()


def _run(repo: Path, url: str) -> subprocess.CompletedProcess[str]:
    """`make update-spec SPEC_URL=url` as the Makefile runs it, in the copy."""
    return subprocess.run(
        [sys.executable, str(repo / "tools" / "update_spec.py"), "--url", url, "--date", "2027-01-15"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def _next_spec() -> bytes:
    return yaml.safe_dump(vendor_update(), sort_keys=False).encode()


@pytest.mark.slow
def test_the_loop_takes_in_the_vendors_spec_reviews_regenerates_and_bumps(
    vendor: type[_Vendor], tmp_path: Path
) -> None:
    repo = copy_repo(tmp_path)
    vendor.body, vendor.status = _next_spec(), 200
    url: str = vendor.url  # type: ignore[attr-defined]
    result = _run(repo, url)
    assert result.returncode == 0, result.stderr
    assert f"openapi.yaml updated from {url} (1.0.0 -> 1.1.0): review in reports/api-diff.md" in result.stdout
    assert "version 0.1.0 -> 0.2.0" in result.stdout
    assert (repo / "openapi.yaml").read_bytes() == vendor.body
    assert (repo / "generated/aigenstudio_client/api/product_photo_api/cancel_product_photo_job.py").is_file()
    review = (repo / "reports" / "api-diff.md").read_text(encoding="utf-8")
    assert "### API changes" in review
    assert "Vendor spec version: 1.0.0 → 1.1.0." in review
    assert "## [0.2.0] - 2027-01-15" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    changed = git(repo, "status", "--porcelain").split("\n")
    again = _run(repo, url)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"openapi.yaml is up to date with {url}: nothing to do\n"
    assert git(repo, "status", "--porcelain").split("\n") == changed


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"<html><body>Maintenance</body></html>", 200, "not a spec the review can read"),
        (b"", 503, "the server answered 503, not the spec"),
        (b"openapi: 3.1.0\ninfo: {title: t", 200, "not a spec the review can read"),
    ],
    ids=["html page", "server error", "truncated"],
)
def test_a_download_that_is_not_a_spec_writes_nothing(
    vendor: type[_Vendor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: bytes,
    status: int,
    message: str,
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_bytes((ROOT / "openapi.yaml").read_bytes())
    monkeypatch.setattr(update_spec, "SPEC", spec)
    vendor.body, vendor.status = body, status
    report = tmp_path / "reports" / "api-diff.md"
    code = update_spec.main(["--url", vendor.url, "--report", str(report)])  # type: ignore[attr-defined]
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.endswith("(nothing written)\n")
    assert spec.read_bytes() == (ROOT / "openapi.yaml").read_bytes()
    assert not report.exists()


def test_fetch_reads_file_urls_and_refuses_what_is_too_big_or_not_a_url(tmp_path: Path) -> None:
    spec = tmp_path / "vendor spec.yaml"
    spec.write_bytes(b"openapi: 3.1.0\n")
    assert update_spec.fetch(spec.as_uri()) == b"openapi: 3.1.0\n"
    with pytest.raises(update_spec.FetchError, match="larger than 4 bytes"):
        update_spec.fetch(spec.as_uri(), limit=4)
    with pytest.raises(update_spec.FetchError, match="cannot read it"):
        update_spec.fetch((tmp_path / "missing.yaml").as_uri())
    with pytest.raises(update_spec.FetchError, match="not an https://, http:// or file:// URL"):
        update_spec.fetch("ftp://example.invalid/openapi.yaml")


def test_fetch_stops_a_response_larger_than_the_limit(vendor: type[_Vendor]) -> None:
    vendor.body, vendor.status = b"x" * 10_000, 200
    with pytest.raises(update_spec.FetchError, match="larger than 1000 bytes"):
        update_spec.fetch(vendor.url, limit=1000)  # type: ignore[attr-defined]


def test_the_url_comes_from_the_argument_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(update_spec.URL_VARIABLE, raising=False)
    assert update_spec.spec_url(None) == update_spec.DEFAULT_URL
    monkeypatch.setenv(update_spec.URL_VARIABLE, "https://mirror.example.invalid/openapi.yaml")
    assert update_spec.spec_url(None) == "https://mirror.example.invalid/openapi.yaml"
    assert update_spec.spec_url("file:///tmp/x.yaml") == "file:///tmp/x.yaml"


def test_the_make_target_and_the_scheduled_workflow_run_the_loop() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nupdate-spec: $(VENV)/.installed ## " in makefile
    assert '$(PY) tools/update_spec.py $(if $(SPEC_URL),--url "$(SPEC_URL)")' in makefile
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the `on:` key as True
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = workflow["jobs"]["update-spec"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "make update-spec" in runs
    assert "--body-file reports/api-diff.md" in runs
    assert any(step.get("with", {}).get("fetch-depth") == 0 for step in steps)
