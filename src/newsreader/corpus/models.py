"""The domain objects every other package works on.

All offsets are character offsets into `Article.text`: the decoded file with line endings
normalised to `\\n`. Nothing here rewrites that text; repairs (glued sentences, boilerplate)
are expressed as spans and flags over it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from newsreader.corpus.dates import strip_leading_date

Kind = Literal["press_release", "news"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence inside a paragraph; glued sentences (`global.The`) are split apart here."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of text separated by blank lines (or a single line, for line-per-paragraph files)."""

    start: int
    end: int
    boilerplate: bool = False
    sentences: tuple[Sentence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "boilerplate": self.boilerplate}


@dataclass(slots=True)
class Article:
    """One news article: its decoded text, the paragraphs over it and the metadata found in it."""

    path: Path
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601 day, e.g. "2020-04-01"
    byline: str | None = None
    kind: Kind = "news"
    paragraphs: list[Paragraph] = field(default_factory=list)
    encoding: str = "utf-8"
    # The offsets of the title inside `text`, when the title is a line of the text.
    title_span: tuple[int, int] | None = None

    @property
    def display_title(self) -> str:
        """The title, or the start of the first non-boilerplate paragraph, or the file name."""
        if self.title:
            return self.title
        for p in self.paragraphs:
            if not p.boilerplate:
                snippet = strip_leading_date(" ".join(self.text[p.start : p.end].split()))
                return snippet[:80] + ("…" if len(snippet) > 80 else "")
        return self.path.name

    @property
    def content_hash(self) -> str:
        """sha256 of the decoded text: identifies the article even when the file moves."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing `offset`, if any."""
        for p in self.paragraphs:
            if p.start <= offset < p.end:
                return p
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date,
            "byline": self.byline,
            "kind": self.kind,
            "paragraphs": [p.to_json() for p in self.paragraphs],
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path that could not be loaded, and why, in one line."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.path}: {self.reason}"


@dataclass
class Corpus:
    """The articles loaded from a set of paths, plus what was skipped."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    name: str = "corpus"

    def __len__(self) -> int:
        return len(self.articles)

    @cached_property
    def by_path(self) -> dict[Path, Article]:
        return {a.path: a for a in self.articles}
