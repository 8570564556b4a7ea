"""Which media types of a spec are bytes, and the generator config that makes them ``File``.

The pinned generator reads JSON (``application/json``, ``*+json``), ``text/*`` (as ``str``),
form bodies and ``application/octet-stream``; any other media type (``image/png``,
``application/pdf``, ``*/*``...) is "unsupported" and, with ``--fail-on-warning``, stops the
whole generation. ``tools/generate.py`` hands the generator a config derived from
generator-config.yaml with one ``content_type_overrides`` entry per such media type of the
spec, each read as ``application/octet-stream`` (a ``File`` argument or result), so no
human adds a type by hand. The facade (``tools/facade.py``) parses the spec with the same
overrides, and the contract (``tools/contract.py``) marks the statuses whose body is
bytes: the client streams those to the caller instead of reading them into memory.

The rules (one home, here):

- **bytes**: every media type that is not JSON, not a form (``application/x-www-form-urlencoded``,
  ``multipart/form-data``) and not ``text/*``: ``image/*``, ``audio/*``, ``video/*``,
  ``application/pdf``, ``application/zip``, ``application/octet-stream``, a wildcard
  (``*/*``, ``image/*``)... A ``text/*`` type is bytes only where its schema says
  ``format: binary`` (a large CSV export); elsewhere (``text/plain``) it stays ``str``, read
  within ``max_response_size``.
- **several media types in one response**: the generator takes the first one it reads, in
  the spec's order; so does the contract: a response is a download when its first listed media
  type is bytes (``image/png`` then ``image/webp``: a download, the ``Content-Type`` of the
  answer says which). JSON listed first keeps the JSON model.
- **request bodies** follow the same rule: an ``image/png`` or ``application/octet-stream``
  body is a ``File`` argument, sent with the spec's own media type as ``Content-Type``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "OCTET_STREAM",
    "binary_media_types",
    "derived_config",
    "first_media_type_is_bytes",
    "is_bytes",
]

OCTET_STREAM = "application/octet-stream"
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _essence(media_type: str) -> str:
    """``Image/PNG; q=1`` -> ``image/png`` (a wildcard is kept as written: ``*/*``)."""
    return media_type.split(";", 1)[0].strip().lower()


def _schema_says_binary(media: Any) -> bool:
    schema = media.get("schema") if isinstance(media, Mapping) else None
    return isinstance(schema, Mapping) and schema.get("format") == "binary"


def is_bytes(media_type: str, media: Any = None) -> bool:
    """Whether a body of ``media_type`` (its Media Type Object ``media``) is bytes, not JSON/text/form."""
    essence = _essence(media_type)
    if essence == "application/json" or essence.endswith("+json") or essence in _FORMS:
        return False
    if essence.startswith("text/"):
        return _schema_says_binary(media)
    return True


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, Mapping) else None
        node = target
    return node


def _contents(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every ``content`` map of the spec: request bodies and responses of every operation."""
    for item in (document.get("paths") or {}).values():
        item = _deref(document, item)
        if not isinstance(item, Mapping):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            holders = [operation.get("requestBody"), *(operation.get("responses") or {}).values()]
            for holder in holders:
                content = (_deref(document, holder) or {}).get("content")
                if isinstance(content, Mapping):
                    yield content


def binary_media_types(document: Mapping[str, Any]) -> list[str]:
    """Each media type of the spec, as written, that is bytes and the generator does not read as such."""
    found: set[str] = set()
    for content in _contents(document):
        for media_type, media in content.items():
            if isinstance(media_type, str) and media_type != OCTET_STREAM and is_bytes(media_type, media):
                found.add(media_type)
    return sorted(found)


def first_media_type_is_bytes(content: Any) -> bool:
    """Whether a response ``content`` map is a download: its first listed media type is bytes."""
    if not isinstance(content, Mapping) or not content:
        return False
    media_type, media = next(iter(content.items()))
    return isinstance(media_type, str) and is_bytes(media_type, media)


def derived_config(base: Path, document: Mapping[str, Any]) -> dict[str, Any]:
    """generator-config.yaml with a ``content_type_overrides`` entry for each bytes media type."""
    from ruamel.yaml import YAML

    config = YAML(typ="safe").load(base.read_text(encoding="utf-8")) or {}
    overrides = dict(config.get("content_type_overrides") or {})
    for media_type in binary_media_types(document):
        overrides.setdefault(media_type, OCTET_STREAM)  # the generator looks it up as written
    if overrides:
        config["content_type_overrides"] = dict(sorted(overrides.items()))
    return dict(config)
