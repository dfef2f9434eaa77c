"""What the reader remembers across runs, as the UI needs it: read marks, stars, position.

A thin layer over `newsreader.store.state.StateStore` (SQLite in the user data dir). It keeps the
read and starred sets in memory, so drawing a row of a 20k list never touches the disk, and it
sends every write to a callback (the app runs them in a thread worker), so a database locked by
a second instance never freezes a keystroke. Articles are keyed by content hash, computed once.
Nothing here raises: without a store (it failed to open) marks live for the session only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from newsreader.corpus import Article

Write = Callable[[Callable[[], Any]], None]


def open_store() -> Any | None:
    """The user's state store, or None when this build or this machine has none."""
    try:
        from newsreader.store.state import StateStore

        return StateStore()
    except Exception:  # the store falls back to memory itself; this is the last resort
        return None


class ReadingState:
    """Read/starred sets, the corpus key and the saved position for one opened corpus."""

    def __init__(self, store: Any | None, paths: Sequence[str | Path], write: Write) -> None:
        self.store = store
        self._write = write
        self._hashes: dict[int, str] = {}
        self._lock = threading.Lock()
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self.corpus_key = ""
        if store is not None:
            from newsreader.store.state import corpus_key

            self.corpus_key = corpus_key(paths)
            self.read = set(store.read_hashes())
            self.starred = set(store.starred_hashes())

    def remember(self, articles: Iterable[Article]) -> None:
        """Hash every article once (in the load worker: sha256 of 10k texts takes a while)."""
        hashes = {id(a): a.content_hash for a in articles}
        with self._lock:
            self._hashes.update(hashes)

    def hash_of(self, article: Article) -> str:
        h = self._hashes.get(id(article))
        if h is None:
            h = self._hashes[id(article)] = article.content_hash
        return h

    def is_read(self, article: Article) -> bool:
        return self.hash_of(article) in self.read

    def is_starred(self, article: Article) -> bool:
        return self.hash_of(article) in self.starred

    def set_read(self, article: Article, read: bool = True) -> None:
        h = self.hash_of(article)
        if (h in self.read) == read:
            return
        (self.read.add if read else self.read.discard)(h)
        if (store := self.store) is not None:
            self._write(lambda: store.set_read(h, read))

    def toggle_read(self, article: Article) -> bool:
        self.set_read(article, not self.is_read(article))
        return self.is_read(article)

    def toggle_star(self, article: Article) -> bool:
        h = self.hash_of(article)
        starred = h not in self.starred
        (self.starred.add if starred else self.starred.discard)(h)
        if (store := self.store) is not None:
            self._write(lambda: store.set_starred(h, starred))
        return starred

    def counts(self, articles: Sequence[Article]) -> tuple[int, int]:
        """(unread, starred) among `articles`."""
        hashes = {self.hash_of(a) for a in articles}
        return len(hashes - self.read), len(hashes & self.starred)

    def save_position(self, article: Article, offset: int, *, now: bool = False) -> None:
        """Remember where the reader is; `now` writes before returning (on quit)."""
        if (store := self.store) is not None and self.corpus_key:
            h, key = self.hash_of(article), self.corpus_key
            if now:
                store.save_position(key, h, offset)
            else:
                self._write(lambda: store.save_position(key, h, offset))

    def saved_position(self, articles: Sequence[Article]) -> tuple[Article, int] | None:
        """The article (still in the corpus) and scroll offset the reader left off at."""
        if self.store is None or not self.corpus_key:
            return None
        position = self.store.last_position(self.corpus_key)
        if position is None:
            return None
        for article in articles:
            if self.hash_of(article) == position.article_hash:
                return article, position.offset
        return None

    def add_search(self, query: str) -> None:
        if (store := self.store) is not None and query.strip():
            self._write(lambda: store.add_search(query))

    def recent_searches(self, limit: int = 8) -> list[str]:
        return list(self.store.recent_searches(limit)) if self.store is not None else []

    def warnings(self) -> list[str]:
        """Problems the store met (corrupt file moved aside, read-only dir…) not shown yet."""
        return list(self.store.pop_warnings()) if self.store is not None else []
