"""Changed facts: numbers, dates, names and quotations that differ between a source and a copy.

Inside each passage of a comparison (side a is read as the source, side b as the copy):
- numbers: a quantity in the copy counting the same thing (its following words overlap) as a
  quantity in the source, with another value: `thousands of online conversations` ->
  `millions of conversations`; `10m` == `10 million` is no change. A replaced run of words
  whose two sides are both numbers (`£9.4 million` -> `£94 million`) counts too;
- dates: a date in the copy of the same type (weekday, day of a month, year) as a date in the
  source that the copy does not repeat;
- names: a replaced run of words that swaps one capitalised name for another that the other
  side's paragraph never mentions;
- quotations: words changed inside quotation marks in the copy (misquotes), spelling variants
  (`honored`/`honoured`), hyphens and punctuation aside.
A number restated outside any passage also counts when the two sentences clearly say the same
thing (most content words shared): engines miss reworded standfirsts, and the figure is what a
fact-checker needs.
"""

from __future__ import annotations

from newsreader.provenance import mentions as m
from newsreader.provenance.fact_model import FactChange, make_change, number_pairs, phrase
from newsreader.provenance.fact_passages import passage_changes
from newsreader.reuse import Comparison
from newsreader.reuse.lexicon import is_content, stem
from newsreader.reuse.tokens import tokenize

__all__ = ["FactChange", "changed_facts"]

RESTATED_MIN_SHARED = 5  # content words two sentences must share to be one statement
RESTATED_MIN_RATIO = 0.6  # ... as a share of the shorter sentence's content words


def _content(text: str, s: int, e: int) -> set[str]:
    return {
        stem(t.norm)
        for t in tokenize(text, s, e)
        if is_content(t.norm) and not t.norm[:1].isdigit()
    }


def _restated(c: Comparison, seen: set[tuple[int, int]]) -> list[FactChange]:
    """Numbers changed in sentences that say the same thing, outside any passage."""
    a, b = c.a, c.b
    sents_a = [(s.start, s.end) for p in a.paragraphs if not p.boilerplate for s in p.sentences]
    sents_b = [(s.start, s.end) for p in b.paragraphs if not p.boilerplate for s in p.sentences]
    numbered = [(q, _content(a.text, *s)) for s in sents_a if (q := m.quantities(a.text, *s))]
    all_a = [x for qs, _ in numbered for x in qs]
    out = []
    for sb in sents_b:
        qb = m.quantities(b.text, *sb)
        if not qb:
            continue
        words_b = _content(b.text, *sb)
        for y in qb:
            if (y.start, y.end) in seen or any(x.same_value(y) and x.unit & y.unit for x in all_a):
                continue
            best = None
            for qa, words_a in numbered:
                shared = len(words_a & words_b)
                if shared < RESTATED_MIN_SHARED:
                    continue
                if shared < RESTATED_MIN_RATIO * min(len(words_a), len(words_b)):
                    continue
                for x, _ in number_pairs(qa, [y]):
                    if best is None or shared > best[0]:
                        best = (shared, x)
            if best is not None:
                x = best[1]
                keep = x.unit & y.unit
                out.append(
                    make_change("number", c, phrase(a.text, x, keep), phrase(b.text, y, keep), None)
                )
    return out


def changed_facts(comparison: Comparison) -> list[FactChange]:
    """Every changed fact, side a read as the source; in the copy's (side b's) text order."""
    out: list[FactChange] = []
    for k, p in enumerate(comparison.passages):
        out.extend(passage_changes(comparison, k, p))
    seen = {(f.b_start, f.b_end) for f in out}
    seen |= {
        (q.start, q.end) for f in out for q in m.quantities(comparison.b.text, f.b_start, f.b_end)
    }
    out.extend(_restated(comparison, seen))
    out.sort(key=lambda f: (f.b_start, f.a_start))
    return out
