"""The text pane's model: an article laid out for display, with a map back to article offsets.

No textual import: this is plain data so it can be unit tested and so a 1 MB article costs one
linear pass. The display text differs from `Article.text` in three ways, all for display only:
control/bidi characters are blanked (`clean_for_display`, same length), newlines and tabs inside a
paragraph become spaces (same length), and a space is inserted where two sentences are glued
together (`global.The`). Every change is recorded as segments, so an offset into the article
(a search hit) still lands on the right characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len, get_character_cell_size

from newsreader.corpus import Article
from newsreader.text import clean_for_display

BlockKind = Literal["title", "meta", "para", "boilerplate"]

# Punctuation that may end a sentence, and what may start the next one, for glue repair. Narrow
# on purpose: a bad segmenter split inside "3.5" or "U.N.'s" must not gain a space.
_END_CHARS = frozenset(".!?\"'”’)")
_WORD = re.compile(r"(\S+)(\s*)")
_WHITESPACE_INSIDE = str.maketrans({"\n": " ", "\t": " ", "\r": " "})
MAX_TITLE_CHARS = 200
KIND_LABELS = {"press_release": "press release", "news": "news"}


@dataclass(frozen=True, slots=True)
class Block:
    """A run of display text shown as one wrapped unit (title, metadata line or paragraph)."""

    start: int
    end: int
    kind: BlockKind


@dataclass(frozen=True, slots=True)
class Line:
    """One wrapped display line: `[start, end)` in the display text, and its block."""

    start: int
    end: int
    block: int  # index into Document.blocks, or -1 for a blank separator line


@dataclass
class Document:
    """An article laid out for display: display text, blocks and the article→display map."""

    text: str
    blocks: list[Block]
    # (article_start, article_end, display_start) runs, sorted by article_start.
    segments: list[tuple[int, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.segments.sort()
        self._seg_starts = [s[0] for s in self.segments]

    def to_display(self, offset: int) -> int | None:
        """The display offset of an article offset (an end offset maps to just past its char)."""
        i = bisect_right(self._seg_starts, offset) - 1
        if i >= 0:
            a_start, a_end, d_start = self.segments[i]
            if offset <= a_end:
                return d_start + offset - a_start
        # Between paragraphs (a blank line): snap to the next shown text.
        if i + 1 < len(self.segments):
            return self.segments[i + 1][2]
        return None

    def span_to_display(self, start: int, end: int) -> tuple[int, int] | None:
        """Map an article span to display; None when it falls outside every shown block."""
        d_start = self.to_display(start)
        d_end = self.to_display(end)
        if d_start is None or d_end is None:
            return None
        return (d_start, max(d_start, d_end))

    def block_at(self, offset: int) -> int | None:
        """Index of the block holding a display offset."""
        starts = [b.start for b in self.blocks]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and offset <= self.blocks[i].end:
            return i
        return None


class _Builder:
    """Accumulates display text and the offset map while blocks are appended."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []
        self.segments: list[tuple[int, int, int]] = []

    def add_plain(self, text: str, kind: BlockKind) -> None:
        """A block that is not article text (metadata line, a title from elsewhere)."""
        self._open_block()
        start = self.length
        self._emit(text.translate(_WHITESPACE_INSIDE))
        self.blocks.append(Block(start, self.length, kind))

    def add_article_span(
        self, article_text: str, start: int, end: int, kind: BlockKind, breaks: list[int]
    ) -> None:
        """A block of article text `[start, end)`; a space is inserted before each of `breaks`."""
        self._open_block()
        d_start = self.length
        pos = start
        for b in [*breaks, end]:
            piece = article_text[pos:b]
            self.segments.append((pos, b, self.length))
            self._emit(clean_for_display(piece).translate(_WHITESPACE_INSIDE))
            if b < end:
                self._emit(" ")
            pos = b
        self.blocks.append(Block(d_start, self.length, kind))

    def _open_block(self) -> None:
        if self.blocks:
            self._emit("\n")

    def _emit(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def build(self) -> Document:
        return Document("".join(self.parts), self.blocks, self.segments)


def glue_breaks(text: str, sentence_starts: list[int], start: int, end: int) -> list[int]:
    """Offsets in `(start, end)` where a sentence starts right after the previous one's end.

    Only when the previous character ends a sentence and the next one begins one (capital letter,
    digit or opening quote), so `global.The` and `."We` are repaired and `3.5` is not.
    """
    breaks = []
    for b in sentence_starts:
        if not start < b < end:
            continue
        prev, nxt = text[b - 1], text[b]
        if prev.isspace() or nxt.isspace() or prev not in _END_CHARS:
            continue
        if prev == "." and (b < 2 or not text[b - 2].isalnum() or _initial(text, b - 2)):
            continue  # "U.N.'s", "J.R.R." and the like are initials, not two sentences
        if nxt.isupper() or nxt in "\"'“‘(":
            breaks.append(b)
    return breaks


def _initial(text: str, i: int) -> bool:
    """True when `text[i]` is a one-letter word (the letter of an initial like `U.`)."""
    return text[i].isalpha() and (i == 0 or not text[i - 1].isalnum())


def _metadata_line(article: Article) -> str:
    parts = [article.outlet, article.date, article.byline, KIND_LABELS.get(article.kind)]
    return " · ".join(clean_for_display(p).translate(_WHITESPACE_INSIDE) for p in parts if p)


def _title_span(article: Article) -> tuple[int, int] | None:
    """Where the heading comes from in the text, so it is not shown twice.

    The loader's `title_span` when it has one; with no title at all, the first real paragraph
    (what `display_title` shows) when it is short enough to be a heading.
    """
    span = article.title_span
    if span and 0 <= span[0] < span[1] <= len(article.text):
        return span
    if article.title:
        return None
    n = len(article.text)
    first = next((p for p in article.paragraphs if not p.boilerplate), None)
    if first is None:
        return None
    start, end = max(0, first.start), min(n, first.end)
    if 0 < end - start <= MAX_TITLE_CHARS and article.text[start:end].strip():
        return (start, end)
    return None


def build_document(article: Article) -> Document:
    """Lay an article out: title, metadata line, then every paragraph (glue repaired)."""
    text = article.text
    builder = _Builder()
    title_span = _title_span(article)
    if title_span:
        builder.add_article_span(text, title_span[0], title_span[1], "title", [])
    else:
        builder.add_plain(clean_for_display(article.display_title), "title")
    builder.add_plain(_metadata_line(article) or "(no metadata found)", "meta")

    n = len(text)
    # Clamped and ordered: a loader bug (or a stale cache) must not break the text pane.
    paragraphs = sorted(
        (
            (max(0, p.start), min(n, p.end), p.boilerplate, p.sentences)
            for p in article.paragraphs
            if p.start < p.end and p.start < n
        ),
        key=lambda t: (t[0], t[1]),
    )
    if not paragraphs:  # a loader that found no paragraphs: fall back to non-empty lines
        paragraphs = [(m.start(), m.end(), False, ()) for m in re.finditer(r"[^\n]+", text)]
    shown_to = 0
    for start, end, boilerplate, sentences in paragraphs:
        start = max(start, shown_to)  # overlapping paragraphs: show each character once
        if title_span and title_span[0] <= start and end <= title_span[1]:
            continue  # already shown as the heading
        if (
            title_span
            and start < title_span[1]
            and title_span[0] < end
            and not text[start : title_span[0]].strip()
        ):
            # The paragraph starts with the title: show the rest of it after the heading.
            start = max(start, title_span[1])
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        shown_to = end
        breaks = glue_breaks(text, [s.start for s in sentences], start, end)
        builder.add_article_span(text, start, end, "boilerplate" if boilerplate else "para", breaks)
    return builder.build()


def _fold(word: str, offset: int, width: int) -> list[tuple[int, int, int]]:
    """Split a word wider than `width` into chunks: (start, end, cells) each."""
    chunks = []
    start, cells = 0, 0
    for i, ch in enumerate(word):
        w = get_character_cell_size(ch)
        if cells + w > width and cells:
            chunks.append((offset + start, offset + i, cells))
            start, cells = i, 0
        cells += w
    chunks.append((offset + start, offset + len(word), cells))
    return chunks


def wrap_block(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of `text[start:end]` at `width` cells; returns (start, end) per line."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    line_start, used = start, 0
    for m in _WORD.finditer(text, start, end):
        if not lines and not used:
            line_start = m.start()  # a block's leading blanks (cleaned controls) are dropped
        word = m.group(1)
        w = len(word) if word.isascii() else cell_len(word)
        if used and used + w > width:
            lines.append((line_start, m.start()))
            line_start, used = m.start(), 0
        if w > width:
            *full, last = _fold(word, m.start(), width)
            for c_start, c_end, _ in full:
                lines.append((c_start, c_end))
            line_start, used = last[0], last[2]
        else:
            used += w
        used += len(m.group(2))
    if used or not lines:
        lines.append((line_start, end))
    return lines


def wrap_document(doc: Document, width: int, *, hide_boilerplate: bool = False) -> list[Line]:
    """Every display line of the document at `width`, a blank line between blocks."""
    lines: list[Line] = []
    for i, block in enumerate(doc.blocks):
        if hide_boilerplate and block.kind == "boilerplate":
            continue
        if lines and block.kind != "meta":
            lines.append(Line(block.start, block.start, -1))
        for s, e in wrap_block(doc.text, block.start, block.end, width):
            lines.append(Line(s, e, i))
    return lines
