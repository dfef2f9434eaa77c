"""The corpus view: for each article, the articles it shares text with or is most like.

An inverted index, never all-pairs alignment. Ranking is TF-IDF (log tf, stop words, light
stemming, cosine) over an article's most distinctive terms, rescored exactly for the best
candidates; sampled word shingles give how much text two articles share, which boosts the score
(copied text is stronger evidence than a shared topic). Equal scores go to the closest date.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
import threading
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import repeat
from operator import add, mul
from typing import Any, Protocol

from newsreader.corpus import Article, Corpus
from newsreader.progress import check
from newsreader.reuse.lexicon import STOP_WORDS, stem
from newsreader.reuse.tokens import INVISIBLE, normalise

QUERY_TERMS = 30  # an article's most distinctive terms used to find candidates
# A term in more articles than this does not shortlist candidates. A fixed count, not a share
# of the corpus: each query then walks at most QUERY_TERMS x MAX_POSTINGS postings whatever
# the corpus size, so `related` for every article grows linearly (a share made 20k articles
# walk twice the postings of 10k). Terms that common say little about where a text came from.
MAX_POSTINGS = 200
# An article with too few such rare terms (a short notice in common words) queries its heaviest
# terms in at most this many articles: without a bound, those few articles walked most of the
# postings (2.4% of 20k articles walked 46% of the rows), a share that grows with the corpus.
# The bound sets the cost of corpora where most articles fall back (at 1M generated articles,
# all of them): 2,000 walked 13.7 G postings there, 500 about 0.7 G. Measured at 500 against
# 2,000: real newswire (18k Reuters) keeps the same mean neighbour scores (top 1 0.488 both);
# 100k generated articles find their known source in the top 10 for 76.7% against 78.4%.
FALLBACK_POSTINGS = 500
# Bumped when the rule above changes what a neighbour list holds: stored lists are ranked again.
RANKING_VERSION = "2"
RESCORE = 2  # candidates rescored exactly, per result wanted
SHINGLE = 5
COPY_WEIGHT = 0.5  # how far shared text lifts a score towards 1
COPY_SATURATION = 8.0  # sampled shared shingles (about 30 words) for ~2/3 of that lift
SAMPLE_MASK = 3  # keep shingles whose hash & mask == 0 (a quarter): containment estimate
# Same word shape as the aligner's tokens: invisible characters inside a word keep it whole.
_JOIN = "[" + INVISIBLE + "]"
_WORD = re.compile(r"\w+(?:(?:" + _JOIN + r"*['’\-.]" + _JOIN + r"*|" + _JOIN + r"+)\w+)*")


@dataclass(frozen=True, slots=True)
class Relation:
    """Another article related to the one asked about."""

    article: Article
    score: float  # 0..1
    shared_chars: int  # estimated characters of this article's text found in the other

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.article.path),
            "score": round(self.score, 3),
            "shared_chars": self.shared_chars,
        }


class _Vocab:
    """Word -> (matching form, stem, shingle anchor), cached: news reuses a small vocabulary."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str, str | None, bool]] = {}

    def __call__(self, word: str) -> tuple[str, str | None, bool]:
        """(matching form, stem or None for a stop word, whether a sampled shingle starts here)."""
        hit = self.cache.get(word)
        if hit is None:
            norm = normalise(word)
            term = None if norm in STOP_WORDS or len(norm) < 2 else stem(norm)
            anchor = zlib.crc32(norm.encode()) & SAMPLE_MASK == 0
            hit = self.cache[word] = (norm, term, anchor)
        return hit


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the index keeps of one article: stem counts, sampled shingle hashes, body length.

    Depends on the article's text alone, so it can be stored and reused until the text changes
    (the library keeps it per article); weights come later, from the corpus's frequencies."""

    terms: Counter[str]
    shingles: frozenset[int]
    chars: int


class Analyser:
    """`analyse(article)` with one word cache shared across the articles it is given."""

    def __init__(self) -> None:
        self._vocab = _Vocab()

    def __call__(self, article: Article) -> Analysis:
        return _analyse(article, self._vocab)


@lru_cache(maxsize=1 << 17)
def term_id(stemmed: str) -> int:
    """A term's id: a 64-bit hash of its stem, the same in every process and library, so
    equal weights are broken by the same term whatever order the articles were read in."""
    digest = hashlib.blake2b(stemmed.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def term_weights(
    terms: Sequence[int], counts: Sequence[int], df: Callable[[int], int], total: int
) -> tuple[array[int], array[float]]:
    """Normalised log-tf x idf weights of one article's terms (ascending ids, `df` > 1 only:
    a term in one article links nothing). The one formula of both the in-memory index and the
    library's stored one, so both rank alike."""
    pairs = sorted((t, c) for t, c in zip(terms, counts, strict=True) if df(t) > 1)
    w = [(1 + math.log(c)) * math.log(total / df(t)) for t, c in pairs]
    norm = math.sqrt(sum(x * x for x in w)) or 1.0
    return array("q", (t for t, _ in pairs)), array("f", (x / norm for x in w))


class Neighbours(Protocol):
    """What story clusters need of an index: its articles (by position), their sampled
    shingles, and each article's related ones. `RelatedIndex` in memory, or the library's
    stored neighbours."""

    @property
    def articles(self) -> Sequence[Article]: ...

    @property
    def shingles(self) -> Sequence[frozenset[int]]: ...

    @property
    def position(self) -> Mapping[int, int]:
        """id(article) -> its position in `articles`."""

    def related(self, article: Article, top: int = 10) -> list[Relation]: ...


class RelatedIndex:
    """TF-IDF vectors and sampled shingles of every article, with an inverted index."""

    def __init__(self, corpus: Corpus) -> None:
        self.articles = list(corpus.articles)
        self.terms: list[array[int]] = []  # per article: term ids (`term_id`), ascending
        self.weights: list[array[float]] = []  # per article: normalised tf-idf weights
        self.shingles: list[frozenset[int]] = []
        self.chars: list[int] = []
        self.postings: dict[int, list[int]] = defaultdict(list)
        self.position = {id(a): n for n, a in enumerate(self.articles)}
        # Articles with the very same text: always each other's first candidates. Among short
        # look-alike notices every score rounds to 1.0 and the duplicate could fall out of the
        # shortlist or lose the date tie-break.
        self.same_text: dict[str, list[int]] = defaultdict(list)
        for n, a in enumerate(self.articles):
            self.same_text[a.content_hash].append(n)

    @classmethod
    def build(
        cls,
        corpus: Corpus,
        *,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> RelatedIndex:
        analyse = Analyser()
        rows: list[tuple[array[int], array[int], frozenset[int], int]] = []
        total = len(corpus.articles)
        for n, article in enumerate(corpus.articles):
            if n % 256 == 0:
                check(cancel)
                if progress is not None:
                    progress(n, total)
            found = analyse(article)
            terms = array("q", map(term_id, found.terms))
            counts = array("i", found.terms.values())
            rows.append((terms, counts, found.shingles, found.chars))
        check(cancel)
        index = cls.from_analyses(corpus, rows)
        if progress is not None:
            progress(total, total)
        return index

    @classmethod
    def from_analyses(
        cls,
        corpus: Corpus,
        rows: Sequence[tuple[Sequence[int], Sequence[int], frozenset[int], int]],
    ) -> RelatedIndex:
        """The index from each article's analysis, already made: (term ids, their counts,
        sampled shingles, body chars), in the corpus's order. Term ids are any integers that
        name a stem the same way for every article (the library's stored ones)."""
        df: Counter[int] = Counter()
        for terms, _, _, _ in rows:
            df.update(terms)
        total = len(corpus.articles)
        weighted = [
            term_weights(terms, counts, df.__getitem__, total) for terms, counts, _, _ in rows
        ]
        return cls.from_weights(
            corpus,
            [ids for ids, _ in weighted],
            [weights for _, weights in weighted],
            [row[2] for row in rows],
            [row[3] for row in rows],
        )

    @classmethod
    def from_weights(
        cls,
        corpus: Corpus,
        terms: Sequence[array[int]],
        weights: Sequence[array[float]],
        shingles: Sequence[frozenset[int]],
        chars: Sequence[int],
    ) -> RelatedIndex:
        """The index from another index's vectors (`terms`, `weights`, `shingles`, `chars`,
        in the corpus's order): a worker process ranks with its parent's very numbers."""
        index = cls(corpus)
        index.terms = list(terms)
        index.weights = list(weights)
        index.shingles = list(shingles)
        index.chars = list(chars)
        for n, ids in enumerate(index.terms):
            for t in ids:
                index.postings[t].append(n)
        return index

    # The few reads `related` makes, as methods: the library's stored index answers them from
    # the database for one article at a time (library/derived.py).
    def _df(self, term: int) -> int:
        return len(self.postings[term])

    def _posting(self, term: int) -> list[int]:
        return self.postings[term]

    def _prefetch(self, candidates: list[int]) -> None:
        """Load what scoring these candidates needs (nothing: all in memory here)."""

    def related(self, article: Article, top: int = 10) -> list[Relation]:
        """The `top` articles most related to `article`, best first."""
        n = self.position.get(id(article))
        if n is None:
            raise KeyError(f"{article.path} is not in this index")
        terms, weights = self.terms[n], self.weights[n]
        # Candidates from the article's most distinctive terms; a term in a large share of the
        # corpus shortlists nothing and would make every query touch every article.
        by_weight = sorted(zip(weights, terms, strict=True), reverse=True)
        query = [(w, t) for w, t in by_weight if self._df(t) <= MAX_POSTINGS][:QUERY_TERMS]
        if len(query) < QUERY_TERMS // 4:
            query = [(w, t) for w, t in by_weight if self._df(t) <= FALLBACK_POSTINGS]
            query = query[:QUERY_TERMS]
        acc: dict[int, float] = {}
        get = acc.get
        for w, t in query:
            posting = self._posting(t)
            # acc[m] += w for every m of the posting (an article is in it once), the loop in
            # C: the same additions in the same order, a third of the time.
            acc.update(
                zip(posting, map(add, map(get, posting, repeat(0.0)), repeat(w)), strict=True)
            )
        acc.pop(n, None)
        twins = [m for m in self.same_text[self.articles[n].content_hash] if m != n]
        for m in twins:
            acc.pop(m, None)
        candidates = twins + heapq.nlargest(max(top * RESCORE, top + 5), acc, key=acc.__getitem__)
        identical = set(twins)
        self._prefetch(candidates)
        weight_of = dict(zip(terms, weights, strict=True)).get
        results = []
        for m in candidates:
            # The dot product over the candidate's terms, every step in C (map, not a
            # generator): the same products summed in the same order as a plain loop.
            cos = sum(map(mul, map(weight_of, self.terms[m], repeat(0.0)), self.weights[m]))
            cos = min(1.0, cos)
            shared = len(self.shingles[n] & self.shingles[m])
            smaller = min(len(self.shingles[n]), len(self.shingles[m]))
            containment = shared / smaller if smaller else 0.0
            # Copied text is evidence of where a story came from, whatever its share: a few
            # shared sentences already count nearly in full (1 - e^(-n/k) saturates).
            copied = max(containment, 1.0 - math.exp(-shared / COPY_SATURATION))
            score = cos + (1.0 - cos) * COPY_WEIGHT * copied
            own = shared / len(self.shingles[n]) if self.shingles[n] else 0.0
            results.append(Relation(self.articles[m], score, round(own * self.chars[n])))
        order = {id(self.articles[m]): m in identical for m in candidates}
        results.sort(key=rank_key(article, lambda a: order[id(a)]))
        return results[:top]


def _analyse(article: Article, vocab: _Vocab) -> Analysis:
    """Stem counts, sampled shingle hashes and body length of one article (boilerplate out)."""
    cache = vocab.cache
    hits: list[tuple[str, str | None, bool]] = []
    chars = 0
    body = [p for p in article.paragraphs if not p.boilerplate] or article.paragraphs
    for p in body:
        chars += p.end - p.start
        hits.extend(cache.get(w) or vocab(w) for w in _WORD.findall(article.text, p.start, p.end))
    norms = [h[0] for h in hits]
    tf = Counter(h[1] for h in hits if h[1] is not None)
    anchors = [i for i, h in enumerate(hits) if h[2]]
    # Shingles are sampled by their first word (the same words anchor them in every article),
    # so two copies of a passage keep the same sample and only a quarter are hashed.
    last = len(norms) - SHINGLE
    shingles = {zlib.crc32(" ".join(norms[i : i + SHINGLE]).encode()) for i in anchors if i <= last}
    return Analysis(tf, frozenset(shingles), chars)


def rank_key(
    article: Article, identical: Callable[[Article], bool]
) -> Callable[[Relation], tuple[bool, float, int, float, str]]:
    """The order of `article`'s related ones: identical texts first, then by score (to two
    decimals), then the closest date, then the exact score and the path, so the order never
    depends on the order articles were indexed in (the library ranks one article at a time
    and inserts it into stored lists the same way)."""
    here = _day(article.date)

    def key(r: Relation) -> tuple[bool, float, int, float, str]:
        return (
            not identical(r.article),
            -round(r.score, 2),
            _date_distance(here, r.article.date),
            -r.score,
            str(r.article.path),
        )

    return key


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
    index: RelatedIndex | None = None,
) -> list[tuple[Article, list[Relation]]]:
    """Every article of the corpus with its related articles, best first.

    `progress(done, total)` covers both halves: building the index, then ranking. Pass an
    `index` already built over `corpus` to reuse it (e.g. for story clusters too)."""
    total = 2 * len(corpus.articles)

    def building(done: int, _: int) -> None:
        if progress is not None:
            progress(done, total)

    if index is None:
        index = RelatedIndex.build(corpus, cancel=cancel, progress=building)
    out = []
    half = len(index.articles)
    for n, article in enumerate(index.articles):
        if n % 256 == 0:
            check(cancel)
            if progress is not None:
                progress(half + n, total)
        out.append((article, index.related(article, top)))
    if progress is not None:
        progress(total, total)
    return out
