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
from collections.abc import Sequence
from dataclasses import dataclass
from heapq import nsmallest
from itertools import compress, count, islice

from newsreader.search.vocab import PREFIX

NEAR = 10  # tokens: how far apart query words may be and still form one window
# Caps on the work per article per keystroke, so a giant article cannot stall typing: only
# the first occurrences of a query word are looked at, and windows start at the first few.
MAX_OCCURRENCES = 1000
MAX_ANCHORS = 64  # the rarest query word's first occurrences: plenty for 3 best windows
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
    ids: Sequence[int],
    candidates: list[dict[int, float]],
    *,
    meta_from: int,
    title_tokens: tuple[int, int] | None = None,
    max_windows: int | None = None,
    max_occurrences: int = MAX_OCCURRENCES,
    max_anchors: int = MAX_ANCHORS,
) -> list[Window]:
    """Every window of the query in one article's token ids, best first, not overlapping.

    `candidates[i]` maps vocabulary ids to how well they answer query word i; tokens from
    `meta_from` on are the article's metadata line.
    """
    wanted: set[int] = set().union(*candidates)
    if not wanted:
        return []
    hits = list(compress(count(), map(wanted.__contains__, ids)))
    return windows_at(
        hits,
        list(map(ids.__getitem__, hits)),
        candidates,
        meta_from=meta_from,
        title_tokens=title_tokens,
        max_windows=max_windows,
        max_occurrences=max_occurrences,
        max_anchors=max_anchors,
    )


def windows_at(
    hits: list[int],
    found: list[int],
    candidates: list[dict[int, float]],
    *,
    meta_from: int,
    title_tokens: tuple[int, int] | None = None,
    max_windows: int | None = None,
    max_occurrences: int = MAX_OCCURRENCES,
    max_anchors: int = MAX_ANCHORS,
) -> list[Window]:
    """`find_windows` given where the query's words are: `hits` the token positions (ascending)
    of every token some query word wants, `found` their word ids. For callers that find those
    places without tokenising the whole article (the library search scans bytes)."""
    k = len(candidates)
    positions: list[list[int]] = []
    scores: list[list[float]] = []
    for cand in candidates:  # all in C: this runs for hundreds of articles per keystroke
        mine = list(map(cand.__contains__, found))
        positions.append(list(islice(compress(hits, mine), max_occurrences)))
        scores.append(list(map(cand.__getitem__, islice(compress(found, mine), max_occurrences))))
    present = [i for i in range(k) if positions[i]]
    if not present:
        return []
    if k == 1:
        return _single_word(positions[0], scores[0], meta_from, title_tokens, max_windows)
    anchor = min(present, key=lambda i: len(positions[i]))
    windows = []
    for p, s_anchor in islice(zip(positions[anchor], scores[anchor], strict=True), max_anchors):
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
        bonus = _place_bonus(used[0], meta_from, title_tokens)
        within = 0.6 * sum(word_scores) / k + 0.25 * tightness + 0.15 * bonus
        windows.append(Window(20.0 * tier + 19.99 * within, used[0], used[-1], tuple(used)))
    return _non_overlapping(windows, max_windows)


def _place_bonus(first: int, meta_from: int, title_tokens: tuple[int, int] | None) -> float:
    """Title and metadata say what the article is about; so, less, does its lead."""
    if first >= meta_from or (
        title_tokens is not None and title_tokens[0] <= first < title_tokens[1]
    ):
        return 1.0
    return 0.3 if first < LEAD else 0.0


def _single_word(
    positions: list[int],
    scores: list[float],
    meta_from: int,
    title_tokens: tuple[int, int] | None,
    max_windows: int | None,
) -> list[Window]:
    """Windows of a one-word query: every occurrence is one, and none overlap."""
    # (-score, position): positions differ, so this orders as (-w.score, w.first) would, and
    # only the windows kept are made (a common word occurs hundreds of times per article).
    ranked = []
    for p, s in zip(positions, scores, strict=True):
        tier = 4 if s >= PREFIX else 2
        within = 0.6 * s + 0.25 + 0.15 * _place_bonus(p, meta_from, title_tokens)
        ranked.append((-(20.0 * tier + 19.99 * within), p))
    best = nsmallest(max_windows, ranked) if max_windows is not None else sorted(ranked)
    return [Window(-score, p, p, (p,)) for score, p in best]


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
    """Best-first windows, skipping any that overlaps one already taken."""
    windows.sort(key=lambda w: (-w.score, w.first))
    taken: list[Window] = []
    firsts: list[int] = []  # of `by_position`, sorted
    by_position: list[Window] = []
    for w in windows:
        if limit is not None and len(taken) >= limit:
            break
        # Taken windows do not overlap, so only the neighbours by position can touch `w`.
        i = bisect_left(firsts, w.first)
        if i > 0 and by_position[i - 1].last >= w.first:
            continue
        if i < len(by_position) and by_position[i].first <= w.last:
            continue
        firsts.insert(i, w.first)
        by_position.insert(i, w)
        taken.append(w)
    return taken
