"""``aigenstudio catalog run|status`` and ``aigenstudio key fingerprint``: a catalog file
through the API from a terminal, a cron job or a container.

The exit codes are listed in EXIT_HELP (shown by ``--help`` and in the README); SIGTERM and
SIGHUP stop a run as Ctrl-C does (129/130/143). The clients come from the caller
(``__main__``): this layer never builds one itself. Several API keys (``--api-key``
repeated, ``--api-key-file``, or AIGENSTUDIO_API_KEYS) get one client each, so that up to
``--max-active-jobs`` jobs run at once; the keys are never printed. Progress goes to stderr
(a bar on a terminal with tqdm, else a plain line every ``--progress-every`` seconds), or
as ``--json`` events on stdout. Every line goes out through ``_say``: server and catalog
text in it (error codes and messages, external ids, URLs, file names, the journal's
namespace) has its control and bidi characters escaped.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import getpass
import importlib.util
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_create_request_preservation_level import (
    ProductPhotoJobCreateRequestPreservationLevel as PreservationLevel,
)
from aigenstudio_client.models.product_photo_operation_id import ProductPhotoOperationId

from .._core.api_facts import ACTIVE_JOBS_PER_ACCOUNT
from .._core.api_key import key_fingerprint
from .._core.errors import AigenStudioError, APIError, ConfigurationError, RequestValidationError
from .._core.server_text import MAX_SERVER_TEXT, server_text
from .._http.settings import API_KEY_ENV, BASE_URL_ENV
from .._version import __version__
from .._workflow.api_calls import ApiClient, call, operations
from .._workflow.waiting import MAX_POLL_INTERVAL, POLL_INTERVAL
from .files import FORMATS, CatalogFile, CatalogFileError, catalog_state, dry_run, row_free
from .journal import (
    JournalBusyError,
    JournalFileError,
    JournalKeyMissingError,
    JournalMismatchError,
    check_open_keys,
    check_settings,
    journal_error,
    journal_in_use,
    journal_settings,
    read_meta,
    read_status,
    same_file,
)
from .outcomes import CatalogSummary, ResultsFileError, aside_path
from .planner import IMAGE_FIELDS, BodyTemplate, job_options
from .process import CATALOG_WAIT_TIMEOUT, process_catalog
from .progress import CatalogProgress, ProgressBar, ProgressLines
from .report import JsonEvents
from .slots import client_fingerprint, run_key_kind, slot_clients

__all__ = ["EXIT_CODES", "main"]

# The generated function's name of GET /product-photo-operations (for a bare client's errors).
_LIST_OPERATIONS_OPERATION = "list_product_photo_operations"
EXIT_CODES = {
    "done": 0,
    "failed_items": 1,
    "input": 2,
    "api": 3,
    "journal": 4,
    "hangup": 129,  # 128 + SIGHUP, as a shell reports it
    "interrupted": 130,  # 128 + SIGINT
    "terminated": 143,  # 128 + SIGTERM
}
JOURNAL_SUFFIX = ".journal"  # the default journal: products.csv -> products.csv.journal
PROGRESS_EVERY = 60.0  # seconds between two progress lines off a terminal
# Called with no argument (the key from the environment) or with api_key= for each key given.
ClientFactory = Callable[..., ApiClient]
KEYS_ENV = "AIGENSTUDIO_API_KEYS"
_MAX_LISTED = 20  # failed rows listed under the summary (all of them are in --results)
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
  129, 130, 143
       stopped by SIGHUP, Ctrl-C (SIGINT) or SIGTERM (docker stop, Kubernetes, a CI
       timeout): every job created so far is in the journal, the results file holds
       every outcome so far; run the same command again to resume
"""


EXAMPLE = """example:
  # products.csv has source_url and external_id columns; the key comes from the environment
  export AIGENSTUDIO_API_KEY=aigen_test_...
  aigenstudio catalog run products.csv --operation marketplace_clean --results results.csv
  # stopped (Ctrl-C, SIGTERM, a lost connection)? the same command resumes, never paying twice
  aigenstudio catalog status products.csv
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aigenstudio",
        description="AI Gen Studio Product Photo API from the command line.",
        epilog=EXAMPLE + "\n" + EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"aigenstudio {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    catalog = commands.add_parser("catalog", help="process a catalog file").add_subparsers(
        dest="action", required=True
    )
    run = catalog.add_parser(
        "run",
        help="send every row of CATALOG through jobs (resumable)",
        epilog=EXAMPLE + "\n" + EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_arguments(run)
    status = catalog.add_parser("status", help="how far a run is: done, failed, remaining, open jobs")
    status.add_argument("catalog", nargs="?", help="the catalog file (counts its remaining rows)")
    status.add_argument("--journal", help="the run's journal (default: CATALOG.journal)")
    status.add_argument("--format", choices=FORMATS, help="the catalog's format, whatever its name")
    key = commands.add_parser("key", help="API key helpers").add_subparsers(dest="action", required=True)
    # Listed for --help only: `aigenstudio mock` is dispatched by the entry point (__main__.main)
    # before this parser runs, to the fake API's own parser (aigenstudio.testing).
    commands.add_parser(
        "mock", help="serve a stateful fake of the API on 127.0.0.1 (aigenstudio mock --help)"
    )
    key.add_parser(
        "fingerprint",
        help=f"print the fingerprint the journal quotes for the key in {API_KEY_ENV} or on stdin "
        "(never an argument: the process list would show it)",
    )
    return parser


def _add_run_arguments(run: argparse.ArgumentParser) -> None:
    source, external = IMAGE_FIELDS
    run.add_argument("catalog", help=f"a CSV ({source}[, {external}] columns) or JSON Lines file")
    run.add_argument(
        "--format", choices=FORMATS, help="the catalog's format, whatever its name (default: its extension)"
    )
    # Choices from the generated enums: a value the spec drops is no longer offered.
    operations = _values(ProductPhotoOperationId)
    run.add_argument(
        "--operation", required=True, choices=operations, metavar="ID", help=", ".join(operations)
    )
    run.add_argument("--preset", help="a preset id (see the API's list of presets)")
    run.add_argument("--instructions", help="free-text instructions for every image")
    run.add_argument("--preservation-level", choices=_values(PreservationLevel))
    run.add_argument(
        "--journal",
        help="SQLite file recording the run (default: CATALOG.journal, beside the catalog, so the "
        "same command resumes)",
    )
    run.add_argument(
        "--results",
        help="one line per row in this file (.csv, else JSON Lines); a rerun rewrites it with every "
        "row, earlier ones included, and never loses a line",
    )
    run.add_argument(
        "--namespace", help="names this import in the idempotency keys (default: the file's name)"
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="check what the run checks (rows, journal, keys) and estimate credits; send nothing",
    )
    run.add_argument(
        "--skip-invalid", action="store_true", help="report invalid rows and go on (default: stop)"
    )
    _add_output_arguments(run)
    _add_key_arguments(run)
    _add_pace_arguments(run)


def _add_output_arguments(run: argparse.ArgumentParser) -> None:
    shown = run.add_mutually_exclusive_group()
    shown.add_argument("--no-progress", action="store_true", help="no progress bar or lines")
    shown.add_argument("--json", action="store_true", help="one JSON event per line on stdout")
    shown.add_argument("--quiet", action="store_true", help="print nothing but errors")
    run.add_argument(
        "--progress-every",
        type=_non_negative_seconds,
        default=PROGRESS_EVERY,
        metavar="S",
        help=f"off a terminal, a progress line every S seconds (default: {PROGRESS_EVERY:g})",
    )


def _add_key_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help=f"an API key of the account; repeat it for several keys, one job in flight each "
        f"(visible in the process list: prefer --api-key-file, {KEYS_ENV}=key1,key2 or {API_KEY_ENV})",
    )
    run.add_argument("--api-key-file", metavar="FILE", help="read the API keys from FILE, one a line")
    run.add_argument(
        "--base-url", help=f"the API's base URL, e.g. a mock's (default: {BASE_URL_ENV}, else the API's)"
    )


def _add_pace_arguments(run: argparse.ArgumentParser) -> None:
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


def _non_negative_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, not {text!r}")
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
    """--api-key and --api-key-file's keys, else AIGENSTUDIO_API_KEYS (comma-separated);
    empty: the client's default (AIGENSTUDIO_API_KEY)."""
    given = [*(args.api_keys or []), *(_key_file(args.api_key_file) if args.api_key_file else [])]
    if given:
        return [key.strip() for key in given if key.strip()]
    return [key.strip() for key in os.environ.get(KEYS_ENV, "").split(",") if key.strip()]


def _key_file(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            keys = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    except FileNotFoundError:
        raise CatalogFileError(f"no such file: {path} (--api-key-file)") from None
    except (OSError, UnicodeError) as error:
        raise CatalogFileError(f"{path}: cannot be read as a key file ({error})") from None
    if not keys:
        raise CatalogFileError(f"{path} holds no API key (--api-key-file: one key a line)")
    return keys


def _clients(args: argparse.Namespace, make_client: ClientFactory) -> list[ApiClient]:
    keys = list(dict.fromkeys(_api_keys(args)))  # a key given twice is still one key
    where: dict[str, Any] = {"base_url": args.base_url} if args.base_url else {}
    if keys:
        return [make_client(api_key=key, **where) for key in keys]
    client = make_client(**where)  # the key from the environment, if any
    if client_fingerprint(client) is None:
        raise ConfigurationError(
            f"no API key: set {API_KEY_ENV} (or {KEYS_ENV}=key1,key2 for several), or pass "
            "--api-key-file FILE"
        )
    return [client]


def main(argv: list[str] | None, make_client: ClientFactory, out: IO[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = out if out is not None else sys.stdout
    if args.command == "key":
        return _key_fingerprint(out)
    if getattr(args, "catalog", None) is not None and args.journal is None:
        args.journal = args.catalog + JOURNAL_SUFFIX  # beside the catalog: the same command resumes
    with _stopped_by_signals():
        return _guarded(args, make_client, out)


def _guarded(args: argparse.Namespace, make_client: ClientFactory, out: IO[str]) -> int:
    """The command, its errors turned into a message and an exit code (EXIT_HELP)."""
    catalog = None
    try:
        if args.action == "status":
            return _status(args, out)
        catalog = CatalogFile(args.catalog, args.format)
        _check_paths(args)
        if args.dry_run:
            return _dry_run(args, catalog, make_client, out)
        return _run(args, catalog, make_client, out)
    except (CatalogFileError, ResultsFileError, JournalFileError, ConfigurationError) as error:
        return _fail(out, f"error: {error}", "input")
    except OSError as error:
        return _fail(out, f"error: {error.filename or ''}: {error.strerror or error}", "input")
    except sqlite3.DatabaseError as error:  # busy, or damaged past what the checks read
        busy = isinstance(journal_error(args.journal, error), JournalBusyError)
        return _fail(
            out, f"error: the journal {args.journal} cannot be used: {error}", "journal" if busy else "input"
        )
    except RequestValidationError as error:
        if catalog is None or not error.field.startswith("images"):  # an argument, not a row
            return _fail(out, f"error: {error}", "input")
        hint = "fix it (or pass --skip-invalid) and run the same command again; finished jobs are kept"
        return _fail(out, f"error: a row is invalid: {catalog.problem(error)}", "input", hint)
    except JournalKeyMissingError as error:
        hint = (
            f"give that key with --api-key-file FILE, {KEYS_ENV}=key1,key2 or {API_KEY_ENV}; "
            "`aigenstudio key fingerprint` prints a key's fingerprint (key on stdin)"
        )
        return _fail(out, f"error: {error}", "journal", hint)
    except (JournalBusyError, JournalMismatchError) as error:
        return _fail(out, f"error: {error}", "journal")
    except (APIError, AigenStudioError) as error:
        return _fail(
            out, f"error: the API call failed: {error}", "api", "run the same command again to resume"
        )
    except Stopped as stop:
        message = (
            f"stopped ({stop.name}): jobs already created keep running and are in the journal; "
            "run the same command again to resume"
        )
        return _fail(out, message, stop.exit_kind)
    except KeyboardInterrupt:
        message = "interrupted: jobs already created keep running; run the same command again to resume"
        return _fail(out, message, "interrupted")


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (docker stop, Kubernetes, a CI timeout, a closed terminal): stops the
    run as Ctrl-C does, through every cleanup on the way (journal, lock, results file)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.name = signal.Signals(signum).name
        self.exit_kind = _SIGNAL_EXITS[self.name]


_SIGNAL_EXITS = {"SIGTERM": "terminated", "SIGHUP": "hangup"}


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Stopped` in the main thread (once: a second signal
    during the cleanup is ignored, so the cleanup finishes); the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the caller's own apply
        return
    numbers = [getattr(signal, name) for name in _SIGNAL_EXITS if hasattr(signal, name)]
    raised: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        if not raised:
            raised.append(signum)
            raise Stopped(signum)

    previous = {number: signal.signal(number, stop) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse an output that would overwrite an input: --results on the catalog or the journal
    (or its sidecar files), --journal on the catalog; compared after resolving the paths."""
    if same_file(args.journal, args.catalog):
        raise CatalogFileError(f"--journal {args.journal} is the catalog file; give the journal its own file")
    if args.results is None:
        return
    taken = (args.catalog, args.journal, *(args.journal + end for end in ("-wal", "-shm", ".lock")))
    for written in (args.results, aside_path(args.results)):  # the results, and their file aside
        for name in taken:
            if same_file(written, name):
                raise CatalogFileError(
                    f"--results {args.results} would overwrite {name} (the catalog or the journal); "
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


def _run(args: argparse.Namespace, catalog: CatalogFile, make_client: ClientFactory, out: IO[str]) -> int:
    total = catalog.count()
    clients = _clients(args, make_client)
    rows = CountedRows(catalog, total)
    events = JsonEvents(out, catalog.line) if args.json else None
    with _progress_output(args, total) as on_progress:
        summary = process_catalog(
            clients,
            rows,
            namespace=_namespace(args),
            journal=args.journal,
            results=args.results,
            on_progress=events.progress if events is not None else on_progress,
            on_item=events.item if events is not None else None,
            on_step=events.step if events is not None else None,
            line_of=catalog.line,
            on_invalid="skip" if args.skip_invalid else "raise",
            max_active_jobs=args.max_active_jobs,
            poll_interval=args.poll_interval,
            max_interval=max(MAX_POLL_INTERVAL, args.poll_interval),
            wait_timeout=args.wait_timeout,
            **_options(args),
        )
    code = EXIT_CODES["done" if summary.ok else "failed_items"]
    if events is not None:
        events.summary(summary, code)
    elif not args.quiet:
        _print_summary(out, summary, catalog)
    return code


@contextlib.contextmanager
def _progress_output(
    args: argparse.Namespace, total: int
) -> Iterator[Callable[[CatalogProgress], None] | None]:
    """Where progress goes: a bar on a terminal (with tqdm), else plain lines on stderr at
    ``--progress-every``'s pace; nothing with --no-progress, --quiet or --json."""
    if args.no_progress or args.quiet or args.json:
        yield None
        return
    stream = sys.stderr
    if stream.isatty() and importlib.util.find_spec("tqdm") is not None:
        with ProgressBar(total, stream, disable=False) as bar:
            yield bar
        return
    with ProgressLines(stream, args.progress_every, time.monotonic) as lines:
        yield lines


class CountedRows:
    """The catalog's rows with their count (the progress's total): read when iterated."""

    def __init__(self, catalog: CatalogFile, total: int) -> None:
        self._catalog = catalog
        self._total = total

    def __len__(self) -> int:
        return self._total

    def __iter__(self) -> Iterator[dict[str, Any] | None]:
        return self._catalog.rows()


def _print_summary(out: IO[str], summary: CatalogSummary, catalog: CatalogFile) -> None:
    earlier = f" ({summary.failed_earlier_count} in an earlier run)" if summary.failed_earlier_count else ""
    _say(
        out,
        f"{summary.completed_count} completed, {summary.failed_count} failed{earlier}, "
        f"{summary.invalid_count} invalid, {summary.skipped_count} already done; "
        f"{summary.jobs} jobs, {summary.credits_used} credits used",
    )
    in_file_order = sorted(summary.failed, key=lambda o: (o.row is None, o.row or 0))
    for outcome in in_file_order[:_MAX_LISTED]:
        line = catalog.line(outcome.row)
        where = f"line {line} ({outcome.key})" if line is not None else outcome.key
        _say(
            out,
            f"  {where}: {outcome.error_code or outcome.status}: "
            f"{row_free(outcome.error_message or '')}{' (in an earlier run)' if outcome.earlier else ''}",
        )


def _dry_run(args: argparse.Namespace, catalog: CatalogFile, make_client: ClientFactory, out: IO[str]) -> int:
    """What the run would do, refused where the run would refuse (same exit codes): the
    journal's settings and kind of key, the keys of its open jobs, a run holding it, rows."""
    template = BodyTemplate(_namespace(args), _options(args))
    clients = _clients(args, make_client)
    _check_journal_as_a_run_would(args.journal, template, clients, args.max_active_jobs)
    report = dry_run(catalog, template, args.journal)
    _say(
        out,
        f"{report.rows} rows: {report.valid} valid, {report.invalid_count} invalid, "
        f"{report.done} already done",
    )
    for problem in report.problems:
        _say(out, f"  {problem}")
    per_image = _credits_per_image(clients[0], args.operation)
    estimate = "unknown" if per_image is None else str(per_image * report.to_send)
    _say(
        out,
        f"would send {report.to_send} images in {report.jobs} jobs; estimated credits: {estimate}"
        f" ({args.operation}: {per_image if per_image is not None else '?'} per image); nothing was sent",
    )
    return EXIT_CODES["input" if report.invalid_count else "done"]


def _check_journal_as_a_run_would(
    journal: str, template: BodyTemplate, clients: list[ApiClient], max_active_jobs: int
) -> None:
    """The run's own checks on an existing journal, read-only: busy, settings and key kind
    (JournalMismatchError), the open jobs' keys (JournalKeyMissingError)."""
    if not os.path.exists(journal):
        return
    if journal_in_use(journal):
        raise JournalBusyError(f"another catalog run is using the journal {journal}; wait for it to finish")
    wanted = journal_settings(template.namespace, template.options, run_key_kind(clients))
    check_settings(journal, read_meta(journal), wanted)
    fingerprints = [client_fingerprint(c) for c in slot_clients(clients, max_active_jobs)]
    opened = [(seq, key) for seq, _, key in read_status(journal).open_jobs]
    check_open_keys(journal, opened, fingerprints)


def _credits_per_image(client: ApiClient, operation: str) -> int | None:
    resource = operations(client).with_raw_response
    listed = call(client, _LIST_OPERATIONS_OPERATION, lambda: resource.list())
    for described in listed.operations:
        if str(described.id) == operation:
            return described.credits_per_image
    return None


def _status(args: argparse.Namespace, out: IO[str]) -> int:
    journal = args.journal
    if journal is None:
        return _fail(out, "error: name the catalog file (or --journal)", "input")
    if not os.path.exists(journal):
        return _fail(out, f"error: no journal at {journal} (no run has started there yet)", "input")
    status = read_status(journal)
    meta, items = status.meta, status.items
    _say(
        out,
        f"journal {journal}: namespace {meta.get('namespace')}, options {meta.get('options')}, "
        f"{meta.get('runs', 0)} run(s)",
    )
    if args.catalog is not None:
        state = catalog_state(CatalogFile(args.catalog, args.format), journal)
        _say(
            out,
            f"{state.rows} rows: {state.completed + state.failed} done ({state.completed} completed, "
            f"{state.failed} failed), {state.remaining} remaining",
        )
    _say(
        out,
        f"images: {items.get('completed', 0)} completed, {items.get('failed', 0)} failed, "
        f"{items.get('pending', 0)} in open jobs",
        f"jobs: {status.finished_jobs} finished, {len(status.open_jobs)} open; "
        f"credits used: {status.credits_used}",
    )
    for seq, job_id, key in status.open_jobs:
        _say(
            out,
            f"  open batch {seq}: job {job_id or '(not created yet)'}, key {key or '(any)'}; "
            "a rerun re-attaches to it with that key",
        )
    held = "a run holds the journal now" if journal_in_use(journal) else "no run holds the journal now"
    _say(out, held)
    return EXIT_CODES["done"]


def _key_fingerprint(out: IO[str]) -> int:
    """The fingerprint of the key in AIGENSTUDIO_API_KEY, else of the first line on stdin."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        key = getpass.getpass("API key: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not key:
        return _fail(out, f"error: no API key: set {API_KEY_ENV}, or write the key on stdin", "input")
    _say(out, key_fingerprint(key))
    return EXIT_CODES["done"]
