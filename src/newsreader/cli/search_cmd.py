"""`newsreader search QUERY [PATH ...]`: the hits the search view shows, best first."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from newsreader.cli.common import (
    CliError,
    add_json_argument,
    add_paths_argument,
    fail,
    load_view,
    open_library,
    print_json,
)
from newsreader.library import LibraryError
from newsreader.search import Hit
from newsreader.text import clean_for_display

if TYPE_CHECKING:  # rich only for the table: `search --json` answers without its ~50 ms import
    from rich.table import Table
    from rich.text import Text


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "search",
        help="fuzzy search titles, metadata and text (typo- and accent-tolerant)",
        description=(
            "Search every article for QUERY: exact phrases first, then all words, then "
            "completions and typo matches. Offsets are character offsets into the article."
        ),
    )
    parser.add_argument("query", metavar="QUERY", help="words to look for (quote several)")
    add_paths_argument(parser)
    add_json_argument(parser)
    parser.add_argument(
        "--limit", type=int, default=50, metavar="N", help="at most N hits (default: 50)"
    )


def run(args: argparse.Namespace) -> int:
    if args.limit < 0:
        return fail("--limit must be 0 or more")
    if args.paths:
        view = load_view(args.paths)
        library, within = view.library, view.ids
    else:  # the whole library: no need to list its articles first
        library, within = open_library(), None
        library.ensure_seeded()
    try:
        hits = library.hits(args.query, limit=args.limit, within=within)
    except LibraryError as e:
        raise CliError(str(e)) from None
    if args.json:
        print_json(
            {"hits": [h.to_json() | {"id": getattr(h.article, "article_id", None)} for h in hits]}
        )
        return 0
    from rich.console import Console
    from rich.text import Text

    console = Console()
    if not hits:
        console.print(Text(f"no hits for {args.query!r}", style="dim"))
        return 0
    console.print(hits_table(hits, args.query))
    return 0


def snippet_text(hit: Hit) -> Text:
    """The snippet as plain text with the matched characters styled (never markup)."""
    from rich.text import Text

    text = Text(hit.snippet)
    for start, end in hit.snippet_highlights:
        text.stylize("bold reverse", start, end)
    return text


def hits_table(hits: list[Hit], query: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"{len(hits)} hits for {clean_for_display(query)!r}"))
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("article", overflow="fold", ratio=1)
    table.add_column("offsets", no_wrap=True, style="dim")
    table.add_column("snippet", overflow="fold", ratio=3)
    for hit in hits:
        a = hit.article
        where = Text(clean_for_display(a.display_title))
        if a.outlet:
            where.append("\n" + clean_for_display(a.outlet), style="dim")
        table.add_row(f"{hit.score:.0f}", where, f"{hit.start}-{hit.end}", snippet_text(hit))
    return table
