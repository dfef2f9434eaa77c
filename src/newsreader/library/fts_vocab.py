"""The search vocabulary: which indexed terms answer a query word (exact, completion, typo).

Terms are the folded words of `search.tokens` (accents and case gone), the same keys the
in-memory index matches on. Each query word is answered by

  - the exact term (score 1.0),
  - completions when it is the word being typed (0.9+, the most frequent first),
  - typo corrections (0.8 x the rapidfuzz-style ratio, a little more for common terms).

Typo candidates are found without reading the vocabulary: every string one edit away from
the query word (a letter deleted, swapped with the next, changed or inserted: ~700 for a
9-letter word) is looked up in `fts_term`'s primary key, in one statement (~1 ms). Reading
the whole vocabulary (fts5vocab) costs 0.16 s at 43k terms, so it is never done per query,
and rapidfuzz (40 ms to import) is not needed for the few candidates this returns. (A
symmetric-delete table, every term minus one letter, found the same and a few two-edit
cases more, but writing it was two thirds of the cost of indexing.) The same rules run over
one article's own words in memory (`TextLexicon`) for next/previous hit in the reader.
"""

from __future__ import annotations

import json
import math
import sqlite3
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator
from heapq import nlargest
from typing import TypeVar

from newsreader.search.tokens import fold_word
from newsreader.search.vocab import (
    EXACT,
    FUZZY,
    FUZZY_PREFIX,
    MAX_FUZZY,
    MAX_PREFIX,
    MIN_FUZZY_LEN,
    MIN_FUZZY_PREFIX_LEN,
    PREFIX,
    _one_edit_prefixes,
    fuzzy_cutoff,
)

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")

SCHEMA: tuple[str, ...] = (
    # df: how many articles hold the term (text or metadata).
    "CREATE TABLE fts_term (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
)


def term_of(word: str) -> str:
    """The index term of a (lower-cased) surface word: folded, letters and digits only.

    Folding may leave compatibility punctuation (`⒈` -> `1.`); FTS5 would split there, so it
    is dropped and a word is always exactly one term. '' means the word is not indexed.
    """
    term = fold_word(word)
    if not term.isalnum():
        term = "".join(c for c in term if c.isalnum())
    return term


T = TypeVar("T")


class TermCache(dict[str, str]):
    """surface word -> term, computed once per distinct word."""

    def __missing__(self, word: str) -> str:
        term = term_of(word)
        self[word] = term
        return term


TERMS = TermCache()


def edits(word: str) -> set[str]:
    """Every string one edit from `word` (Norvig): a letter deleted, two neighbours swapped,
    a letter changed or inserted; new letters from a-z and the word's own letters (so a
    word in another script still meets its own alphabet)."""
    letters = _LETTERS | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(word)
    return out


# -- keeping the vocabulary in step with the index -----------------------------------------


def add_terms(conn: sqlite3.Connection, counts: Counter[str]) -> None:
    """Count `counts[term]` more articles holding each term.

    One statement, the terms passed as JSON: per-term statements from Python cost more than
    the FTS5 inserts themselves.
    """
    if not counts:
        return
    # In key order: B-tree inserts in order touch each page once.
    payload = json.dumps(dict(sorted(counts.items())), ensure_ascii=False)
    conn.execute(
        "INSERT INTO fts_term (term, df) SELECT key, value FROM json_each(?) WHERE 1 "
        "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
        (payload,),
    )


def remove_terms(conn: sqlite3.Connection, counts: Counter[str]) -> None:
    """Count `counts[term]` fewer articles; a term no article holds any more is forgotten."""
    if not counts:
        return
    payload = json.dumps(counts, ensure_ascii=False)
    conn.execute(
        "UPDATE fts_term SET df = df - j.value FROM json_each(?) AS j WHERE fts_term.term = j.key",
        (payload,),
    )
    conn.execute(
        "DELETE FROM fts_term WHERE df <= 0 AND term IN (SELECT key FROM json_each(?))",
        (payload,),
    )


# -- answering query words -------------------------------------------------------------------


class Lexicon(ABC):
    """Where terms and their document frequencies come from (the library, or one text)."""

    @abstractmethod
    def df(self, term: str) -> int:
        """How often `term` occurs: in how many articles (the library), or in one text."""

    @abstractmethod
    def completions(self, prefix: str, most: int) -> list[tuple[str, int]]:
        """Terms longer than `prefix` starting with it: the `most` most frequent."""

    @abstractmethod
    def near(self, word: str) -> list[tuple[str, int]]:
        """Terms one edit from `word`: typo candidates."""

    @abstractmethod
    def prefixed(self, prefixes: Iterable[str], most: int) -> list[tuple[str, int]]:
        """Terms starting with any of `prefixes`: the `most` most frequent."""


class SqlLexicon(Lexicon):
    """The library's vocabulary, read with indexed lookups only."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def df(self, term: str) -> int:
        row = self.conn.execute("SELECT df FROM fts_term WHERE term = ?", (term,)).fetchone()
        return int(row[0]) if row else 0

    def completions(self, prefix: str, most: int) -> list[tuple[str, int]]:
        return self.conn.execute(
            "SELECT term, df FROM fts_term WHERE term > ? AND term < ? ORDER BY df DESC LIMIT ?",
            (prefix, prefix + "\U0010ffff", most),
        ).fetchall()

    def near(self, word: str) -> list[tuple[str, int]]:
        return self.conn.execute(
            "SELECT term, df FROM fts_term WHERE term IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(edits(word)), ensure_ascii=False),),
        ).fetchall()

    def prefixed(self, prefixes: Iterable[str], most: int) -> list[tuple[str, int]]:
        # One statement: SQLite walks the term index once per prefix, in C.
        return self.conn.execute(
            "SELECT DISTINCT t.term, t.df FROM json_each(?) AS p JOIN fts_term AS t "
            "ON t.term >= p.value AND t.term < p.value || char(1114111) "
            "ORDER BY t.df DESC LIMIT ?",
            (json.dumps(sorted(prefixes), ensure_ascii=False), most),
        ).fetchall()


class TextLexicon(Lexicon):
    """The terms of one text (counted by occurrence), for finding hits inside it."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.counts = Counter(t for t in terms if t)

    def df(self, term: str) -> int:
        return self.counts.get(term, 0)

    def completions(self, prefix: str, most: int) -> list[tuple[str, int]]:
        found = [
            (t, n)
            for t, n in self.counts.items()
            if len(t) > len(prefix) and t[: len(prefix)] == prefix
        ]
        return nlargest(most, found, key=lambda tn: tn[1])

    def near(self, word: str) -> list[tuple[str, int]]:
        counts = self.counts
        return [(t, counts[t]) for t in edits(word) if t in counts]

    def prefixed(self, prefixes: Iterable[str], most: int) -> list[tuple[str, int]]:
        heads = set(prefixes)
        lengths = {len(p) for p in heads}
        found = [(t, n) for t, n in self.counts.items() if any(t[:k] in heads for k in lengths)]
        return nlargest(most, found, key=lambda tn: tn[1])


def expand(lexicon: Lexicon, word: str, *, prefix: bool) -> dict[str, float]:
    """The terms answering query term `word`, with 0..1 scores (see the module docstring).

    `prefix` is for the word still being typed: completions count too.
    """
    scored: dict[str, float] = {}
    exact_df = lexicon.df(word)
    if prefix and len(word) >= MIN_FUZZY_PREFIX_LEN and word.isalpha():
        # A typo in the word being typed: completions of its one-edit variants.
        for term, _df in lexicon.prefixed(_one_edit_prefixes(word), MAX_PREFIX // 4):
            scored[term] = FUZZY_PREFIX
    if prefix:
        for term, _df in lexicon.completions(word, MAX_PREFIX):
            # Completions nearer the typed length rank higher ("meet" -> meet > meeting).
            scored[term] = PREFIX + 0.09 * len(word) / len(term)
    if len(word) >= MIN_FUZZY_LEN and word.isalpha():
        cutoff = fuzzy_cutoff(len(word))
        fuzzy = []
        for term, df in lexicon.near(word):
            if term == word or term in scored or not df:
                continue
            r = ratio(word, term)
            if r >= cutoff:
                # Edit distance first; a common term beats a rare one at the same distance.
                weight = 0.9 + 0.1 * min(1.0, math.log10(df + 1) / 4)
                fuzzy.append((FUZZY * r / 100.0 * weight, term))
        for score, term in nlargest(MAX_FUZZY, fuzzy):
            scored[term] = score
    if exact_df:
        scored[word] = EXACT
    return scored


def ratio(a: str, b: str) -> float:
    """rapidfuzz's `fuzz.ratio`: 100 x (1 - Indel distance / total length), via the LCS."""
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return 200.0 * prev[-1] / (len(a) + len(b))


def iter_batches(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
