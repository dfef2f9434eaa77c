"""Pairs chosen first, aligned after (in worker processes): the same edges and stories."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from story_corpus import derived_corpus

from newsreader.corpus import Article, Corpus
from newsreader.progress import Cancelled
from newsreader.provenance import aligning, clusters
from newsreader.provenance.clusters import Covered, build_graph, select_pairs
from newsreader.reuse import Comparison, RelatedIndex, compare_articles


def summary(graph: clusters.StoryGraph) -> tuple[object, ...]:
    edges = {
        pair: (e.least, e.share, e.strong, None if e.comparison is None else e.comparison.passages)
        for pair, e in graph.edges.items()
    }
    groups = [[a.path.name for a in g] for g in graph.components()]
    return edges, groups


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest) -> Corpus:
    return derived_corpus(Path(__file__).resolve().parents[2] / "seeds")


def test_serial_and_parallel_give_the_same_edges_and_stories(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = RelatedIndex.build(corpus)
    serial = build_graph(corpus, index, workers=1)
    assert len(serial.components()) >= 2 and len(serial.edges) >= 10

    monkeypatch.setattr(aligning, "PARALLEL_MIN", 0)
    monkeypatch.setattr(aligning, "CHUNK", 3)  # many chunks, articles shared across them

    def here(*_: object, **__: object) -> None:
        raise AssertionError("aligned in the parent: the pool was not used")

    monkeypatch.setattr(aligning, "compare_articles", here)
    parallel = build_graph(corpus, index, workers=2)
    assert summary(parallel) == summary(serial)
    assert list(parallel.edges) == list(serial.edges)  # same order too


def test_selection_never_depends_on_alignment(corpus: Corpus) -> None:
    """The chosen pairs are those a loop aligning as it goes would choose: every aligned pair
    of the graph is among them, and nothing else was aligned."""
    index = RelatedIndex.build(corpus)
    chosen = select_pairs(index)
    graph = build_graph(corpus, index, workers=1)
    aligned = {pair for _, pair, sure in chosen if not sure}
    sure = {pair for _, pair, s in chosen if s}
    pos = graph.cache._done
    done = {tuple(sorted((index.position[a], index.position[b]))) for a, b in pos}
    assert done == aligned
    assert sure <= set(graph.edges)  # a sure pair is an edge without alignment
    assert not aligned & sure
    assert len({p for _, p, _ in chosen}) == len(chosen)  # no pair chosen twice


class Recording:
    """`Verdicts` that keeps what it is given, in the batches it is given."""

    def __init__(self) -> None:
        self.batches: list[list[Comparison]] = []

    def get(self, a: Article, b: Article) -> Covered | None:
        return None

    def comparison(self, a: Article, b: Article) -> Comparison | None:
        return None

    def put(self, comparisons: list[Comparison]) -> None:
        self.batches.append(list(comparisons))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_cancelled_run_keeps_the_alignments_it_finished(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(aligning, "PARALLEL_MIN", 0)
    monkeypatch.setattr(aligning, "CHUNK", 2)
    monkeypatch.setattr(clusters, "VERDICT_BATCH", 4)
    index = RelatedIndex.build(corpus)
    n = len(corpus.articles)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= n + 9:  # nine pairs aligned
            cancel.set()

    verdicts = Recording()
    with pytest.raises(Cancelled):
        build_graph(
            corpus, index, cancel=cancel, progress=progress, verdicts=verdicts, workers=workers
        )
    kept = [c for batch in verdicts.batches for c in batch]
    assert len(kept) == 9  # two full batches and the rest on the way out
    assert [len(b) for b in verdicts.batches] == [4, 4, 1]
    for c in kept:  # real alignments of the caller's own articles
        assert c.passages == compare_articles(c.a, c.b).passages


def test_chunks_carry_each_text_once(corpus: Corpus) -> None:
    articles = corpus.articles
    pairs = [(0, 1), (0, 2), (1, 2), (3, 0)]
    [(sides, local)] = list(aligning.chunks(articles, pairs, size=10))
    assert len(sides) == 4
    assert [(sides[i][1], sides[j][1]) for i, j in local] == [
        (articles[a].text, articles[b].text) for a, b in pairs
    ]
