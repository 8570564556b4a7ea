"""The character rule for an API key, shared by the client and webhook verification.

Both read the same key (the webhook signing secret is derived from it), so both refuse the
same keys, and neither message quotes the key.
"""

from __future__ import annotations

import hashlib

from .errors import ConfigurationError

__all__ = ["check_key_characters", "key_fingerprint"]

# Domain-separated: unrelated to the webhook signing secret (the plain SHA-256 of the key).
_FINGERPRINT_PREFIX = b"aigenstudio key fingerprint v1:"


def check_key_characters(api_key: str) -> None:
    """Refuse whitespace, control and non-ASCII characters (a header could not carry them)."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in api_key):
        raise ConfigurationError("The API key contains whitespace or control characters.")
    if not api_key.isascii():
        raise ConfigurationError("The API key contains non-ASCII characters.")


def key_fingerprint(api_key: str) -> str:
    """A short, stable, non-secret name for a key (12 hex digits), safe to store and print:
    which key created a job, without keeping the key."""
    return hashlib.sha256(_FINGERPRINT_PREFIX + api_key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
