"""The domain objects every other package works on.

All offsets are character offsets into `Article.text`: the decoded file with line endings
normalised to `\\n`. Nothing here rewrites that text; repairs (glued sentences, boilerplate)
are expressed as spans and flags over it.
"""

from __future__ import annotations

import hashlib
from array import array
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

    def packed(self) -> tuple[str, bytes]:
        """The text and the paragraphs packed (`pack_paragraphs`): cheap to send to a worker
        process, where `unpack_paragraphs` makes them again."""
        return self.text, pack_paragraphs(self.paragraphs)

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


# -- paragraphs packed into one BLOB per article (and back) --------------------------------------
# A flat array of 32-bit ints: for each paragraph start, end, boilerplate flag, sentence count,
# then each sentence's start and end. The library stores an article's paragraphs so (read with
# its text, never on their own: one compact column, no row per sentence), and articles cross
# to worker processes so (bytes pickle at memory speed; Paragraph objects do not).


def pack_paragraphs(paragraphs: list[Paragraph]) -> bytes:
    flat = array("i")
    for p in paragraphs:
        flat.extend((p.start, p.end, int(p.boilerplate), len(p.sentences)))
        for s in p.sentences:
            flat.append(s.start)
            flat.append(s.end)
    return flat.tobytes()


def unpack_paragraphs(data: bytes) -> list[Paragraph]:
    flat = array("i")
    flat.frombytes(data)
    out: list[Paragraph] = []
    i, n = 0, len(flat)
    while i < n:
        start, end, flag, count = flat[i], flat[i + 1], flat[i + 2], flat[i + 3]
        i += 4
        sentences = tuple(Sentence(flat[j], flat[j + 1]) for j in range(i, i + 2 * count, 2))
        i += 2 * count
        out.append(Paragraph(start, end, bool(flag), sentences))
    return out
