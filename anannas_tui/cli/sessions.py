"""`anannas-tui sessions`: list, show, export, repair and delete saved conversations, and resolve `--session`.

A session is named by a unique prefix of its id, by a file path, or by `last` (the most recently saved one).
Only `repair` rewrites a session file (keeping the original as a `.bak` copy); `delete` removes one after
confirmation, and `export -o` writes a new file.
Text read from session files is sanitised whenever it goes to a terminal; piped or written to a file it is
exact. Exit codes: 0 ok, 1 a file could not be read or written, 2 no such session, a damaged one, or a
refused deletion.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anannas_tui.cli.common import EXIT_API, EXIT_OK, EXIT_USAGE, UsageError, report
from anannas_tui.core.export import FORMATS, export
from anannas_tui.core.metrics import format_cost
from anannas_tui.core.sanitize import for_display, shorten

if TYPE_CHECKING:
    from anannas_tui.core.session_index import SessionEntry
    from anannas_tui.core.session_store import SessionStore

# The session store and index are imported where they are used: every start of the CLI (the TUI's included)
# builds this module's parser, and only `sessions` and `--session` read session files.

_REF_HELP = "a unique prefix of the session id, a file path, or `last`"


def add_parser(subparsers: Any) -> None:
    """Register `sessions` and its actions (`list` is the default)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sessions",
        help="list, show, export or delete saved conversations",
        description="Saved conversations (one TOML file each). With no action, lists them.",
    )
    parser.set_defaults(func=run, action="list", json=False)
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser("list", help="list sessions, most recently updated first")
    listing.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    listing.set_defaults(action="list")
    show = actions.add_parser("show", help="print a session's transcript (Markdown)")
    show.add_argument("ref", metavar="ID", help=_REF_HELP)
    show.set_defaults(action="show")
    exporting = actions.add_parser("export", help="export a session as Markdown or JSON")
    exporting.add_argument("ref", metavar="ID", help=_REF_HELP)
    exporting.add_argument("--format", choices=FORMATS, default="md", help="md (default) or json")
    exporting.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    exporting.set_defaults(action="export")
    repair = actions.add_parser("repair", help="re-seal a session file edited by hand (the original is kept as .bak)")
    repair.add_argument("ref", metavar="ID", help=_REF_HELP)
    repair.set_defaults(action="repair")
    delete = actions.add_parser("delete", help="delete a session file (damaged ones too)")
    delete.add_argument("ref", metavar="ID", help=_REF_HELP)
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(action="delete")


def resolve_session(ref: str) -> Path:
    """The file `--session ID|PATH|last` names, checked to be readable before the TUI starts.

    Raises:
        UsageError: nothing matches, the prefix is ambiguous, or the file is damaged (the reason is given).
    """
    from anannas_tui.core.session_index import read_entry
    from anannas_tui.core.session_store import SessionNotFound, SessionStore

    try:
        path = SessionStore(clean=False).resolve(ref)
    except SessionNotFound as error:
        raise UsageError(for_display(str(error))) from None
    entry, _ = read_entry(path, 0.0)
    if entry.damaged is not None:
        raise UsageError(for_display(f"{path} is damaged: {entry.damaged}"))
    return path


def run(args: argparse.Namespace) -> int:
    """Run the chosen action."""
    from anannas_tui.core.session_store import SessionNotFound, SessionStore, SessionUnreadable

    store = SessionStore(clean=False)
    try:
        if args.action == "list":
            return _list(store, args.json)
        if args.action == "show":
            return _show(store, args.ref)
        if args.action == "export":
            return _export(store, args.ref, args.format, args.output)
        if args.action == "repair":
            return _repair(store, args.ref)
        return _delete(store, args.ref, args.yes)
    except (SessionNotFound, SessionUnreadable) as error:
        report(for_display(str(error)))
        return EXIT_USAGE
    except OSError as error:
        report(for_display(f"{error.filename or 'file'}: {error.strerror or error}"))
        return EXIT_API


def _out(text: str) -> None:
    """Write to stdout as UTF-8 bytes: exact (CRLF kept, any locale); sanitised first when it is a terminal."""
    if sys.stdout.isatty():
        text = for_display(text)
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def _cell(text: str, width: int) -> str:
    """One table cell: sanitised, on one line, cut to `width`."""
    return shorten(" ".join(for_display(text).split()), width)


def _entry_json(entry: SessionEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "path": str(entry.path),
        "title": entry.title,
        "kind": str(entry.kind),
        "model": entry.model,
        "created": entry.created.isoformat() if entry.created else None,
        "updated": entry.updated.isoformat() if entry.updated else None,
        "messages": entry.messages,
        "cost": float(entry.cost) if entry.cost is not None else None,
        "cost_estimated": entry.cost_estimated,
        "read_only": entry.read_only,
        "damaged": entry.damaged,
    }


def _table_row(entry: SessionEntry, model_width: int) -> str:
    if entry.damaged is not None:
        return f"{_cell(entry.id, 12):<12}  DAMAGED  {_cell(entry.damaged, 100)}  ({_cell(entry.path.name, 80)})"
    updated = entry.updated.strftime("%Y-%m-%d %H:%M") if entry.updated else ""
    cost = format_cost(entry.cost, entry.cost_estimated) if entry.cost is not None else ""
    title = _cell(entry.title or "Untitled", 60) + (" [read-only]" if entry.read_only else "")
    model = _cell(entry.model, model_width)
    return f"{_cell(entry.id, 12):<12}  {updated:<16}  {model:<{model_width}}  {entry.messages:>4}  {cost:<12}  {title}"


def _list(store: SessionStore, as_json: bool) -> int:
    entries = store.entries()
    if as_json:
        _out(json.dumps([_entry_json(e) for e in entries], ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if not entries:
        report(f"no saved sessions yet (they are kept in {store.folder})")
        return EXIT_OK
    model_width = max(min(max(len(e.model) for e in entries), 32), 5)
    rows = [f"{'ID':<12}  {'UPDATED':<16}  {'MODEL':<{model_width}}  {'MSGS':>4}  {'COST':<12}  TITLE"]
    rows += [_table_row(entry, model_width) for entry in entries]
    _out("\n".join(rows) + "\n")
    return EXIT_OK


def _show(store: SessionStore, ref: str) -> int:
    loaded = store.load(ref)
    if loaded.read_only:
        report(for_display(loaded.read_only))
    _out(export(loaded.session, "md"))
    return EXIT_OK


def _export(store: SessionStore, ref: str, fmt: str, output: str | None) -> int:
    loaded = store.load(ref)
    text = export(loaded.session, fmt)
    if output is None or output == "-":
        _out(text)
        return EXIT_OK
    from anannas_tui.core.atomic import atomic_write

    atomic_write(Path(output).expanduser(), text)
    report(f"exported {loaded.session.id} to {for_display(output)}")
    return EXIT_OK


def _repair(store: SessionStore, ref: str) -> int:
    path = store.resolve(ref)
    backup = store.repair(path)
    if backup is None:
        report(f"{for_display(path.name)} is not damaged: nothing to repair")
    else:
        report(f"repaired {for_display(str(path))}; the original is kept as {for_display(backup.name)}")
    return EXIT_OK


def _confirm(entry: SessionEntry) -> bool:
    """Ask on the terminal; anything but y/yes is a no."""
    what = f"damaged file {entry.path.name}" if entry.damaged else f"{entry.title or 'Untitled'!r} ({entry.id})"
    count = "" if entry.damaged else f", {entry.messages} messages"
    sys.stderr.write(for_display(f"Delete {what}{count}? [y/N] "))
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _delete(store: SessionStore, ref: str, yes: bool) -> int:
    from anannas_tui.core.session_index import read_entry

    path = store.resolve(ref)
    if not yes:
        if not sys.stdin.isatty():
            report("refusing to delete without --yes when input is not a terminal")
            return EXIT_USAGE
        if not _confirm(read_entry(path, 0.0)[0]):
            report("not deleted")
            return EXIT_OK
    store.delete(path)
    report(f"deleted {for_display(str(path))}")
    return EXIT_OK
