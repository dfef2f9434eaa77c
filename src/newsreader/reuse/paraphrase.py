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
from newsreader.progress import check
from newsreader.reuse.lexicon import is_content, stem
from newsreader.reuse.models import DiffOp, Passage
from newsreader.reuse.tokens import Token

MIN_SHARED_LOWER = 3  # shared lower-case content stems (numbers count)
MIN_SCORE = 0.36  # idf-weighted overlap of content stems
MIN_CLAUSE_SCORE = 0.55  # a clause pair must agree more than whole sentences
MAX_UNIT_WORDS = 100  # longer "sentences" are run-on blocks, matched in clauses
MIN_CLAUSE_WORDS = 3  # content words for a clause to stand alone
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
        if len(idx) <= MAX_UNIT_WORDS:
            out.append(_unit(tokens, idx, *spans[sid]))
            continue
        # Not a sentence but a run-on block (no punctuation): a statement is shorter than this,
        # so match its clauses, or fixed slices of them.
        for part in _split_long(tokens, idx):
            if part:
                out.append(_unit(tokens, part, tokens[part[0]].start, tokens[part[-1]].end))
    return out


def _split_long(tokens: list[Token], idx: list[int]) -> list[list[int]]:
    parts: list[list[int]] = []
    for i in idx:
        if not parts or tokens[i].clause or len(parts[-1]) >= MAX_UNIT_WORDS // 2:
            parts.append([])
        parts[-1].append(i)
    return parts


def _unit(tokens: list[Token], idx: list[int], start: int, end: int) -> _Unit:
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
    return _Unit(
        idx[0], idx[-1] + 1, start, end, frozenset(stems), frozenset(lower), frozenset(numbers)
    )


def _clauses(u: _Unit, tokens: list[Token]) -> list[_Unit]:
    """The clauses of a sentence (cut at `,;:()—` and quotation marks), tiny ones merged into
    their neighbour, so a reworded clause inside a long sentence can be matched alone."""
    groups: list[list[int]] = []
    for i in range(u.first, u.last):
        t = tokens[i]
        if not groups or t.clause or t.quote:
            groups.append([])
        groups[-1].append(i)
    merged: list[list[int]] = []
    for g in groups:
        small = sum(is_content(tokens[i].norm) for i in g) < MIN_CLAUSE_WORDS
        if merged and (
            small or sum(is_content(tokens[i].norm) for i in merged[-1]) < MIN_CLAUSE_WORDS
        ):
            merged[-1].extend(g)
        else:
            merged.append(g)
    if len(merged) < 2:
        return []
    return [_unit(tokens, g, tokens[g[0]].start, tokens[g[-1]].end) for g in merged]


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
        s: math.log(1 + (sentences + 1) / n) * (2.0 if s[:1].isdigit() else 1.0)
        for s, n in df.items()
    }


def _score(x: _Unit, y: _Unit, idf: dict[str, float]) -> tuple[float, int]:
    shared = x.stems & y.stems
    shared_lower = len(x.lower & y.lower)
    total = sum(idf[s] for s in x.stems) + sum(idf[s] for s in y.stems)
    dice = 2 * sum(idf[s] for s in shared) / total if total else 0.0
    # numbers each side states and the other does not: a changed fact, not the same statement
    if x.numbers - y.numbers and y.numbers - x.numbers:
        dice *= 0.5 if not (x.numbers & y.numbers) else 0.75
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
            # the sentences as wholes, and their best-matching clauses: selection below keeps
            # the better of overlapping ones
            for found in (
                _match(ua[n], y, ta, tb, idf, MIN_SCORE),
                _best_clauses(ua[n], y, ta, tb, idf),
            ):
                if found is not None:
                    candidates.append((found[0], n, m, found[1], found[2]))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    taken_a: dict[tuple[int, int], list[float]] = {}
    taken_b: dict[tuple[int, int], list[float]] = {}
    out = []
    for score, _, _, x, y in candidates:
        if not (_room(taken_a, x, score) and _room(taken_b, y, score)):
            continue
        taken_a.setdefault((x.first, x.last), []).append(score)
        taken_b.setdefault((y.first, y.last), []).append(score)
        out.append(_passage(x, y, ta, tb, score))
    return out


def _match(
    x: _Unit, y: _Unit, ta: list[Token], tb: list[Token], idf: dict[str, float], minimum: float
) -> tuple[float, _Unit, _Unit] | None:
    score, shared_lower = _score(x, y, idf)
    if (
        shared_lower >= MIN_SHARED_LOWER
        and score >= minimum
        and not _one_stock_phrase(x, y, ta, tb)
    ):
        return score, x, y
    return None


def _best_clauses(
    x: _Unit, y: _Unit, ta: list[Token], tb: list[Token], idf: dict[str, float]
) -> tuple[float, _Unit, _Unit] | None:
    """The best pair of clauses of two sentences that say the same thing, if any."""
    if len(x.lower & y.lower) < MIN_SHARED_LOWER:
        return None
    best = None
    cx, cy = [x, *_clauses(x, ta)], [y, *_clauses(y, tb)]
    for u in cx:
        for v in cy:
            if u is x and v is y:
                continue
            found = _match(u, v, ta, tb, idf, MIN_CLAUSE_SCORE)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
    return best


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


def _room(taken: dict[tuple[int, int], list[float]], u: _Unit, score: float) -> bool:
    """A sentence or clause takes a further partner only when it fits about as well as its
    best one, and never overlaps another unit already matched (a clause of that sentence)."""
    for (first, last), scores in taken.items():
        if (first, last) == (u.first, u.last):
            return len(scores) < MAX_PARTNERS and score >= SECOND_PARTNER * scores[0]
        if first < u.last and u.first < last:
            return False
    return True


def _used(tokens: list[Token], passages: list[Passage], side: str) -> bytearray:
    size = tokens[-1].end + 1 if tokens else 0
    marks = bytearray(size)
    for p in passages:
        s, e = p.span(side)  # type: ignore[arg-type]
        marks[s:e] = b"\x01" * (min(e, size) - min(s, size))
    return bytearray(marks[t.start] for t in tokens)


def _passage(x: _Unit, y: _Unit, ta: list[Token], tb: list[Token], score: float) -> Passage:
    xa, yb = ta[x.first : x.last], tb[y.first : y.last]
    # stems, so `partners`/`partnered` line up as the same word reworded
    sm = difflib.SequenceMatcher(
        None, [stem(t.norm) for t in xa], [stem(t.norm) for t in yb], autojunk=False
    )
    diff = []
    for name, i0, i1, j0, j1 in sm.get_opcodes():
        a_span = (xa[i0].start, xa[i1 - 1].end) if i1 > i0 else _gap(xa, i0, x.start)
        b_span = (yb[j0].start, yb[j1 - 1].end) if j1 > j0 else _gap(yb, j0, y.start)
        diff.append(DiffOp(name, *a_span, *b_span))
    return Passage(x.start, x.end, y.start, y.end, "paraphrase", round(score, 3), tuple(diff))


def _gap(toks: list[Token], i: int, fallback: int) -> tuple[int, int]:
    return (toks[i - 1].end, toks[i - 1].end) if i > 0 else (fallback, fallback)
