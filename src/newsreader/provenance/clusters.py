"""Story clusters: articles linked by shared text.

Never all pairs: each article's top-K neighbours from the `RelatedIndex` are the candidates, and
only the most promising of those pairs are aligned with `compare_articles` to verify that they
really share passages. Shared text is measured without common lines (footers, agency credits:
see `common_lines`) and against the shorter article. Verified pairs are the edges; `linkage`
groups them into stories without chaining stories together through one bridging article.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from typing import Protocol

from newsreader.corpus import Article, Corpus
from newsreader.progress import check
from newsreader.provenance.common_lines import CommonLines
from newsreader.provenance.linkage import link
from newsreader.provenance.spans import Span, merge, total
from newsreader.reuse import Comparison, RelatedIndex, compare_articles
from newsreader.reuse.related import Neighbours, Relation

TOP_K = 8  # neighbours per article considered as candidates
MAX_VERIFY = 3  # candidates aligned per article (most shared sampled text first)
TOPIC_SCORE = 0.6  # a neighbour without sampled shared shingles must be this similar to be aligned
ONE_PHRASE_SCORE = 0.3  # ... and one with a single sampled shingle (one phrase) this similar
MAX_ONE_PHRASE = 1  # neighbours sharing one sampled phrase (or none) aligned per article
# Pairs the sampled shingles already prove to be one text (no alignment needed): at least
# SURE_SAMPLED sampled shingles shared (about 40 words), SAME_SAMPLE of both sides.
SURE_SAMPLED = 4
SAME_SAMPLE = 0.9
MIN_SHARED_CHARS = 60  # characters in passages (on the side with fewer) for an edge
MIN_SHARED_PCT = 3.0  # reuse % on at least one side for an edge (see `shares_text`)
MIN_SHARE = 0.04  # share of the shorter article's body in passages for an edge
FOLLOW_UP_SCORE = 0.3  # related-index similarity for a short shared passage to link ...
FOLLOW_UP_CHARS = 30  # ... when it is at least this long on both sides
STRONG_SHARED_CHARS = 400  # this much shared text is a strong edge ...
STRONG_SHARE = 0.08  # ... when it is also this share of the shorter article
CORE_SHARED_CHARS = 150  # or this much, when it is also CORE_SHARE of the shorter article
CORE_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class Covered:
    """What judging an edge needs of an alignment: the merged spans of passages on each side
    and each side's reuse %. Small enough to store per pair (the library keeps one per aligned
    pair, so a pair is aligned once), and judged again whenever common lines change."""

    a: list[Span]
    b: list[Span]
    a_pct: float
    b_pct: float

    @classmethod
    def of(cls, comparison: Comparison) -> Covered:
        return cls(
            merge(p.span("a") for p in comparison.passages),
            merge(p.span("b") for p in comparison.passages),
            comparison.a_reused_pct,
            comparison.b_reused_pct,
        )

    def swapped(self) -> Covered:
        return Covered(self.b, self.a, self.b_pct, self.a_pct)


class Verdicts(Protocol):
    """Where alignments already made are kept between runs (the library's `verdict` table)."""

    def get(self, a: Article, b: Article) -> Covered | None:
        """The stored alignment of a and b (a as side a), if it is still valid."""

    def comparison(self, a: Article, b: Article) -> Comparison | None:
        """The stored comparison itself (a as side a), if it is still valid."""

    def put(self, comparisons: list[Comparison]) -> None:
        """Keep these alignments."""


class ComparisonCache:
    """Comparisons computed once per pair, served in either orientation; with `verdicts`,
    what an earlier run aligned is known too (as `Covered`, without its passages)."""

    def __init__(
        self, cancel: threading.Event | None = None, verdicts: Verdicts | None = None
    ) -> None:
        self._done: dict[tuple[int, int], Comparison] = {}
        self._covered: dict[tuple[int, int], Covered] = {}
        self.cancel = cancel
        self.verdicts = verdicts

    def get(self, a: Article, b: Article) -> Comparison:
        """The comparison with `a` as side a (computed, or mirrored from b-vs-a)."""
        key = (id(a), id(b))
        found = self._done.get(key)
        if found is None:
            mirror = self._done.get((id(b), id(a)))
            if mirror is not None:
                found = mirror.swapped()
            elif self.verdicts is not None:
                found = self.verdicts.comparison(a, b)
                if found is None:
                    found = compare_articles(a, b, cancel=self.cancel)
                    self.verdicts.put([found])
            else:
                found = compare_articles(a, b, cancel=self.cancel)
            self._done[key] = found
        return found

    def known(self, a: Article, b: Article) -> Comparison | None:
        """The comparison if it was already computed, without computing it."""
        if (id(a), id(b)) in self._done or (id(b), id(a)) in self._done:
            return self.get(a, b)
        return None

    def add(self, comparison: Comparison) -> None:
        """A comparison made elsewhere (already stored, if there is a store)."""
        self._done[(id(comparison.a), id(comparison.b))] = comparison

    def remember(self, a: Article, b: Article, covered: Covered) -> None:
        """An alignment known without its comparison (a stored verdict), a as side a."""
        self._covered[(id(a), id(b))] = covered

    def covered(self, a: Article, b: Article) -> Covered | None:
        """What is known of the alignment of a and b (a as side a), without aligning them."""
        found = self._covered.get((id(a), id(b)))
        if found is not None:
            return found
        mirror = self._covered.get((id(b), id(a)))
        if mirror is not None:
            return mirror.swapped()
        comparison = self.known(a, b)
        return None if comparison is None else Covered.of(comparison)


def shared_chars(comparison: Comparison) -> tuple[int, int]:
    """Characters covered by passages on side a and on side b."""
    a = total(p.span("a") for p in comparison.passages)
    b = total(p.span("b") for p in comparison.passages)
    return a, b


def shares_text(comparison: Comparison | Covered) -> bool:
    """Whether two articles share enough text to belong to one story.

    A few shared words happen between any two articles on one topic (names, titles of
    programmes); an edge needs passages of some length that are a noticeable share of one side.
    """
    covered = comparison if isinstance(comparison, Covered) else Covered.of(comparison)
    if not covered.a:
        return False
    least = min(total(covered.a), total(covered.b))
    if least >= STRONG_SHARED_CHARS:
        return True
    top_pct = max(covered.a_pct, covered.b_pct)
    return least >= MIN_SHARED_CHARS and top_pct >= MIN_SHARED_PCT


@dataclass(frozen=True)
class Edge:
    """Two articles verified to share text, measured without common lines."""

    least: int  # shared characters on the side with fewer
    share: float  # `least` as a share of the shorter article's body
    strong: bool  # may join stories together, not only attach one article to a story
    comparison: Comparison | None  # None: the index showed the same text on both sides


def measure(comparison: Comparison, common: CommonLines) -> tuple[int, float]:
    """(shared characters on the side with fewer, their share of the shorter body)."""
    return _measure(comparison.a, comparison.b, Covered.of(comparison), common)


def _measure(a: Article, b: Article, covered: Covered, common: CommonLines) -> tuple[int, float]:
    least = min(common.discount(a, covered.a), common.discount(b, covered.b))
    shorter = min(common.body_chars(a), common.body_chars(b))
    return least, min(1.0, least / shorter)


def judge(comparison: Comparison, common: CommonLines, score: float) -> Edge | None:
    """The edge two compared articles make, if any (see `judge_covered`)."""
    edge = judge_covered(comparison.a, comparison.b, Covered.of(comparison), common, score)
    return None if edge is None else Edge(edge.least, edge.share, edge.strong, comparison)


def judge_covered(
    a: Article, b: Article, covered: Covered, common: CommonLines, score: float
) -> Edge | None:
    """The edge two aligned articles make, if any.

    Strong: passages of some length that are a real part of the shorter article. Weak: less
    text, but still a noticeable share of the shorter article, or a short passage between
    articles the index finds close (a follow-up quoting the original).
    """
    if not covered.a:
        return None
    least, share = _measure(a, b, covered, common)
    return edge_of(least, share, score)


def edge_of(least: int, share: float, score: float) -> Edge | None:
    """The edge (without its comparison) of `least` shared characters outside common lines on
    the side with fewer, `share` of the shorter body; `score`: the index's similarity."""
    strong = (least >= STRONG_SHARED_CHARS and share >= STRONG_SHARE) or (
        least >= CORE_SHARED_CHARS and share >= CORE_SHARE
    )
    weak = (least >= MIN_SHARED_CHARS and share >= MIN_SHARE) or (
        score >= FOLLOW_UP_SCORE and least >= FOLLOW_UP_CHARS
    )
    if strong or weak:
        return Edge(least, share, strong, None)
    return None


@dataclass
class StoryGraph:
    """Articles and the verified edges between them (pairs of article positions, i < j)."""

    articles: list[Article]
    edges: dict[tuple[int, int], Edge] = field(default_factory=dict)
    cache: ComparisonCache = field(default_factory=ComparisonCache)

    def components(self) -> list[list[Article]]:
        """Stories with two or more articles, largest first (see `linkage`)."""
        strong = [(e.share, i, j) for (i, j), e in self.edges.items() if e.strong]
        weak = [(float(e.least), i, j) for (i, j), e in self.edges.items() if not e.strong]
        groups = link(len(self.articles), strong, weak)
        return [[self.articles[n] for n in g] for g in groups]


def is_sure(shared: int, size_a: int, size_b: int) -> bool:
    """Whether `shared` sampled shingles of two articles with `size_a` and `size_b` sampled
    shingles already prove them one text: exact duplicates, a wire story reprinted whole
    (nearly every sampled shingle of each side is in the other).

    Only near-identical pairs: a sampled estimate of a partial copy is too rough to rank edges
    by (tried: it let more stories chain on the benchmark corpus).
    """
    return shared >= SURE_SAMPLED and shared >= SAME_SAMPLE * max(size_a, size_b)


def _sure_edge(index: Neighbours, n: int, m: int, common: CommonLines) -> Edge | None:
    """The strong edge of a pair `is_sure` takes as one text, without aligning it (the
    comparison is made later if a view needs it)."""
    a, b = index.shingles[n], index.shingles[m]
    if not is_sure(len(a & b), len(a), len(b)):
        return None
    return _same_text_edge(index.articles[n], index.articles[m], common)


def _same_text_edge(a: Article, b: Article, common: CommonLines) -> Edge:
    return Edge(min(common.body_chars(a), common.body_chars(b)), 1.0, True, None)


Candidate = tuple[int, float, int]  # (other position, index score, sampled shingles shared)


def candidates(
    n: int, found: Iterable[Candidate], tried: Set[tuple[int, int]]
) -> list[tuple[float, tuple[int, int], int]]:
    """The pairs of article `n` worth aligning, as (index score, (i, j) with i < j, sampled
    shingles shared), in the order they are aligned; see `build_graph`. `found`: its top
    neighbours, best first. `tried` pairs are skipped. Positions only, no articles: the batch
    job selects pairs from neighbour rows with this same function."""
    out = []
    for m, score, shared in found:
        pair = (min(n, m), max(n, m))
        if pair in tried:
            continue
        if score < (TOPIC_SCORE if shared == 0 else ONE_PHRASE_SCORE if shared == 1 else 0):
            continue
        out.append((-shared, -score, pair))
    # A single shared phrase at best attaches a follow-up to one story: align only the
    # closest such neighbour (the index ranks best first).
    phrases = [c for c in out if c[0] >= -1]
    out = [c for c in out if c[0] < -1] + phrases[:MAX_ONE_PHRASE]
    return [(-neg_score, pair, -neg_shared) for neg_shared, neg_score, pair in sorted(out)]


def candidate_pairs(
    index: Neighbours, n: int, relations: list[Relation], tried: Set[tuple[int, int]]
) -> list[tuple[float, tuple[int, int]]]:
    """`candidates` of article `n` from its `relations` (as (score, pair))."""
    mine = index.shingles[n]
    found = []
    for relation in relations:
        m = index.position[id(relation.article)]
        found.append((m, relation.score, len(mine & index.shingles[m])))
    return [(score, pair) for score, pair, _ in candidates(n, found, tried)]


class Selector:
    """Pair selection, article by article in order: which pairs are sure edges (the same
    text, no alignment) and which are aligned. It never depends on what an alignment finds
    (`tried` only records choices), so it runs first over every article and the alignments
    after it, in any order or in parallel, with the same edges as one loop doing both."""

    def __init__(self) -> None:
        self.tried: set[tuple[int, int]] = set()

    def choose(
        self, n: int, found: Iterable[Candidate], size: Callable[[int], int]
    ) -> list[tuple[float, tuple[int, int], bool]]:
        """(score, pair, sure) for article `n`: every sure pair among its candidates and the
        first `MAX_VERIFY` others. `size(position)`: an article's count of sampled shingles."""
        out = []
        aligned = 0
        for score, pair, shared in candidates(n, found, self.tried):
            if is_sure(shared, size(pair[0]), size(pair[1])):
                self.tried.add(pair)
                out.append((score, pair, True))
            elif aligned < MAX_VERIFY:
                aligned += 1
                self.tried.add(pair)
                out.append((score, pair, False))
        return out


def select_pairs(
    index: Neighbours,
    *,
    top: int = TOP_K,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[float, tuple[int, int], bool]]:
    """(score, pair, sure) of every article's chosen pairs, in the order `build_graph` takes
    them (see `Selector`)."""
    articles = index.articles
    shingles = index.shingles
    selector = Selector()
    out = []
    for n, article in enumerate(articles):
        check(cancel)
        if progress is not None:
            progress(n, len(articles))
        mine = shingles[n]
        found = []
        for relation in index.related(article, top):
            m = index.position[id(relation.article)]
            found.append((m, relation.score, len(mine & shingles[m])))
        out.extend(selector.choose(n, found, lambda k: len(shingles[k])))
    return out


VERDICT_BATCH = 100  # alignments stored together (a cancelled run keeps what it finished)


def build_graph(
    corpus: Corpus,
    index: Neighbours | None = None,
    *,
    top: int = TOP_K,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    verdicts: Verdicts | None = None,
    common: CommonLines | None = None,
    workers: int | None = None,
) -> StoryGraph:
    """Verify each article's best candidate neighbours with `compare_articles`; keep edges.

    Alignment is the cost, so the index decides first. A neighbour sharing no sampled text is
    aligned only when very similar, one sharing a single sampled phrase only when fairly
    similar (a phrase in common between loosely related articles rarely makes an edge); one
    whose sampled text is all shared is taken as the same text, unaligned. At most
    `MAX_VERIFY` candidates per article are aligned, those sharing the most sampled text first
    (a pair left out may still be aligned from its other side).

    Pairs are selected for every article first (`select_pairs`), then aligned: in worker
    processes when there are many (`aligning.align_pairs`; `workers` or NEWSREADER_WORKERS,
    1 keeps it here). `progress(done, total)` counts articles selected, then pairs aligned.

    With `verdicts`, a pair aligned by an earlier run is not aligned again, and new alignments
    are stored there in batches as they come. `common` may be given when already known (the
    library keeps each article's short lines).
    """
    from newsreader.provenance.aligning import align_pairs

    if index is None:
        index = RelatedIndex.build(corpus, cancel=cancel)
    articles = list(index.articles)
    graph = StoryGraph(articles, cache=ComparisonCache(cancel, verdicts))
    if common is None:
        common = CommonLines(articles)
    selected = select_pairs(index, top=top, cancel=cancel, progress=progress)
    known: dict[tuple[int, int], Covered] = {}
    todo: list[tuple[int, int]] = []
    for _, pair, sure in selected:
        if sure:
            continue
        a, b = articles[pair[0]], articles[pair[1]]
        covered = verdicts.get(a, b) if verdicts is not None else None
        if covered is not None:
            graph.cache.remember(a, b, covered)
            known[pair] = covered
        else:
            todo.append(pair)
    base = len(articles)
    total = base + len(todo)
    fresh: list[Comparison] = []
    aligned: dict[tuple[int, int], Comparison] = {}
    try:
        for done, (pair, comparison) in enumerate(
            align_pairs(articles, todo, cancel=cancel, workers=workers), 1
        ):
            graph.cache.add(comparison)
            aligned[pair] = comparison
            if progress is not None:
                progress(base + done, total)
            if verdicts is not None:
                fresh.append(comparison)
                if len(fresh) >= VERDICT_BATCH:
                    verdicts.put(fresh)
                    fresh = []
    finally:
        if fresh and verdicts is not None:
            verdicts.put(fresh)
    for score, pair, sure in selected:
        a, b = articles[pair[0]], articles[pair[1]]
        if sure:
            edge: Edge | None = _same_text_edge(a, b, common)
        elif pair in known:
            edge = judge_covered(a, b, known[pair], common, score)
        else:
            edge = judge(aligned[pair], common, score)
        if edge is not None:
            graph.edges[pair] = edge
    if progress is not None:
        progress(total, total)
    return graph


def clusters_json(
    corpus: Corpus,
    related_index: Neighbours | None = None,
    *,
    verdicts: Verdicts | None = None,
    common: CommonLines | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    path_of: Callable[[Article], str] | None = None,
    workers: int | None = None,
) -> list[list[str]]:
    """Story clusters as lists of absolute paths (for `newsreader related --json`'s "clusters").

    Each cluster is in timeline order (dated articles first, earliest first); clusters are
    largest first. Articles sharing text with no other article are left out. `verdicts` and
    `common` and `workers` as for `build_graph`; `path_of` names an article (default: its
    resolved path).
    """
    from newsreader.provenance.timeline import timeline

    graph = build_graph(
        corpus,
        related_index,
        verdicts=verdicts,
        common=common,
        cancel=cancel,
        progress=progress,
        workers=workers,
    )
    name = path_of or (lambda a: str(a.path.resolve()))
    return [[name(a) for a in timeline(group)] for group in graph.components()]
