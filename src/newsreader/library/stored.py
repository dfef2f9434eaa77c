"""Articles read from the library: metadata at once, text and paragraphs when first needed.

`StoredArticle` is an `Article` (every engine function takes it as is) whose `text` and
`paragraphs` are fetched from the database on first access, so a list of 100k articles costs
their metadata only. Two stored articles are equal when they are the same row.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from newsreader.corpus.models import Article, Paragraph, unpack_paragraphs

# The dataclass slots of `Article` hold the loaded values; the properties below stand in front.
_TEXT = Article.__dict__["text"]
_PARAGRAPHS = Article.__dict__["paragraphs"]
_PATH = Article.__dict__["path"]

LIST_COLUMNS = (
    "id, source_id, locator, title, display_title, outlet, date, byline, kind, encoding, "
    "title_start, title_end, content_hash, missing"
)

_LIST_WIDTH = len(LIST_COLUMNS.split(","))


class TextSource:
    """Where lazy articles read their text: one connection, used under a lock (readers run in
    worker threads; SQLite connections must not interleave statements)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def load(self, article_id: int) -> tuple[str, list[Paragraph]]:
        text, packed = self.load_packed(article_id)
        return text, unpack_paragraphs(packed)

    def load_packed(self, article_id: int) -> tuple[str, bytes]:
        """The text and the packed paragraphs, as stored."""
        with self.lock:
            row = self.conn.execute(
                "SELECT text, paragraphs FROM article WHERE id = ?", (article_id,)
            ).fetchone()
        if row is None:
            return "", b""
        return row[0], row[1]


class StoredArticle(Article):
    """A library row as an `Article`; see the module docstring."""

    __slots__ = ("_display", "_hash", "_source", "article_id", "locator", "missing", "source_id")

    article_id: int
    source_id: int
    locator: str
    missing: bool
    _display: str
    _hash: str
    _source: TextSource

    @classmethod
    def from_row(cls, row: sqlite3.Row | tuple[Any, ...], source: TextSource) -> StoredArticle:
        """An article from a row that starts with `LIST_COLUMNS`, in that order (unpacked by
        position: by name costs a lookup per column, felt over 100k rows); columns after
        them are the caller's."""
        if len(row) != _LIST_WIDTH:
            row = tuple(row)[:_LIST_WIDTH]
        (
            a_id,
            source_id,
            locator,
            title,
            display,
            outlet,
            date,
            byline,
            kind,
            encoding,
            start,
            end,
            content_hash,
            missing,
        ) = row
        a = cls.__new__(cls)
        a.article_id = a_id
        a.source_id = source_id
        a.locator = locator
        a.missing = bool(missing)
        a.title = title
        a.outlet = outlet
        a.date = date
        a.byline = byline
        a.kind = kind
        a.encoding = encoding or "utf-8"
        a.title_span = (start, end) if start is not None and end is not None else None
        a._display = display
        a._hash = content_hash
        a._source = source
        return a

    def list_row(self) -> tuple[Any, ...]:
        """The row `from_row` made this article from (`LIST_COLUMNS`): to make it again in
        another process."""
        start, end = self.title_span or (None, None)
        return (
            self.article_id,
            self.source_id,
            self.locator,
            self.title,
            self._display,
            self.outlet,
            self.date,
            self.byline,
            self.kind,
            self.encoding,
            start,
            end,
            self._hash,
            int(self.missing),
        )

    def packed(self) -> tuple[str, bytes]:
        # Not read yet: straight from the row, never unpacked here (a worker does that).
        if self.loaded:
            return super().packed()
        return self._source.load_packed(self.article_id)

    def _load(self) -> None:
        text, paragraphs = self._source.load(self.article_id)
        _TEXT.__set__(self, text)
        _PARAGRAPHS.__set__(self, paragraphs)

    @property  # a lazy stand-in for the dataclass field
    def text(self) -> str:
        try:
            return str(_TEXT.__get__(self))
        except AttributeError:
            self._load()
            return str(_TEXT.__get__(self))

    @text.setter
    def text(self, value: str) -> None:
        _TEXT.__set__(self, value)

    @property
    def paragraphs(self) -> list[Paragraph]:
        try:
            value: list[Paragraph] = _PARAGRAPHS.__get__(self)
        except AttributeError:
            self._load()
            value = _PARAGRAPHS.__get__(self)
        return value

    @paragraphs.setter
    def paragraphs(self, value: list[Paragraph]) -> None:
        _PARAGRAPHS.__set__(self, value)

    @property
    def path(self) -> Path:
        # Made on first use: building 100k `Path`s was 70% of reading the list's rows.
        try:
            value: Path = _PATH.__get__(self)
            return value
        except AttributeError:
            value = Path(self.locator)
            _PATH.__set__(self, value)
            return value

    @path.setter
    def path(self, value: Path) -> None:
        _PATH.__set__(self, value)

    @property
    def loaded(self) -> bool:
        try:
            _TEXT.__get__(self)
        except AttributeError:
            return False
        return True

    @property
    def display_title(self) -> str:
        return self.title or self._display

    @property
    def content_hash(self) -> str:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredArticle):
            return self.article_id == other.article_id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("stored", self.article_id))

    def __repr__(self) -> str:
        return f"StoredArticle(id={self.article_id}, locator={self.locator!r})"

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["id"] = self.article_id
        data["path"] = self.locator
        data["missing"] = self.missing
        return data
