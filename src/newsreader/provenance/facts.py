"""Changed facts: numbers, dates, names and quotations that differ between a source and a copy.

Inside each passage of a comparison (side a is read as the source, side b as the copy):
- numbers: a quantity in the copy counting the same thing (its following words overlap) as a
  quantity in the source, with another value: `thousands of online conversations` ->
  `millions of conversations`; `10m` == `10 million` is no change;
- dates: a date in the copy of the same type (weekday, day of a month, year) as a date in the
  source that the copy does not repeat;
- names: a replaced run of words that swaps one capitalised name for another;
- quotations: words changed, added or dropped inside quotation marks in the copy (misquotes),
  spelling variants (`honored`/`honoured`) and punctuation aside.
A number restated outside any passage also counts when the two sentences clearly say the same
thing (many shared content words): engines miss reworded standfirsts, and the figure is what
a fact-checker needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsreader.corpus import Article
from newsreader.provenance import mentions as m
from newsreader.reuse import Comparison, Passage
from newsreader.reuse.lexicon import is_content, stem
from newsreader.reuse.tokens import tokenize

RESTATED_MIN_SHARED = 4  # content words two sentences must share to be one statement
RESTATED_MIN_RATIO = 0.4  # ... as a share of the shorter sentence's content words
SMALL_OP_WORDS = 4  # a paraphrase's replaced run longer than this is rewording, not a swap


@dataclass(frozen=True, slots=True)
class FactChange:
    """One fact that differs: where it is on each side and the words on each side."""

    kind: str  # number | date | name | quotation
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str
    passage: int | None  # index into comparison.passages; None when restated outside them

    def describe(self) -> str:
        a = self.a_text or "—"
        b = self.b_text or "—"
        return f"{self.kind}: {a} → {b}"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "passage": self.passage,
        }


def _words(text: str, s: int, e: int) -> str:
    return " ".join(text[s:e].split())


def _phrase(text: str, q: m.Quantity, keep: frozenset[str]) -> tuple[int, int]:
    """The quantity with the counted words both sides share (`thousands of online
    conversations`), ending at the last of them."""
    end = pos = q.end
    for tok in tokenize(text, q.end, min(len(text), q.end + 60)):
        if any(c in text[pos : tok.start] for c in ".;:!?\n,"):
            break
        pos = tok.end
        if stem(tok.norm) in q.unit:
            end = tok.end
            if stem(tok.norm) in keep:
                break
    return q.start, end


def _number_changes(a: Article, b: Article, sa: tuple[int, int], sb: tuple[int, int]):
    """(source quantity, copy quantity) pairs counting the same thing with other values."""
    qa = m.quantities(a.text, *sa)
    qb = m.quantities(b.text, *sb)
    for y in qb:
        if not y.unit or any(x.same_value(y) and (x.unit & y.unit) for x in qa):
            continue
        partners = [x for x in qa if x.unit & y.unit and not any(x.same_value(z) for z in qb)]
        if partners:
            yield max(partners, key=lambda x: len(x.unit & y.unit)), y


def _same_date(x: str, y: str) -> bool:
    tx, ty = set(x.split()), set(y.split())
    return tx <= ty or ty <= tx


def _date_type(norm: str) -> str:
    if norm.isdigit():
        return "year"
    return "weekday" if norm.endswith("day") else "day"


def _in_any(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(qs < s and e <= qe for qs, qe in spans) or any(
        qs < s <= qe for qs, qe in spans if s == e
    )


def _only_spelling(x: str, y: str) -> bool:
    fx = [t.norm for t in tokenize(x)]
    fy = [t.norm for t in tokenize(y)]
    return fx == fy


def _passage_changes(c: Comparison, k: int, p: Passage) -> list[FactChange]:
    a, b = c.a, c.b
    sa, sb = p.span("a"), p.span("b")
    out: list[FactChange] = []
    for x, y in _number_changes(a, b, sa, sb):
        xs, xe = _phrase(a.text, x)
        ys, ye = _phrase(b.text, y)
        out.append(
            FactChange("number", xs, xe, ys, ye, _words(a.text, xs, xe), _words(b.text, ys, ye), k)
        )
    da, db = m.dates(a.text, *sa), m.dates(b.text, *sb)
    for ys, ye, yn in db:
        if any(_same_date(xn, yn) for _, _, xn in da):
            continue
        for xs, xe, xn in da:
            if _date_type(xn) == _date_type(yn) and not any(_same_date(xn, zn) for _, _, zn in db):
                out.append(
                    FactChange(
                        "date", xs, xe, ys, ye, _words(a.text, xs, xe), _words(b.text, ys, ye), k
                    )
                )
                break
    names_a = {n for _, _, n in m.names(a.text, *sa)}
    names_b = {n for _, _, n in m.names(b.text, *sb)}
    qa = [q for para in a.paragraphs for q in m.quote_spans(a.text, para.start, para.end)]
    qb = [q for para in b.paragraphs for q in m.quote_spans(b.text, para.start, para.end)]
    for d in p.diff:
        if d.op == "equal":
            continue
        at, bt = a.text[d.a_start : d.a_end], b.text[d.b_start : d.b_end]
        small = len(at.split()) <= SMALL_OP_WORDS and len(bt.split()) <= SMALL_OP_WORDS
        if d.op == "replace" and (p.kind != "paraphrase" or small):
            gone = [n for n in m.names(a.text, d.a_start, d.a_end) if n[2] not in names_b]
            came = [n for n in m.names(b.text, d.b_start, d.b_end) if n[2] not in names_a]
            if gone and came:
                (xs, xe, _), (ys, ye, _) = gone[0], came[0]
                out.append(
                    FactChange(
                        "name", xs, xe, ys, ye, _words(a.text, xs, xe), _words(b.text, ys, ye), k
                    )
                )
                continue
        # A misquote: the copy's quotation differs from the source's words. Words dropped only
        # count when the source quoted them too; in a paraphrase (whose alignment of single
        # words is loose) only words replaced inside quotations on both sides count.
        in_a = _in_any(qa, d.a_start, d.a_end)
        if p.kind == "paraphrase":
            in_a = in_a and d.op == "replace"
        loose = p.kind != "paraphrase" and d.op != "delete"
        quoted = _in_any(qb, d.b_start, d.b_end) and (in_a or loose)
        if quoted and not _only_spelling(at, bt) and any(ch.isalnum() for ch in at + bt):
            out.append(
                FactChange(
                    "quotation",
                    d.a_start,
                    d.a_end,
                    d.b_start,
                    d.b_end,
                    _words(a.text, d.a_start, d.a_end),
                    _words(b.text, d.b_start, d.b_end),
                    k,
                )
            )
    return out


def _content(text: str, s: int, e: int) -> set[str]:
    return {
        stem(t.norm)
        for t in tokenize(text, s, e)
        if is_content(t.norm) and not t.norm[:1].isdigit()
    }


def _restated(c: Comparison, seen: set[tuple[int, int]]) -> list[FactChange]:
    """Numbers changed in sentences that say the same thing outside any passage."""
    a, b = c.a, c.b
    sents_a = [(s.start, s.end) for p in a.paragraphs if not p.boilerplate for s in p.sentences]
    sents_b = [(s.start, s.end) for p in b.paragraphs if not p.boilerplate for s in p.sentences]
    all_a = [q for s in sents_a for q in m.quantities(a.text, *s)]
    with_numbers = [(s, _content(a.text, *s)) for s in sents_a if m.quantities(a.text, *s)]
    out = []
    for sb in sents_b:
        qb = m.quantities(b.text, *sb)
        if not qb:
            continue
        words_b = _content(b.text, *sb)
        for y in qb:
            if not y.unit or (y.start, y.end) in seen:
                continue
            if any(x.same_value(y) and x.unit & y.unit for x in all_a):
                continue
            best = None
            for sa, words_a in with_numbers:
                shared = len(words_a & words_b)
                if shared < RESTATED_MIN_SHARED:
                    continue
                if shared < RESTATED_MIN_RATIO * min(len(words_a), len(words_b)):
                    continue
                for x in m.quantities(a.text, *sa):
                    if x.unit & y.unit and (best is None or shared > best[0]):
                        best = (shared, x)
            if best is not None:
                x = best[1]
                xs, xe = _phrase(a.text, x, x.unit & y.unit)
                ys, ye = _phrase(b.text, y, x.unit & y.unit)
                out.append(
                    FactChange(
                        "number",
                        xs,
                        xe,
                        ys,
                        ye,
                        _words(a.text, xs, xe),
                        _words(b.text, ys, ye),
                        None,
                    )
                )
    return out


def changed_facts(comparison: Comparison) -> list[FactChange]:
    """Every changed fact, side a read as the source; in the copy's (side b's) text order."""
    out: list[FactChange] = []
    for k, p in enumerate(comparison.passages):
        out.extend(_passage_changes(comparison, k, p))
    seen = {(f.b_start, f.b_end) for f in out}
    seen |= {
        (q.start, q.end) for f in out for q in m.quantities(comparison.b.text, f.b_start, f.b_end)
    }
    out.extend(_restated(comparison, seen))
    out.sort(key=lambda f: (f.b_start, f.a_start))
    return out
