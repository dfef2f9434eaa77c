"""Which article of a story is most likely its source, and why.

Three kinds of evidence, added into one score per article:
- press-release signals (a wire dateline, "today announced", contact blocks): releases are
  where stories start;
- the earliest date in the story;
- direction of copying: the source shares text with many members (reach), and the text that the
  *other* members share with each other is found in it too (they took it from a common source),
  while a copy rarely holds what two other copies share unless it is the source itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsreader.corpus import Article
from newsreader.provenance.clusters import ComparisonCache, shares_text
from newsreader.provenance.signals import release_signals
from newsreader.provenance.spans import intersect, total
from newsreader.provenance.timeline import label

MAX_PAIRWISE = 12  # members up to which every pair is compared to judge direction
RELEASE_CAP = 3.0
EARLIEST_WEIGHT = 1.0
REACH_WEIGHT = 1.0
EXPLAINS_WEIGHT = 1.5
CONTAINS_WEIGHT = 0.75
CONTAINS_SPAN = 50.0  # reuse-% difference that counts fully as "the other is made of my text"


@dataclass
class Candidate:
    """One member's origin score and the reasons that make it up."""

    article: Article
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.article.path.resolve()),
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


@dataclass
class Origin:
    """The best candidate and every member's score, best first."""

    article: Article
    score: float
    reasons: list[str]
    candidates: list[Candidate]

    @property
    def confident(self) -> bool:
        """Whether the winner is clearly ahead of the runner-up."""
        if len(self.candidates) < 2:
            return True
        return self.score - self.candidates[1].score >= 0.75

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.article.path.resolve()),
            "score": round(self.score, 3),
            "confident": self.confident,
            "reasons": list(self.reasons),
            "candidates": [c.to_json() for c in self.candidates],
        }


def _covered(cache: ComparisonCache, x: Article, y: Article) -> list[tuple[int, int]]:
    """Spans of x's text found in y (empty when the pair was not compared and is not small)."""
    covered = cache.covered(x, y)
    if covered is None or not shares_text(covered):
        return []
    return covered.a


def guess_origin(members: list[Article], cache: ComparisonCache) -> Origin:
    """Score every member as the story's source; `cache` holds (or will hold) comparisons."""
    n = len(members)
    if n <= MAX_PAIRWISE:  # small stories: compare every pair, so direction can be judged
        for i in range(n):
            for j in range(i + 1, n):
                cache.get(members[i], members[j])
    cands = {id(a): Candidate(a) for a in members}

    for a in members:
        signals = release_signals(a)
        weight = min(RELEASE_CAP, sum(s.weight for s in signals))
        if weight:
            c = cands[id(a)]
            c.score += weight
            c.reasons.extend(s.reason for s in signals)

    dated = sorted((a.date, id(a)) for a in members if a.date)
    if dated:
        first = dated[0][0]
        earliest = [i for d, i in dated if d == first]
        # the earliest of the dated members says less when others have no date at all: any
        # of those may be older (pasted text, a release without a dateline)
        weight = EARLIEST_WEIGHT * len(dated) / n / len(earliest)
        undated = n - len(dated)
        for i in earliest:
            c = cands[i]
            c.score += weight
            others = "" if len(earliest) == 1 else f" (with {len(earliest) - 1} other)"
            reason = f"earliest date in the story ({first}){others}"
            if undated:
                reason += f"; {undated} undated"
            c.reasons.append(reason)

    if n > 1:
        for x in members:
            linked = [y for y in members if y is not x and _covered(cache, x, y)]
            if linked:
                c = cands[id(x)]
                c.score += REACH_WEIGHT * len(linked) / (n - 1)
                c.reasons.append(f"shares text with {len(linked)} of {n - 1} other articles")
        for x in members:
            lean = _contained(members, cache, x)
            if lean >= 0.1:
                c = cands[id(x)]
                c.score += CONTAINS_WEIGHT * lean
                c.reasons.append(
                    "the articles sharing its text are made of it more than it is of theirs"
                )
        for key, share in _explains(members, cache).items():
            if share > 0:
                c = cands[key]
                c.score += EXPLAINS_WEIGHT * share
                c.reasons.append(
                    f"{round(100 * share)}% of what the other articles share with each "
                    "other is also in it"
                )

    ranked = sorted(cands.values(), key=lambda c: (-c.score, label(c.article)))
    best = ranked[0]
    return Origin(best.article, best.score, best.reasons, ranked)


def _contained(members: list[Article], cache: ComparisonCache, x: Article) -> float:
    """-1..1: how much more of each linked article's text comes from x than x's from it.

    A copy is mostly the source's text plus a little of its own; the source is usually not
    mostly the copy's text. Averaged over x's links, so one odd pair does not decide.
    """
    leans = []
    for y in members:
        if y is x:
            continue
        covered = cache.covered(x, y)
        if covered is None or not shares_text(covered):
            continue
        diff = (covered.b_pct - covered.a_pct) / CONTAINS_SPAN
        leans.append(max(-1.0, min(1.0, diff)))
    return sum(leans) / len(leans) if leans else 0.0


def _explains(members: list[Article], cache: ComparisonCache) -> dict[int, float]:
    """For each member x: the share of text shared between pairs (y, z) without x that x holds.

    If y and z copied from x independently, what they share came from x, so x covers it; a
    copy covers it only where it took the same sentences as the other copies.
    """
    out: dict[int, float] = {}
    if len(members) < 3:
        return out
    for x in members:
        held = shared = 0
        for y in members:
            if y is x:
                continue
            from_x = _covered(cache, y, x)
            for z in members:
                if z is x or z is y:
                    continue
                yz = _covered(cache, y, z)  # y's text found in z
                if not yz:
                    continue
                shared += total(yz)
                held += total(intersect(yz, from_x))
        if shared:
            out[id(x)] = held / shared
    return out
