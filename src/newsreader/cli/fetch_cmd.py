"""`newsreader fetch [--feed NAME] [--json]`: new articles from the library's feeds.

Each feed is fetched (conditional GET: an unchanged feed costs one short request), its new
entries' pages fetched and extracted (`--no-full-text`: the feeds' own text only), and the
articles stored in the library as each feed completes. One line per feed says what came in,
or why nothing did; a bad feed never stops the others. Exit status 1 when any feed failed.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING

from newsreader.cli.common import (
    CliError,
    arrivals_json,
    churn_lines,
    ctrl_c_cancels,
    open_library,
    print_json,
)
from newsreader.library import LibraryError

if TYPE_CHECKING:
    from newsreader.library.incoming import DocumentsReport
    from newsreader.sources.models import FeedResult

EXIT_SOME_FAILED = 1
EXIT_INTERRUPTED = 130


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fetch",
        help="fetch new articles from the feeds (full text from each entry's page)",
        description=(
            "Fetch every feed (or those named by --feed), read each new entry's page and store "
            "the articles in the library. Per-feed problems are reported one line each."
        ),
    )
    parser.add_argument(
        "--feed", action="append", metavar="FEED", help="only this feed (URL, name or id); repeat"
    )
    parser.add_argument(
        "--no-full-text",
        action="store_true",
        help="keep the feeds' own text; do not fetch each entry's page",
    )
    parser.add_argument("--json", action="store_true", help="print what came in as JSON")


def run(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        feeds = library.feeds()
    except LibraryError as e:
        raise CliError(str(e)) from None
    if args.feed:
        wanted = set(args.feed)
        feeds = [f for f in feeds if wanted & {f.spec.url, f.spec.name, str(f.id)}]
        if not feeds:
            raise CliError(f"no feed named {', '.join(args.feed)} (see `newsreader feed list`)")
    if not feeds:
        raise CliError("no feeds yet: add one with `newsreader feed add URL`")
    show = sys.stderr.isatty() and not args.json

    def progress(stage: str, done: int, total: int) -> None:
        if show:
            print(f"\r{stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)

    cancel = threading.Event()
    out: list[dict[str, object]] = []
    failed = stored = 0
    # The first Ctrl-C stops the fetch: what each feed brought so far is stored and reported
    # (its pages not read yet are fetched next time); a second one stops at once.
    with ctrl_c_cancels(cancel):
        try:
            for result, report in library.fetch_feeds(
                feeds, cancel=cancel, progress=progress, full_text=not args.no_full_text
            ):
                failed += result.error is not None
                new = report.changed_ids if report else []
                stored += report.added if report else 0
                out.append(
                    {**_result_json(result, report), "articles": arrivals_json(library, new)}
                )
                if show:
                    print("\r", end="", file=sys.stderr)
                if cancel.is_set() and not new:
                    continue  # stopped before it brought anything: the summary says so
                if not args.json:
                    _print_result(result, report)
                    for line in churn_lines(library, new):
                        print(line)
        except LibraryError as e:
            raise CliError(str(e)) from None
    stopped = cancel.is_set()
    if stopped:
        print(
            f"newsreader: stopped: {stored} new articles stored; the pages not read yet are "
            "fetched by the next `newsreader fetch`",
            file=sys.stderr,
        )
    if args.json:
        print_json({"feeds": out, "cancelled": stopped})
    if stopped:
        return EXIT_INTERRUPTED
    return EXIT_SOME_FAILED if failed else 0


def _result_json(result: FeedResult, report: DocumentsReport | None) -> dict[str, object]:
    return {
        "url": result.url,
        "name": result.name,
        "title": result.title,
        "not_modified": result.not_modified,
        "error": result.error,
        "warnings": list(result.warnings),
        "added": report.added if report else 0,
        "updated": report.updated if report else 0,
        "summary_only": sum(1 for d in result.documents if d.summary_only),
        "article_ids": report.changed_ids if report else [],
    }


def _print_result(result: FeedResult, report: DocumentsReport | None) -> None:
    label = result.label
    if result.error is not None:
        print(f"newsreader: {label}: {result.error}", file=sys.stderr)
        return
    for warning in result.warnings:
        print(f"newsreader: {label}: {warning}", file=sys.stderr)
    if result.not_modified:
        print(f"{label}: not modified")
        return
    added = report.added if report else 0
    updated = report.updated if report else 0
    extra = f", {updated} updated" if updated else ""
    print(f"{label}: {added} new{extra}")
