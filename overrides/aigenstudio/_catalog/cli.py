"""``aigenstudio catalog run|status``: a catalog file through the API from a terminal.

The exit codes are listed in EXIT_HELP (shown by ``--help`` and in the README). The clients
come from the caller (``__main__``): this layer never builds one itself. Several API keys
(``--api-key`` repeated, or AIGENSTUDIO_API_KEYS) get one client each, so that up to
``--max-active-jobs`` jobs run at once; the keys are never printed. Every line goes out
through ``_say``: server and catalog text in it (error codes and messages, external ids,
URLs, file names, the journal's namespace) has its control and bidi characters escaped.
"""

from __future__ import annotations

import argparse
import enum
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import IO, Any

from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_create_request_preservation_level import (
    ProductPhotoJobCreateRequestPreservationLevel as PreservationLevel,
)
from aigenstudio_client.models.product_photo_operation_id import ProductPhotoOperationId

from .._core.api_facts import ACTIVE_JOBS_PER_ACCOUNT
from .._core.errors import AigenStudioError, APIError, ConfigurationError, RequestValidationError
from .._core.server_text import MAX_SERVER_TEXT, server_text
from .._http.settings import API_KEY_ENV
from .._workflow.api_calls import ApiClient, call, operations
from .._workflow.waiting import MAX_POLL_INTERVAL, POLL_INTERVAL
from .files import CatalogFileError, count_rows, dry_run, read_rows
from .journal import (
    JournalBusyError,
    JournalFileError,
    JournalKeyMissingError,
    JournalMismatchError,
    check_key_kind,
    journal_error,
    read_meta,
    read_status,
    same_file,
)
from .planner import IMAGE_FIELDS, BodyTemplate, job_options
from .process import CATALOG_WAIT_TIMEOUT, process_catalog
from .progress import ProgressBar
from .slots import run_key_kind

__all__ = ["EXIT_CODES", "main"]

# The generated function's name of GET /product-photo-operations (for a bare client's errors).
_LIST_OPERATIONS_OPERATION = "list_product_photo_operations"
EXIT_CODES = {"done": 0, "failed_items": 1, "input": 2, "api": 3, "journal": 4, "interrupted": 130}
# Called with no argument (the key from the environment) or with api_key= for each key given.
ClientFactory = Callable[..., ApiClient]
KEYS_ENV = "AIGENSTUDIO_API_KEYS"
_MAX_LINE = 4 * MAX_SERVER_TEXT  # a printed line holds a few server texts at most
EXIT_HELP = """exit codes:
  0    every row is done (completed now or in an earlier run)
  1    the run finished, but some images failed (in this run or an earlier one: failed
       images are not re-sent) or rows were refused (see --results)
  2    stopped by the input: a bad argument, sandbox and live keys in one run, an
       unreadable file (not UTF-8, not a journal, a damaged journal...), an invalid
       row (with --dry-run: any invalid row); fix it and run the same command again
  3    the API refused or could not be reached (key, credits, network, timeout);
       run the same command again to resume
  4    the journal is in use by another run, or was started with other settings or
       the other kind of key (sandbox vs live), or has an open job of an API key not
       given this time (pass that key again)
  130  interrupted (Ctrl-C): every job created so far is in the journal;
       run the same command again to resume
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aigenstudio",
        description="AI Gen Studio Product Photo API from the command line.",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    catalog = commands.add_parser("catalog", help="process a catalog file").add_subparsers(
        dest="action", required=True
    )
    run = catalog.add_parser(
        "run",
        help="send every row of CATALOG through jobs (resumable)",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source, external = IMAGE_FIELDS
    run.add_argument("catalog", help=f"a .csv ({source}[, {external}] columns) or .jsonl file")
    # Choices from the generated enums: a value the spec drops is no longer offered.
    operations = _values(ProductPhotoOperationId)
    run.add_argument(
        "--operation", required=True, choices=operations, metavar="ID", help=", ".join(operations)
    )
    run.add_argument("--preset", help="a preset id (see the API's list of presets)")
    run.add_argument("--instructions", help="free-text instructions for every image")
    run.add_argument("--preservation-level", choices=_values(PreservationLevel))
    run.add_argument("--journal", required=True, help="SQLite file recording the run (created if missing)")
    run.add_argument("--results", help="write one line per row to this .jsonl or .csv file")
    run.add_argument(
        "--namespace", help="names this import in the idempotency keys (default: the file's name)"
    )
    run.add_argument(
        "--dry-run", action="store_true", help="check every row and estimate credits; send nothing"
    )
    run.add_argument(
        "--skip-invalid", action="store_true", help="report invalid rows and go on (default: stop)"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help=f"an API key of the account; repeat it for several keys, one job in flight each "
        f"(or set {KEYS_ENV}=key1,key2, which other users cannot read in the process list; "
        f"default: {API_KEY_ENV})",
    )
    run.add_argument(
        "--max-active-jobs",
        type=_at_least_one,
        default=ACTIVE_JOBS_PER_ACCOUNT,
        metavar="N",
        help=f"jobs in flight at most, one per key (default: {ACTIVE_JOBS_PER_ACCOUNT}, the account's limit)",
    )
    run.add_argument(
        "--poll-interval",
        type=_seconds,
        default=POLL_INTERVAL,
        metavar="S",
        help=f"first poll interval (default: {POLL_INTERVAL:g})",
    )
    run.add_argument(
        "--wait-timeout",
        type=_seconds,
        default=CATALOG_WAIT_TIMEOUT,
        metavar="S",
        help=f"give up on a job after S seconds (default: {CATALOG_WAIT_TIMEOUT:g}); rerun to resume",
    )
    status = catalog.add_parser("status", help="summarise the run recorded in a journal")
    status.add_argument("--journal", required=True)
    return parser


def _values(choices: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in choices]


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, not {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, not {text!r}")
    return value


def _api_keys(args: argparse.Namespace) -> list[str]:
    """--api-key values, else AIGENSTUDIO_API_KEYS (comma-separated); empty: the client's default."""
    if args.api_keys:
        return [key.strip() for key in args.api_keys if key.strip()]
    return [key.strip() for key in os.environ.get(KEYS_ENV, "").split(",") if key.strip()]


def _clients(args: argparse.Namespace, make_client: ClientFactory) -> list[ApiClient]:
    keys = list(dict.fromkeys(_api_keys(args)))  # a key given twice is still one key
    return [make_client(api_key=key) for key in keys] if keys else [make_client()]


def main(argv: list[str] | None, make_client: ClientFactory, out: IO[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = out if out is not None else sys.stdout
    try:
        if args.action == "status":
            return _status(args.journal, out)
        _check_paths(args)
        if args.dry_run:
            return _dry_run(args, make_client, out)
        return _run(args, make_client, out)
    except (CatalogFileError, JournalFileError, OSError, ConfigurationError) as error:
        return _fail(out, f"error: {error}", "input")
    except sqlite3.DatabaseError as error:  # busy, or damaged past what the checks read
        busy = isinstance(journal_error(args.journal, error), JournalBusyError)
        return _fail(
            out, f"error: the journal {args.journal} cannot be used: {error}", "journal" if busy else "input"
        )
    except RequestValidationError as error:
        if not error.field.startswith("images"):  # an argument (--namespace...), not a row
            return _fail(out, f"error: {error}", "input")
        hint = "fix it (or pass --skip-invalid) and run the same command again; finished jobs are kept"
        return _fail(out, f"error: a row is invalid: {error}", "input", hint)
    except (JournalBusyError, JournalMismatchError, JournalKeyMissingError) as error:
        return _fail(out, f"error: {error}", "journal")
    except (APIError, AigenStudioError) as error:
        return _fail(
            out, f"error: the API call failed: {error}", "api", "run the same command again to resume"
        )
    except KeyboardInterrupt:
        message = "interrupted: jobs already created keep running; run the same command again to resume"
        return _fail(out, message, "interrupted")


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse an output that would overwrite an input: --results on the catalog or the journal
    (or its sidecar files), --journal on the catalog; compared after resolving the paths."""
    if same_file(args.journal, args.catalog):
        raise CatalogFileError(f"--journal {args.journal} is the catalog file; give the journal its own file")
    if args.results is None:
        return
    for taken in (args.catalog, args.journal, *(args.journal + end for end in ("-wal", "-shm", ".lock"))):
        if same_file(args.results, taken):
            raise CatalogFileError(
                f"--results {args.results} would overwrite {taken} (the catalog or the journal); "
                "give the results their own file"
            )


def _say(out: IO[str], *lines: str) -> None:
    """Print each line inert: escapes in server or catalog text are shown, never performed;
    characters the output's encoding lacks are shown as ``\\uXXXX``, never a crash."""
    for line in lines:
        print(_encodable(server_text(line, _MAX_LINE), out), file=out)


def _encodable(text: str, out: IO[str]) -> str:
    """``text`` as ``out`` can encode it (a cp1252 log file on Windows, PYTHONIOENCODING=ascii)."""
    encoding = getattr(out, "encoding", None)
    if not isinstance(encoding, str):
        return text  # a text buffer (StringIO): it takes any str
    try:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except (LookupError, UnicodeError):
        return text.encode("ascii", "backslashreplace").decode("ascii")


def _fail(out: IO[str], message: str, kind: str, *more: str) -> int:
    _say(sys.stderr if out is sys.stdout else out, message, *more)
    return EXIT_CODES[kind]


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """The job options given on the command line, built through the generated create body:
    a field the spec renames, removes or retypes fails mypy here, not a run."""
    chosen = ProductPhotoJobCreateRequest(
        images=[],
        operation=ProductPhotoOperationId(args.operation),
        preset=args.preset,
        instructions=args.instructions,
        preservation_level=(
            None if args.preservation_level is None else PreservationLevel(args.preservation_level)
        ),
    )
    return job_options(chosen)


def _namespace(args: argparse.Namespace) -> str:
    """--namespace, else the journal's (a re-export under another file name resumes), else the file's name."""
    if args.namespace:
        return str(args.namespace)
    stored = _journal_meta(args.journal).get("namespace")
    return stored or os.path.splitext(os.path.basename(args.catalog))[0] or "catalog"


def _journal_meta(journal: str) -> dict[str, str]:
    """What the journal was started with ({} for a new path, or a file the run will refuse)."""
    if not os.path.exists(journal):
        return {}
    try:
        return read_meta(journal)
    except (JournalFileError, JournalBusyError):
        return {}  # the run (or the dry run's lookup) says what is wrong with it


def _run(args: argparse.Namespace, make_client: ClientFactory, out: IO[str]) -> int:
    total = count_rows(args.catalog)
    with ProgressBar(total, disable=True if args.no_progress else None) as bar:
        summary = process_catalog(
            _clients(args, make_client),
            read_rows(args.catalog),
            namespace=_namespace(args),
            journal=args.journal,
            results=args.results,
            on_progress=bar,
            on_invalid="skip" if args.skip_invalid else "raise",
            max_active_jobs=args.max_active_jobs,
            poll_interval=args.poll_interval,
            max_interval=max(MAX_POLL_INTERVAL, args.poll_interval),
            wait_timeout=args.wait_timeout,
            **_options(args),
        )
    earlier = f" ({summary.failed_earlier_count} in an earlier run)" if summary.failed_earlier_count else ""
    _say(
        out,
        f"{summary.completed_count} completed, {summary.failed_count} failed{earlier}, "
        f"{summary.invalid_count} invalid, {summary.skipped_count} already done; "
        f"{summary.jobs} jobs, {summary.credits_used} credits used",
    )
    for outcome in summary.failed[:20]:
        _say(
            out,
            f"  row {outcome.row}: {outcome.key}: {outcome.error_code or outcome.status}: "
            f"{outcome.error_message}{' (in an earlier run)' if outcome.earlier else ''}",
        )
    return EXIT_CODES["done" if summary.ok else "failed_items"]


def _dry_run(args: argparse.Namespace, make_client: ClientFactory, out: IO[str]) -> int:
    template = BodyTemplate(_namespace(args), _options(args))
    clients = _clients(args, make_client)
    check_key_kind(args.journal, _journal_meta(args.journal), run_key_kind(clients))
    report = dry_run(read_rows(args.catalog), template, args.journal)
    _say(
        out,
        f"{report.rows} rows: {report.valid} valid, {report.invalid_count} invalid, "
        f"{report.done} already done",
    )
    for problem in report.invalid:
        _say(out, f"  {problem}")
    per_image = _credits_per_image(clients[0], args.operation)
    estimate = "unknown" if per_image is None else str(per_image * report.to_send)
    _say(
        out,
        f"would send {report.to_send} images in {report.jobs} jobs; estimated credits: {estimate}"
        f" ({args.operation}: {per_image if per_image is not None else '?'} per image); nothing was sent",
    )
    return EXIT_CODES["input" if report.invalid_count else "done"]


def _credits_per_image(client: ApiClient, operation: str) -> int | None:
    resource = operations(client).with_raw_response
    listed = call(client, _LIST_OPERATIONS_OPERATION, lambda: resource.list())
    for described in listed.operations:
        if str(described.id) == operation:
            return described.credits_per_image
    return None


def _status(journal: str, out: IO[str]) -> int:
    if not os.path.exists(journal):
        return _fail(out, f"error: no journal at {journal}", "input")
    status = read_status(journal)
    meta, items = status.meta, status.items
    _say(
        out,
        f"journal {journal}: namespace {meta.get('namespace')}, options {meta.get('options')}, "
        f"{meta.get('runs', 0)} run(s)",
    )
    _say(
        out,
        f"images: {items.get('completed', 0)} completed, {items.get('failed', 0)} failed, "
        f"{items.get('pending', 0)} in open jobs",
    )
    _say(
        out,
        f"jobs: {status.finished_jobs} finished, {len(status.open_jobs)} open; "
        f"credits used: {status.credits_used}",
    )
    for seq, job_id in status.open_jobs:
        _say(out, f"  open batch {seq}: job {job_id or '(not created yet)'}; a rerun re-attaches to it")
    return EXIT_CODES["done"]
