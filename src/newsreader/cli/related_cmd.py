"""`newsreader related`: for each article, the others it shares text with or is most like."""

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
from newsreader.reuse import related
from newsreader.text import clean_for_display


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "related", help="for each article, the most related others (shared text, similar words)"
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--top", type=int, default=5, metavar="K", help="related articles per article (default 5)"
    )
    add_json_argument(parser)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        return fail("--top must be at least 1")
    try:
        corpus = load_paths(args.paths)
    except CliError as e:
        return fail(str(e))
    results = related(corpus, args.top)
    if args.json:
        print_json(
            {
                "articles": [
                    {
                        "path": str(article.path.resolve()),
                        "related": [_json(r) for r in relations],
                    }
                    for article, relations in results
                ]
            }
        )
        return 0
    table = Table(title=f"related articles ({len(results)} articles)", show_lines=True)
    table.add_column("article", overflow="fold", ratio=1)
    table.add_column("related (score · shared chars)", overflow="fold", ratio=2)
    for article, relations in results:
        cell = Text()
        for r in relations:
            if cell:
                cell.append("\n")
            cell.append(f"{r.score:.2f}", style="bold")
            cell.append(f" · {r.shared_chars:>6} · ", style="dim")
            cell.append(clean_for_display(r.article.display_title))
        table.add_row(Text(clean_for_display(article.display_title)), cell or Text("—"))
    Console().print(table)
    return 0


def _json(relation) -> dict:
    out = relation.to_json()
    out["path"] = str(relation.article.path.resolve())
    return out
