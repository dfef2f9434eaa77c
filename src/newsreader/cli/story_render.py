"""Rich renderings of stories, release matrices and "what's new" for `newsreader story`.

Article text is untrusted: every piece is a plain string cleaned with `clean_for_display` and
put into `rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from newsreader.provenance import Story
from newsreader.provenance.facts import FactChange
from newsreader.provenance.matrix import Matrix
from newsreader.provenance.novelty import Novelty
from newsreader.provenance.timeline import label
from newsreader.text import one_line

MARK_STYLE = {
    "copied": "bold red",
    "edited": "yellow",
    "rewritten": "cyan",
    "left out": "dim",
}
MARK_SHORT = {"copied": "copied", "edited": "edited", "rewritten": "rewrote", "left out": "·"}


def render_stories(stories: list[Story], facts: dict[int, list[FactChange]], total: int) -> Group:
    """Each story: origin with its reasons, then the members in date order."""
    parts: list = []
    in_stories = sum(len(s) for s in stories)
    parts.append(
        Text(
            f"{len(stories)} {'story' if len(stories) == 1 else 'stories'} · "
            f"{in_stories} of {total} articles share text with another",
            style="bold",
        )
    )
    for n, story in enumerate(stories, 1):
        origin = story.origin
        head = Text(f"\nStory {n} · {len(story)} articles · origin: ", style="bold")
        head.append(one_line(origin.article.path.name), style="bold green")
        head.append(f" (score {origin.score:.1f}", style="dim")
        head.append("" if origin.confident else ", not clearly ahead", style="dim")
        head.append(")", style="dim")
        parts.append(head)
        for reason in origin.reasons:
            parts.append(Text("  why: " + one_line(reason), style="green"))
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="dim")
        table.add_column("date", no_wrap=True)
        table.add_column("from origin", justify="right", no_wrap=True)
        table.add_column("took", justify="right", no_wrap=True)
        table.add_column("article", overflow="fold")
        for m in story.members:
            date = m.article.date or "unknown"
            if m.is_origin:
                share, took = Text("origin", style="bold green"), Text("")
            else:
                share = Text(f"{m.reused_pct:.0f}%")
                took = Text(f"{m.taken_pct:.0f}%", style="dim")
            cell = Text(one_line(label(m.article)), style="bold")
            cell.append("  " + one_line(m.article.display_title, 70))
            for f in facts.get(id(m.article), []):
                cell.append("\n  changed " + one_line(f.describe(), 120), style="magenta")
            table.add_row(Text(date), share, took, cell)
        parts.append(table)
    if not stories:
        parts.append(Text("no two articles share enough text to form a story", style="dim"))
    return Group(*parts)


def render_matrix(matrix: Matrix) -> Group:
    """A row per paragraph of the source, a column per reusing article (date order)."""
    src = matrix.source
    head = Text("Release vs outlets: ", style="bold")
    head.append(one_line(label(src)) + "  " + one_line(src.display_title, 70))
    if not matrix.columns:
        return Group(head, Text("no article reuses this one", style="dim"))
    table = Table(show_lines=False, header_style="bold")
    table.add_column("paragraph of the source", overflow="fold", ratio=3)
    for col in matrix.columns:
        # A Text header: an outlet or file name is never parsed as Rich markup.
        header = Text(
            f"{one_line(label(col.article), 18)}\n{col.article.date or 'date ?'}\n"
            f"{col.reused_pct:.0f}% from source",
            justify="center",
        )
        table.add_column(header, justify="center", ratio=1)
    for row in matrix.rows:
        cells = [Text(one_line(src.text[row.start : row.end], 90))]
        for cell in row.cells:
            cells.append(Text(MARK_SHORT[cell.mark], style=MARK_STYLE[cell.mark]))
        table.add_row(*cells)
    legend = Text(
        "copied = verbatim, edited = a few words changed, rewrote = paraphrased, · = left out"
    )
    return Group(head, table, Text(legend.plain, style="dim"))


def render_novelty(novelty: Novelty) -> Group:
    """New text in full, copied runs collapsed to one dim line each."""
    a = novelty.article
    head = Text("What's new in ", style="bold")
    head.append(one_line(a.path.name), style="bold green")
    names = ", ".join(one_line(s.path.name) for s in novelty.sources) or "no sources"
    head.append(f" · {novelty.new_pct:.0f}% new · compared with {names}", style="dim")
    parts: list = [head]
    for group in novelty.blocks():
        seg = group[0]
        if seg.kind == "copied":
            words = sum(g.words for g in group)
            kinds = "/".join(sorted({k for g in group for k in g.passage_kinds}))
            where = len({src for g in group for src in g.sources})
            parts.append(
                Text(
                    f"  [… {words} words copied ({kinds}) from {where} "
                    f"source{'s' if where != 1 else ''}, @{seg.start}–{group[-1].end} …]",
                    style="dim",
                )
            )
        else:
            tag = f"[new{': ' + ', '.join(seg.labels) if seg.labels else ''} @{seg.start}] "
            line = Text(tag, style="bold magenta")
            line.append(one_line(a.text[seg.start : seg.end]))
            parts.append(line)
    return Group(*parts)
