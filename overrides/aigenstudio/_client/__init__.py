"""The client layer: ``Client`` and ``AsyncClient`` (``classes.py``), composed in ``base.py``."""

from .base import USER_AGENT
from .classes import AsyncClient, Client

__all__ = ["USER_AGENT", "AsyncClient", "Client"]
