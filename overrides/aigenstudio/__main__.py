"""``python -m aigenstudio`` and the ``aigenstudio`` console script: one entry point, ``main``
(``catalog run|status``, ``key fingerprint``, ``--version``).

Only argument handling lives in ``_catalog.cli``; this entry point supplies the
clients (``Client()``: key and URL from AIGENSTUDIO_API_KEY / AIGENSTUDIO_BASE_URL; or
``Client(api_key=...)`` once per key given with ``--api-key``, ``--api-key-file`` or
AIGENSTUDIO_API_KEYS; ``base_url=`` from ``--base-url``) and the exit code.
"""

from __future__ import annotations

from ._catalog.cli import main as _catalog_main
from ._client import Client

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    return _catalog_main(argv, Client)


if __name__ == "__main__":
    raise SystemExit(main())
