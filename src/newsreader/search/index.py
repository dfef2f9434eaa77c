"""SearchIndex: built once per corpus (in a worker), then queried on every keystroke.

Build: every article becomes an array of word ids (plus their start offsets) and each word id
a posting list of the articles containing it. Query: each query word is matched against the
*vocabulary* (exact, completion of the word being typed, rapidfuzz typo), the posting lists
pick the candidate articles (all words exactly, then all words somehow, then some words), and
only those articles' id arrays are scanned for windows. Nothing per keystroke touches the
text of every article.
"""

from __future__ import annotations

import gc
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from newsreader.corpus.models import Article, Corpus
from newsreader.search.candidates import candidate_docs
from newsreader.search.hit import Hit, make_snippet
from newsreader.search.match import NEAR, Window, find_windows
from newsreader.search.tokens import query_words, split_words
from newsreader.search.vocab import Vocabulary

HITS_PER_ARTICLE = 3
MIN_DOC_BUDGET = 400  # articles scanned per query at most (times 4 x limit if larger)
_GAP = NEAR + 1  # separator tokens between an article's text and its metadata line
IN_ARTICLE_CAP = 5000  # hits n/N can step through in one (giant) article
MAX_QUERY_WORDS = 32  # a pasted paragraph is searched by its first words
_PROGRESS_EVERY = 200
COLLECT_AFTER = 1000  # articles: a build this big ends with a full garbage collection


class SearchIndex:
    """A word index over a corpus; see the module docstring."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles
        self.vocab = Vocabulary()
        self.complete = False  # False when the build was cancelled part-way
        self._docs: list[_Doc] = []
        self._postings: list[list[int]] = []
        self._doc_of: dict[int, int] = {}
        self._doc_of_path: dict[object, int] = {}

    def __len__(self) -> int:
        return len(self._docs)

    @classmethod
    def build(
        cls,
        corpus: Corpus | Iterable[Article],
        *,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> SearchIndex:
        """Index every article (text and metadata line); `progress(done, total)` as it goes.

        When `cancel` is set the build stops and returns what it has (`complete` is False).
        """
        articles = list(corpus.articles if isinstance(corpus, Corpus) else corpus)
        index = cls(articles)
        with _no_gc(collect=len(articles) >= COLLECT_AFTER):
            index._add_all(cancel, progress)
        return index

    def _add_all(
        self,
        cancel: threading.Event | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        total = len(self.articles)
        for d, article in enumerate(self.articles):
            if cancel is not None and cancel.is_set():
                break
            self._add(d, article)
            if progress is not None and ((d + 1) % _PROGRESS_EVERY == 0 or d + 1 == total):
                progress(d + 1, total)
        else:
            self.complete = True
        self.vocab.finish(list(map(len, self._postings)))

    def _add(self, d: int, article: Article) -> None:
        postings = self._postings
        doc = _Doc.of(article, self.vocab.raw_ids.__getitem__)
        self._docs.append(doc)
        self._doc_of[id(article)] = d
        self._doc_of_path[article.path] = d
        new = len(self.vocab.raw_ids) - len(postings)
        if new:
            postings.extend([] for _ in range(new))
        for word in set(doc.ids):  # measured faster than map/methodcaller tricks
            postings[word].append(d)

    @classmethod
    def incremental(cls) -> SearchIndex:
        """An empty index to `add()` articles to one by one (while the rest still load),
        then `finish()`; the caller keeps the cyclic GC off meanwhile, as `build` does."""
        return cls([])

    def add(self, article: Article) -> None:
        """Index one more article (the next one in corpus order)."""
        self.articles.append(article)
        self._add(len(self.articles) - 1, article)

    def finish(self) -> SearchIndex:
        """Freeze an incremental index once every article is in; returns it, complete."""
        self.vocab.finish(list(map(len, self._postings)))
        self.complete = True
        return self

    # -- querying ---------------------------------------------------------------------------

    def _plan(self, query: str) -> list[dict[int, float]]:
        words = query_words(query)[:MAX_QUERY_WORDS]
        typing = query[-1:].isalnum()  # the last word may be unfinished: complete it
        return [
            self.vocab.candidates(w, prefix=typing and i == len(words) - 1)
            for i, w in enumerate(words)
        ]

    def _windows(
        self,
        article: Article,
        doc: _Doc,
        plan: list[dict[int, float]],
        max_windows: int | None,
        **caps: int,
    ) -> list[Window]:
        title = None
        if article.title_span is not None:
            end = doc.meta_from - _GAP
            title = (
                bisect_left(doc.starts, article.title_span[0], 0, end),
                bisect_left(doc.starts, article.title_span[1], 0, end),
            )
        return find_windows(
            doc.ids,
            plan,
            meta_from=doc.meta_from,
            title_tokens=title,
            max_windows=max_windows,
            **caps,
        )

    def search(
        self, query: str, *, limit: int = 50, cancel: threading.Event | None = None
    ) -> list[Hit]:
        """The best hits for `query`, best first: each article's best hit, then more hits.

        Returns [] for an empty query, or as soon as `cancel` is set (the query went stale).
        """
        plan = self._plan(query)
        if not plan or limit <= 0 or not any(plan):
            return []
        found: list[tuple[int, list[Window]]] = []
        docs = candidate_docs(
            plan,
            self._postings,
            [doc.ids for doc in self._docs],
            self.vocab.doc_freq,
            budget=max(MIN_DOC_BUDGET, 4 * limit),
            want=limit,
            cancel=cancel,
        )
        for n, d in enumerate(docs):
            if cancel is not None and n % 32 == 0 and cancel.is_set():
                return []
            windows = self._windows(self.articles[d], self._docs[d], plan, HITS_PER_ARTICLE)
            if windows:
                found.append((d, windows))
        ranked = [
            (w.score < 20, r, -w.score, d, w) for d, windows in found for r, w in enumerate(windows)
        ]
        # Hits with every query word come first; among them each article's best hit, then
        # its further hits, so the first screen shows many articles. Partial matches last.
        ranked.sort(key=lambda x: x[:4])
        return [self._hit(self.articles[d], self._docs[d], w) for *_, d, w in ranked[:limit]]

    def find_in_article(self, query: str, article: Article) -> list[tuple[int, int]]:
        """Every hit of `query` in `article.text`, in text order (for next/previous hit).

        Works for any article; one of the indexed corpus is not tokenised again.
        """
        plan = self._plan(query)
        if not plan or not any(plan):
            return []
        doc = self._doc(article)
        caps = {"max_occurrences": IN_ARTICLE_CAP, "max_anchors": IN_ARTICLE_CAP}
        windows = self._windows(article, doc, plan, None, **caps)
        windows = [w for w in windows if w.first < doc.meta_from]
        # Where the whole query occurs somewhere, stray single words are noise for n/N.
        if any(w.score >= 20 for w in windows):
            windows = [w for w in windows if w.score >= 20]
        return sorted(self._span(doc, w)[:2] for w in windows)

    def _doc(self, article: Article) -> _Doc:
        d = self._doc_of.get(id(article))
        if d is None:  # maybe the same article loaded again
            d = self._doc_of_path.get(article.path)
            if d is not None and self.articles[d].text != article.text:
                d = None
        if d is not None:
            return self._docs[d]
        # Unknown words get id 0, which no query word answers: they cannot match anyway.
        return _Doc.of(article, lambda w: self.vocab.raw_ids.get(w, 0))

    def _span(self, doc: _Doc, w: Window) -> tuple[int, int, list[tuple[int, int]]]:
        ids, starts, raw = doc.ids, doc.starts, self.vocab.raw
        spans = [(starts[p], starts[p] + len(raw[ids[p]])) for p in w.positions]
        return spans[0][0], spans[-1][1], spans

    def _hit(self, article: Article, doc: _Doc, w: Window) -> Hit:
        start, end, spans = self._span(doc, w)
        if w.first >= doc.meta_from:
            snippet, marks = make_snippet(doc.meta, start, end, spans)
            return Hit(article, w.score, 0, 0, snippet, marks)
        snippet, marks = make_snippet(article.text, start, end, spans)
        return Hit(article, w.score, start, end, snippet, marks)


class _Doc(NamedTuple):
    """One article as the index sees it: word ids and start offsets, text then metadata."""

    ids: array[int]  # vocabulary ids; _GAP zeros; ids of the metadata line
    starts: array[int]  # start offset of each word (in the text, then in `meta`)
    meta_from: int  # index of the first metadata word
    meta: str

    @classmethod
    def of(cls, article: Article, get_id: Callable[[str], int]) -> _Doc:
        words, starts = split_words(article.text)
        meta = _meta_line(article)
        meta_words, meta_starts = split_words(meta)
        ids = array("I", map(get_id, words))
        offsets = array("I", starts)
        ids.extend([0] * _GAP)
        offsets.extend([len(article.text)] * _GAP)
        meta_from = len(ids)
        ids.extend(map(get_id, meta_words))
        offsets.extend(meta_starts)
        return cls(ids, offsets, meta_from, meta)


@contextmanager
def _no_gc(*, collect: bool) -> Iterator[None]:
    """Millions of small acyclic objects: the cycle collector would only cost time here.

    With `collect`, one full collection at the end, still in the caller's (worker) thread:
    otherwise the first keystroke's allocations would trigger it (~0.25 s at 10k articles, GIL
    held). A small build leaves too little to matter, and a full collection of a big process's
    heap after each one would cost more than the build.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            if collect:
                gc.collect()


def _meta_line(article: Article) -> str:
    """The metadata searched besides the text: the title when it is not a line of the text."""
    fields = [article.outlet, article.byline, article.date]
    if article.title and article.title_span is None:
        fields.insert(0, article.title)
    return " · ".join(f for f in fields if f)
