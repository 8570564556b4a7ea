"""A client library for accessing AI Gen Studio Product Photo API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
