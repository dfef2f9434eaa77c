"""`newsreader list`: the articles, their metadata and paragraphs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.cli.common import (
    add_json_argument,
    add_paths_argument,
    load_view,
    print_json,
)
from newsreader.text import clean_for_display

if TYPE_CHECKING:
    from newsreader.library.churn import ChurnMatch


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("list", help="list articles with title, outlet, date, byline, kind")
    add_paths_argument(parser)
    add_json_argument(parser)


def run(args: argparse.Namespace) -> int:
    view = load_view(args.paths)
    corpus = view.corpus
    if args.json:
        # Each article's churn: the press release it reused most, when one was found on arrival.
        found = view.library.churn(view.ids)
        print_json(
            {"articles": [{**a.to_json(), "churn": _churn_json(found, a)} for a in corpus.articles]}
        )
        return 0
    console = Console()
    wide = console.width >= 120  # the file column only when there is room for it
    noun = "article" if len(corpus) == 1 else "articles"
    table = Table(title=f"{len(corpus)} {noun}", expand=True)
    # One line per article: the title takes the spare width and ends in an ellipsis.
    table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis", min_width=20)
    table.add_column("outlet", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("byline", no_wrap=True, overflow="ellipsis", max_width=20)
    table.add_column("kind", no_wrap=True, min_width=13)
    if wide:
        table.add_column("file", no_wrap=True, overflow="ellipsis", max_width=28)
    for a in corpus.articles:
        # Articles without a title show their opening words, dimmed, so they read as a stand-in.
        title = Text(clean_for_display(a.display_title), style="" if a.title else "dim italic")
        cells = [a.outlet, a.date, a.byline, a.kind] + ([a.path.name] if wide else [])
        table.add_row(title, *(Text(clean_for_display(v or "—")) for v in cells))
    console.print(table)
    return 0


def _churn_json(found: dict[int, ChurnMatch], article: object) -> dict[str, object] | None:
    match = found.get(getattr(article, "article_id", -1))
    return match.to_json() if match is not None else None
