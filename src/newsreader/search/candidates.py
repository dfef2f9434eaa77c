"""Which articles a query is worth scanning, most promising first.

Posting-list set operations (all in C) split the corpus into: articles with every query word
exactly (or as a completion of the word being typed), then every word somehow (typos), then
some of the words. Only a budget of them is scanned word by word, so when a common query
("the year") matches thousands of articles, the ones that hold the *phrase* are found first by
a byte search of their word-id arrays, instead of hoping they come early in file order.
"""

from __future__ import annotations

import threading
from array import array
from collections import Counter
from collections.abc import Sequence

from newsreader.search.vocab import PREFIX

# The phrase search looks for the most frequent good answers of the rarer of the first two
# query words, and checks their neighbours; at most PHRASE_SCAN articles per query.
KEY_IDS = 4
NEAR_BEST = 0.12
PHRASE_SCAN = 3000


def candidate_docs(
    plan: list[dict[int, float]],
    postings: list[list[int]],
    doc_ids: Sequence[array[int]],
    doc_freq: list[int],
    *,
    budget: int,
    want: int,
    cancel: threading.Event | None = None,
) -> list[int]:
    """Up to `budget` article numbers; `want` phrase articles are enough to stop looking."""
    strong = [set().union(*(postings[r] for r, s in c.items() if s >= PREFIX)) for c in plan]
    anywhere = [set().union(*(postings[r] for r in c)) for c in plan]
    all_strong = set.intersection(*strong)
    # Among them, a phrase means the exact (or completed) words side by side.
    exact_plan = [{r: s for r, s in c.items() if s >= PREFIX} for c in plan[:2]]
    ordered = sorted(all_strong)
    out, enough = _phrase_first(ordered, exact_plan, doc_ids, doc_freq, budget, want, cancel)
    if enough and len(plan) == 2:  # `want` exact phrases: nothing else would rank above them
        return out
    if len(out) < budget:
        # Every word, some by typo: those with more exact words first.
        all_words = set.intersection(*anywhere) - all_strong
        exact: Counter[int] = Counter()
        for docs in strong:
            exact.update(docs & all_words)
        ordered = sorted(all_words, key=lambda d: (-exact[d], d))
        room = budget - len(out)
        more, enough = _phrase_first(ordered, plan, doc_ids, doc_freq, room, want, cancel)
        out.extend(more)
        if enough and len(plan) == 2:
            return out
    if len(out) < budget and len(plan) > 1:
        # Some of the words: those with the most of them first.
        seen = set(out)
        some: Counter[int] = Counter()
        for docs in anywhere:
            some.update(docs - seen)
        out.extend(d for d, _ in some.most_common(budget - len(out)))
    return out


def _phrase_first(
    docs: list[int],
    plan: list[dict[int, float]],
    doc_ids: Sequence[array[int]],
    doc_freq: list[int],
    budget: int,
    want: int,
    cancel: threading.Event | None,
) -> tuple[list[int], bool]:
    """`docs` cut to `budget`, articles with the phrase first when it cuts; the bool says
    `want` such articles were found (then only they are returned)."""
    if len(docs) <= budget or len(plan) < 2:
        return docs[:budget], False
    # Only the first two query words are checked side by side: with more words, finding
    # `want` such articles is a good ordering but not proof of a full phrase (no early stop).
    first = _with_phrase(docs, plan, doc_ids, doc_freq, want, cancel)
    if len(first) >= want:
        return first, True
    chosen = set(first)
    return (first + [d for d in docs if d not in chosen])[:budget], False


def _with_phrase(
    docs: list[int],
    plan: list[dict[int, float]],
    doc_ids: Sequence[array[int]],
    doc_freq: list[int],
    want: int,
    cancel: threading.Event | None,
) -> list[int]:
    """The first `want` of `docs` where the first two query words stand side by side.

    The rarer word's few best ids are found with `bytes.find` over the article's id array
    (C speed); only at those spots is the neighbour looked up in the other word's answers.
    """
    left, right = plan[0], plan[1]
    keys_left = _top_ids(left, doc_freq, KEY_IDS)
    keys_right = _top_ids(right, doc_freq, KEY_IDS)
    if not keys_left or not keys_right:
        return []
    if sum(doc_freq[r] for r in keys_left) <= sum(doc_freq[r] for r in keys_right):
        keys, others, step = keys_left, set(right), 1
    else:
        keys, others, step = keys_right, set(left), -1
    patterns = [array("I", (k,)).tobytes() for k in keys]
    found = []
    for n, d in enumerate(docs[:PHRASE_SCAN]):
        if cancel is not None and n % 256 == 0 and cancel.is_set():
            break
        ids = doc_ids[d]
        if _has_pair(ids, ids.tobytes(), patterns, others, step):
            found.append(d)
            if len(found) >= want:
                break
    return found


def _has_pair(
    ids: array[int], haystack: bytes, patterns: list[bytes], others: set[int], step: int
) -> bool:
    last = len(ids) - 1
    for pattern in patterns:
        at = haystack.find(pattern)
        while at != -1:
            if at % 4 == 0:  # a match across two ids is not an id
                pos = at // 4 + step
                if 0 <= pos <= last and ids[pos] in others:
                    return True
            at = haystack.find(pattern, at + 1)
    return False


def _top_ids(candidates: dict[int, float], doc_freq: list[int], most: int) -> list[int]:
    """The most frequent of the answers scoring near the best one."""
    if not candidates:
        return []
    floor = max(candidates.values()) - NEAR_BEST
    good = [r for r, s in candidates.items() if s >= floor]
    return sorted(good, key=lambda r: -doc_freq[r])[:most]
