"""The vocabulary: every distinct word of the corpus, and which query words each one answers.

Typo tolerance lives here, not in the articles: a query word is compared (rapidfuzz) against
the distinct folded words of the corpus, bucketed by length, so per-keystroke fuzzy work grows
with the vocabulary (~50k words at 10k BBC-like articles), never with the text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from heapq import nlargest
from itertools import count

from newsreader.search.tokens import fold_word

# Scores of a vocabulary word answering a query word, on 0..1. Exact words outrank prefix
# completions (the word being typed), which outrank typo matches.
EXACT = 1.0
PREFIX = 0.9
FUZZY = 0.8  # times the rapidfuzz ratio, so a good typo scores ~0.7
MAX_PREFIX = 48  # completions kept for the word being typed (most frequent first)
MAX_FUZZY = 24
MIN_FUZZY_LEN = 4  # shorter words are too ambiguous to correct ("cat" ~ "car" ~ "cut")
MIN_FUZZY_PREFIX_LEN = 5  # a typo in a shorter unfinished word matches half the vocabulary
FUZZY_PREFIX = FUZZY * 0.9
_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def fuzzy_cutoff(length: int) -> float:
    """Lowest fuzz.ratio still a typo: one wrong letter below 8 letters, two from 8 up."""
    edits = 1 if length < 8 else 2
    # A substitution costs 2 in the Indel distance fuzz.ratio is built on.
    return 100.0 * (1.0 - 2 * edits / (2 * length)) - 0.01


class Vocabulary:
    """Surface words (lower-cased, as in the text) get ids; each maps to a folded key."""

    def __init__(self) -> None:
        self.raw_ids: defaultdict[str, int] = defaultdict(count().__next__)
        self.raw_ids[""]  # id 0: the separator between an article's text and its metadata
        self.raw: list[str] = []
        self.doc_freq: list[int] = []
        self._norm_to_raw: dict[str, list[int]] = {}
        self._norm_sorted: list[str] = []
        self._norm_df: dict[str, int] = {}
        self._by_len: dict[int, list[str]] = {}
        self._cache: dict[tuple[str, bool], dict[int, float]] = {}

    def finish(self, doc_freq: list[int]) -> None:
        """Freeze after the last article: fold every surface word once, build lookups."""
        self.raw = list(self.raw_ids)
        self.doc_freq = doc_freq
        norm_to_raw: dict[str, list[int]] = defaultdict(list)
        for rid, word in enumerate(self.raw):
            if rid:
                norm_to_raw[fold_word(word)].append(rid)
        self._norm_to_raw = dict(norm_to_raw)
        self._norm_df = {n: sum(doc_freq[r] for r in rids) for n, rids in norm_to_raw.items()}
        self._norm_sorted = sorted(norm_to_raw)
        by_len: dict[int, list[str]] = defaultdict(list)
        for n in self._norm_sorted:
            by_len[len(n)].append(n)
        self._by_len = dict(by_len)

    def __len__(self) -> int:
        return len(self._norm_to_raw)

    def candidates(self, word: str, *, prefix: bool) -> dict[int, float]:
        """Surface-word ids that answer folded query `word`, with their 0..1 scores.

        `prefix` is for the word still being typed: completions count too.
        """
        key = (word, prefix)
        found = self._cache.get(key)
        if found is None:
            found = self._lookup(word, prefix)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _lookup(self, word: str, prefix: bool) -> dict[int, float]:
        from rapidfuzz import fuzz, process  # ~40 ms to import: only once a query needs it

        scored: dict[str, float] = {}
        if prefix and len(word) >= MIN_FUZZY_PREFIX_LEN:
            for variant in _one_edit_prefixes(word):
                for n in self._completions(variant, MAX_PREFIX // 4):
                    scored[n] = FUZZY_PREFIX
        if prefix:
            for n in self._completions(word, MAX_PREFIX):
                # Completions nearer the typed length rank higher ("meet" -> meet > meeting).
                scored[n] = PREFIX + 0.09 * len(word) / len(n)
        if len(word) >= MIN_FUZZY_LEN:
            cutoff = fuzzy_cutoff(len(word))
            for length in _lengths_within(len(word), cutoff):
                bucket = self._by_len.get(length)
                if not bucket:
                    continue
                for n, ratio, _ in process.extract(
                    word, bucket, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_FUZZY
                ):
                    scored[n] = max(scored.get(n, 0.0), FUZZY * ratio / 100.0)
        if word in self._norm_to_raw:
            scored[word] = EXACT
        return {rid: s for n, s in scored.items() for rid in self._norm_to_raw[n]}

    def _completions(self, word: str, most: int) -> list[str]:
        """Vocabulary words starting with `word`, the `most` most frequent of them."""
        lo = bisect_left(self._norm_sorted, word)
        hi = bisect_left(self._norm_sorted, word + "\U0010ffff", lo)
        span = self._norm_sorted[lo:hi]
        if len(span) > most:
            span = nlargest(most, span, key=self._norm_df.__getitem__)
        return span


def _lengths_within(length: int, cutoff: float) -> range:
    """Word lengths whose best possible fuzz.ratio against a `length`-word reaches `cutoff`."""
    lo = length
    while lo > 1 and 200.0 * (lo - 1) / (length + lo - 1) >= cutoff:
        lo -= 1
    hi = length
    while 200.0 * length / (length + hi + 1) >= cutoff:
        hi += 1
    return range(lo, hi + 1)


def _one_edit_prefixes(word: str) -> set[str]:
    """Strings one typo away from unfinished `word`, as prefixes (Norvig-style edits).

    Edits at the very end are left out: dropping or changing the last typed letter would
    complete to anything sharing the rest, and appending is what completion already does.
    Looking each one up by bisection is far cheaper than fuzzy-scoring every word's prefix.
    """
    letters = _ALPHABET | set(word)
    splits = [(word[:i], word[i:]) for i in range(1, len(word))]
    out = {a + b[1:] for a, b in splits if len(b) > 1}  # deletes (not the last letter)
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}  # transposes
    out |= {a + c + b[1:] for a, b in splits if len(b) > 1 for c in letters}  # substitutes
    out |= {a + c + b for a, b in splits for c in letters}  # inserts
    out.discard(word)
    return out
