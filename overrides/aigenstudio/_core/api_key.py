"""The character rule for an API key, shared by the client and webhook verification.

Both read the same key (the webhook signing secret is derived from it), so both refuse the
same keys, and neither message quotes the key.
"""

from __future__ import annotations

from .errors import ConfigurationError

__all__ = ["check_key_characters"]


def check_key_characters(api_key: str) -> None:
    """Refuse whitespace, control and non-ASCII characters (a header could not carry them)."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in api_key):
        raise ConfigurationError("The API key contains whitespace or control characters.")
    if not api_key.isascii():
        raise ConfigurationError("The API key contains non-ASCII characters.")
