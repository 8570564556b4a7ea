"""The API key: one object that holds it, and the character rule shared by the client and
webhook verification.

``APIKey`` keeps the key's text where no repr, ``vars()``, pickle or frame-locals capture
(Sentry, ``rich``, ``traceback`` with ``capture_locals=True``) can reach it: its repr is
redacted, it has no ``__dict__`` and refuses to pickle. ``reveal()`` gives the text back, and
is called only where the text is needed (the ``Authorization`` header, the webhook HMAC key,
the fingerprint), inside an expression, so no local variable of ours holds it.

Both the client and webhook verification read the same key (the webhook signing secret is
derived from it), so both refuse the same keys, and neither message quotes the key.
"""

from __future__ import annotations

import hashlib

from .errors import ConfigurationError

__all__ = ["APIKey", "NotAKey", "check_key_characters", "conceal", "key_fingerprint"]

# Domain-separated: unrelated to the webhook signing secret (the plain SHA-256 of the key).
_FINGERPRINT_PREFIX = b"aigenstudio key fingerprint v1:"


class APIKey:
    """An API key that never shows: redacted repr, no ``__dict__``, no pickle, no equality by text."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def reveal(self) -> str:
        """The key's text: call it inside the expression that needs it, never into a variable."""
        return self._text

    def fingerprint(self) -> str:
        return key_fingerprint(self._text)

    def __repr__(self) -> str:
        return "APIKey([redacted])"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:  # a pickle would carry the key somewhere unseen
        raise TypeError("an API key cannot be pickled")


class NotAKey:
    """What :func:`conceal` keeps of a key of the wrong type: its type's name, never the value
    (the bytes of a key read from a file are the key, and a refusal must not hold them)."""

    __slots__ = ("type_name",)

    def __init__(self, value: object) -> None:
        self.type_name = type(value).__name__

    def __repr__(self) -> str:
        return f"NotAKey({self.type_name})"


def conceal(value: object) -> APIKey | NotAKey | None:
    """``value`` as an APIKey if it is a str, a NotAKey if it is anything else but None (checked
    later, by type name only); never raises, so it can be the first line of a function that
    received the key as an argument."""
    if value is None or isinstance(value, APIKey):
        return value
    return APIKey(value) if isinstance(value, str) else NotAKey(value)


def check_key_characters(api_key: APIKey) -> None:
    """Refuse whitespace, control and non-ASCII characters (a header could not carry them)."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in api_key.reveal()):
        raise ConfigurationError("The API key contains whitespace or control characters.")
    if not api_key.reveal().isascii():
        raise ConfigurationError("The API key contains non-ASCII characters.")


def key_fingerprint(api_key: str) -> str:
    """A short, stable, non-secret name for a key (12 hex digits), safe to store and print:
    which key created a job, without keeping the key."""
    return hashlib.sha256(_FINGERPRINT_PREFIX + api_key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
