"""`newsreader feed add URL [--name NAME]`, `feed list`, `feed remove FEED`: what `fetch` reads.

Adding a feed does not touch the network (only `fetch` and `add URL` do); the URL is checked
for an http(s) scheme and a host.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from newsreader.cli.common import CliError, open_library, print_json
from newsreader.library import LibraryError

if TYPE_CHECKING:
    from newsreader.library import Library
    from newsreader.library.incoming import FeedSource


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "feed",
        help="add, list or remove feeds (RSS, Atom, JSON Feed) for `newsreader fetch`",
        description="Manage the feeds `newsreader fetch` reads. Nothing here uses the network.",
    )
    actions = parser.add_subparsers(dest="feed_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a feed by its URL")
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="what to call it (default: the feed's own title)")
    listing = actions.add_parser("list", help="list the feeds, with their last fetch")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    remove = actions.add_parser("remove", help="forget a feed and its articles")
    remove.add_argument("feed", metavar="FEED", help="its URL, name or id")


def run(args: argparse.Namespace) -> int:
    from newsreader.library import incoming

    library = open_library()
    try:
        if args.feed_action == "add":
            return _add(library, args.url, args.name)
        if args.feed_action == "remove":
            return _remove(library, args.feed)
        feeds = incoming.feed_sources(library.conn)
    except LibraryError as e:
        raise CliError(str(e)) from None
    if args.json:
        print_json([_feed_json(f) for f in feeds])
        return 0
    if not feeds:
        print("no feeds yet: newsreader feed add URL")
    for f in feeds:
        when = "never"
        if f.fetched_at:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(f.fetched_at))
        name = f.spec.name or "-"
        status = f"error: {f.last_error}" if f.last_error else f"{f.articles} articles"
        print(f"{f.id:>4}  {name[:30]:<30} {f.spec.url}  (fetched {when}; {status})")
    return 0


def _feed_json(f: FeedSource) -> dict[str, object]:
    return {
        "id": f.id,
        "url": f.spec.url,
        "name": f.spec.name,
        "articles": f.articles,
        "fetched_at": f.fetched_at,
        "last_error": f.last_error,
    }


def _add(library: Library, url: str, name: str | None) -> int:
    from newsreader.library import incoming
    from newsreader.sources.http import FetchError, check_url

    try:
        check_url(url)
    except FetchError as e:
        raise CliError(str(e)) from None
    sid, new = incoming.add_feed(library.conn, url, name)
    named = f" ({name})" if name else ""
    print(f"{'added' if new else 'already there:'} feed {sid} {url}{named}")
    return 0


def _remove(library: Library, ref: str) -> int:
    from newsreader.library import incoming

    feeds = incoming.feed_sources(library.conn)
    match = [f for f in feeds if ref in (f.spec.url, f.spec.name, str(f.id))]
    if len(match) != 1:
        raise CliError(
            f"no feed {ref!r} (see `newsreader feed list`)"
            if not match
            else f"{ref!r} names {len(match)} feeds; give its id or URL"
        )
    source, count = library.remove(str(match[0].id))
    print(f"removed feed {source.locator} ({count} articles)")
    return 0
