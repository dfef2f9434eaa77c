"""`newsreader add PATH ...`, `remove SOURCE`, `sources`: what the library holds."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from newsreader.cli.common import (
    CliError,
    arrivals_json,
    churn_lines,
    ctrl_c_cancels,
    open_library,
    print_json,
)
from newsreader.library import LibraryError

EXIT_FAILED = 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "add",
        help="add files, folders, web pages (URL) or datasets (.jsonl/.csv) to the library",
        description=(
            "Add or refresh files and folders (.txt .md .html, searched recursively). Files "
            "whose size and time are unchanged are not read again; files that vanished are "
            "kept and marked missing. An http(s) URL is fetched and its article extracted; "
            "a .jsonl or .csv file (optionally .gz) is a dataset: one article per row, columns "
            "found by name (title; text, body or content; date or published; url; outlet, "
            "source or media; author)."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH|URL")
    parser.add_argument("--json", action="store_true", help="print what changed as JSON")


def run(args: argparse.Namespace) -> int:
    from newsreader.sources.datasets import is_dataset

    urls = [p for p in args.paths if p.startswith(("http://", "https://"))]
    datasets = [p for p in args.paths if p not in urls and is_dataset(Path(p))]
    files = [p for p in args.paths if p not in urls and p not in datasets]
    if not urls and not datasets:
        return _run_paths(args)
    from newsreader.cli import add_remote

    library = open_library()
    results = [add_remote.add_url(library, u) for u in urls]
    results += [add_remote.add_dataset(library, Path(d), quiet=args.json) for d in datasets]
    status = 0 if all(r["ok"] for r in results) else EXIT_FAILED
    if files:
        args.paths = files
        status = max(status, _run_paths(args))
    lines = [r.pop("churn_lines", []) for r in results]
    if args.json:
        print_json({"added": results})
    else:
        for r, churned in zip(results, lines, strict=True):
            print(r["line"])
            for line in churned if isinstance(churned, list) else []:
                print(line)
    return status


def _run_paths(args: argparse.Namespace) -> int:
    library = open_library()
    show = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int) -> None:
        if show and total:
            print(f"\r{done}/{total} files", end="", file=sys.stderr, flush=True)

    cancel = threading.Event()
    try:
        with ctrl_c_cancels(cancel):
            report = library.add_paths(args.paths, cancel=cancel, progress=progress)
    except LibraryError as e:
        raise CliError(str(e)) from None
    if show:
        print(file=sys.stderr)
    if report.cancelled:
        print(
            f"newsreader: stopped: {report.added} added and {report.updated} updated are kept; "
            "`newsreader add` the same paths again to go on from there",
            file=sys.stderr,
        )
        return 130
    for skipped in report.skipped:
        print(f"newsreader: {skipped}", file=sys.stderr)
    if args.json:
        print_json({**report.to_json(), "articles": arrivals_json(library, report.changed_ids)})
    else:
        print(
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.missing} missing, {len(report.skipped)} skipped "
            f"({library.count()} articles in the library)"
        )
        for line in churn_lines(library, report.changed_ids):
            print(line)
    return 0 if report.article_ids or not report.skipped else 2


def add_remove_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "remove",
        help="forget a source and its articles (files on disk are never touched)",
    )
    parser.add_argument("source", metavar="SOURCE", help="its path, URL, name or id")


def run_remove(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        source, count = library.remove(args.source)
    except KeyError as e:
        raise CliError(str(e.args[0])) from None
    except LibraryError as e:
        raise CliError(str(e)) from None
    print(f"removed {source.locator} ({count} article{'' if count == 1 else 's'})")
    return 0


def add_sources_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sources", help="list the library's sources (folders, files)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run_sources(args: argparse.Namespace) -> int:
    library = open_library()
    sources = library.sources()
    if args.json:
        print_json({"library": str(library.path), "sources": [s.to_json() for s in sources]})
        return 0
    print(f"library: {library.path}")
    for s in sources:
        missing = f", {s.missing} missing" if s.missing else ""
        print(f"{s.id:>4}  {s.kind:<7} {s.locator}  ({s.articles} articles{missing})")
    return 0
