"""A search hit and the display snippet around it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsreader.text import clean_for_display

if TYPE_CHECKING:  # the library's search needs only make_snippet, not the corpus models
    from newsreader.corpus.models import Article

SNIPPET_WIDTH = 120
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One place in one article that answers the query.

    `score` is 0..100 in bands of 20: 80+ the exact phrase (or the words being typed),
    60+ every word exactly but apart, 40+ a phrase with typos, 20+ every word somehow,
    below 20 only some of the words. `start`/`end` are character offsets into
    `article.text` (both 0 when the hit is in the metadata only: outlet, byline, date).
    `snippet` is cleaned, whitespace-collapsed context for display; `snippet_highlights`
    are (start, end) offsets of the matched words in it.
    """

    article: Article
    score: float
    start: int
    end: int
    snippet: str
    snippet_highlights: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.article.path),
            "title": self.article.display_title,
            "score": round(self.score, 2),
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
        }


def make_snippet(
    text: str, start: int, end: int, spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """~`width` characters of `text` around [start, end), with `spans` mapped into it.

    The window is widened to word boundaries, cleaned of control characters and has its
    whitespace collapsed to single spaces; `…` marks a cut at either side.
    """
    room = max(0, width - (end - start))
    lo = max(0, start - room * 2 // 5)
    hi = min(len(text), end + room - (start - lo))
    lo = max(0, hi - max(width, end - start)) if hi == len(text) else lo
    # Do not cut a word in half at either edge (unless the hit itself is there).
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    raw = clean_for_display(text[lo:hi])
    body = _SPACE.sub(" ", raw)
    lead = 1 if _SPACE.match(raw) else 0  # a leading space is stripped below
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = len(prefix) - lead
    body = body.strip()
    highlights = []
    for a, b in spans:
        if a < lo or b > hi or a >= b:
            continue
        # Where a raw offset lands once each whitespace run became one space: the length
        # of the collapsed text before it (in C; this runs for every hit of a keystroke).
        na = len(_SPACE.sub(" ", raw[: a - lo])) + shift
        nb = len(_SPACE.sub(" ", raw[: b - lo])) + shift
        na, nb = max(na, len(prefix)), min(nb, len(prefix) + len(body))
        if na < nb:
            highlights.append((na, nb))
    return prefix + body + suffix, tuple(highlights)
