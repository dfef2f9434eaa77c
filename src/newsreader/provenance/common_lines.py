"""Short lines that many articles carry: footers, share bars, agency credits.

"Additional reporting by news agencies." or "Sign up for our daily newsletter." are shared text
between any two articles of an outlet, and between outlets too, but say nothing about where a
story came from. A line counts as common when it is short and its words (case and punctuation
aside) occur in several articles; its characters are then left out when two articles' shared
text is measured for a story edge.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence

from newsreader.corpus import Article
from newsreader.provenance.spans import Span, intersect, merge, total

MAX_LINE = 120  # characters: longer lines are text, even when several articles share them
MIN_ARTICLES = 4  # a short line in this many articles is boilerplate, not a sign of copying
SHARE = 0.005  # ... or in this share of the corpus, whichever is more
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


def _units(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of each short line of `text`.

    Lines, not sentences: a sentence inside a paragraph that many articles share is copied
    text (a wire story reprinted by many outlets), while footers and credits stand on their own
    line.
    """
    out = []
    for line in _LINE.finditer(text):
        if line.end() - line.start() > MAX_LINE:
            continue
        words = _WORD.findall(line.group())
        if len(words) >= 3:
            out.append((line.start(), line.end(), " ".join(w.lower() for w in words)))
    return out


def line_units(text: str) -> list[tuple[int, int, int]]:
    """(start, end, key hash) of each short line of `text`: what `CommonLines` counts, in a form
    small enough to store per article (the library keeps it, so common lines need no text)."""
    return [(s, e, _hash(key)) for s, e, key in _units(text)]


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class CommonLines:
    """The common short lines of a set of articles, and each article's spans of them."""

    def __init__(
        self,
        articles: list[Article],
        units: Mapping[int, Sequence[tuple[int, int, Hashable]]] | None = None,
        bodies: Mapping[int, list[Span]] | None = None,
    ) -> None:
        """`units`: each article's short lines by `id(article)` (`line_units`), and `bodies`
        its `body_spans`, when known (the library stores both); else read from the texts."""
        self.bodies = bodies or {}
        found_units: Mapping[int, Sequence[tuple[int, int, Hashable]]] = (
            units if units is not None else {id(a): _units(a.text) for a in articles}
        )
        counts: Counter[Hashable] = Counter()
        for found in found_units.values():
            counts.update({key for _, _, key in found})
        least = max(MIN_ARTICLES, round(SHARE * len(articles)))
        self.spans: dict[int, list[Span]] = {}
        for ident, found in found_units.items():
            spans = merge((s, e) for s, e, key in found if counts[key] >= least)
            if spans:
                self.spans[ident] = spans

    def of(self, article: Article) -> list[Span]:
        """Spans of `article` that are common lines (merged, sorted)."""
        return self.spans.get(id(article), [])

    def discount(self, article: Article, covered: list[Span]) -> int:
        """Characters of merged `covered` that are not common lines."""
        common = self.of(article)
        return total(covered) - (total(intersect(covered, common)) if common else 0)

    def body_chars(self, article: Article) -> int:
        """Length of the article's body (boilerplate paragraphs and common lines out)."""
        body = self.bodies.get(id(article))
        if body is None:
            body = body_spans(article)
        return max(1, self.discount(article, body))


def body_spans(article: Article) -> list[Span]:
    """The article's body: its paragraphs but boilerplate (all of its text if none)."""
    return merge((p.start, p.end) for p in article.paragraphs if not p.boilerplate) or [
        (0, len(article.text))
    ]
