"""Join passages that continue each other on both sides into one passage a reader can follow.

The copy finder and the paraphrase finder each report what they found in pieces: a rewritten
sentence comes out as an edited stretch, a copied clause, another edited stretch and a copied
last word, and consecutive reused sentences as one passage each. A reader stepping with `n`
should meet the statement once, with the changed words inside its diff. So passages that follow
each other in the same order on both sides, with at most a few words between them, become one:
its diff carries the pieces' ops and the words between them (aligned as a word diff), and its
kind is decided on the whole (verbatim only when every word is kept).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from newsreader.corpus import Article
from newsreader.corpus.metadata import dateline_end
from newsreader.reuse.align import MAX_GAP
from newsreader.reuse.models import DiffOp, Part, Passage
from newsreader.reuse.passages import MIN_NEAR_SHARE, gap_ops
from newsreader.reuse.tokens import ESCAPE, Token

MAX_JOIN_GAP = MAX_GAP  # words between two passages (on each side) that still join them
_CLOSES = re.compile(r"[,.!?…][\"”»]")
_OPENS = re.compile(r"[,:]\s+[\"“«]|[“«]")
MIN_WORDS = 3  # a passage shorter than this on a side is a stray piece unless a whole sentence
LOOK_BACK = 4  # passages before one (in a's order) that it may continue
MIN_QUOTE_WORDS = 6  # a quotation this long copied verbatim is shown apart ("in a coma" is not)


class _Side:
    """One article's tokens, searchable by character offset."""

    def __init__(self, article: Article, tokens: list[Token]) -> None:
        self.text = article.text
        self.tokens = tokens
        self.starts = [t.start for t in tokens]
        self.boilerplate = [(p.start, p.end) for p in article.paragraphs if p.boilerplate]
        self.paragraphs = [(p.start, p.end) for p in article.paragraphs if not p.boilerplate]
        self.para_starts = [s for s, _ in self.paragraphs]

    def after_dateline(self, start: int, end: int) -> int:
        """`start` moved past a wire dateline (`HONG KONG, April 1, 2020 /PRNewswire/ --`)
        when the span opens a paragraph that opens with one."""
        k = bisect.bisect_right(self.para_starts, start) - 1
        if k < 0:
            return start
        ps, pe = self.paragraphs[k]
        if self.text[ps:start].strip():
            return start  # not at the paragraph's opening
        body = dateline_end(self.text[ps:pe])
        if body is None:
            return start
        cut = ps + body
        return cut if start < cut < end else start

    def index(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return bisect.bisect_left(self.starts, offset)

    def words(self, start: int, end: int) -> int:
        return self.index(end) - self.index(start)

    def word_span(self, start: int, end: int) -> tuple[int, int]:
        """From the first word's start to the last word's end inside `start:end`; (0, 0)
        when there is no word there."""
        i, j = self.index(start), self.index(end)
        if j <= i:
            return 0, 0
        return self.tokens[i].start, self.tokens[j - 1].end

    def has_boilerplate(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.boilerplate)

    def same_sentence(self, end: int, start: int) -> bool:
        """Whether the word ending at `end` and the word starting at `start` (or after) share
        a sentence."""
        i, j = self.index(end) - 1, self.index(start)
        if not (0 <= i < len(self.tokens) and j < len(self.tokens)):
            return False
        return self.tokens[i].sentence == self.tokens[j].sentence

    def quotation_edge(self, end: int, start: int) -> str | None:
        """ "closes" when a quotation ends between `end` and `start` (`cooperation," Martin Lau
        said`), "opens" when one starts there (`said: "We`), else None."""
        gap = self.text[end:start]
        if _CLOSES.search(gap):
            return "closes"
        if _OPENS.search(gap):
            return "opens"
        return None

    def quoted_words(self, start: int, end: int, *, opens: bool) -> int:
        """Words of the quotation at the start (`opens`) or at the end of `start:end`: up to
        the next quotation mark, or back to the last one."""
        i, j = self.index(start), self.index(end)
        if opens:
            k = i + 1
            while k < j and not self.tokens[k].quote:
                k += 1
            return k - i
        k = j - 1
        while k > i and not self.tokens[k].quote:
            k -= 1
        return j - k

    def whole_sentences(self, start: int, end: int) -> bool:
        i, j = self.index(start), self.index(end)
        if j <= i:
            return False
        toks = self.tokens
        return (i == 0 or toks[i - 1].sentence != toks[i].sentence) and (
            j == len(toks) or toks[j].sentence != toks[j - 1].sentence
        )


def join_continuing(
    passages: Sequence[Passage], a: Article, b: Article, ta: list[Token], tb: list[Token]
) -> list[Passage]:
    """Passages with the ones that continue each other joined, stray pieces dropped, in a's
    order.

    Pieces of one sentence (on either side) join first, and the sentence's kind is decided on
    the whole. Then whole sentences with nothing between them join too, and so does a quotation
    copied word for word with its reworded attribution: one passage, kind on the whole, whose
    parts keep each sentence's own kind ("verbatim" is the strongest fact a reader can be
    shown, so a copied sentence stays a copied part inside an edited passage)."""
    sa, sb = _Side(a, ta), _Side(b, tb)
    ordered = _without_double_claims(passages, sa, sb)
    units = _join_runs(ordered, sa, sb, lambda p, q: _one_sentence(p, q, sa, sb))
    units = [_tidy(p, sa, sb) for p in units if not _stray(p, sa, sb)]
    joined = _join_runs(units, sa, sb, lambda p, q: _neighbours(p, q, sa, sb), parts=True)
    return [_untangle(_tidy(p, sa, sb)) for p in joined]


def _untangle(p: Passage) -> Passage:
    """Ops that claim the same characters become one: `£4m` is two words for matching (`4`,
    `million`), so `4 million` -> `£4m` came out as two replacements of the same `4m`."""
    if len(p.diff) < 2:
        return p
    out: list[DiffOp] = [p.diff[0]]
    for d in p.diff[1:]:
        prev = out[-1]
        if d.a_start >= prev.a_end and d.b_start >= prev.b_end:
            out.append(d)
            continue
        a0, a1 = min(prev.a_start, d.a_start), max(prev.a_end, d.a_end)
        b0, b1 = min(prev.b_start, d.b_start), max(prev.b_end, d.b_end)
        op = "equal" if prev.op == d.op == "equal" else "replace"
        if op == "replace" and a0 == a1:
            op = "insert"
        elif op == "replace" and b0 == b1:
            op = "delete"
        out[-1] = DiffOp(op, a0, a1, b0, b1)  # type: ignore[arg-type]
    return replace(p, diff=tuple(out)) if len(out) < len(p.diff) else p


def _without_double_claims(passages: Sequence[Passage], sa: _Side, sb: _Side) -> list[Passage]:
    """No two passages claim the same words on both sides: one found inside another (a
    reworded clause inside a copied stretch) goes, two that partly overlap (a sentence matched
    as a paraphrase, the copied run reaching into it) become one. Overlap on one side only
    stays: a sentence reworded into two is two passages."""
    out: list[Passage] = []
    for p in sorted(passages, key=lambda p: (p.a_start, -p.a_end, p.b_start)):
        while True:
            hit = next((k for k, q in enumerate(out) if _overlap(p, q)), None)
            if hit is None:
                break
            q = out.pop(hit)
            if _inside(p, q):
                p = q
            elif not _inside(q, p):
                p = _union(q, p, sa, sb)
        out.append(p)
    return sorted(out, key=lambda p: (p.a_start, p.b_start))


def _overlap(p: Passage, q: Passage) -> bool:
    return (
        p.a_start < q.a_end and q.a_start < p.a_end and p.b_start < q.b_end and q.b_start < p.b_end
    )


def _whole(first: Passage, last: Passage) -> Passage:
    """The stretch from `first` to `last` (only its span is read)."""
    return Passage(first.a_start, last.a_end, first.b_start, last.b_end, "near", 0.0)


def _inside(p: Passage, q: Passage) -> bool:
    return (
        q.a_start <= p.a_start
        and p.a_end <= q.a_end
        and q.b_start <= p.b_start
        and p.b_end <= q.b_end
    )


def _union(p: Passage, q: Passage, sa: _Side, sb: _Side) -> Passage:
    a_start, a_end = min(p.a_start, q.a_start), max(p.a_end, q.a_end)
    b_start, b_end = min(p.b_start, q.b_start), max(p.b_end, q.b_end)
    diff = _gap_diff(sa, sb, a_start, a_end, b_start, b_end)
    return _decide([p, q], diff, (a_start, a_end, b_start, b_end), sa, sb)


class _Spans:
    """One side's passage spans, asked "does any span reach into start:end?" in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # furthest end among the spans up to each one
        for _, e in spans:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def any_between(self, end: int, start: int) -> bool:
        """A span that starts before `start` and ends after `end` (so neither the passage
        ending at `end` nor the one starting at `start`)."""
        k = bisect.bisect_left(self.starts, start)
        return k > 0 and self.reach[k - 1] > end


def _join_runs(
    ordered: list[Passage],
    sa: _Side,
    sb: _Side,
    joins: Callable[[Passage, Passage], bool],
    *,
    parts: bool = False,
) -> list[Passage]:
    spans = (_Spans([p.span("a") for p in ordered]), _Spans([p.span("b") for p in ordered]))
    a_starts = [p.a_start for p in ordered]

    def swallows(group: list[Passage], p: Passage) -> bool:
        """Joining p to the group would claim another passage's words on both sides (a
        sentence matched twice, in repetitive text), or words another group already spans
        (two crossing chains of repeated sentences would each claim the stretch between)."""
        whole = _whole(group[0], p)
        mine = {id(q) for q in group} | {id(p)}
        hi = bisect.bisect_left(a_starts, whole.a_end)
        if any(_overlap(whole, q) for q in ordered[:hi] if id(q) not in mine):
            return True
        return any(
            _overlap(whole, _whole(g[0], g[-1])) for g in groups if len(g) > 1 and g is not group
        )

    groups: list[list[Passage]] = []
    for p in ordered:
        # not only the group just before: a sentence the other side repeats is matched twice,
        # and its second match sits between the first and the sentence that continues it
        for g in reversed(groups[-LOOK_BACK:]):
            if _continues(g[-1], p, spans, sa, sb) and joins(g[-1], p) and not swallows(g, p):
                g.append(p)
                break
        else:
            groups.append([p])
    joined = [g[0] if len(g) == 1 else _join(g, sa, sb, parts=parts) for g in groups]
    return sorted(joined, key=lambda p: (p.a_start, p.b_start))


def _one_sentence(p: Passage, q: Passage, sa: _Side, sb: _Side) -> bool:
    """The cut between p and q falls inside a sentence on at least one side, and does not part a
    quotation copied word for word from an attribution that was not: "quote copied verbatim"
    is worth seeing on its own."""
    if not (sa.same_sentence(p.a_end, q.a_start) or sb.same_sentence(p.b_end, q.b_start)):
        return False
    for side, (end, start) in ((sa, (p.a_end, q.a_start)), (sb, (p.b_end, q.b_start))):
        edge = side.quotation_edge(end, start)
        if edge is None:
            continue
        quote, other = (p, q) if edge == "closes" else (q, p)
        span = quote.span("a" if side is sa else "b")
        if (
            quote.kind == "verbatim"
            and other.kind != "verbatim"
            and side.quoted_words(*span, opens=edge == "opens") >= MIN_QUOTE_WORDS
        ):
            return False
    return True


def _neighbours(p: Passage, q: Passage, sa: _Side, sb: _Side) -> bool:
    """Whole sentences with no word between them, or pieces of one sentence the first pass
    kept apart (a quotation copied word for word beside its reworded attribution)."""
    touching = sa.words(p.a_end, q.a_start) == 0 and sb.words(p.b_end, q.b_start) == 0
    return touching or sa.same_sentence(p.a_end, q.a_start) or sb.same_sentence(p.b_end, q.b_start)


def _continues(p: Passage, q: Passage, spans: tuple[_Spans, _Spans], sa: _Side, sb: _Side) -> bool:
    """q starts where p ends on both sides, or a few words later, with nothing else between."""
    if q.a_start < p.a_end or q.b_start < p.b_end:
        return False  # overlapping or crossing: not one statement read in order
    if sa.words(p.a_end, q.a_start) > MAX_JOIN_GAP or sb.words(p.b_end, q.b_start) > MAX_JOIN_GAP:
        return False
    if sa.has_boilerplate(p.a_end, q.a_start) or sb.has_boilerplate(p.b_end, q.b_start):
        return False
    # another passage sitting in the gap (or across the cut) on either side keeps them apart
    return not (
        spans[0].any_between(p.a_end, q.a_start) or spans[1].any_between(p.b_end, q.b_start)
    )


def _ops(p: Passage) -> list[DiffOp]:
    if p.diff:
        return list(p.diff)
    return [DiffOp("equal", p.a_start, p.a_end, p.b_start, p.b_end)]


def _gap_diff(sa: _Side, sb: _Side, a0: int, a1: int, b0: int, b1: int) -> list[DiffOp]:
    """The words between two joined passages as a word diff (shared words stay equal)."""
    i0, i1, j0, j1 = sa.index(a0), sa.index(a1), sb.index(b0), sb.index(b1)
    out = []
    for name, x0, x1, y0, y1 in gap_ops(sa.tokens, sb.tokens, i0, i1, j0, j1):
        xs = (sa.tokens[x0].start, sa.tokens[x1 - 1].end) if x1 > x0 else _place(sa, x0, a0)
        ys = (sb.tokens[y0].start, sb.tokens[y1 - 1].end) if y1 > y0 else _place(sb, y0, b0)
        out.append(DiffOp(name, *xs, *ys))  # type: ignore[arg-type]
    return out


def _place(side: _Side, i: int, fallback: int) -> tuple[int, int]:
    """Where an empty side of an op sits: just after the word before it, inside the gap."""
    pos = side.tokens[i - 1].end if i > 0 else fallback
    pos = max(pos, fallback)
    return pos, pos


def _join(group: list[Passage], sa: _Side, sb: _Side, *, parts: bool = False) -> Passage:
    diff: list[DiffOp] = []
    for prev, p in zip([None, *group], group, strict=False):
        if prev is not None:
            diff.extend(_gap_diff(sa, sb, prev.a_end, p.a_start, prev.b_end, p.b_start))
        diff.extend(_ops(p))
    first, last = group[0], group[-1]
    whole = _decide(group, diff, (first.a_start, last.a_end, first.b_start, last.b_end), sa, sb)
    if not parts:
        return whole
    pieces = _tile([part for p in group for part in p.pieces()], sa, sb)
    if all(part.kind == whole.kind for part in pieces):
        return whole  # one kind throughout: the passage is its one part
    return replace(whole, parts=tuple(pieces))


def _tile(pieces: list[Part], sa: _Side, sb: _Side) -> list[Part]:
    """Parts that hold every word of the passage: the words between two parts (a reworded
    attribution between a copied quotation and the next sentence) go to the neighbour that
    is not verbatim, or become an edited part of their own."""
    out: list[Part] = []
    for part in pieces:
        prev = out[-1] if out else None
        if prev is None or not (
            sa.words(prev.a_end, part.a_start) or sb.words(prev.b_end, part.b_start)
        ):
            out.append(part)
            continue
        a_gap = sa.word_span(prev.a_end, part.a_start)
        b_gap = sb.word_span(prev.b_end, part.b_start)
        if prev.kind != "verbatim":
            out[-1] = replace(prev, a_end=a_gap[1] or prev.a_end, b_end=b_gap[1] or prev.b_end)
            out.append(part)
        elif part.kind != "verbatim":
            out.append(
                replace(part, a_start=a_gap[0] or part.a_start, b_start=b_gap[0] or part.b_start)
            )
        else:
            a0, a1 = a_gap if a_gap[1] else (prev.a_end, prev.a_end)
            b0, b1 = b_gap if b_gap[1] else (prev.b_end, prev.b_end)
            out.extend([Part(a0, a1, b0, b1, "near", 0.0), part])
    return out


def _decide(
    group: list[Passage],
    diff: list[DiffOp],
    span: tuple[int, int, int, int],
    sa: _Side,
    sb: _Side,
) -> Passage:
    """The kind of passages made one, on the whole: verbatim only when every word is kept."""
    a_start, a_end, b_start, b_end = span
    if all(d.op == "equal" for d in diff):
        return Passage(a_start, a_end, b_start, b_end, "verbatim", 1.0, ())
    kept = sum(sa.words(d.a_start, d.a_end) for d in diff if d.op == "equal")
    kept += sum(sb.words(d.b_start, d.b_end) for d in diff if d.op == "equal")
    total = sa.words(a_start, a_end) + sb.words(b_start, b_end)
    share = kept / total if total else 0.0
    sizes = [sa.words(p.a_start, p.a_end) + sb.words(p.b_start, p.b_end) for p in group]
    reworded = sum(n for p, n in zip(group, sizes, strict=True) if p.kind == "paraphrase")
    # a paraphrase's "equal" words are only the same stems: when reworded pieces make up half
    # of it, the whole is reworded even if many words survive
    if share >= MIN_NEAR_SHARE and 2 * reworded < sum(sizes):
        return Passage(a_start, a_end, b_start, b_end, "near", round(share, 3), tuple(diff))
    # reworded on the whole: the paraphrase finder's evidence, weighted by length
    scores = [p.score if p.kind == "paraphrase" else 1.0 for p in group]
    score = sum(s * n for s, n in zip(scores, sizes, strict=True)) / max(1, sum(sizes))
    return Passage(a_start, a_end, b_start, b_end, "paraphrase", round(score, 3), tuple(diff))


def _stray(p: Passage, sa: _Side, sb: _Side) -> bool:
    """A word or two left over from a cut (`music.`), not a statement of its own."""
    short = sa.words(p.a_start, p.a_end) < MIN_WORDS or sb.words(p.b_start, p.b_end) < MIN_WORDS
    whole = sa.whole_sentences(p.a_start, p.a_end) and sb.whole_sentences(p.b_start, p.b_end)
    return short and not whole


# Never at a passage's edge: space, control and invisible characters, dashes and wire-marker
# punctuation (`--`, `==`, `|`), nor any part of a terminal escape sequence.
_LOOSE = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff"
    r"\-\u2010-\u2015=|*_~^<>/\\]"
)


def _tidy(p: Passage, sa: _Side, sb: _Side) -> Passage:
    """The passage without a dateline, wire markers or control characters at its edges."""
    a_start, a_end = _trim(sa.text, sa.after_dateline(p.a_start, p.a_end), p.a_end)
    b_start, b_end = _trim(sb.text, sb.after_dateline(p.b_start, p.b_end), p.b_end)
    if (a_start, a_end, b_start, b_end) == (p.a_start, p.a_end, p.b_start, p.b_end):
        return p
    diff = []
    for d in p.diff:
        xa = min(max(d.a_start, a_start), a_end), min(max(d.a_end, a_start), a_end)
        xb = min(max(d.b_start, b_start), b_end), min(max(d.b_end, b_start), b_end)
        empty_a, empty_b = xa[0] == xa[1], xb[0] == xb[1]
        if empty_a and empty_b and (d.a_start < d.a_end or d.b_start < d.b_end):
            continue  # its words were all cut off
        op = d.op
        if op != "equal" and empty_a != empty_b:
            op = "insert" if empty_a else "delete"
        diff.append(DiffOp(op, *xa, *xb))
    parts = []
    for part in p.parts:
        xa = max(part.a_start, a_start), min(part.a_end, a_end)
        xb = max(part.b_start, b_start), min(part.b_end, b_end)
        if xa[0] < xa[1] or xb[0] < xb[1]:
            parts.append(Part(*xa, *xb, part.kind, part.score))
    if len({part.kind for part in parts}) < 2:
        parts = []
    return Passage(a_start, a_end, b_start, b_end, p.kind, p.score, tuple(diff), tuple(parts))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    window = text[max(0, start - 64) : end + 64]
    escapes = (
        [m.span() for m in ESCAPE.finditer(text, max(0, start - 64), min(len(text), end + 64))]
        if "\x1b" in window or "\x9b" in window
        else []
    )
    moved = True
    while moved and start < end:
        moved = False
        for x, y in escapes:
            if x <= start < y:
                start, moved = y, True
            if x < end <= y:
                end, moved = x, True
        if start < end and _LOOSE.match(text[start]):
            start, moved = start + 1, True
        if start < end and _LOOSE.match(text[end - 1]):
            end, moved = end - 1, True
    return start, max(start, end)
