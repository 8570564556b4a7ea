"""tools/prism.py: failures say why, and stopping leaves no process behind."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.servers.prism import require_prism
from tools.prism import PrismError, start_prism

pytestmark = [pytest.mark.prism, pytest.mark.slow]


def test_a_broken_spec_fails_with_prisms_own_message(tmp_path: Path) -> None:
    require_prism()
    broken = tmp_path / "missing.yaml"
    with pytest.raises(PrismError) as caught:
        start_prism(broken, ready_timeout=20)
    assert "missing.yaml" in str(caught.value)  # Prism's output is quoted


def test_stop_ends_the_whole_process_group() -> None:
    require_prism()
    server = start_prism()
    assert httpx.get(server.base_url + "/product-photo-operations").status_code == 200
    group = os.getpgid(server.process.pid)
    server.stop()
    assert server.process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # no member of Prism's group is left
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.base_url + "/product-photo-operations")
