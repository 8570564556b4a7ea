"""The user's pytest file in README "Testing your app against the mock" passes, run by pytest as
a user's would be (the fixture comes from the installed ``pytest11`` entry point, not from a
conftest of ours), and each of its tests can fail."""

from __future__ import annotations

import re
from pathlib import Path

from .user_files import run_pytest

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Testing your app against the mock\n"


def _user_file() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]
    blocks = re.findall(r"^```python\n(.*?)^```", section, re.DOTALL | re.MULTILINE)
    (user_file,) = [block for block in blocks if "def test_" in block]
    return str(user_file)


def test_the_readme_user_file_passes_against_the_fixture(tmp_path: Path) -> None:
    source = _user_file()
    for name in ("create", "wait_for_job", "job_results", "ConflictError", "verify_webhook", "Fault."):
        assert name in source, f"the README's pytest file no longer shows {name}"
    path = tmp_path / "test_my_app.py"
    path.write_text(source, encoding="utf-8")
    done = run_pytest(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout


def test_the_readme_user_file_can_fail(tmp_path: Path) -> None:
    # Without the failure rule the image test fails; without the limit the 409 test does.
    source = _user_file().replace("fail-2.jpg", "two.jpg").replace('"order-0004"', '"order-0003"')
    path = tmp_path / "test_my_app.py"
    path.write_text(source, encoding="utf-8")
    done = run_pytest(path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 failed, 4 passed" in done.stdout
