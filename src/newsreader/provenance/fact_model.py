"""A changed fact and the helpers both fact finders share (pairing quantities, phrases)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsreader.provenance import mentions as m
from newsreader.reuse import Comparison
from newsreader.reuse.lexicon import stem
from newsreader.reuse.tokens import tokenize


@dataclass(frozen=True, slots=True)
class FactChange:
    """One fact that differs: where it is on each side and the words on each side."""

    kind: str  # number | date | name | quotation
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str
    passage: int | None  # index into comparison.passages; None when restated outside them

    def describe(self) -> str:
        a = self.a_text or "—"
        b = self.b_text or "—"
        return f"{self.kind}: {a} → {b}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "passage": self.passage,
        }


def make_change(
    kind: str, comparison: Comparison, a: tuple[int, int], b: tuple[int, int], passage: int | None
) -> FactChange:
    """A change with the words on each side taken from the texts at those offsets."""
    a_words = " ".join(comparison.a.text[a[0] : a[1]].split())
    b_words = " ".join(comparison.b.text[b[0] : b[1]].split())
    return FactChange(kind, a[0], a[1], b[0], b[1], a_words, b_words, passage)


def phrase(text: str, q: m.Quantity, keep: frozenset[str]) -> tuple[int, int]:
    """The quantity with the counted words both sides share (`thousands of online
    conversations`), ending at the last of them."""
    end = pos = q.end
    seen = 0
    for tok in tokenize(text, q.end, min(len(text), q.end + 60)):
        if seen == len(q.unit) or any(c in text[pos : tok.start] for c in ".;:!?\n,()"):
            break
        pos = tok.end
        if stem(tok.norm) in q.unit:
            seen += 1
            if stem(tok.norm) in keep:
                end = tok.end
    return q.start, end


def number_pairs(
    qa: list[m.Quantity], qb: list[m.Quantity]
) -> Iterator[tuple[m.Quantity, m.Quantity]]:
    """(source quantity, copy quantity) pairs counting the same thing with other values.

    A copy's number that the source also has (same value, same counted words) is no change,
    and a source number the copy repeats somewhere is not paired with another value.
    """
    for y in qb:
        if not y.unit or any(x.same_value(y) and (x.unit & y.unit) for x in qa):
            continue
        partners = [
            x
            for x in qa
            if x.unit & y.unit and x.percent == y.percent and not any(x.same_value(z) for z in qb)
        ]
        if partners:
            yield max(partners, key=lambda x: len(x.unit & y.unit)), y
