"""`newsreader export opml [FILE]`: the library's feeds as OPML, for any other feed reader."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsreader.cli.common import CliError, open_library
from newsreader.library import LibraryError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="export the feeds as OPML")
    kinds = parser.add_subparsers(dest="export_kind", metavar="FORMAT", required=True)
    opml = kinds.add_parser("opml", help="the feeds as an OPML 2.0 file")
    opml.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="write here (default: stdout)"
    )


def run(args: argparse.Namespace) -> int:
    from newsreader.library import incoming
    from newsreader.sources.opml import to_opml

    library = open_library()
    try:
        feeds = incoming.feed_sources(library.conn)
    except LibraryError as e:
        raise CliError(str(e)) from None
    text = to_opml((f.spec.url, f.spec.name) for f in feeds)
    if args.file is None:
        sys.stdout.write(text)
        return 0
    try:
        args.file.write_text(text, encoding="utf-8")
    except OSError as e:
        raise CliError(f"cannot write {args.file}: {e.strerror or e}") from None
    print(f"{len(feeds)} feeds written to {args.file}", file=sys.stderr)
    return 0
