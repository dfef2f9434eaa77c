"""Messages the loading workers post from their threads to the UI (posting is thread-safe)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from textual.message import Message

from newsreader.corpus import Corpus


class LoadProgress(Message):
    """A loading stage advanced: `done` of `total` (files read, or articles indexed)."""

    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.stage = stage
        self.done = done
        self.total = total


class FirstPage(Message):
    """The newest articles, read before the whole list (a big library): shown at once."""

    def __init__(self, articles: list[Any], reading: Any, total: int) -> None:
        super().__init__()
        self.articles = articles  # sorted as the list sorts by date
        self.reading = reading  # a ReadingState, the one CorpusLoaded brings later
        self.total = total  # articles in the library
        # Set once the page is drawn: the worker waits for it before reading the rest, which
        # holds the GIL for a second or more and would hold the first frame back.
        self.drawn = threading.Event()


class CorpusLoaded(Message):
    """The corpus is read; the list can be shown while the search index builds."""

    def __init__(
        self,
        corpus: Corpus,
        reading: Any | None = None,
        order: tuple[str, list[Any]] | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.reading = reading  # a ReadingState: read marks, stars, saved position
        self.order = order  # (sort key, corpus.articles sorted by it), made in the worker


class IndexReady(Message):
    """The search index is built (or None when search is unavailable); `churn`: the library's
    churn matches by article id (library.churn.ChurnMatch)."""

    def __init__(
        self,
        index: Any | None,
        error: str | None = None,
        churn: dict[int, Any] | None = None,
        feeds: int = 0,
    ) -> None:
        super().__init__()
        self.index = index
        self.error = error
        self.churn = churn
        self.feeds = feeds  # how many feeds the library follows (the fetch key shows if any)


class LoadFailed(Message):
    """Loading the corpus failed as a whole; `error` is one line for the reader."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class LibraryRefreshed(Message):
    """The library's folders were looked at again; `corpus` is the new view (None: failed)."""

    def __init__(
        self,
        corpus: Corpus | None,
        error: str | None,
        report: Any = None,
        churn: dict[int, Any] | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.error = error
        self.report = report  # library.ingest.IngestReport (None: stored by another process)
        self.churn = churn  # the view's churn matches by article id


class FeedsFetched(Message):
    """One feed of a fetch (`R`) is done: its result, and the rows it stored with their churn
    matches (`done` is True with the last one, or when the fetch ended early)."""

    def __init__(
        self,
        result: Any,
        articles: list[Any],
        churn: dict[int, Any],
        *,
        done: bool = False,
        error: str | None = None,
        note: str | None = None,
    ) -> None:
        super().__init__()
        self.result = result  # sources.models.FeedResult, or None for the closing message
        self.articles = articles
        self.churn = churn
        self.done = done
        self.error = error  # the fetch as a whole failed (library trouble, a bug)
        self.note = note  # nothing to fetch, and what to do about it


class FilesChanged(Message):
    """The watcher saw article files saved, changed or deleted in the library's folders; the
    rows it stored (new, updated, marked missing) are `articles`."""

    def __init__(
        self,
        articles: list[Any],
        report: Any,
        churn: dict[int, Any],
        removed: Sequence[int] = (),
    ) -> None:
        super().__init__()
        self.articles = articles  # library.StoredArticle rows
        self.report = report  # library.ingest.IngestReport (None: stored by another process)
        self.churn = churn  # their churn matches by article id (absent: none)
        self.removed = removed  # ids another process removed from the library
