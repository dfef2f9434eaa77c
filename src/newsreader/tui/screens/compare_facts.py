"""Changed facts in the compare view: which spans to mark, which facts belong to a passage.

Facts are found once, with the comparison as first shown (side a read as the source). Swapping
the panes only swaps where they are drawn; a fact still reads "source → copy", so the view keeps
the facts as found and a `flipped` flag instead of asking the engine again the other way round
(which would find the copy's changes from the copy's point of view: usually none).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.provenance.fact_model import FactChange
from newsreader.reuse.models import Comparison, Passage, Side
from newsreader.text import clean_for_display

if TYPE_CHECKING:
    pass


def find_facts(
    comparison: Comparison, cancel: threading.Event | None = None
) -> tuple[list[FactChange], str | None]:
    """Changed facts of a comparison, and an error message when fact finding failed.

    A failure here must not cost the reader the comparison itself, so it is returned, not raised.
    """
    if cancel is not None and cancel.is_set():
        return [], None
    from newsreader.provenance.facts import changed_facts

    try:
        return changed_facts(comparison), None
    except Exception as error:  # a fact-finder bug: show the comparison without facts
        return [], f"{type(error).__name__}: {error}"


def _key(p: Passage) -> tuple[int, int, int, int]:
    return (p.a_start, p.a_end, p.b_start, p.b_end)


@dataclass
class FactSet:
    """The facts of one comparison and the passages they were found against."""

    facts: list[FactChange]
    passages: list[Passage]  # of the comparison the facts were found on (source as side a)
    flipped: bool = False  # True when the panes show that comparison swapped

    def __len__(self) -> int:
        return len(self.facts)

    def spans(self, side: Side) -> list[tuple[int, int]]:
        """Fact spans (article offsets) in the article shown on pane `side`."""
        source_side = (side == "a") != self.flipped
        return [(f.a_start, f.a_end) if source_side else (f.b_start, f.b_end) for f in self.facts]

    def span_of(self, fact: FactChange, side: Side) -> tuple[int, int]:
        source_side = (side == "a") != self.flipped
        return (fact.a_start, fact.a_end) if source_side else (fact.b_start, fact.b_end)

    def swapped(self) -> FactSet:
        return FactSet(self.facts, self.passages, not self.flipped)

    def in_passage(self, passage: Passage) -> list[FactChange]:
        """The facts found inside `passage` (a passage of the comparison now shown)."""
        key = _key(passage.mirrored() if self.flipped else passage)
        return [
            f
            for f in self.facts
            if f.passage is not None
            and f.passage < len(self.passages)
            and _key(self.passages[f.passage]) == key
        ]

    def passage_index(self, fact: FactChange, shown: list[Passage]) -> int | None:
        """Index in `shown` (the passages on screen) of the passage holding `fact`, if any."""
        if fact.passage is None or fact.passage >= len(self.passages):
            return None
        wanted = self.passages[fact.passage]
        key = _key(wanted.mirrored() if self.flipped else wanted)
        return next((i for i, p in enumerate(shown) if _key(p) == key), None)


def fact_line(fact: FactChange) -> str:
    """One fact for the detail line: what changed, and where when outside the passages."""
    where = "" if fact.passage is not None else " (restated outside the shared passages)"
    return clean_for_display("changed " + fact.describe() + where)


def facts_summary(facts: FactSet) -> str:
    """Every fact on one line each, for the `F` listing."""
    if not facts.facts:
        return "No changed facts (numbers, dates, names, quotations) found."
    head = f"Changed facts ({len(facts)}), source → copy:"
    return "\n".join([head, *(f"  {n}. {fact_line(f)}" for n, f in enumerate(facts.facts, 1))])
