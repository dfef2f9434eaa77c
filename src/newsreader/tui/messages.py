"""Messages the loading workers post from their threads to the UI (posting is thread-safe)."""

from __future__ import annotations

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


class CorpusLoaded(Message):
    """The corpus is read; the list can be shown while the search index builds."""

    def __init__(self, corpus: Corpus, reading: Any | None = None) -> None:
        super().__init__()
        self.corpus = corpus
        self.reading = reading  # a ReadingState: read marks, stars, saved position


class IndexReady(Message):
    """The search index is built (or None when search is unavailable); `churn`: the library's
    churn matches by article id (library.churn.ChurnMatch)."""

    def __init__(
        self, index: Any | None, error: str | None = None, churn: dict[int, Any] | None = None
    ) -> None:
        super().__init__()
        self.index = index
        self.error = error
        self.churn = churn


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
        self.report = report  # library.ingest.IngestReport
        self.churn = churn  # the view's churn matches by article id


class FilesChanged(Message):
    """The watcher saw article files saved, changed or deleted in the library's folders; the
    rows it stored (new, updated, marked missing) are `articles`."""

    def __init__(self, articles: list[Any], report: Any, churn: dict[int, Any]) -> None:
        super().__init__()
        self.articles = articles  # library.StoredArticle rows
        self.report = report  # library.ingest.IngestReport
        self.churn = churn  # their churn matches by article id (absent: none)
