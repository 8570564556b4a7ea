"""Find a generated endpoint module by operation name, whatever tag package holds it.

``find_operation("get_product_photo_job")`` is public: a vendor regrouping tags
(``api.product_photo_api`` becoming ``api.product_photo_jobs``) moves the modules, and code
that looks them up by name keeps working without an edit. The helpers themselves go through
the resource facade (``api_calls.py``).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

from .._core.errors import ConfigurationError

__all__ = ["UnknownOperationError", "find_operation", "operation_names"]

_API_PACKAGE = "aigenstudio_client.api"


class UnknownOperationError(ConfigurationError, LookupError):
    """No generated operation of that name (an SDK error, and a LookupError as before)."""


@functools.cache
def _modules_by_operation() -> dict[str, list[str]]:
    """Every generated endpoint module's dotted name, keyed by operation name."""
    package = importlib.import_module(_API_PACKAGE)
    modules: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{_API_PACKAGE}."):
        if not info.ispkg:
            modules.setdefault(info.name.rsplit(".", 1)[-1], []).append(info.name)
    return modules


def operation_names() -> list[str]:
    """The snake_case names of every generated operation, whatever tag package holds them."""
    return sorted(_modules_by_operation())


@functools.cache
def find_operation(name: str) -> ModuleType:
    """The generated module of operation ``name`` (snake_case operationId), in any tag package."""
    found = _modules_by_operation().get(name, [])
    if len(found) != 1:
        where = ", ".join(found) if found else "nowhere"
        raise UnknownOperationError(
            f"operation {name!r} must be defined once under {_API_PACKAGE}, found {where}"
        )
    return importlib.import_module(found[0])
