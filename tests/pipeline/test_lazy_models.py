"""The generated models package loads a model when it is asked for, not all of them at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aigenstudio_client.models as models
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_exported_model_is_reachable() -> None:
    for name in models.__all__:
        assert getattr(models, name).__name__ == name
    assert set(models.__all__) <= set(dir(models))
    with pytest.raises(AttributeError, match="no attribute 'NoSuchModel'"):
        models.NoSuchModel  # noqa: B018


def test_importing_one_model_loads_only_what_it_needs() -> None:
    probe = (
        "import sys\n"
        "from aigenstudio_client.models import ProductPhotoJobStatus\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('aigenstudio_client.models.'))\n"
        "print(' '.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "generated"), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.split() == ["aigenstudio_client.models.product_photo_job_status"]
