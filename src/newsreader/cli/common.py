"""Helpers every subcommand shares: loading paths with one-line reasons, JSON output."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.corpus import Corpus

if TYPE_CHECKING:
    from newsreader.library import Library, StoredArticle
    from newsreader.library.derived import Engine
    from newsreader.progress import StageProgress

EXIT_OK = 0
EXIT_USAGE = 2


class CliError(Exception):
    """An error that ends the command with a one-line message and exit code 2."""


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (searched recursively); default: the bundled seeds",
    )


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def open_library() -> Library:
    """The user's library (created on first use, with the seeds added once)."""
    from newsreader.library import Library, LibraryError

    try:
        library = Library()
    except LibraryError as e:
        raise CliError(str(e)) from None
    for warning in library.warnings:
        print(f"newsreader: {warning}", file=sys.stderr)
    return library


@dataclass
class View:
    """What a command works on: the library, and the articles it was asked about (the whole
    library when no PATH was given; else the articles under those paths, ingested on the way)."""

    library: Library
    corpus: Corpus
    ids: list[int] | None  # None: the whole library


def load_view(paths: Sequence[str], *, progress: bool = False) -> View:
    """Open the library and the view PATHs name; report skipped files on stderr; fail if the
    view is empty. New or changed files are parsed and stored; unchanged ones are not read."""
    from newsreader.library import LibraryError

    library = open_library()
    try:
        if not paths:
            library.ensure_seeded()
            view = View(library, library.corpus(name="library"), None)
        else:
            report = library.add_paths([Path(p) for p in paths])
            for skipped in report.skipped:
                print(f"newsreader: {skipped}", file=sys.stderr)
            view = View(
                library, library.corpus(report.article_ids, name="view"), report.article_ids
            )
    except LibraryError as e:
        raise CliError(str(e)) from None
    if not view.corpus.articles:
        raise CliError(
            "no articles could be loaded from the given paths"
            if paths
            else "the library is empty: add folders with `newsreader add PATH`"
        )
    return view


def stage_printer() -> StageProgress | None:
    """Stages of long work as one line on stderr when it is a terminal (else None)."""
    if not sys.stderr.isatty():
        return None

    def show(name: str, done: int, total: int) -> None:
        print(f"\r{name} {done}/{total}\x1b[K", end="", file=sys.stderr, flush=True)

    return show


def end_stages() -> None:
    if sys.stderr.isatty():
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def derive(view: View, top: int = 10) -> Engine | None:
    """The view's stored neighbours and verdicts, brought up to date (analysing, ranking: with
    a progress line on a terminal); None for a read-only library (work in memory instead)."""
    from newsreader.library import LibraryError, StoredArticle

    if view.library.read_only:
        return None
    try:
        articles = [a for a in view.corpus.articles if isinstance(a, StoredArticle)]
        return view.library.derive(view.ids, top=top, stages=stage_printer(), articles=articles)
    except LibraryError as e:
        raise CliError(str(e)) from None


def load_paths(paths: Sequence[str]) -> Corpus:
    """The articles of `load_view(paths)`: the library, or the given files and folders."""
    return load_view(paths).corpus


def article_ref(
    library: Library, ref: str, within: Sequence[StoredArticle] | None = None
) -> StoredArticle:
    """An article named on the command line: a file (added to the library on the way), or an
    id, path, or unique start of a title or file name already in the library."""
    from newsreader.library import LibraryError

    try:
        if "://" not in ref and Path(ref).expanduser().exists():
            report = library.add_paths([Path(ref)])
            if report.skipped and not report.article_ids:
                raise CliError(f"cannot read {ref}: {report.skipped[0].reason}")
            if len(report.article_ids) != 1:
                raise CliError(f"{ref} holds {len(report.article_ids)} articles; name one file")
            found = library.article(report.article_ids[0])
            if found is not None:
                return found
        return library.resolve(ref, within)
    except KeyError as e:
        if "://" not in ref and ("/" in ref or Path(ref).suffix):
            raise CliError(
                f"cannot read {ref}: no such file, and no such article in the library"
            ) from None
        raise CliError(str(e.args[0])) from None
    except LibraryError as e:
        raise CliError(str(e)) from None


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def fail(message: str) -> int:
    print(f"newsreader: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def arrivals_json(library: Library, ids: Sequence[int]) -> list[dict[str, object]]:
    """The articles just stored, each with its churn: the press release it reused most (what
    the library found on arrival), or null."""
    found = library.churn(ids)
    return [
        {
            "id": a.article_id,
            "title": a.title,
            "locator": a.locator,
            "churn": found[a.article_id].to_json() if a.article_id in found else None,
        }
        for a in library.articles(ids)
    ]


def churn_lines(library: Library, ids: Sequence[int]) -> list[str]:
    """One line per just-stored article that reused a press release (titles cleaned: they are
    untrusted text going to a terminal)."""
    from newsreader.text import one_line

    found = library.churn(ids)
    return [
        f"  churn: {one_line(a.display_title, 60)} — {one_line(found[a.article_id].label, 80)}"
        for a in library.articles(list(found))
    ]


@contextlib.contextmanager
def ctrl_c_cancels(cancel: threading.Event) -> Iterator[None]:
    """While inside: the first Ctrl-C sets `cancel` (the work stops at its next check: `add`
    between files, a batch job between steps or by interrupting its statement); a second one
    stops at once, as Ctrl-C always does."""

    def interrupted(signum: int, frame: object) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()

    try:
        previous = signal.signal(signal.SIGINT, interrupted)
    except ValueError:  # not the main thread (tests calling main() from a worker)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
