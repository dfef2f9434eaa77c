"""What's new here: the parts of an article not found in its sources, the copied parts collapsed.

The article's non-boilerplate text is cut into segments in text order: `copied` runs (covered by
passages with any source, with which sources and kinds, and how many characters/words) and `new`
runs (not in any source). New runs are labelled with what they hold: a quotation, figures, a
whole paragraph. Offsets are into the article's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newsreader.corpus import Article
from newsreader.provenance import mentions
from newsreader.provenance.spans import Span, clip, merge, subtract, total
from newsreader.reuse import Comparison
from newsreader.reuse.models import Side

MIN_NEW_WORDS = 4  # shorter uncovered bits (a stray "said", punctuation) are not "new" content
_QUOTE = re.compile(r"[\"“”„«»]")
_WORDS = re.compile(r"\w+")


@dataclass
class Segment:
    """A run of the article: new text, or copied text with its sources."""

    kind: str  # new | copied
    start: int
    end: int
    words: int
    sources: list[str] = field(default_factory=list)  # labels/paths of sources it was found in
    passage_kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # new: quote, figures, paragraph

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "chars": self.end - self.start,
            "words": self.words,
            "sources": self.sources,
            "passage_kinds": self.passage_kinds,
            "labels": self.labels,
        }


@dataclass
class Novelty:
    article: Article
    sources: list[Article]
    segments: list[Segment]

    @property
    def new(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "new"]

    @property
    def copied(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "copied"]

    @property
    def new_pct(self) -> float:
        body = sum(p.end - p.start for p in self.article.paragraphs if not p.boilerplate)
        return round(100.0 * sum(s.end - s.start for s in self.new) / body, 1) if body else 0.0

    def blocks(self) -> list[list[Segment]]:
        """Segments grouped for display: each run of consecutive copied segments (across
        paragraphs) is one group, to be shown collapsed; each new segment is its own group."""
        groups: list[list[Segment]] = []
        for seg in self.segments:
            if seg.kind == "copied" and groups and groups[-1][0].kind == "copied":
                groups[-1].append(seg)
            else:
                groups.append([seg])
        return groups

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.article.path.resolve()),
            "sources": [str(a.path.resolve()) for a in self.sources],
            "new_pct": self.new_pct,
            "new_count": len(self.new),
            "copied_count": len(self.copied),
            "copied_chars": sum(s.end - s.start for s in self.copied),
            "segments": [s.to_json() for s in self.segments],
        }


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and not text[start].isalnum() and text[start] not in "\"“'‘([":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def whats_new(article: Article, comparisons: list[Comparison]) -> Novelty:
    """What `article` adds beyond the other sides of `comparisons` (either side may be it)."""
    text = article.text
    covered_by: list[tuple[Span, str, str]] = []  # (span in article, source path, kind)
    sources = []
    for c in comparisons:
        side: Side | None = "a" if c.a is article else "b" if c.b is article else None
        if side is None:
            continue
        other = c.b if side == "a" else c.a
        sources.append(other)
        covered_by.extend(
            (part.span(side), str(other.path.resolve()), part.kind)
            for p in c.passages
            for part in p.pieces()
        )
    covered = merge(s for s, _, _ in covered_by)
    segments: list[Segment] = []
    for para in article.paragraphs:
        if para.boilerplate:
            continue
        para_span = [(para.start, para.end)]
        for s, e in clip(covered, para.start, para.end):
            found = [(src, kind) for (ps, pe), src, kind in covered_by if ps < e and pe > s]
            segments.append(
                Segment(
                    "copied",
                    s,
                    e,
                    len(_WORDS.findall(text, s, e)),
                    sorted({src for src, _ in found}),
                    sorted({kind for _, kind in found}),
                )
            )
        for s, e in subtract(para_span, covered):
            s, e = _trim(text, s, e)
            words = len(_WORDS.findall(text, s, e))
            if words < MIN_NEW_WORDS:
                continue
            labels = []
            if total(clip(covered, para.start, para.end)) == 0:
                labels.append("paragraph")
            if _QUOTE.search(text, s, e):
                labels.append("quote")
            if mentions.quantities(text, s, e):
                labels.append("figures")
            segments.append(Segment("new", s, e, words, labels=labels))
    segments.sort(key=lambda seg: seg.start)
    return Novelty(article, sources, segments)
