"""Changed facts inside one passage: numbers, dates, names, quotations (see `facts`)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from newsreader.corpus import Article
from newsreader.provenance import mentions as m
from newsreader.provenance import names as nm
from newsreader.provenance.fact_model import FactChange, make_change, number_pairs, phrase
from newsreader.reuse import Comparison, DiffOp, Passage
from newsreader.reuse.lexicon import STOP_WORDS
from newsreader.reuse.tokens import tokenize

SMALL_OP_WORDS = 4  # a replaced run longer than this is rewording, not a swap of one fact


def _same_date(x: str, y: str) -> bool:
    tx, ty = set(x.split()), set(y.split())
    return tx <= ty or ty <= tx


def _date_type(norm: str) -> str:
    if norm.isdigit():
        return "year"
    return "weekday" if norm.endswith("day") else "day"


def _in_any(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether `s:e` (or the insertion point `s`, when empty) lies inside a quotation."""
    if s == e:
        return any(qs < s < qe for qs, qe in spans)
    return any(qs < s and e <= qe for qs, qe in spans)


def _paragraphs_text(article: Article, span: tuple[int, int]) -> str:
    """The text of the paragraphs a span touches (the span itself if none)."""
    inside = [p for p in article.paragraphs if p.start < span[1] and p.end > span[0]]
    if not inside:
        return article.text[span[0] : span[1]]
    return article.text[min(p.start for p in inside) : max(p.end for p in inside)]


def _absent(text: str, name: tuple[int, int, str], other: str) -> bool:
    words = re.findall(r"\w{3,}", text[name[0] : name[1]].casefold())
    return bool(words) and not any(w in other for w in words)


def _trivial(x: str, y: str) -> bool:
    """An edit that changes no fact: case, spelling variants, hyphens and punctuation
    (`double-act`), one word respelt (`judgment`/`judgement`, `files`/`file`), or only
    little words added or dropped (`Britain is` -> `Britain's`, `the`)."""
    nx = [t.norm for t in tokenize(x)]
    ny = [t.norm for t in tokenize(y)]
    if "".join(nx) == "".join(ny):
        return True
    if len(nx) == 1 and len(ny) == 1 and min(len(nx[0]), len(ny[0])) >= 4:
        # Same start (so `possible` -> `impossible` stays a change) and nearly the same letters.
        same_start = nx[0][:3] == ny[0][:3]
        return same_start and SequenceMatcher(None, nx[0], ny[0]).ratio() >= 0.85
    return not (nx and ny) and all(w in STOP_WORDS for w in nx + ny)


def _quotes(article: Article) -> list[tuple[int, int]]:
    return [q for p in article.paragraphs for q in nm.quote_spans(article.text, p.start, p.end)]


def _dates(c: Comparison, k: int, sa: tuple[int, int], sb: tuple[int, int]) -> list[FactChange]:
    out = []
    da, db = m.dates(c.a.text, *sa), m.dates(c.b.text, *sb)
    for ys, ye, yn in db:
        if any(_same_date(xn, yn) for _, _, xn in da):
            continue
        for xs, xe, xn in da:
            if _date_type(xn) == _date_type(yn) and not any(_same_date(xn, zn) for _, _, zn in db):
                out.append(make_change("date", c, (xs, xe), (ys, ye), k))
                break
    return out


def _touching(qs: list[m.Quantity], s: int, e: int) -> list[m.Quantity]:
    """Whole quantity mentions overlapping `s:e` (a diff may split `10 million` from `10m`)."""
    return [q for q in qs if q.start < e and q.end > s]


def _swap(
    c: Comparison,
    k: int,
    d: DiffOp,
    folded: tuple[str, str],
    quantities: tuple[list[m.Quantity], list[m.Quantity]],
) -> FactChange | None:
    """A replaced run that swaps a number or a name for another."""
    a, b = c.a, c.b
    qa = _touching(quantities[0], d.a_start, d.a_end)
    qb = _touching(quantities[1], d.b_start, d.b_end)
    if len(qa) == 1 and len(qb) == 1 and not qa[0].same_value(qb[0]):
        return make_change("number", c, (qa[0].start, qa[0].end), (qb[0].start, qb[0].end), k)
    if c.passages[k].op_part(d).kind == "paraphrase":  # loosely aligned: swapped names are noise
        return None
    gone = [n for n in nm.names(a.text, d.a_start, d.a_end) if _absent(a.text, n, folded[1])]
    came = [n for n in nm.names(b.text, d.b_start, d.b_end) if _absent(b.text, n, folded[0])]
    if gone and came:
        return make_change("name", c, gone[0][:2], came[0][:2], k)
    return None


def passage_changes(c: Comparison, k: int, p: Passage) -> list[FactChange]:
    """The changed facts of passage number `k` of `c`."""
    a, b = c.a, c.b
    sa, sb = p.span("a"), p.span("b")
    out: list[FactChange] = []
    quantities = (m.quantities(a.text, *sa), m.quantities(b.text, *sb))
    for x, y in number_pairs(*quantities):
        keep = x.unit & y.unit
        out.append(make_change("number", c, phrase(a.text, x, keep), phrase(b.text, y, keep), k))
    out.extend(_dates(c, k, sa, sb))
    # A name only counts as gone (or new) when the other side's paragraphs do not mention it
    # at all, case aside: `SPRINGFIELD` -> `Springfield-based` is no change of name.
    folded = (_paragraphs_text(a, sa).casefold(), _paragraphs_text(b, sb).casefold())
    qa, qb = _quotes(a), _quotes(b)
    flagged = {(f.b_start, f.b_end) for f in out}
    for d in p.diff:
        if d.op == "equal":
            continue
        at, bt = a.text[d.a_start : d.a_end], b.text[d.b_start : d.b_end]
        small = len(at.split()) <= SMALL_OP_WORDS and len(bt.split()) <= SMALL_OP_WORDS
        if d.op == "replace" and small:
            swap = _swap(c, k, d, folded, quantities)
            if swap is not None:
                if not any(s <= swap.b_start and swap.b_end <= e for s, e in flagged):
                    out.append(swap)
                continue
        # A misquote: a small edit inside the copy's quotation. The source must be quoting too,
        # except in a verbatim/near passage that the copy puts in quotes; in a paraphrase
        # (loosely aligned) only replaced words count. Long replaced runs are other quotes.
        in_a = _in_any(qa, d.a_start, d.a_end)
        reworded = p.op_part(d).kind == "paraphrase"
        if reworded:
            in_a = in_a and d.op == "replace"
        loose = not reworded and d.op != "delete"
        quoted = small and _in_any(qb, d.b_start, d.b_end) and (in_a or loose)
        if quoted and not _trivial(at, bt):
            out.append(make_change("quotation", c, (d.a_start, d.a_end), (d.b_start, d.b_end), k))
    return out
