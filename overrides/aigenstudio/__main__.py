"""``python -m aigenstudio`` and the ``aigenstudio`` console script (``catalog run|status``).

Only argument handling lives in ``_workflow.catalog_cli``; this entry point supplies the
client (key and URL from AIGENSTUDIO_API_KEY / AIGENSTUDIO_BASE_URL) and the exit code.
"""

from __future__ import annotations

from ._client import Client
from ._workflow.catalog_cli import main as _catalog_main

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    return _catalog_main(argv, Client)


if __name__ == "__main__":
    raise SystemExit(main())
