"""The facts of a citable reuse record, shared by the HTML and Markdown exports.

Identifies each article three ways (its path, the sha256 of the file's bytes, the sha256 of its
decoded text) so a reader can check later that the record is about the same files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from newsreader import __version__
from newsreader.corpus import Article
from newsreader.provenance.facts import FactChange, changed_facts
from newsreader.reuse import Comparison

KIND_RANK = {"verbatim": 3, "near": 2, "paraphrase": 1}
KIND_LABEL = {"verbatim": "verbatim", "near": "edited (near)", "paraphrase": "rewritten"}


def file_sha256(article: Article) -> str | None:
    """sha256 of the file as stored on disk, or None when it cannot be read now."""
    try:
        return hashlib.sha256(article.path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class SideInfo:
    label: str  # "A" or "B"
    article: Article
    reused_pct: float
    file_hash: str | None

    def rows(self) -> list[tuple[str, str]]:
        a = self.article
        return [
            ("title", a.display_title),
            ("outlet", a.outlet or "unknown"),
            ("date", a.date or "unknown"),
            ("kind", a.kind.replace("_", " ")),
            ("file", str(a.path.resolve())),
            ("file sha256", self.file_hash or "unreadable"),
            ("text sha256", a.content_hash),
            ("reused", f"{self.reused_pct:.1f}% of its text is shared with the other"),
        ]


@dataclass
class Record:
    comparison: Comparison
    sides: tuple[SideInfo, SideInfo]
    facts: list[FactChange]
    generated: str
    version: str

    def passage_facts(self, index: int) -> list[FactChange]:
        return [f for f in self.facts if f.passage == index]


def make_record(comparison: Comparison, *, generated: datetime | None = None) -> Record:
    """Everything an export shows about one comparison."""
    when = (generated or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sides = (
        SideInfo("A", comparison.a, comparison.a_reused_pct, file_sha256(comparison.a)),
        SideInfo("B", comparison.b, comparison.b_reused_pct, file_sha256(comparison.b)),
    )
    return Record(comparison, sides, changed_facts(comparison), when, __version__)


def excerpt(text: str, start: int, end: int, limit: int = 400) -> str:
    """The passage's words on one line, shortened in the middle when long."""
    words = " ".join(text[start:end].split())
    if len(words) <= limit:
        return words
    half = limit // 2
    return words[:half] + " … " + words[-half:]
