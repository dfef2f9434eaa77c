"""Scoring the places in one article where the query words occur.

A window is one occurrence of the query: for each query word, the occurrence nearest to where
a phrase would put it. Windows are ranked in tiers, so an exact phrase always beats the same
words scattered, which always beats typo/partial matches:

  4  every word present, adjacent and in order (a phrase), exact or the word being typed
  3  every word present exactly, not adjacent
  2  a phrase with typo-corrected words
  1  every word present, some by typo, not adjacent
  0  only some of the words
Within a tier: word quality, tightness, and a small bonus for the title or metadata.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import compress, count

from newsreader.search.vocab import PREFIX

NEAR = 10  # tokens: how far apart query words may be and still form one window
MAX_OCCURRENCES = 1000  # per query word per article: caps the work on giant articles
MAX_ANCHORS = 300
LEAD = 60  # tokens: the first paragraph or so


@dataclass(frozen=True, slots=True)
class Window:
    """An occurrence of the query in an article: token positions of the matched words."""

    score: float
    first: int
    last: int
    positions: tuple[int, ...]


def _tier(scores: list[float], phrase: bool) -> int:
    if not all(scores):
        return 0
    strong = all(s >= PREFIX for s in scores)
    if phrase:
        return 4 if strong else 2
    return 3 if strong else 1


def find_windows(
    ids: list[int] | object,
    candidates: list[dict[int, float]],
    *,
    meta_from: int,
    title_tokens: tuple[int, int] | None = None,
    max_windows: int | None = None,
) -> list[Window]:
    """Every window of the query in one article's token ids, best first, not overlapping.

    `candidates[i]` maps vocabulary ids to how well they answer query word i; tokens from
    `meta_from` on are the article's metadata line.
    """
    wanted: set[int] = set().union(*candidates)
    if not wanted:
        return []
    hits = list(compress(count(), map(wanted.__contains__, ids)))  # type: ignore[arg-type]
    k = len(candidates)
    positions: list[list[int]] = [[] for _ in range(k)]
    scores: list[list[float]] = [[] for _ in range(k)]
    for p in hits:
        t = ids[p]  # type: ignore[index]
        for i, cand in enumerate(candidates):
            s = cand.get(t)
            if s is not None and len(positions[i]) < MAX_OCCURRENCES:
                positions[i].append(p)
                scores[i].append(s)
    present = [i for i in range(k) if positions[i]]
    if not present:
        return []
    anchor = min(present, key=lambda i: len(positions[i]))
    windows = []
    for p, s_anchor in list(zip(positions[anchor], scores[anchor], strict=True))[:MAX_ANCHORS]:
        chosen: list[int | None] = [None] * k
        word_scores = [0.0] * k
        chosen[anchor], word_scores[anchor] = p, s_anchor
        for j in range(k):
            if j == anchor or not positions[j]:
                continue
            best = _nearest(positions[j], scores[j], p, p + (j - anchor), meta_from)
            if best is not None:
                chosen[j], word_scores[j] = best
        used = sorted({c for c in chosen if c is not None})
        phrase = all(c == p + (j - anchor) for j, c in enumerate(chosen))
        tier = _tier(word_scores, phrase)
        span = used[-1] - used[0] + 1
        tightness = len(used) / span
        in_title = title_tokens is not None and title_tokens[0] <= used[0] < title_tokens[1]
        # Title and metadata say what the article is about; so, less, does its lead.
        bonus = 1.0 if in_title or used[0] >= meta_from else 0.3 if used[0] < LEAD else 0.0
        within = 0.6 * sum(word_scores) / k + 0.25 * tightness + 0.15 * bonus
        windows.append(Window(20.0 * tier + 19.99 * within, used[0], used[-1], tuple(used)))
    return _non_overlapping(windows, max_windows)


def _nearest(
    positions: list[int], scores: list[float], anchor: int, expected: int, meta_from: int
) -> tuple[int, float] | None:
    """The best occurrence within NEAR tokens of where a phrase would put it, if any.

    Nearer `expected` is better; a window never spans the text and the metadata line.
    """
    in_meta = anchor >= meta_from
    lo = bisect_left(positions, expected - NEAR)
    best: tuple[float, int, float] | None = None
    for idx in range(lo, len(positions)):
        q = positions[idx]
        if q > expected + NEAR:
            break
        if q == anchor or (q >= meta_from) != in_meta:
            continue
        rank = scores[idx] - 0.02 * abs(q - expected)
        if best is None or rank > best[0]:
            best = (rank, q, scores[idx])
    if best is None:
        return None
    return best[1], best[2]


def _non_overlapping(windows: list[Window], limit: int | None) -> list[Window]:
    windows.sort(key=lambda w: (-w.score, w.first))
    taken: list[Window] = []
    for w in windows:
        if limit is not None and len(taken) >= limit:
            break
        if all(w.last < t.first or w.first > t.last for t in taken):
            taken.append(w)
    return taken
