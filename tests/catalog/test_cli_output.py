"""``aigenstudio catalog run|status`` print server and catalog text inert.

Item error codes and messages come from the server, external ids and file names from a
catalog someone else may have written: printed as received, an OSC 52 sequence writes the
user's clipboard, ``ESC [2J`` clears the screen, ``ESC ]0;`` retitles the window, ``\\r``
overwrites a line and U+202E reverses what follows. The CLI escapes all of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from aigenstudio.testing import FakeServer

from .conftest import API_KEY, fail_every_image, finish_after

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = (
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H"  # clear the screen
    "\x1b]0;owned\x07"  # retitle the window
    "\x9b31m"  # CSI as a C1 control
    "\rfake line\n"  # overwrite the line, then forge another
    "\u202eevil\u202c\u2066x\u2069\u200f"  # bidi overrides, isolates, marks
)
# Characters that must never reach the terminal (as text: the streams are UTF-8).
FORBIDDEN = {chr(c) for c in range(0x20) if chr(c) != "\n"} | {chr(c) for c in range(0x7F, 0xA0)}
FORBIDDEN |= set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def _cli(server: FakeServer, *args: str) -> subprocess.CompletedProcess[str]:
    """The command's exit code and output, decoded without newline translation (\r stays)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overrides")]),
        "PYTHONIOENCODING": "utf-8",
        "AIGENSTUDIO_API_KEY": API_KEY,
        "AIGENSTUDIO_BASE_URL": server.base_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "aigenstudio", *args], env=env, capture_output=True, timeout=60
    )
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    return subprocess.CompletedProcess(done.args, done.returncode, out, err)


def _inert(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN})
    assert not found, f"{found} reached the terminal in {text!r}"


def test_run_and_status_print_hostile_text_inert(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 1)
    fail_every_image(server, "bad\x1b[31m_code\u202e", "the image " + HOSTILE + " failed")
    catalog = tmp_path / ("c" + "\x1b]0;t\x07" + ".jsonl")  # a file name can hold escapes too
    records = [
        {"source_url": "https://img.test/1.jpg", "external_id": "sku-1" + HOSTILE},
        {"source_url": "https://img.test/2.jpg", "external_id": "\u202esku-2"},
        {"source_url": "https://img.test/3.jpg?\x1b[2J\u202e", "external_id": "sku-3\x1b]0;t\x07"},  # invalid
    ]
    catalog.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    journal = str(tmp_path / ("j\x1b[2J" + ".sqlite"))
    run = _cli(
        server,
        *("catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", journal),
        *("--namespace", "ns" + HOSTILE, "--poll-interval", "0.01", "--no-progress", "--skip-invalid"),
    )
    assert run.returncode == 1, run.stderr  # every item failed
    assert "0 completed, 2 failed, 1 invalid" in run.stdout
    assert "the image \\x1b]52;c;cHduZWQ=\\x07" in run.stdout  # the escapes shown, not performed...
    assert "\\u202eevil" in run.stdout  # ...and the words kept
    _inert(run.stdout)
    _inert(run.stderr)
    status = _cli(server, "catalog", "status", "--journal", journal)
    assert status.returncode == 0, status.stderr
    assert "2 failed" in status.stdout
    _inert(status.stdout)
    _inert(status.stderr)


def test_an_error_naming_a_hostile_file_is_inert(server: FakeServer, tmp_path: Path) -> None:
    missing = str(tmp_path / ("missing" + HOSTILE + ".csv"))
    done = _cli(server, "catalog", "run", missing, "--operation", "marketplace_clean", "--journal", "j")
    assert done.returncode == 2
    assert "missing" in done.stderr
    _inert(done.stdout)
    _inert(done.stderr)
