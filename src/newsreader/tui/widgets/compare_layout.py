"""One side of a comparison laid out for the compare view, independent of any widget.

Passages, changed words and changed facts become display spans over the side's `Document`;
paragraph marks (copied, edited, rewritten, original) come from the engine's
`Comparison.paragraph_marks`, so the gutter, the matrix and the CLI all say the same thing.
`wrap_pane` wraps it at a width in one pass, with the gutter for each line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from newsreader.reuse.models import Comparison, Side
from newsreader.text import trim_span
from newsreader.tui.document import Document, build_document, wrap_block

MARK_CHARS = {"copied": "C", "edited": "E", "rewritten": "R", "original": "·", "boilerplate": " "}
# Which diff runs are marked on which side: words only in a are "deleted" (shown on a), words
# only in b are "inserted" (shown on b); a replacement is marked on both.
_CHANGED_ON = {"a": {"delete", "replace"}, "b": {"insert", "replace"}}

Span = tuple[int, int, str]  # display start, display end, component name (without prefix)
PaneLine = tuple[int, int, int, tuple[str, str]]  # start, end, block (-1: blank), gutter


@dataclass
class PaneModel:
    """One side of a comparison laid out for display (independent of the pane width)."""

    document: Document
    spans: list[Span]  # in paint order: passage kinds first, changed words on top
    passage_spans: list[tuple[int, int] | None]  # display span per passage index (None: hidden)
    block_marks: dict[int, str]  # block index -> copied/edited/rewritten/original/boilerplate


def build_pane_model(
    comparison: Comparison, side: Side, facts: Sequence[tuple[int, int]] = ()
) -> PaneModel:
    """Lay out side `a` or `b` of a comparison: passages, changed words and paragraph marks.

    `facts` are spans (article offsets on this side) of changed facts, painted on top of all.
    """
    article = comparison.a if side == "a" else comparison.b
    text = article.text
    doc = build_document(article)
    passage_spans: list[tuple[int, int] | None] = []
    kind_spans: list[Span] = []
    diff_spans: list[Span] = []
    for p in comparison.passages:
        s, e = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
        shown = doc.span_to_display(*trim_span(text, s, e))
        passage_spans.append(shown)
        if shown is None:
            continue
        # each part in its own colour: a copied sentence inside an edited passage reads copied
        for part in p.pieces():
            part_shown = doc.span_to_display(*trim_span(text, *part.span(side)))
            if part_shown is not None and part_shown[0] < part_shown[1]:
                kind_spans.append((part_shown[0], part_shown[1], part.kind))
        if p.kind == "verbatim":
            continue
        for op in p.diff:
            if op.op not in _CHANGED_ON[side]:
                continue
            os_, oe = (op.a_start, op.a_end) if side == "a" else (op.b_start, op.b_end)
            changed = doc.span_to_display(*trim_span(text, os_, oe))
            if changed is not None and changed[0] < changed[1]:
                name = "deleted" if side == "a" else "inserted"
                diff_spans.append((changed[0], changed[1], name))
    fact_spans: list[Span] = []
    for fs, fe in facts:
        shown = doc.span_to_display(*trim_span(text, fs, fe))
        if shown is not None and shown[0] < shown[1]:
            fact_spans.append((shown[0], shown[1], "fact"))

    block_marks: dict[int, str] = {}
    block_starts = [blk.start for blk in doc.blocks]
    for para, mark in zip(article.paragraphs, comparison.paragraph_marks(side), strict=False):
        start, end = trim_span(text, para.start, para.end)
        if start >= end:
            continue
        # The last character, not the first: when a title line opens the paragraph the title
        # is its own block and the paragraph's block starts after it. A hidden paragraph snaps
        # to the next shown block, whose own paragraph comes later and overwrites this.
        last = doc.to_display(end - 1)
        at = None if last is None else bisect_right(block_starts, last) - 1
        if at is not None and at >= 0:
            block_marks[at] = mark
    return PaneModel(doc, kind_spans + diff_spans + fact_spans, passage_spans, block_marks)


def wrap_pane(model: PaneModel, width: int) -> tuple[list[PaneLine], list[list[Span]]]:
    """Wrap every shown block at `width`; also bucket the spans by the lines they touch."""
    doc = model.document
    lines: list[PaneLine] = []
    for i, block in enumerate(doc.blocks):
        if block.kind == "meta":
            continue  # the pane header shows outlet and date
        if lines:
            lines.append((block.start, block.start, -1, (" ", "")))
        mark = model.block_marks.get(i, "")
        first, rest = ((MARK_CHARS[mark], mark), ("▏", mark)) if mark else ((" ", ""), (" ", ""))
        for n, (s, e) in enumerate(wrap_block(doc.text, block.start, block.end, width)):
            lines.append((s, e, i, rest if n else first))
    starts = [line[0] for line in lines]
    by_line: list[list[Span]] = [[] for _ in lines]
    for s, e, name in model.spans:
        first_line = max(0, bisect_right(starts, s) - 1)
        last_line = max(0, bisect_right(starts, max(s, e - 1)) - 1)
        for y in range(first_line, last_line + 1):
            by_line[y].append((s, e, name))
    return lines, by_line
