"""``make mutate``'s configuration: every equivalent mutant has a reason, and one whose mutated
line says nothing on its own (``break``) names the line above it, so it cannot excuse another
survivor of the same shape elsewhere in the module."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

from tools import mutate

ROOT = Path(__file__).resolve().parents[2]
BARE = {"break", "continue", "pass", "return", "return None", "return True", "return False"}
DIFF = """--- a/m.py
+++ b/m.py
@@ -1,4 +1,4 @@
 for name in names:
     if name == "last":
-        continue
+        break
 done()
"""


def test_every_equivalent_has_a_reason_and_a_bare_line_names_the_line_above() -> None:
    config = tomllib.loads((ROOT / "tests" / "mutation" / "modules.toml").read_text(encoding="utf-8"))
    for path, module in config["modules"].items():
        assert (ROOT / path).is_file(), path
        for known in module.get("equivalent", []):
            assert known["reason"].strip(), (path, known)
            if known["mutated"].strip() in BARE:
                assert known.get("above", "").strip(), f"{path}: {known['mutated']!r} needs above="


def _survivor(diff: str) -> tuple[object, object]:
    mutation = SimpleNamespace(start_pos=(3, 8), operator_name="core/ReplaceContinueWithBreak")
    return SimpleNamespace(mutations=[mutation]), SimpleNamespace(
        diff=diff, test_outcome="survived", is_killed=False
    )


def test_a_bare_equivalent_excuses_only_the_survivor_below_its_line() -> None:
    here = mutate.Equivalent("core/ReplaceContinueWithBreak", "break", "the last name", 'if name == "last":')
    elsewhere = mutate.Equivalent("core/ReplaceContinueWithBreak", "break", "another loop", "if other:")
    item, result = _survivor(DIFF)
    assert mutate.classify(mutate.Module("m.py", [], [here]), item, result, []).status == "equivalent"
    assert mutate.classify(mutate.Module("m.py", [], [elsewhere]), item, result, []).status == "survived"
