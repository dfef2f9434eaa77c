"""Paraphrase: the same statement reworded, found between sentences the copy finder left alone.

Lexical evidence only: two sentences must share several lower-case content words (names and
attributions alone are not a paraphrase: every story on a topic shares them), their content
words must overlap enough, and numbers that disagree count against them.
"""

from __future__ import annotations

import difflib
import heapq
import math
import threading
from collections import defaultdict
from dataclasses import dataclass

from newsreader.corpus import Article
from newsreader.reuse.align import check
from newsreader.reuse.lexicon import is_content, stem
from newsreader.reuse.models import DiffOp, Passage
from newsreader.reuse.tokens import Token

MIN_SHARED_LOWER = 3  # shared lower-case content stems (numbers count)
MIN_SCORE = 0.33  # idf-weighted overlap of content stems
MAX_COVERED = 0.5  # sentences already this much inside copied passages are not candidates
MAX_PARTNERS = 2  # a sentence may be reworded into two (a split, or a repeated statement)
MAX_POSTINGS = 40  # sentences of a that may share a word for it to shortlist partners
SHORTLIST = 8  # partners of one sentence scored in full
SECOND_PARTNER = 0.75  # ... when the second fits at least this well relative to the first


@dataclass(slots=True)
class _Unit:
    """One sentence as a bag of content stems."""

    first: int  # token index range
    last: int
    start: int  # character span
    end: int
    stems: frozenset[str]
    lower: frozenset[str]  # stems written in lower case somewhere in the sentence, or numbers
    numbers: frozenset[str]


def _units(tokens: list[Token], spans: list[tuple[int, int]], used: bytearray) -> list[_Unit]:
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(tokens):
        by_sentence[t.sentence].append(i)
    out = []
    for sid, idx in sorted(by_sentence.items()):
        covered = sum(used[i] for i in idx)
        if covered > MAX_COVERED * len(idx):
            continue
        stems, lower, numbers = set(), set(), set()
        for i in idx:
            t = tokens[i]
            if not is_content(t.norm):
                continue
            s = stem(t.norm)
            stems.add(s)
            if t.norm[:1].isdigit():
                numbers.add(t.norm)
                lower.add(s)
            elif t.lower:
                lower.add(s)
        s0, e0 = spans[sid]
        out.append(
            _Unit(
                idx[0], idx[-1] + 1, s0, e0, frozenset(stems), frozenset(lower), frozenset(numbers)
            )
        )
    return out


def _idf(tokens_a: list[Token], tokens_b: list[Token]) -> dict[str, float]:
    """Rarity of each stem across the sentences of both articles: the story's topic words
    (its names, "online", "partnership") occur everywhere and prove little."""
    df: dict[str, int] = defaultdict(int)
    sentences = 0
    for tokens in (tokens_a, tokens_b):
        by_sentence: dict[int, set[str]] = defaultdict(set)
        for t in tokens:
            if is_content(t.norm):
                by_sentence[t.sentence].add(stem(t.norm))
        sentences += len(by_sentence)
        for stems in by_sentence.values():
            for s in stems:
                df[s] += 1
    # a shared figure is strong evidence of the same statement: numbers weigh double
    return {
        s: math.log((sentences + 1) / n) * (2.0 if s[:1].isdigit() else 1.0) for s, n in df.items()
    }


def _score(x: _Unit, y: _Unit, idf: dict[str, float]) -> tuple[float, int]:
    shared = x.stems & y.stems
    shared_lower = len(x.lower & y.lower)
    total = sum(idf[s] for s in x.stems) + sum(idf[s] for s in y.stems)
    dice = 2 * sum(idf[s] for s in shared) / total if total else 0.0
    # numbers each side states and the other does not: a changed fact, not the same statement
    if x.numbers and y.numbers and not (x.numbers & y.numbers):
        dice *= 0.5
    return dice, shared_lower


def find(
    a: Article,
    b: Article,
    ta: list[Token],
    tb: list[Token],
    sa: list[tuple[int, int]],
    sb: list[tuple[int, int]],
    copied: list[Passage],
    *,
    cancel: threading.Event | None = None,
) -> list[Passage]:
    """Paraphrase passages between sentences not already inside copied passages."""
    used_a, used_b = _used(ta, copied, "a"), _used(tb, copied, "b")
    ua, ub = _units(ta, sa, used_a), _units(tb, sb, used_b)
    idf = _idf(ta, tb)
    index: dict[str, list[int]] = defaultdict(list)
    for n, u in enumerate(ua):
        for s in u.lower:
            index[s].append(n)
    candidates = []
    for m, y in enumerate(ub):
        if m % 64 == 0:
            check(cancel)
        # Shortlist by shared rare words: a word in most sentences cannot single out a partner,
        # and skipping it keeps long texts with a small vocabulary from going quadratic.
        votes: dict[int, float] = defaultdict(float)
        for s in y.lower:
            postings = index.get(s, ())
            if len(postings) <= MAX_POSTINGS:
                for n in postings:
                    votes[n] += idf[s]
        for n in heapq.nlargest(SHORTLIST, votes, key=votes.__getitem__):
            score, shared_lower = _score(ua[n], y, idf)
            if (
                shared_lower >= MIN_SHARED_LOWER
                and score >= MIN_SCORE
                and not _one_stock_phrase(ua[n], y, ta, tb)
            ):
                candidates.append((score, n, m))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    best_a: dict[int, list[float]] = defaultdict(list)
    best_b: dict[int, list[float]] = defaultdict(list)
    out = []
    for score, n, m in candidates:
        if not (_room(best_a[n], score) and _room(best_b[m], score)):
            continue
        best_a[n].append(score)
        best_b[m].append(score)
        out.append(_passage(ua[n], ub[m], ta, tb, score))
    return out


def _one_stock_phrase(x: _Unit, y: _Unit, ta: list[Token], tb: list[Token]) -> bool:
    """True when all the shared evidence sits in one short phrase both sentences contain
    ("to host online conversations"): a stock phrase in two different statements."""
    xa, yb = ta[x.first : x.last], tb[y.first : y.last]
    sm = difflib.SequenceMatcher(None, [t.norm for t in xa], [t.norm for t in yb], autojunk=False)
    shared = x.lower & y.lower
    phrases = 0
    for block in sm.get_matching_blocks():
        if block.size < 3:
            continue
        words = xa[block.a : block.a + block.size]
        if any(t.norm[:1].isdigit() for t in words):
            return (
                False  # a shared figure ("100 countries and regions") is a fact, not a stock phrase
            )
        inside = {stem(t.norm) for t in words} & shared
        if inside:
            phrases += 1
            shared = shared - inside
    return phrases == 1 and not shared


def _room(scores: list[float], score: float) -> bool:
    """A sentence takes a further partner only when it fits about as well as its best one."""
    return not scores or (len(scores) < MAX_PARTNERS and score >= SECOND_PARTNER * scores[0])


def _used(tokens: list[Token], passages: list[Passage], side: str) -> bytearray:
    size = tokens[-1].end + 1 if tokens else 0
    marks = bytearray(size)
    for p in passages:
        s, e = p.span(side)  # type: ignore[arg-type]
        marks[s:e] = b"\x01" * (min(e, size) - min(s, size))
    return bytearray(marks[t.start] for t in tokens)


def _passage(x: _Unit, y: _Unit, ta: list[Token], tb: list[Token], score: float) -> Passage:
    xa, yb = ta[x.first : x.last], tb[y.first : y.last]
    sm = difflib.SequenceMatcher(None, [t.norm for t in xa], [t.norm for t in yb], autojunk=False)
    diff = []
    for name, i0, i1, j0, j1 in sm.get_opcodes():
        a_span = (xa[i0].start, xa[i1 - 1].end) if i1 > i0 else _gap(xa, i0, x.start)
        b_span = (yb[j0].start, yb[j1 - 1].end) if j1 > j0 else _gap(yb, j0, y.start)
        diff.append(DiffOp(name, *a_span, *b_span))  # type: ignore[arg-type]
    return Passage(x.start, x.end, y.start, y.end, "paraphrase", round(score, 3), tuple(diff))


def _gap(toks: list[Token], i: int, fallback: int) -> tuple[int, int]:
    return (toks[i - 1].end, toks[i - 1].end) if i > 0 else (fallback, fallback)
