"""`newsreader list`: the articles, their metadata and paragraphs."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.cli.common import (
    CliError,
    add_json_argument,
    add_paths_argument,
    fail,
    load_paths,
    print_json,
)
from newsreader.text import clean_for_display


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("list", help="list articles with title, outlet, date, byline, kind")
    add_paths_argument(parser)
    add_json_argument(parser)


def run(args: argparse.Namespace) -> int:
    try:
        corpus = load_paths(args.paths)
    except CliError as e:
        return fail(str(e))
    if args.json:
        print_json({"articles": [a.to_json() for a in corpus.articles]})
        return 0
    table = Table(title=f"{len(corpus)} articles", expand=False)
    for column in ("title", "outlet", "date", "byline", "kind", "file"):
        table.add_column(column, overflow="fold" if column == "title" else "ellipsis")
    for a in corpus.articles:
        table.add_row(
            *(
                Text(clean_for_display(value or "—"))
                for value in (a.display_title, a.outlet, a.date, a.byline, a.kind, a.path.name)
            )
        )
    Console().print(table)
    return 0
