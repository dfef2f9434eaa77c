"""Release vs outlets: a source's paragraphs against every article that reuses it.

Rows are the source's non-boilerplate paragraphs; columns are the articles sharing text with it,
in date order (unknown dates last). A cell says what that article did with that paragraph:
`copied` (verbatim), `edited` (near), `rewritten` (paraphrase) or `left out`, with the share of
the paragraph covered. The classification is `Comparison.paragraph_marks`, the same rule as the
compare view's gutter, so the two views never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsreader.corpus import Article
from newsreader.provenance.spans import clip, total
from newsreader.provenance.timeline import date_key, label
from newsreader.reuse import Comparison

LEFT_OUT = "left out"
MIN_ROW_WORDS = 5  # shorter paragraphs are datelines, bylines, captions: not content rows
CELL_MARKS = ("copied", "edited", "rewritten", LEFT_OUT)


@dataclass(frozen=True, slots=True)
class Cell:
    mark: str  # copied | edited | rewritten | left out
    share: float  # 0..1 of the paragraph covered by passages with this article

    def to_json(self) -> dict[str, Any]:
        return {"mark": self.mark, "share": round(self.share, 3)}


@dataclass
class Column:
    """One reusing article: its date, how much of it came from the source, how much it took."""

    article: Article
    comparison: Comparison  # source as side a

    @property
    def reused_pct(self) -> float:
        return self.comparison.b_reused_pct

    @property
    def taken_pct(self) -> float:
        return self.comparison.a_reused_pct

    def to_json(self) -> dict[str, Any]:
        a = self.article
        return {
            "path": str(a.path.resolve()),
            "label": label(a),
            "title": a.title,
            "date": a.date,
            "reused_pct": round(self.reused_pct, 1),
            "taken_pct": round(self.taken_pct, 1),
        }


@dataclass
class Row:
    """One paragraph of the source and what each column did with it."""

    start: int
    end: int
    cells: list[Cell]

    @property
    def taken_by(self) -> int:
        return sum(c.mark != LEFT_OUT for c in self.cells)

    def to_json(self, source: Article) -> dict[str, Any]:
        snippet = " ".join(source.text[self.start : self.end].split())
        return {
            "start": self.start,
            "end": self.end,
            "snippet": snippet[:100],
            "taken_by": self.taken_by,
            "cells": [c.to_json() for c in self.cells],
        }


@dataclass
class Matrix:
    source: Article
    columns: list[Column]
    rows: list[Row]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": {
                "path": str(self.source.path.resolve()),
                "title": self.source.title,
                "date": self.source.date,
            },
            "columns": [c.to_json() for c in self.columns],
            "rows": [r.to_json(self.source) for r in self.rows],
        }


def release_matrix(source: Article, comparisons: list[Comparison]) -> Matrix:
    """The matrix for `source`; `comparisons` have the source as side a (others are skipped).

    Articles without any passage with the source are left out of the columns.
    """
    cols = [Column(c.b, c) for c in comparisons if c.a is source and c.passages]
    cols.sort(key=lambda c: date_key(c.article))
    marks = [c.comparison.paragraph_marks("a") for c in cols]
    rows = []
    for n, para in enumerate(source.paragraphs):
        if para.boilerplate or len(source.text[para.start : para.end].split()) < MIN_ROW_WORDS:
            continue
        size = max(1, para.end - para.start)
        cells = []
        for col, col_marks in zip(cols, marks, strict=True):
            covered = total(
                clip((p.span("a") for p in col.comparison.passages), para.start, para.end)
            )
            mark = col_marks[n]
            cells.append(Cell(LEFT_OUT if mark == "original" else mark, covered / size))
        rows.append(Row(para.start, para.end, cells))
    return Matrix(source, cols, rows)
