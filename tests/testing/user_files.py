"""Running a user's pytest file as a user would: a subprocess, the plugin from the installed
``pytest11`` entry point (no conftest of ours), its own rootdir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_pytest(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(path.parent),
            path.name,
        ],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
