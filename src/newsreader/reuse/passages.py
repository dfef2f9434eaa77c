"""Turn chains of matched words into passages: word diffs, kinds per sentence, char offsets.

A chain's extent is right for a passage, but its kind is decided per sentence piece: a verbatim
sentence next to an edited one stays verbatim. Pieces are cut wherever either side starts a new
sentence, labelled on the original words, and neighbouring pieces of the same kind merge again.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable

from newsreader.reuse.align import Chain, Run
from newsreader.reuse.lexicon import STOP_WORDS, is_content
from newsreader.reuse.models import DiffOp, Passage
from newsreader.reuse.tokens import CONTROL, Token

MAX_OVERHANG = 3  # words a chain may run past a sentence edge on one side only, then trimmed
EDGE_GAP = 3  # words before/after a chain that still join it when they reach a sentence edge
FAR_EDGE = 12  # ... or this many, when a third of them are shared
MIN_NEAR_SHARE = 0.6  # share of words kept (both sides) for an edited piece to be "near"
MIN_LOWER_CONTENT = 3  # shared lower-case content words a passage needs (names alone are not reuse)

# token-level op: (name, a_from, a_to, b_from, b_to)
TokOp = tuple[str, int, int, int, int]


def chain_ops(chain: Chain, ta: list[Token], tb: list[Token]) -> list[TokOp]:
    """Word-level ops along the chain: its runs are equal, the gaps between them edits, and an
    equal word written differently (`honored`/`honoured`) is a one-word replace."""
    ops: list[TokOp] = []
    runs = _slide_gaps([Run(r.i, r.j, r.n) for r in chain.runs], ta, tb)
    prev_i, prev_j = runs[0].i, runs[0].j
    for r in runs:
        ops.extend(gap_ops(ta, tb, prev_i, r.i, prev_j, r.j))
        ops.extend(_equal_ops(ta, tb, r.i, r.j, r.n))
        prev_i, prev_j = r.i + r.n, r.j + r.n
    return ops


def trim_overhang(chain: Chain, ta: list[Token], tb: list[Token]) -> Chain | None:
    """A chain without the word or two it runs past a sentence's edge on one side only: in
    `modern music, he told` ~ `modern music. He said`, the shared `he` opens the next
    statement on one side, and belongs with it (`Mr Burstein said` ~ `He said`)."""
    runs = [Run(r.i, r.j, r.n) for r in chain.runs]
    last = runs[-1]
    for k in range(1, min(MAX_OVERHANG, last.n - 1) + 1):
        ia, ib = last.i + last.n - k, last.j + last.n - k
        if _starts_sentence(ta, ia) != _starts_sentence(tb, ib):
            last.n -= k
            break
    first = runs[0]
    for k in range(1, min(MAX_OVERHANG, first.n - 1) + 1):
        ia, ib = first.i + k, first.j + k
        if _starts_sentence(ta, ia) != _starts_sentence(tb, ib):
            first.i, first.j, first.n = ia, ib, first.n - k
            break
    runs = [r for r in runs if r.n > 0]
    return Chain(runs) if runs else None


def _slide_gaps(runs: list[Run], ta: list[Token], tb: list[Token]) -> list[Run]:
    """Words added on one side can often sit one word earlier or later with the same diff
    (`pandemic. Tencent [president said. "Tencent] is` vs `pandemic. [Tencent president said.]
    "Tencent is`); put them where they start a sentence or quotation, as a reader would."""
    for r1, r2 in itertools.pairwise(runs):
        ga, gb = r2.i - (r1.i + r1.n), r2.j - (r1.j + r1.n)
        if (ga == 0) == (gb == 0):
            continue  # a replace, or nothing between: no freedom
        toks = tb if gb else ta
        end1 = (r1.j if gb else r1.i) + r1.n  # first added word
        end2 = r2.j if gb else r2.i  # first word after the added ones
        best = 0
        for s in range(1, r1.n):
            if toks[end1 - s].norm != toks[end2 - s].norm:
                break
            if _breaks(toks, end1 - s) and not _breaks(toks, end1 - best):
                best = s
        if best:
            r1.n -= best
            r2.i, r2.j, r2.n = r2.i - best, r2.j - best, r2.n + best
    return runs


def _equal_ops(ta: list[Token], tb: list[Token], i: int, j: int, n: int) -> list[TokOp]:
    ops: list[TokOp] = []
    start = 0
    for t in range(n + 1):
        if t == n or ta[i + t].key != tb[j + t].key:
            if t > start:
                ops.append(("equal", i + start, i + t, j + start, j + t))
            if t < n:
                ops.append(("replace", i + t, i + t + 1, j + t, j + t + 1))
            start = t + 1
    return ops


def gap_ops(ta: list[Token], tb: list[Token], a0: int, a1: int, b0: int, b1: int) -> list[TokOp]:
    """Ops for a short stretch between (or beside) runs: shorter shared words inside it still
    count as equal (`Floods forced thousands` ~ `Floods forced millions`)."""
    if a1 == a0 and b1 == b0:
        return []
    if a1 == a0 or b1 == b0:
        return [("delete" if a1 > a0 else "insert", a0, a1, b0, b1)]
    sm = difflib.SequenceMatcher(
        None, [t.norm for t in ta[a0:a1]], [t.norm for t in tb[b0:b1]], autojunk=False
    )
    ops: list[TokOp] = []
    for name, i0, i1, j0, j1 in sm.get_opcodes():
        if name == "equal":
            ops.extend(_equal_ops(ta, tb, a0 + i0, b0 + j0, i1 - i0))
        else:
            ops.append((name, a0 + i0, a0 + i1, b0 + j0, b0 + j1))
    return ops


def extend_edges(
    ops: list[TokOp], ta: list[Token], tb: list[Token], used_a: bytearray, used_b: bytearray
) -> None:
    """Let a chain reach its sentences' edges when only a few words differ there
    (`the UN is calling` ~ `The United Nations is calling`), or when a longer remainder still
    shares words (`VooV Meeting, the ..., was made available` ~ `VooV Meeting is available`).

    Both sides stop at the same kind of edge: one side halted at a comma while the other runs on
    to its full stop would show the rest of a shared sentence as added words (`clashing,
    complex and dissonant music` ~ `clashing and dissonant music`)."""
    _, a0, _, b0, _ = ops[0]
    for limit, clause in _EDGES:
        na = _back_to_sentence_start(ta, a0, used_a, limit, clause)
        nb = _back_to_sentence_start(tb, b0, used_b, limit, clause)
        if na is None or nb is None or (na, nb) == (a0, b0):
            continue
        if _lopsided(ta, na, a0, tb, nb, b0, _starts_sentence):
            continue
        edge = gap_ops(ta, tb, na, a0, nb, b0)
        if limit == EDGE_GAP or _shares_words(edge, ta):
            ops[:0] = edge
            break
    _, _, a1, _, b1 = ops[-1]
    for limit, clause in _EDGES:
        na = _on_to_sentence_end(ta, a1, used_a, limit, clause)
        nb = _on_to_sentence_end(tb, b1, used_b, limit, clause)
        if na is None or nb is None or (na, nb) == (a1, b1):
            continue
        if _lopsided(ta, a1, na, tb, b1, nb, _ends_sentence):
            continue
        edge = gap_ops(ta, tb, a1, na, b1, nb)
        if limit == EDGE_GAP or _shares_words(edge, ta):
            ops.extend(edge)
            break


# (words, stop at a clause edge?) tried in order: a few words to the clause's edge, more words
# when they share some, then on to the sentence's edge when the clauses were cut differently
_EDGES = ((EDGE_GAP, True), (FAR_EDGE, True), (FAR_EDGE, False))


def _lopsided(
    ta: list[Token],
    a0: int,
    a1: int,
    tb: list[Token],
    b0: int,
    b1: int,
    at_edge: Callable[[list[Token], int], bool],
) -> bool:
    """One side moves while the other stays at a clause edge that is not its sentence's edge."""
    if a0 == a1 and b0 != b1:
        return not at_edge(ta, a0)
    if b0 == b1 and a0 != a1:
        return not at_edge(tb, b0)
    return False


def _starts_sentence(toks: list[Token], i: int) -> bool:
    return i == 0 or i >= len(toks) or toks[i - 1].sentence != toks[i].sentence


def _ends_sentence(toks: list[Token], i: int) -> bool:
    return i == 0 or i >= len(toks) or toks[i - 1].sentence != toks[i].sentence


def _shares_words(ops: list[TokOp], ta: list[Token]) -> bool:
    """A longer edge joins when it shares a meaningful word and a third of its words."""
    equal = [ta[i] for name, a0, a1, _, _ in ops if name == "equal" for i in range(a0, a1)]
    shorter = min(sum(a1 - a0 for _, a0, a1, _, _ in ops), sum(b1 - b0 for *_, b0, b1 in ops))
    meaningful = any(t.norm not in STOP_WORDS for t in equal)
    return meaningful and len(equal) * 3 >= shorter


def _back_to_sentence_start(
    toks: list[Token], i: int, used: bytearray, limit: int, clause: bool = True
) -> int | None:
    """Where the clause (or sentence, or quotation) holding word i starts, if within `limit`
    unclaimed words."""

    def edge(k: int) -> bool:
        return toks[k].clause if clause else _starts_sentence(toks, k) or toks[k].quote

    k = i
    while not edge(k) and i - k < limit and not used[k - 1]:
        k -= 1
    return k if edge(k) else None


def _on_to_sentence_end(
    toks: list[Token], i: int, used: bytearray, limit: int, clause: bool = True
) -> int | None:
    """Where the clause (or sentence, or quotation) holding word i-1 ends, if within `limit`
    unclaimed words."""

    def edge(k: int) -> bool:
        if k == len(toks):
            return True
        # a quotation and its attribution stay apart
        return toks[k].clause if clause else _starts_sentence(toks, k) or toks[k].quote

    k = i
    while not edge(k) and k - i < limit and not used[k]:
        k += 1
    return k if edge(k) else None


def shared_lower_content(ops: list[TokOp], ta: list[Token], tb: list[Token]) -> int:
    """How many equal words are lower-case content words on both sides."""
    n = 0
    for name, a0, a1, b0, _ in ops:
        if name != "equal":
            continue
        for t in range(a1 - a0):
            x, y = ta[a0 + t], tb[b0 + t]
            n += x.lower and y.lower and is_content(x.norm)
    return n


def covers_whole_sentences(ops: list[TokOp], ta: list[Token], tb: list[Token]) -> bool:
    """True when the chain spans at least one complete sentence on both sides (a copied headline
    in title case is reuse even though all its words are capitalised)."""
    _, a0, _, b0, _ = ops[0]
    _, _, a1, _, b1 = ops[-1]
    return _whole(ta, a0, a1) and _whole(tb, b0, b1)


def covers_half_sentences(chain: Chain, ta: list[Token], tb: list[Token]) -> bool:
    """True when the chain's matched words are at least half of the sentences it touches, on
    both sides (a short sentence copied whole, not a stock phrase inside a long one)."""
    return _sentence_share(ta, chain.a_start, chain.a_end, chain.matched) >= 0.5 and (
        _sentence_share(tb, chain.b_start, chain.b_end, chain.matched) >= 0.5
    )


def _sentence_share(toks: list[Token], s: int, e: int, matched: int) -> float:
    first, last = toks[s].sentence, toks[e - 1].sentence
    while s > 0 and toks[s - 1].sentence == first:
        s -= 1
    while e < len(toks) and toks[e].sentence == last:
        e += 1
    return matched / (e - s)


def _whole(toks: list[Token], s: int, e: int) -> bool:
    return (s == 0 or toks[s - 1].sentence != toks[s].sentence) and (
        e == len(toks) or toks[e].sentence != toks[e - 1].sentence
    )


def _breaks(toks: list[Token], i: int) -> bool:
    """Whether word i opens a new sentence or a quotation boundary (quote vs attribution)."""
    return i > 0 and (toks[i - 1].sentence != toks[i].sentence or toks[i].quote)


def split_pieces(ops: list[TokOp], ta: list[Token], tb: list[Token]) -> list[list[TokOp]]:
    """Cut the ops into pieces wherever either side starts a new sentence or crosses a
    quotation mark, so a copied quote and its reworded attribution get their own kinds."""
    pieces: list[list[TokOp]] = [[]]
    for op in ops:
        name, a0, a1, b0, b1 = op
        if name != "equal":
            starts = (a1 > a0 and _breaks(ta, a0)) or (b1 > b0 and _breaks(tb, b0))
            if starts and pieces[-1]:
                pieces.append([])
            pieces[-1].append(op)
            continue
        start = 0
        for t in range(a1 - a0):
            ca, cb = a0 + t, b0 + t
            if (_breaks(ta, ca) or _breaks(tb, cb)) and (t > start or pieces[-1]):
                if t > start:
                    pieces[-1].append((name, a0 + start, ca, b0 + start, cb))
                pieces.append([])
                start = t
        pieces[-1].append((name, a0 + start, a1, b0 + start, b1))
    return [p for p in pieces if p]


def piece_kind(piece: list[TokOp]) -> str:
    """verbatim: no word differs; near: most words kept; else the piece was reworded."""
    if all(op[0] == "equal" for op in piece):
        return "verbatim"
    return "near" if piece_score(piece) >= MIN_NEAR_SHARE else "paraphrase"


def piece_score(piece: list[TokOp]) -> float:
    eq = sum(a1 - a0 for name, a0, a1, _, _ in piece if name == "equal")
    total = sum((a1 - a0) + (b1 - b0) for _, a0, a1, b0, b1 in piece)
    return 2 * eq / total if total else 0.0


def to_passage(
    piece: list[TokOp], kind: str, ta: list[Token], tb: list[Token], text_a: str, text_b: str
) -> Passage:
    """Character offsets of a piece and its diff; edges stretch over the sentence's own
    closing punctuation and opening quotes so a fully copied sentence is fully covered."""
    a0, a1 = piece[0][1], piece[-1][2]
    b0, b1 = piece[0][3], piece[-1][4]
    a_start, a_end = _char_span(ta, a0, a1, text_a)
    b_start, b_end = _char_span(tb, b0, b1, text_b)
    diff = []
    if kind != "verbatim":
        for name, x0, x1, y0, y1 in piece:
            diff.append(
                DiffOp(
                    name,  # type: ignore[arg-type]
                    *_clamp(_op_span(ta, x0, x1, a_start), a_start, a_end),
                    *_clamp(_op_span(tb, y0, y1, b_start), b_start, b_end),
                )
            )
    score = 1.0 if kind == "verbatim" else piece_score(piece)
    return Passage(a_start, a_end, b_start, b_end, kind, score, tuple(diff))  # type: ignore[arg-type]


def _clamp(span: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    """An empty side at the piece's edge sits at the passage's edge, not outside it."""
    return min(max(span[0], lo), hi), min(max(span[1], lo), hi)


def _op_span(toks: list[Token], s: int, e: int, fallback: int) -> tuple[int, int]:
    if e > s:
        return toks[s].start, toks[e - 1].end
    # an empty side: the place just after the previous word (or the piece's start)
    return (toks[s - 1].end, toks[s - 1].end) if s > 0 else (fallback, fallback)


_OPENING = "\"'“‘«([#$£€"  # may stand before a sentence's first word, inside its passage
_CLOSING = ".!?…\"'”’»)]}%,;:"  # may follow its last word


def _char_span(toks: list[Token], s: int, e: int, text: str) -> tuple[int, int]:
    """Character span of words s..e, over the quotes and punctuation that open and close the
    sentence; never over dashes, wire markers or control characters."""
    if e <= s:
        pos = toks[s - 1].end if s > 0 else 0
        return pos, pos
    start, end = toks[s].start, toks[e - 1].end
    if s == 0 or toks[s - 1].sentence != toks[s].sentence:
        while start > 0 and text[start - 1] in _OPENING:
            start -= 1
    limit = toks[e].start if e < len(toks) else len(text)
    if (
        e == len(toks)
        or toks[e].sentence != toks[e - 1].sentence
        or CONTROL.search(text, end, limit)
    ):
        while end < limit and text[end] in _CLOSING:
            end += 1
    return start, end
