"""Contains shared errors types that can be raised from API functions"""


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class InvalidArgument(TypeError):
    """Raised by api functions, before any request is sent, for an argument of the wrong type.

    ``argument`` is the argument's Python name (or a dotted path such as ``body.images[0]``),
    ``rule`` what it must be, in plain words.
    """

    def __init__(self, argument: str, rule: str) -> None:
        self.argument = argument
        self.rule = rule

        super().__init__(f"{argument}: {rule}")


import datetime  # after upstream's part, which stays verbatim (tests/pipeline/test_templates.py)


def lacks_utc_offset(value: datetime.datetime) -> bool:
    """True for a datetime that cannot be sent as an RFC 3339 date-time: naive, or with a
    tzinfo whose ``utcoffset()`` fails (a hostile or broken tzinfo is the caller's argument
    error, not an exception from inside the request)."""
    try:
        offset = value.utcoffset()
        value.isoformat()
    except Exception:
        return True
    return offset is None


def check_body(client: object, operation: str, data: object) -> None:
    """Let the client check a body built from keyword arguments, as JSON ``data``, before its
    model is built (so a bad image dict is named by its path and rule, not by from_dict's
    KeyError). A client with a callable ``check_request_body`` attribute has it called with the
    generated module's name and the data, and raises its own error for a bad body.
    """
    check = getattr(client, "check_request_body", None)
    if callable(check):
        check(operation, data)


def argument_error(client: object, error: InvalidArgument) -> Exception:
    """The exception api functions raise for ``error``: the client's own, if it converts them.

    A client with a callable ``convert_invalid_argument`` attribute has it called with the
    error; any other client gets ``error`` itself.
    """
    convert = getattr(client, "convert_invalid_argument", None)
    if callable(convert):
        converted = convert(error)
        if isinstance(converted, Exception):
            return converted
    return error


def parse_error(client: object, response: object, error: Exception) -> Exception:
    """The exception api functions raise when ``response``'s body does not parse.

    A client with a callable ``convert_parse_error`` attribute has it called with the response
    and the parser's error; any other client gets ``error`` itself.
    """
    convert = getattr(client, "convert_parse_error", None)
    if callable(convert):
        converted = convert(response, error)
        if isinstance(converted, Exception):
            return converted
    return error


class PaginationLoop(Exception):
    """Raised by the resource facade's iter() when the API repeats a cursor or never ends."""

    def __init__(self, cursor: object, pages: int) -> None:
        self.cursor = cursor
        self.pages = pages

        super().__init__(
            f"next_cursor {cursor!s} repeats or the listing passed {pages} page(s)"
        )


def pagination_error(client: object, cursor: object, pages: int) -> Exception:
    """The exception iter() raises for a cursor loop: the client's own, if it converts them."""
    convert = getattr(client, "convert_pagination_error", None)
    if callable(convert):
        converted = convert(cursor, pages)
        if isinstance(converted, Exception):
            return converted
    return PaginationLoop(cursor, pages)


__all__ = [
    "InvalidArgument",
    "PaginationLoop",
    "UnexpectedStatus",
    "argument_error",
    "check_body",
    "lacks_utc_offset",
    "pagination_error",
    "parse_error",
]
