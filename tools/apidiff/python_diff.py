"""The Python side of the review: what changes for code that imports the generated client.

Both specs are regenerated with the pipeline's own `generate_into` (same pinned generator,
config and templates as `make generate`) into a temp dir, then compared with griffe: its
`find_breaking_changes` classifies signature and attribute breaks, and a listing of the public
modules, classes, functions and fields adds what it leaves out (additions, and every module of
a moved tree, such as the endpoint modules a tag rename moves to a new import path).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from tools.apidiff import branches
from tools.apidiff.loader import REF_KEY, Spec, listing, mapping
from tools.apidiff.rules import Change, Level, order
from tools.generate import generate_into


@dataclass(frozen=True)
class Surface:
    """Public objects of one generated package: dotted path -> griffe kind value."""

    objects: dict[str, str]
    root: Any  # the griffe Module, kept for find_breaking_changes


def generate_pair(old_spec: Path, new_spec: Path, workdir: Path) -> tuple[Path, Path]:
    """Generate both specs under workdir; returns the two package directories."""
    return generate_into(old_spec, workdir / "old"), generate_into(new_spec, workdir / "new")


def load_surface(package_dir: Path) -> Surface:
    """Load a generated package statically (never imported, so nothing of it runs)."""
    root = griffe.load(
        package_dir.name,
        search_paths=[package_dir.parent],
        modules_collection=griffe.ModulesCollection(),  # two same-named packages must not mix
        allow_inspection=False,
    )
    objects: dict[str, str] = {}
    _collect(root, objects)
    return Surface(objects, root)


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _collect(obj: Any, objects: dict[str, str]) -> None:
    objects[obj.path] = obj.kind.value
    for name, member in obj.members.items():
        if member.is_alias or not _is_public(name):
            continue  # re-exports are checked by griffe; private names are not surface
        if member.is_module or member.is_class:
            _collect(member, objects)
        elif member.is_function or (member.is_attribute and obj.is_class):
            objects[member.path] = member.kind.value


def _under(path: str, roots: set[str]) -> bool:
    return any(path == root or path.startswith(root + ".") for root in roots)


def _find_moves(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Removed module -> added module of the same name (unique), e.g. after a tag rename."""
    removed = [p for p in old.keys() - new.keys() if old[p] == "module"]
    added = [p for p in new.keys() - old.keys() if new[p] == "module"]
    moves: dict[str, str] = {}
    for path in sorted(removed):
        name = path.rpartition(".")[2]
        candidates = [p for p in added if p.rpartition(".")[2] == name]
        if len(candidates) == 1:
            moves[path] = candidates[0]
    return moves


def _members(objects: dict[str, str], root: str) -> set[str]:
    return {p[len(root) :] for p in objects if p.startswith(root + ".")}


def _listing(old: Surface, new: Surface, moves: dict[str, str]) -> tuple[list[Change], set[str]]:
    """Added/removed/moved objects, topmost only (every moved module is listed); also returns
    the roots already covered, so griffe's own report of the same removal is not repeated."""
    covered: set[str] = set()
    changes: list[Change] = []
    for path in sorted(old.objects.keys() - new.objects.keys()):
        if path in moves:  # checked first: a moved module inside a removed package is still listed
            same = _members(old.objects, path) == _members(new.objects, moves[path])
            message = (
                f"moved to `{moves[path]}` (import path changed; {'same' if same else 'changed'} members)"
            )
            changes.append(Change("module-moved", Level.BREAKING, path, message))
        elif not _under(path, covered):
            kind = old.objects[path]
            changes.append(Change(f"{kind}-removed", Level.BREAKING, path, f"{kind} removed"))
        covered.add(path)
    added_roots = set(moves.values())
    for path in sorted(new.objects.keys() - old.objects.keys()):
        if _under(path, added_roots):
            continue
        added_roots.add(path)
        kind = new.objects[path]
        changes.append(Change(f"{kind}-added", Level.INFO, path, f"{kind} added"))
    return changes, covered


def _parameter_names(obj: Any) -> list[str]:
    return [p.name for p in obj.parameters if p.name not in ("self", "cls")]


def _same_functions(old: Surface, new: Surface, moves: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(old path, new path) of every function on both sides, following moved modules."""
    for path, kind in sorted(old.objects.items()):
        if kind != "function":
            continue
        target = path
        for source, destination in moves.items():
            if path.startswith(source + "."):
                target = destination + path[len(source) :]
        if new.objects.get(target) == "function":
            yield path, target


def _optional_parameters_added(old: Surface, new: Surface, moves: dict[str, str]) -> Iterator[Change]:
    """griffe reports required additions; optional ones are new (non-breaking) features."""
    for old_path, new_path in _same_functions(old, new, moves):
        before = set(_parameter_names(_relative(old, old_path)))
        for param in _relative(new, new_path).parameters:
            if param.name not in before and param.name not in ("self", "cls") and param.default is not None:
                yield Change(
                    "parameter-added",
                    Level.INFO,
                    f"{new_path}({param.name})",
                    f"optional parameter `{param.name}` added (default {param.default})",
                )


def _breakage_change(breakage: Any) -> Change:
    kind = breakage.kind.name.lower().replace("_", "-")
    location = breakage.obj.path
    old, new = breakage.old_value, breakage.new_value
    if kind.startswith("parameter-"):
        param = old if old is not None else new
        location = f"{location}({param.name})"
        if kind == "parameter-changed-default":
            return Change(
                kind, Level.BREAKING, location, f"{breakage.kind.value}: {old.default} -> {new.default}"
            )
        return Change(kind, Level.BREAKING, location, breakage.kind.value)
    detail = f": {old} -> {new}" if old is not None and new is not None else ""
    return Change(kind, Level.BREAKING, location, f"{breakage.kind.value}{detail}")


def _relative(surface: Surface, path: str) -> Any:
    return surface.root[path.partition(".")[2]]


# Class decorators whose generated `__init__` takes the annotated class-body fields in order
# (griffe builds no `__init__` for them, so their constructor is checked here).
_FIELD_CLASS_DECORATORS = frozenset(
    {"_attrs_define", "define", "frozen", "mutable", "s", "attrs", "dataclass"}
)
_FIELD_CALL = re.compile(r"^(?:[\w.]+\.)?(?:_attrs_field|field|ib|attrib)\(")


def _is_field_class(cls: Any) -> bool:
    for decorator in cls.decorators:
        name = str(decorator.value).split("(", 1)[0].rpartition(".")[2]
        if name in _FIELD_CLASS_DECORATORS:
            return True
    return False


def _field_required(attribute: Any) -> bool | None:
    """True for a constructor field without a default, False with one, None when the attribute
    is not an `__init__` field (a property, a ClassVar, `field(init=False)`)."""
    if "property" in attribute.labels or attribute.annotation is None:
        return None
    if "ClassVar" in str(attribute.annotation):
        return None
    if attribute.value is None:
        return True
    value = str(attribute.value).replace(" ", "")
    if _FIELD_CALL.match(value):
        if "init=False" in value:
            return None
        return not any(f"{key}=" in value for key in ("default", "factory"))
    return False


def _fields(cls: Any) -> dict[str, bool]:
    """A field class's `__init__` fields in order: name -> required (no default)."""
    members = [
        m
        for m in cls.members.values()
        if not m.is_alias and m.is_attribute and m.parent is cls and m.lineno is not None
    ]
    fields: dict[str, bool] = {}
    for member in sorted(members, key=lambda m: m.lineno):
        required = _field_required(member)
        if required is not None:
            fields[member.name] = required
    return fields


def _kw_only(cls: Any) -> bool:
    return any("kw_only=True" in str(d.value).replace(" ", "") for d in cls.decorators)


def _constructor_changes(old: Surface, new: Surface) -> Iterator[Change]:
    """Model (attrs) constructors: a field that became required or a new required field makes
    `Model(...)` raise TypeError for existing callers (and shifts the positional order); a field
    that became optional is compatible. Removed fields are listed as `attribute-removed`."""
    for path, kind in sorted(old.objects.items()):
        if kind != "class" or new.objects.get(path) != "class":
            continue
        old_cls, new_cls = _relative(old, path), _relative(new, path)
        if not (_is_field_class(old_cls) and _is_field_class(new_cls)):
            continue
        before, after = _fields(old_cls), _fields(new_cls)
        for name, required in after.items():
            at = f"{path}({name})"
            if name not in before:
                if required:
                    message = f"required field `{name}` added: `{new_cls.name}(...)` calls without it fail"
                    yield Change("required-field-added", Level.BREAKING, at, message)
            elif required and not before[name]:
                message = f"field `{name}` is now required: `{new_cls.name}(...)` calls without it fail"
                yield Change("field-became-required", Level.BREAKING, at, message)
            elif before[name] and not required:
                message = f"field `{name}` is now optional (has a default)"
                yield Change("field-became-optional", Level.INFO, at, message)
        if _kw_only(old_cls) and _kw_only(new_cls):
            continue
        old_order = [n for n, required in before.items() if required and after.get(n)]
        new_order = [n for n, required in after.items() if required and before.get(n)]
        if old_order != new_order:
            shown = f"({', '.join(old_order)}) -> ({', '.join(new_order)})"
            message = f"positional order of the required fields changed: {shown}"
            yield Change("field-moved", Level.BREAKING, path, message)


def _class_path(objects: dict[str, str], schema: str) -> str | None:
    """The generated class of a component schema: `Pet` -> pkg.models.pet.Pet (when unique)."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", schema) if part)
    found = [
        p for p, kind in objects.items() if kind == "class" and p.endswith(f".models.{_snake(name)}.{name}")
    ]
    return found[0] if len(found) == 1 else None


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _parsed_by_trying(branch: Any) -> bool:
    """A branch the generated union parser tries (`from_dict`, enum or format parsing) rather
    than a bare primitive (`{type: integer}`), whose order changes nothing in the code."""
    if not isinstance(branch, dict):
        return False
    if REF_KEY in branch:
        return True
    shape = {k for k in branch if k not in branches.ANNOTATIONS and not k.startswith("x-")}
    return not (shape <= {"type"} and isinstance(branch.get("type"), str) and branch["type"] != "object")


_MAX_DEPTH = 16


def _union_sites(spec: Spec) -> dict[str, tuple[Any, str]]:
    """Every oneOf/anyOf of the spec's schemas: site name -> (parent schema, key). Sites are
    named `Component.field.sub` (`[]` for array items), or by operation for inline schemas;
    a referenced component is named once, at its own name."""
    sites: dict[str, tuple[Any, str]] = {}

    def walk(node: Any, where: str, depth: int) -> None:
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return
        for key in ("oneOf", "anyOf"):
            items = listing(node, key)
            if items:
                sites[where if key == "oneOf" else f"{where} (anyOf)"] = (node, key)
            for item in items:
                if isinstance(item, dict) and REF_KEY not in item:
                    walk(item, where, depth + 1)
        for name, prop in mapping(node, "properties").items():
            if isinstance(prop, dict) and REF_KEY not in prop:  # components: at their own name
                walk(prop, f"{where}.{name}", depth + 1)
        for key in ("items", "additionalProperties"):
            child = node.get(key)
            if isinstance(child, dict) and REF_KEY not in child:
                walk(child, f"{where}[]" if key == "items" else f"{where}{{}}", depth + 1)

    for name, schema in mapping(mapping(spec, "components"), "schemas").items():
        walk(schema, str(name), 0)
    for path, item in mapping(spec, "paths").items():
        for method, operation in (item or {}).items() if isinstance(item, dict) else ():
            if not isinstance(operation, dict):
                continue
            at = f"{method.upper()} {path}"
            for param in listing(operation, "parameters"):
                if isinstance(param, dict) and isinstance(param.get("schema"), dict):
                    walk(param["schema"], f"{at} parameter {param.get('name')}", 0)
            roots = [("request body", operation.get("requestBody"))]
            roots += [(f"response {status}", r) for status, r in mapping(operation, "responses").items()]
            for label, holder in roots:
                for media in mapping(holder, "content").values() if isinstance(holder, dict) else ():
                    schema = media.get("schema") if isinstance(media, dict) else None
                    if isinstance(schema, dict) and REF_KEY not in schema:
                        walk(schema, f"{at} {label}", 0)
    return sites


def union_order_changes(old: Spec, new: Spec, objects: dict[str, str] | None = None) -> list[Change]:
    """oneOf/anyOf branches that both specs have, tried in another order. The generated model
    parses a union by trying its branches in spec order, so the same payload may now parse into
    another class: a Python-side break that the wire (and oasdiff) does not see."""
    changes: list[Change] = []
    before, after = _union_sites(old), _union_sites(new)
    for site in sorted(before.keys() & after.keys()):
        (old_parent, key), (new_parent, _) = before[site], after[site]
        old_items, new_items = listing(old_parent, key), listing(new_parent, key)
        pairs, _, _ = branches.match(old_parent, new_parent, key)
        kept = [
            (i, j) for i, j in pairs if _parsed_by_trying(old_items[i]) and _parsed_by_trying(new_items[j])
        ]
        old_seq = [i for i, _ in sorted(kept)]
        new_seq = [i for i, _ in sorted(kept, key=lambda p: p[1])]
        if len(kept) < 2 or old_seq == new_seq:
            continue
        names = {i: branches.label(old_items[i], i) for i, _ in kept}
        shown = f"{', '.join(names[i] for i in old_seq)} -> {', '.join(names[i] for i in new_seq)}"
        head, _, rest = site.partition(".")
        model = _class_path(objects or {}, head) if rest and " " not in head else None
        location = f"{model}.{rest}" if model else site
        message = (
            f"{key} branches tried in another order ({shown}): the generated parser tries them "
            "in spec order, so the same payload may now parse into a different class"
        )
        changes.append(Change("union-order-changed", Level.BREAKING, location, message))
    return changes


def diff_surfaces(old: Surface, new: Surface) -> list[Change]:
    moves = _find_moves(old.objects, new.objects)
    listing, covered = _listing(old, new, moves)
    constructors = list(_constructor_changes(old, new))
    required_new = {c.location for c in constructors if c.kind == "required-field-added"}
    listing = [  # a new required field is one row (breaking), not also `attribute-added`
        c
        for c in listing
        if not (c.kind == "attribute-added" and _field_location(c.location) in required_new)
    ]
    changes = [*listing, *constructors, *_optional_parameters_added(old, new, moves)]
    pairs = [(old.root, new.root)] + [(_relative(old, a), _relative(new, b)) for a, b in moves.items()]
    for old_obj, new_obj in pairs:  # moved modules too: a move can hide a signature change
        for breakage in griffe.find_breaking_changes(old_obj, new_obj):
            change = _breakage_change(breakage)
            if change.kind == "object-removed" and _under(breakage.obj.path, covered):
                continue  # already listed above, with the move target where there is one
            changes.append(change)
    named = _facade_names(changes, {**_facade_paths(old), **_facade_paths(new)})
    routes = {**_facade_routes(old), **_facade_routes(new)}
    return sorted([_with_operation(c, routes) for c in named], key=order)


_ROUTE = re.compile(r"``([A-Z]+ /[^`]*)``")


def _facade_routes(surface: Surface) -> dict[str, str]:
    """Facade method path -> the `METHOD /path` its docstring names (the facade template
    documents each method's operation so)."""
    routes: dict[str, str] = {}
    for path, kind in surface.objects.items():
        if kind != "function" or ".resources." not in path:
            continue
        docstring = _relative(surface, path).docstring
        found = _ROUTE.search(docstring.value) if docstring is not None else None
        if found:
            routes[path] = found.group(1)
    return routes


def _with_operation(change: Change, routes: dict[str, str]) -> Change:
    route = routes.get(change.location.split("(", 1)[0])
    if route is None:
        return change
    return Change(change.kind, change.level, change.location, change.message, change.oasdiff, route)


_ENTRY_CLASSES = {"SyncResources": "client", "AsyncResources": "async_client"}


def _facade_paths(surface: Surface) -> dict[str, str]:
    """Resource facade class -> how a caller reaches it: ProductPhotoJobs ->
    client.product_photo_jobs, ProductPhotoJobsWithRawResponse -> ...with_raw_response."""
    try:
        module = surface.root["resources"]
    except (KeyError, AttributeError):
        return {}
    paths: dict[str, str] = {}
    for entry, caller in _ENTRY_CLASSES.items():
        if entry not in module.members:
            continue
        for name, member in module[entry].members.items():
            if member.is_attribute and member.annotation is not None and _is_public(name):
                paths[str(member.annotation)] = f"{caller}.{name}"
    for cls, reached in list(paths.items()):
        if cls in module.members and module[cls].is_class:
            for name, member in module[cls].members.items():
                if member.is_attribute and member.annotation is not None and _is_public(name):
                    paths.setdefault(str(member.annotation), f"{reached}.{name}")
    return paths


def caller_of(change: Change) -> str:
    """`client.product_photo_jobs.list` when the row names a facade call, else its dotted path."""
    called = re.search(r"\(`((?:async_)?client\.[\w.]+)`\)$", change.message)
    return called.group(1) if called else change.location.split("(", 1)[0]


def _facade_names(changes: list[Change], paths: dict[str, str]) -> list[Change]:
    """Name facade changes the way callers write them: `client.product_photo_jobs.cancel`."""
    named: list[Change] = []
    for change in changes:
        dotted = change.location.split("(", 1)[0]
        head, _, member = dotted.rpartition(".")
        parent = head.rpartition(".")[2]
        if ".resources." in dotted and parent in paths:
            call = f"{paths[parent]}.{member}"
            change = Change(change.kind, change.level, change.location, f"{change.message} (`{call}`)")
        elif ".resources." in dotted and member in paths:
            change = Change(
                change.kind, change.level, change.location, f"{change.message} (`{paths[member]}`)"
            )
        named.append(change)
    return named


def _field_location(path: str) -> str:
    """pkg.models.pet.Pet.owner -> pkg.models.pet.Pet(owner), as constructor rows name it."""
    head, _, name = path.rpartition(".")
    return f"{head}({name})"


def diff_python(old_package: Path, new_package: Path, specs: tuple[Spec, Spec] | None = None) -> list[Change]:
    """Every Python-surface change between two generated packages (directories); with the two
    resolved specs they came from, also the unions whose branches are tried in another order."""
    old, new = load_surface(old_package), load_surface(new_package)
    changes = diff_surfaces(old, new)
    if specs is not None:
        changes = sorted([*changes, *union_order_changes(*specs, new.objects)], key=order)
    return changes


@dataclass(frozen=True)
class Usage:
    """A line of our hand-written code that imports something the new package no longer has."""

    file: str
    line: int
    target: str
    text: str


_GONE_KINDS = ("module-moved", "module-removed", "class-removed", "function-removed")


def _patterns(target: str) -> list[re.Pattern[str]]:
    module, _, name = target.rpartition(".")
    return [
        re.compile(rf"(?<![\w.]){re.escape(target)}(?![\w])"),  # import a.b.c / "a.b.c" / from a.b.c import
        re.compile(rf"from\s+{re.escape(module)}\s+import\s+.*(?<![\w.]){re.escape(name)}(?!\w)"),
    ]


def find_usages(changes: list[Change], files: list[Path], base: Path) -> list[Usage]:
    """Lines in `files` that name a removed or moved module, class or function."""
    # Longest first, so a line names the moved module rather than its removed package.
    gone = sorted((c.location for c in changes if c.kind in _GONE_KINDS), key=len, reverse=True)
    patterns = [(target, pattern) for target in gone for pattern in _patterns(target)]
    usages: list[Usage] = []
    for path in files:
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if text.lstrip().startswith("#"):  # a comment mentioning a path imports nothing
                continue
            hit = next((target for target, pattern in patterns if pattern.search(text)), None)
            if hit:
                usages.append(Usage(path.relative_to(base).as_posix(), number, hit, text.strip()))
    return usages


@dataclass(frozen=True)
class HandWritten:
    """What the review means for our hand-written package (overrides/aigenstudio): how many of
    its lines use a generated name or parameter the review changes, those a break hits, its
    public functions that pass a removed parameter on (they break for their callers too), and
    (against a git base) its own public API's changes since that base."""

    checked: int
    affected: list[Usage]
    surface: list[Change]
    changes: list[Change] = field(default_factory=list)
    base: str = ""  # the git ref `changes` are counted from ("" when not compared)


def _load_package(package: Path) -> Any:
    return griffe.load(
        package.name,
        search_paths=[package.parent],
        modules_collection=griffe.ModulesCollection(),
        allow_inspection=False,
    )


def _public_modules(root: Any) -> list[Any]:
    """The package and its public submodules (`aigenstudio`, `aigenstudio.aio`)."""
    return [root, *(m for n, m in root.members.items() if _is_public(n) and not m.is_alias and m.is_module)]


def _public_names(root: Any) -> dict[str, str]:
    """Where a re-exported object is defined -> how callers import it (`aigenstudio.iter_jobs`)."""
    names: dict[str, str] = {}
    modules = [
        root,
        *(m for n, m in root.members.items() if _is_public(n) and not m.is_alias and m.is_module),
    ]
    for module in modules:
        for name, member in module.members.items():
            if _is_public(name) and member.is_alias and member.target_path.startswith(root.path + "."):
                names.setdefault(member.target_path, f"{module.path}.{name}")
    return names


def _publicly_named(change: Change, public: dict[str, str]) -> Change | None:
    """The change under the name callers use, or None when nothing public reaches it."""
    dotted, _, rest = change.location.partition("(")
    for target in sorted(public, key=len, reverse=True):
        if dotted == target or dotted.startswith(target + "."):
            location = public[target] + dotted[len(target) :] + (f"({rest}" if rest else "")
            return Change(change.kind, change.level, location, change.message)
    parts = dotted.split(".")
    return change if all(_is_public(part) for part in parts) else None


def diff_handwritten(base_package: Path, package: Path) -> list[Change]:
    """Our hand-written package's public API at a base against now (griffe's breaking changes),
    named as callers import it; private parameters and objects nothing public reaches left out."""
    old, new = _load_package(base_package), _load_package(package)
    public = {**_public_names(old), **_public_names(new)}
    rows: list[Change] = []
    for breakage in griffe.find_breaking_changes(old, new):
        change = _breakage_change(breakage)
        if change.location.endswith(")") and change.location.rpartition("(")[2].startswith("_"):
            continue
        named = _publicly_named(change, public)
        if named is not None and named not in rows:
            rows.append(named)
    return sorted(rows, key=order)


# Parts of a generated path that name no particular operation or model.
_GENERIC_PARTS = frozenset(
    {
        "api",
        "models",
        "resources",
        "sync",
        "sync_detailed",
        "asyncio",
        "asyncio_detailed",
        "with_raw_response",
    }
)
_PARAMETER_BREAKS = ("parameter-removed", "parameter-changed-kind", "parameter-changed-name")


def _touched_names(changes: list[Change], modules: dict[str, str]) -> set[str]:
    """The generated names a change touches, as hand-written code would spell them: endpoint
    modules, classes, functions, members (`list_product_photo_jobs`, `ProductPhotoJobStatus`)."""
    names: set[str] = set()
    for change in changes:
        dotted = change.location.split("(", 1)[0].split(".")[1:]
        names.update(part for part in dotted if part not in _GENERIC_PARTS)
        if change.operation in modules:
            names.add(modules[change.operation])
    return {name for name in names if "_" in name or name[:1].isupper()}


def _broken_parameters(changes: list[Change], modules: dict[str, str]) -> dict[str, set[str]]:
    """Endpoint module name -> parameters removed (or renamed) from its Python functions."""
    found: dict[str, set[str]] = {}
    for change in changes:
        param = change.location.rpartition("(")[2].rstrip(")") if "(" in change.location else ""
        if change.kind not in _PARAMETER_BREAKS or not param:
            continue
        parts = change.location.split("(", 1)[0].split(".")
        module = modules.get(change.operation) or (parts[3] if len(parts) > 3 and parts[1] == "api" else "")
        if module:
            found.setdefault(module, set()).add(param)
    return found


def _words(names: set[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile(
        r"(?<![\w])(?:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)"
    )


def _parameter_uses(text: str, params: set[str]) -> str | None:
    for param in sorted(params):
        name = re.escape(param)  # `status=...`, `args["status"]`, `{"status": ...}`
        if re.search(rf"(?<![\w.]){name}\s*=(?!=)|\[\s*[\"']{name}[\"']\s*\]|[\"']{name}[\"']\s*:", text):
            return param
    return None


def check_handwritten(
    changes: list[Change], package: Path, base: Path, modules: dict[str, str]
) -> HandWritten:
    """Scan the hand-written package for uses of what `changes` touch; `modules` maps
    `METHOD /path` to the endpoint module name."""
    touched = _words(_touched_names(changes, modules))
    gone = find_usages(changes, sorted(package.rglob("*.py")), base)
    broken = _broken_parameters(changes, modules)
    checked, affected = 0, list(gone)
    hit_files: dict[Path, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.splitlines()
        checked += sum(1 for line in lines if touched and touched.search(line))
        params = set().union(*(p for m, p in broken.items() if re.search(rf"\b{re.escape(m)}\b", text)))
        for number, line in enumerate(lines, 1):
            param = _parameter_uses(line, params) if not line.lstrip().startswith("#") else None
            if param:
                affected.append(Usage(path.relative_to(base).as_posix(), number, param, line.strip()))
                hit_files.setdefault(path.resolve(), set()).add(param)
    return HandWritten(checked, affected, _exposed(package, hit_files, changes))


def _exposed(package: Path, hit_files: dict[Path, set[str]], changes: list[Change]) -> list[Change]:
    """Public functions of the hand-written package (griffe, statically) defined in a file that
    passes a removed parameter on, and taking that parameter themselves."""
    if not hit_files:
        return []
    root = _load_package(package)
    callers: dict[str, Change] = {}
    for change in sorted(changes, key=lambda c: (not c.operation, "(`client." not in c.message)):
        if change.kind in _PARAMETER_BREAKS:  # a facade row first: it names the call callers write
            callers.setdefault(change.location.rpartition("(")[2].rstrip(")"), change)
    rows: list[Change] = []
    for module in _public_modules(root):
        for name, member in module.members.items():
            if not _is_public(name) or (
                member.is_alias and not member.target_path.startswith(root.path + ".")
            ):
                continue  # private, or a re-export of another package (`annotations`, httpx...)
            target = member.final_target if member.is_alias else member
            if not target.is_function:
                continue
            params = hit_files.get(Path(str(target.filepath)).resolve(), set())
            for param in sorted(params & set(_parameter_names(target))):
                source = callers[param]
                message = (
                    f"passes `{param}` on to `{caller_of(source)}`, which no longer takes it: "
                    f"calls with `{param}=` raise TypeError"
                )
                rows.append(
                    Change(
                        "parameter-broken",
                        Level.BREAKING,
                        f"{member.path}({param})",
                        message,
                        operation=source.operation,
                    )
                )
    return rows
