"""`newsreader compare A B`: the passages two articles share, side by side (or `--json`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from newsreader.cli.common import article_ref, fail, open_library, print_json
from newsreader.corpus import Article
from newsreader.provenance.export import write_export
from newsreader.reuse import Comparison, Passage, compare_articles
from newsreader.text import clean_for_display

KIND_STYLE = {"verbatim": "bold red", "near": "bold yellow", "paraphrase": "bold cyan"}
CHANGED_STYLE = "reverse"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare",
        help="show the passages two articles share: verbatim, near (lightly edited), paraphrase",
    )
    parser.add_argument(
        "a",
        metavar="A",
        help="first article: a file, or an id, path or title start from the library",
    )
    parser.add_argument("b", metavar="B", help="second article (the same forms)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--html", metavar="FILE", help="also write a self-contained, citable HTML record to FILE"
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the record as Markdown")


def run(args: argparse.Namespace) -> int:
    library = open_library()
    a, b = (article_ref(library, ref) for ref in (args.a, args.b))
    comparison = compare_articles(a, b)
    for target, kind in ((args.html, "html"), (args.markdown, "markdown")):
        if target is None:
            continue
        try:
            written = write_export(comparison, Path(target), kind)
        except OSError as e:
            return fail(f"cannot write {target}: {e.strerror or e}")
        print(f"newsreader: wrote {written}", file=sys.stderr)
    if args.json:
        print_json(comparison.to_json())
        return 0
    Console().print(render(comparison))
    return 0


def render(comparison: Comparison) -> Group:
    """A legend, the two articles with their reuse %, then each shared passage side by side."""
    legend = Text("legend: ")
    for kind, style in KIND_STYLE.items():
        legend.append(f" {kind} ", style=style)
        legend.append(" ")
    legend.append(" changed words ", style=CHANGED_STYLE)
    table = Table(expand=True, show_lines=True)
    table.add_column("#", justify="right", width=3, no_wrap=True)
    table.add_column(_header(comparison.a, comparison.a_reused_pct), ratio=1)
    table.add_column(_header(comparison.b, comparison.b_reused_pct), ratio=1)
    for n, p in enumerate(comparison.passages, 1):
        label = Text(f"{n}\n", style="dim")
        label.append(p.kind[0].upper(), style=KIND_STYLE[p.kind])
        table.add_row(label, _side(comparison, p, "a"), _side(comparison, p, "b"))
    counts = Text(f"{len(comparison.passages)} shared passages", style="bold")
    if not comparison.passages:
        counts = Text("no shared passages", style="bold")
    return Group(legend, counts, table)


def _header(article: Article, pct: float) -> Text:
    title = clean_for_display(article.display_title)
    head = Text(title, style="bold")
    head.append(f"\n{article.path.name} · {pct:.1f}% reused", style="dim")
    return head


def _side(comparison: Comparison, p: Passage, side: str) -> Text:
    """The passage's text from one side, coloured by kind, with changed words marked."""
    text = comparison.a.text if side == "a" else comparison.b.text
    start, end = p.span(side)  # type: ignore[arg-type]
    out = Text(clean_for_display(text[start:end]))
    for part in p.pieces():
        s, e = part.span(side)  # type: ignore[arg-type]
        out.stylize(KIND_STYLE[part.kind].replace("bold ", ""), max(0, s - start), e - start)
    for d in p.diff:
        if d.op == "equal":
            continue
        s, e = (d.a_start, d.a_end) if side == "a" else (d.b_start, d.b_end)
        if e > s:
            out.stylize(CHANGED_STYLE, max(0, s - start), min(end, e) - start)
    out.append(f"\n{p.kind_label()} · score {p.score:.2f}", style="dim italic")
    if side == "b" and p.kind != "verbatim":
        out.append("\n" + clean_for_display(p.words_changed(comparison)), style="dim")
    return out
