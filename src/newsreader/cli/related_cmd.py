"""`newsreader related`: for each article, the others it shares text with or is most like."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.cli.common import (
    add_json_argument,
    add_paths_argument,
    derive,
    end_stages,
    fail,
    load_view,
    stage_printer,
)
from newsreader.corpus import Article
from newsreader.library import StoredArticle
from newsreader.progress import stage
from newsreader.provenance import clusters_json
from newsreader.reuse import RelatedIndex, related
from newsreader.text import clean_for_display


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "related", help="for each article, the most related others (shared text, similar words)"
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--top", type=int, default=5, metavar="K", help="related articles per article (default 5)"
    )
    parser.add_argument(
        "--no-clusters",
        action="store_true",
        help="skip story clusters (verified by alignment: slower on big corpora)",
    )
    add_json_argument(parser)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        return fail("--top must be at least 1")
    view = load_view(args.paths)
    engine = derive(view, args.top)
    if engine is None:  # a read-only library: everything in memory, as before
        corpus = view.corpus
        index = RelatedIndex.build(corpus)
        results = related(corpus, args.top, index=index)
        clusters = None if args.no_clusters else clusters_json(corpus, index)
    else:
        corpus = engine.corpus
        results = [(a, engine.index.related(a, args.top)) for a in corpus.articles]
        results.sort(key=lambda pair: str(pair[0].path))  # the list's order, by locator
        clusters = (
            None
            if args.no_clusters
            else clusters_json(
                corpus,
                engine.index,
                verdicts=engine.verdicts,
                common=engine.common,
                progress=stage(stage_printer(), "Comparing"),
                path_of=_path,
            )
        )
        end_stages()
    if args.json:
        _print_json(
            [
                {"path": _path(article), "related": [_json(r) for r in relations]}
                for article, relations in results
            ],
            clusters,
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
    console = Console()
    console.print(table)
    if clusters:
        console.print(Text(f"{len(clusters)} story clusters (articles sharing text)", style="bold"))
        for n, members in enumerate(clusters, 1):
            names = ", ".join(clean_for_display(Path(m).name) for m in members)
            console.print(Text(f"  {n}. {len(members)} articles: {names}"))
    return 0


def _json(relation) -> dict:
    out = relation.to_json()
    out["path"] = _path(relation.article)
    return out


def _path(article: Article) -> str:
    """The article's absolute path. A stored file's locator was resolved when it was added:
    resolving 18k paths again (system calls per folder level) was a tenth of a stored run."""
    if isinstance(article, StoredArticle) and article.path.is_absolute():
        return article.locator
    return str(article.path.resolve())


def _print_json(articles: list[dict], clusters: list[list[str]] | None) -> None:
    """The same JSON as `print_json`, one article per line: an indented dump is json's pure
    Python encoder (a third of a stored 19k run), a compact one its C encoder."""
    out = sys.stdout
    out.write('{\n "articles": [\n')
    out.write(",\n".join("  " + json.dumps(a, ensure_ascii=False) for a in articles))
    out.write("\n ]")
    if clusters is not None:
        out.write(',\n "clusters": ' + json.dumps(clusters, ensure_ascii=False, indent=1))
    out.write("\n}\n")
