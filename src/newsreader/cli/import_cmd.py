"""`newsreader import newsboat [--urls F] [--cache F]`, `import opml FILE`: moving in.

newsboat: its feeds (urls file and cache) become feed sources, with the cache's ETag and
Last-Modified so the next `fetch` is a conditional GET; its items (not deleted ones) become
articles, and what was read in newsboat is marked read here. Commands in the urls file
(`exec:`, `filter:`) are never run. OPML: every feed in the file becomes a feed source.
Nothing here uses the network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsreader.cli.common import CliError, open_library, print_json
from newsreader.library import LibraryError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="import feeds and articles from newsboat, or feeds from an OPML file",
        description="Move in from another reader. Nothing here uses the network.",
    )
    kinds = parser.add_subparsers(dest="import_kind", metavar="FROM", required=True)
    nb = kinds.add_parser(
        "newsboat", help="newsboat's feeds (urls file), items and read marks (cache.db)"
    )
    nb.add_argument("--urls", type=Path, help="newsboat's urls file (default: where it keeps it)")
    nb.add_argument("--cache", type=Path, help="newsboat's cache.db (default: where it keeps it)")
    nb.add_argument("--json", action="store_true", help="print what was imported as JSON")
    opml = kinds.add_parser("opml", help="the feeds listed in an OPML file")
    opml.add_argument("file", type=Path, metavar="FILE")
    opml.add_argument("--json", action="store_true", help="print what was imported as JSON")


def run(args: argparse.Namespace) -> int:
    try:
        if args.import_kind == "opml":
            return _opml(args)
        return _newsboat(args)
    except LibraryError as e:
        raise CliError(str(e)) from None


def _opml(args: argparse.Namespace) -> int:
    from newsreader.library import incoming
    from newsreader.sources.http import FetchError, check_url
    from newsreader.sources.opml import OpmlError, read_opml

    try:
        feeds = read_opml(args.file)
    except OpmlError as e:
        raise CliError(str(e)) from None
    library = open_library()
    added = 0
    for url, name in feeds:
        try:
            check_url(url)
        except FetchError as e:
            print(f"newsreader: {args.file}: {e}; skipped", file=sys.stderr)
            continue
        added += incoming.add_feed(library.conn, url, name)[1]
    if args.json:
        print_json({"feeds": len(feeds), "added": added})
    else:
        there = len(feeds) - added
        print(f"{len(feeds)} feeds in {args.file}: {added} added, {there} already there")
    return 0


def _newsboat(args: argparse.Namespace) -> int:
    from newsreader.library import incoming
    from newsreader.sources import newsboat
    from newsreader.store.state import StateStore

    default_urls, default_cache = newsboat.default_paths()
    urls_path = args.urls or default_urls
    cache_path = args.cache or default_cache
    if urls_path is None and cache_path is None:
        raise CliError("no newsboat urls file or cache.db found; give --urls and/or --cache")
    try:
        lines, skipped = newsboat.read_urls(urls_path) if urls_path else ([], [])
        cache_feeds = newsboat.read_cache_feeds(cache_path) if cache_path else []
    except newsboat.NewsboatError as e:
        raise CliError(str(e)) from None
    for why in skipped:
        print(f"newsreader: {urls_path}: {why}", file=sys.stderr)
    library = open_library()
    # The urls file names the feeds the user follows; the cache adds validators and titles.
    cached = {f.spec.url: f for f in cache_feeds}
    names: dict[str, str | None] = {}
    for entry in lines:
        title = cached[entry.url].title if entry.url in cached else None
        names[entry.url] = entry.name or title
    for f in cache_feeds:
        names.setdefault(f.spec.url, f.title)
    added_feeds = 0
    for url, name in names.items():
        spec = cached[url].spec if url in cached else None
        added_feeds += incoming.add_feed(
            library.conn,
            url,
            name,
            etag=spec.etag if spec else None,
            last_modified=spec.last_modified if spec else None,
        )[1]
    totals = {"added": 0, "updated": 0, "unchanged": 0, "read": 0}
    if cache_path is not None:
        by_feed: dict[str, list] = {}
        try:
            for feed_url, doc in newsboat.iter_cache_items(cache_path):
                by_feed.setdefault(feed_url, []).append(doc)
        except newsboat.NewsboatError as e:
            raise CliError(str(e)) from None
        state = StateStore()
        try:
            for feed_url, docs in by_feed.items():
                report = library.add_documents("feed", feed_url, names.get(feed_url), docs)
                for key in ("added", "updated", "unchanged"):
                    totals[key] += getattr(report, key)
                if report.read_hashes:
                    state.mark_read_many(report.read_hashes)
                totals["read"] += len(report.read_hashes)
            library.settle_search(totals["added"] + totals["updated"])
        finally:
            state.close()
    if args.json:
        print_json({"feeds": len(names), "feeds_added": added_feeds, **totals})
    else:
        print(
            f"{len(names)} feeds ({added_feeds} new); {totals['added']} articles added, "
            f"{totals['updated']} updated, {totals['unchanged']} unchanged; "
            f"{totals['read']} marked read as in newsboat"
        )
    return 0
