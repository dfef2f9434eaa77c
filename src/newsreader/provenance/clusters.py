"""Story clusters: articles linked by shared text, as connected components.

Never all pairs: each article's top-K neighbours from the `RelatedIndex` are the candidates, and
only those candidate pairs are aligned with `compare_articles` to verify that they really share
passages. Verified pairs are the edges; a story is a connected component of two or more articles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from newsreader.corpus import Article, Corpus
from newsreader.provenance.spans import total
from newsreader.reuse import Comparison, RelatedIndex, compare_articles
from newsreader.reuse.align import check

TOP_K = 8  # neighbours per article considered as candidates
CANDIDATE_SCORE = 0.3  # a neighbour without sampled shared shingles must be at least this similar
MIN_SHARED_CHARS = 60  # characters in passages (on the side with fewer) for an edge
MIN_SHARED_PCT = 3.0  # reuse % on at least one side for an edge
FOLLOW_UP_SCORE = 0.3  # related-index similarity for a short shared passage to link ...
FOLLOW_UP_CHARS = 30  # ... when it is at least this long on both sides
STRONG_SHARED_CHARS = 400  # this much shared text is a strong edge whatever the percentages
CORE_SHARED_CHARS = 200  # ... or this much, when it is also CORE_PCT of one side
CORE_PCT = 10.0


class ComparisonCache:
    """Comparisons computed once per pair, served in either orientation."""

    def __init__(self, cancel: threading.Event | None = None) -> None:
        self._done: dict[tuple[int, int], Comparison] = {}
        self.cancel = cancel

    def get(self, a: Article, b: Article) -> Comparison:
        """The comparison with `a` as side a (computed, or mirrored from b-vs-a)."""
        key = (id(a), id(b))
        found = self._done.get(key)
        if found is None:
            mirror = self._done.get((id(b), id(a)))
            found = (
                mirror.swapped()
                if mirror is not None
                else compare_articles(a, b, cancel=self.cancel)
            )
            self._done[key] = found
        return found

    def known(self, a: Article, b: Article) -> Comparison | None:
        """The comparison if it was already computed, without computing it."""
        if (id(a), id(b)) in self._done or (id(b), id(a)) in self._done:
            return self.get(a, b)
        return None


def shared_chars(comparison: Comparison) -> tuple[int, int]:
    """Characters covered by passages on side a and on side b."""
    a = total(p.span("a") for p in comparison.passages)
    b = total(p.span("b") for p in comparison.passages)
    return a, b


def shares_text(comparison: Comparison) -> bool:
    """Whether two articles share enough text to belong to one story.

    A few shared words happen between any two articles on one topic (names, titles of
    programmes); an edge needs passages of some length that are a noticeable share of one side.
    """
    if not comparison.passages:
        return False
    a, b = shared_chars(comparison)
    least = min(a, b)
    if least >= STRONG_SHARED_CHARS:
        return True
    top_pct = max(comparison.a_reused_pct, comparison.b_reused_pct)
    return least >= MIN_SHARED_CHARS and top_pct >= MIN_SHARED_PCT


def _follow_up(comparison: Comparison, score: float) -> bool:
    """A short shared passage between articles on the same subject: a follow-up quoting the
    original. Such a link only ever attaches the article to a story (see `components`)."""
    if score < FOLLOW_UP_SCORE or not comparison.passages:
        return False
    return min(shared_chars(comparison)) >= FOLLOW_UP_CHARS


def is_strong(comparison: Comparison) -> bool:
    """An edge that may join stories together, not only attach one article to a story."""
    least = min(shared_chars(comparison))
    top_pct = max(comparison.a_reused_pct, comparison.b_reused_pct)
    return least >= STRONG_SHARED_CHARS or (least >= CORE_SHARED_CHARS and top_pct >= CORE_PCT)


@dataclass
class StoryGraph:
    """Articles and the verified edges between them (pairs of article positions, i < j)."""

    articles: list[Article]
    edges: dict[tuple[int, int], Comparison] = field(default_factory=dict)
    cache: ComparisonCache = field(default_factory=ComparisonCache)

    def components(self) -> list[list[Article]]:
        """Stories with two or more articles, largest first.

        Strong edges join articles into cores (connected components). A weak edge (a short
        shared passage) only attaches an article that has no strong edge to the core it is
        most linked to, and an article attached that way passes nothing on: chains of weak
        links (follow-ups repeating one background sentence) do not merge unrelated stories.
        """
        parent = list(range(len(self.articles)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def join(i: int, j: int) -> None:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)

        weak = []
        core: set[int] = set()
        for (i, j), comparison in self.edges.items():
            if is_strong(comparison):
                join(i, j)
                core.update((i, j))
            else:
                weak.append((min(shared_chars(comparison)), i, j))
        leaves: set[int] = set()
        for _, i, j in sorted(weak, reverse=True):
            free_i = i not in core and i not in leaves
            free_j = j not in core and j not in leaves
            if free_i and (j in core or free_j):
                join(i, j)
                leaves.add(i)
                if free_j:
                    leaves.add(j)
            elif free_j and i in core:
                join(i, j)
                leaves.add(j)
        groups: dict[int, list[Article]] = {}
        for n, article in enumerate(self.articles):
            groups.setdefault(find(n), []).append(article)
        found = [g for g in groups.values() if len(g) > 1]
        found.sort(key=lambda g: -len(g))
        return found


def build_graph(
    corpus: Corpus,
    index: RelatedIndex | None = None,
    *,
    top: int = TOP_K,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StoryGraph:
    """Verify each article's candidate neighbours with `compare_articles`; keep real edges."""
    if index is None:
        index = RelatedIndex.build(corpus, cancel=cancel)
    articles = list(index.articles)
    position = {id(a): n for n, a in enumerate(articles)}
    graph = StoryGraph(articles, cache=ComparisonCache(cancel))
    tried: set[tuple[int, int]] = set()
    for n, article in enumerate(articles):
        check(cancel)
        if progress is not None:
            progress(n, len(articles))
        for relation in index.related(article, top):
            if relation.shared_chars <= 0 and relation.score < CANDIDATE_SCORE:
                continue
            m = position[id(relation.article)]
            pair = (min(n, m), max(n, m))
            if pair in tried:
                continue
            tried.add(pair)
            comparison = graph.cache.get(articles[pair[0]], articles[pair[1]])
            if shares_text(comparison) or _follow_up(comparison, relation.score):
                graph.edges[pair] = comparison
    if progress is not None:
        progress(len(articles), len(articles))
    return graph


def clusters_json(corpus: Corpus, related_index: RelatedIndex | None = None) -> list[list[str]]:
    """Story clusters as lists of absolute paths (for `newsreader related --json`'s "clusters").

    Each cluster is in timeline order (dated articles first, earliest first); clusters are
    largest first. Articles sharing text with no other article are left out.
    """
    from newsreader.provenance.timeline import timeline

    graph = build_graph(corpus, related_index)
    return [[str(a.path.resolve()) for a in timeline(group)] for group in graph.components()]
