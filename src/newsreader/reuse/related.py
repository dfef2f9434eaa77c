"""The corpus view: for each article, the articles it shares text with or is most like.

An inverted index, never all-pairs alignment. Ranking is TF-IDF (log tf, stop words, light
stemming, cosine) over an article's most distinctive terms, rescored exactly for the best
candidates; sampled word shingles give how much text two articles share, which boosts the score
(copied text is stronger evidence than a shared topic). Equal scores go to the closest date.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from newsreader.corpus import Article, Corpus
from newsreader.reuse.align import check
from newsreader.reuse.lexicon import STOP_WORDS, stem
from newsreader.reuse.tokens import normalise

QUERY_TERMS = 40  # an article's most distinctive terms used to find candidates
RESCORE = 3  # candidates rescored exactly, per result wanted
SHINGLE = 5
SAMPLE_MASK = 3  # keep shingles whose hash & mask == 0 (a quarter): containment estimate
_WORD = re.compile(r"\w+(?:['’\-.]\w+)*")


@dataclass(frozen=True, slots=True)
class Relation:
    """Another article related to the one asked about."""

    article: Article
    score: float  # 0..1
    shared_chars: int  # estimated characters of this article's text found in the other

    def to_json(self) -> dict:
        return {
            "path": str(self.article.path),
            "score": round(self.score, 3),
            "shared_chars": self.shared_chars,
        }


class _Vocab:
    """Word -> (matching form, term id) with a cache: news reuses a small vocabulary."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str, int]] = {}
        self.ids: dict[str, int] = {}

    def __call__(self, word: str) -> tuple[str, int]:
        hit = self.cache.get(word)
        if hit is None:
            norm = normalise(word)
            term = -1 if norm in STOP_WORDS or len(norm) < 2 else self._id(stem(norm))
            hit = self.cache[word] = (norm, term)
        return hit

    def _id(self, s: str) -> int:
        return self.ids.setdefault(s, len(self.ids))


class RelatedIndex:
    """TF-IDF vectors and sampled shingles of every article, with an inverted index."""

    def __init__(self, corpus: Corpus) -> None:
        self.articles = list(corpus.articles)
        self.terms: list[array] = []  # per article: term ids, ascending
        self.weights: list[array] = []  # per article: normalised tf-idf weights
        self.shingles: list[frozenset[int]] = []
        self.chars: list[int] = []
        self.postings: dict[int, list[int]] = defaultdict(list)
        self.position = {id(a): n for n, a in enumerate(self.articles)}

    @classmethod
    def build(
        cls,
        corpus: Corpus,
        *,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> RelatedIndex:
        index = cls(corpus)
        vocab = _Vocab()
        counts: list[Counter] = []
        df: Counter = Counter()
        total = len(index.articles)
        for n, article in enumerate(index.articles):
            if n % 256 == 0:
                check(cancel)
                if progress is not None:
                    progress(n, total)
            tf, shingles, chars = _analyse(article, vocab)
            counts.append(tf)
            df.update(tf.keys())
            index.shingles.append(shingles)
            index.chars.append(chars)
        check(cancel)
        for n, tf in enumerate(counts):
            ids = sorted(t for t in tf if df[t] > 1)  # a term in one article links nothing
            w = [(1 + math.log(tf[t])) * math.log(total / df[t]) for t in ids]
            norm = math.sqrt(sum(x * x for x in w)) or 1.0
            index.terms.append(array("i", ids))
            index.weights.append(array("f", (x / norm for x in w)))
            for t in ids:
                index.postings[t].append(n)
        if progress is not None:
            progress(total, total)
        return index

    def related(self, article: Article, top: int = 10) -> list[Relation]:
        """The `top` articles most related to `article`, best first."""
        n = self.position.get(id(article))
        if n is None:
            raise KeyError(f"{article.path} is not in this index")
        terms, weights = self.terms[n], self.weights[n]
        query = sorted(zip(weights, terms, strict=True), reverse=True)[:QUERY_TERMS]
        acc: dict[int, float] = defaultdict(float)
        for w, t in query:
            for m in self.postings[t]:
                acc[m] += w
        acc.pop(n, None)
        candidates = sorted(acc, key=lambda m: -acc[m])[: max(top * RESCORE, top + 5)]
        mine = dict(zip(terms, weights, strict=True))
        results = []
        for m in candidates:
            cos = sum(
                mine.get(t, 0.0) * w for t, w in zip(self.terms[m], self.weights[m], strict=True)
            )
            cos = min(1.0, cos)
            shared = len(self.shingles[n] & self.shingles[m])
            smaller = min(len(self.shingles[n]), len(self.shingles[m]))
            containment = shared / smaller if smaller else 0.0
            score = cos + (1.0 - cos) * 0.5 * containment
            own = shared / len(self.shingles[n]) if self.shingles[n] else 0.0
            results.append(Relation(self.articles[m], score, round(own * self.chars[n])))
        here = _day(article.date)
        results.sort(key=lambda r: (-round(r.score, 2), _date_distance(here, r.article.date)))
        return results[:top]


def _analyse(article: Article, vocab: _Vocab) -> tuple[Counter, frozenset[int], int]:
    """Term counts, sampled shingle hashes and body length of one article (boilerplate out)."""
    tf: Counter = Counter()
    norms: list[str] = []
    chars = 0
    body = [p for p in article.paragraphs if not p.boilerplate] or article.paragraphs
    for p in body:
        chars += p.end - p.start
        for word in _WORD.findall(article.text, p.start, p.end):
            norm, term = vocab(word)
            norms.append(norm)
            if term >= 0:
                tf[term] += 1
    shingles = set()
    for i in range(len(norms) - SHINGLE + 1):
        h = zlib.crc32(" ".join(norms[i : i + SHINGLE]).encode())
        if h & SAMPLE_MASK == 0:
            shingles.add(h)
    return tf, frozenset(shingles), chars


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _date_distance(here: date | None, other: str | None) -> int:
    there = _day(other)
    if here is None or there is None:
        return 10**6
    return abs((here - there).days)


def related(
    corpus: Corpus,
    top: int = 10,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[Article, list[Relation]]]:
    """Every article of the corpus with its related articles, best first."""
    index = RelatedIndex.build(corpus, cancel=cancel, progress=progress)
    out = []
    for n, article in enumerate(index.articles):
        if n % 256 == 0:
            check(cancel)
        out.append((article, index.related(article, top)))
    return out
