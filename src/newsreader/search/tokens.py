"""Words and their offsets, found fast and folded for matching.

Matching is case- and accent-insensitive, but every offset must point into the original
`Article.text`. We therefore tokenise a *lower-cased copy of the same length* (so token offsets
are offsets into the original) and fold each distinct surface word once (NFKD, strip combining
marks, casefold) when it enters the vocabulary. Tokenising uses `re.split` plus
`itertools.accumulate` so the per-token work runs in C: 5M words must index in seconds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import accumulate

# Han and kana carry no spaces between words, so each ideograph is its own token (a query
# becomes a phrase of characters). Everything else: runs of letters/digits, keeping combining
# marks inside the word so decomposed accents (`e` + U+0301) stay part of it, and invisible
# in-word characters (soft hyphen, zero-width space/joiners, word joiner, BOM) too, so
# `Ten\u200bcent` is one word that folds to `tencent` while its span covers what is written.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_LETTERS = rf"(?:[^\W_{_CJK}]|[{_MARKS}])+"
WORD_PATTERN = rf"[{_CJK}]|{_LETTERS}(?:[{_INVISIBLE}]+{_LETTERS})*"
# Twice as fast; right whenever the text has no CJK and no combining marks (most news).
_SPLIT_FAST = re.compile(r"([^\W_]+)")
_WORD_FAST = re.compile(r"[^\W_]+")
_NEEDS_FULL = re.compile(f"[{_CJK}{_MARKS}{_INVISIBLE}]")
_STRIP_INVISIBLE = str.maketrans("", "", "\u00ad\u200b\u200c\u200d\u2060\ufeff")


# The full patterns take ~30 ms each to compile (Unicode classes): only when text needs them,
# so a one-shot `newsreader search` with a plain query never pays for them.
@lru_cache(maxsize=1)
def _full_split() -> re.Pattern[str]:
    return re.compile(f"({WORD_PATTERN})")


@lru_cache(maxsize=1)
def _full_word() -> re.Pattern[str]:
    return re.compile(WORD_PATTERN)


def warm_up() -> None:
    """Compile the full patterns now (a long-lived process, off its UI thread): else the
    first keystroke that meets a non-ASCII text pays for them (~15-30 ms)."""
    _full_split()
    _full_word()


def _word_pattern(text: str) -> re.Pattern[str]:
    return _full_word() if _NEEDS_FULL.search(text) else _WORD_FAST


def lower_same_length(text: str) -> str:
    """`text.lower()`, but guaranteed to keep every character at its offset.

    A few characters lower-case to two (`İ` -> `i̇`); those keep their own case here, so
    offsets found in the result are offsets into `text`.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """The matching key of a word: accents and invisible characters stripped, case folded
    (`Café` -> `cafe`, `Ten\u200bcent` -> `tencent`)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.translate(_STRIP_INVISIBLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def split_words(text: str) -> tuple[list[str], list[int]]:
    """Lower-cased surface words of `text` and the start offset of each.

    The end of word i is `starts[i] + len(words[i])` (lower-casing kept lengths).
    """
    splitter = _full_split() if _NEEDS_FULL.search(text) else _SPLIT_FAST
    parts = splitter.split(lower_same_length(text))
    words = parts[1::2]
    # parts alternate separator, word, separator, ...; the running length at each
    # separator's end is the next word's start.
    ends = list(accumulate(map(len, parts)))
    return words, ends[0:-1:2]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word in `text` (slow path: for queries and small strings)."""
    return [m.span() for m in _word_pattern(text).finditer(text)]


def query_words(query: str) -> list[str]:
    """The folded words of a query, in order; empty when it has no letters or digits."""
    return [fold_word(w) for w in _word_pattern(query).findall(lower_same_length(query))]
