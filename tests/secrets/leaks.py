"""Where a secret may hide: an error, its cause chain and its pickle (``assert_no_secret``),
the frame locals of its traceback (``assert_no_secret_in_locals``), any text (``assert_no_key``)."""

from __future__ import annotations

import pickle
import traceback

import aigenstudio
import httpx

from tests.client.conftest import SANDBOX_KEY

SECRET = SANDBOX_KEY.removeprefix("aigen_test_")


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    """Nothing reachable from the error, its pickle or its cause chain holds a secret."""
    secrets = secrets or (SECRET,)
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        texts = [str(current), repr(current), repr(vars(current))]
        request = getattr(current, "request", None) if not isinstance(current, httpx.HTTPError) else None
        if isinstance(current, httpx.RequestError):
            request = current._request  # the attribute httpx keeps, set or not
        if isinstance(request, httpx.Request):
            texts.append(repr(request.headers.multi_items()))
            texts.append(str(request.url))
        response = getattr(current, "response", None)
        if isinstance(response, httpx.Response):
            texts.append(repr(response.request.headers.multi_items()))
        for text in texts:
            for secret in secrets:
                assert secret not in text, f"{type(current).__name__} leaks a secret"
        current = current.__cause__ or current.__context__
    if isinstance(error, aigenstudio.AigenStudioError):
        blob = pickle.dumps(error)
        for secret in secrets:
            assert secret.encode() not in blob


# -- the key in frame locals (error trackers, rich, traceback capture_locals) ------------


def _holds(value: object, secret: str, depth: int = 0) -> bool:
    """Whether ``value`` shows ``secret`` in its repr, or holds it in a container within."""
    try:
        if secret in repr(value):
            return True
    except Exception:  # a repr that fails is the next test's business
        pass
    if isinstance(value, str | bytes | bytearray) or depth > 5:
        return isinstance(value, str) and secret in value
    if isinstance(value, dict):
        return any(_holds(k, secret, depth + 1) or _holds(v, secret, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds(item, secret, depth + 1) for item in value)
    return False


def _is_ours(filename: str) -> bool:
    return any(f"/{package}/" in filename for package in ("aigenstudio", "aigenstudio_client"))


def assert_no_secret_in_locals(error: BaseException, *secrets: str) -> None:
    """No frame of ours in the error's traceback (or its causes') holds a secret in a local,
    and formatting the traceback with every local (what Sentry and rich do) works and hides it."""
    secrets = secrets or (SECRET,)
    current: BaseException | None = error
    frames = 0
    while current is not None:
        tb = current.__traceback__
        while tb is not None:
            if _is_ours(tb.tb_frame.f_code.co_filename):
                frames += 1
                for name, value in tb.tb_frame.f_locals.items():
                    for secret in secrets:
                        where = f"{tb.tb_frame.f_code.co_name}() local {name!r}"
                        assert not _holds(value, secret), f"{where} holds a secret"
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    assert frames, "the error passed through no frame of ours: the test proves nothing"
    formatted = traceback.TracebackException.from_exception(error, capture_locals=True)
    for summary in formatted.stack:
        if _is_ours(summary.filename):
            for secret in secrets:
                assert not any(secret in text for text in (summary.locals or {}).values())


KEY_FRAGMENT = SANDBOX_KEY.removeprefix("aigen_test_")[:12]


def assert_no_key(*texts: str) -> None:
    for text in texts:
        assert SANDBOX_KEY not in text
        assert KEY_FRAGMENT not in text
