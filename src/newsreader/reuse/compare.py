"""compare_articles / compare_texts: every passage two articles share, with kinds and diffs."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsreader.corpus import Article, ArticleError, parse_text
from newsreader.progress import check
from newsreader.reuse import align, paraphrase
from newsreader.reuse.merge import join_continuing
from newsreader.reuse.models import Comparison, Passage
from newsreader.reuse.passages import (
    MIN_LOWER_CONTENT,
    TokOp,
    chain_ops,
    covers_half_sentences,
    covers_whole_sentences,
    extend_edges,
    piece_kind,
    shared_lower_content,
    split_pieces,
    to_passage,
    trim_overhang,
)
from newsreader.reuse.tokens import Token, article_tokens

MIN_MATCHED = 4  # words a chain needs in exact runs (one shingle)
MIN_FRAGMENT = 6  # words a chain needs unless it is most of its sentences
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


Tokenised = tuple[list[Token], list[tuple[int, int]]]  # what `article_tokens` returns


def compare_articles(
    a: Article,
    b: Article,
    *,
    cancel: threading.Event | None = None,
    tokens: Callable[[Article], Tokenised] | None = None,
) -> Comparison:
    """Passages a and b share (verbatim, near, paraphrase) and how much of each is reused.

    Symmetric by construction: the work is always done in one canonical order and mirrored, so
    compare(a, b) and compare(b, a) describe the same passages. `tokens`: `article_tokens`,
    from a caller that keeps them (story clusters align an article with several others, and
    tokenising was most of an alignment's time); never modified here.
    """
    if (len(b.text), b.text) < (len(a.text), a.text):
        return compare_articles(b, a, cancel=cancel, tokens=tokens).swapped()
    tokenise = tokens or article_tokens
    ta, sa = tokenise(a)
    tb, sb = tokenise(b)
    passages = _copied_passages(a, b, ta, tb, cancel)
    reworded = paraphrase.find(a, b, ta, tb, sa, sb, passages, cancel=cancel)
    # a short copied phrase inside two sentences that say the same thing is part of that
    # paraphrase, not a passage of its own
    passages = [p for p in passages if not any(_inside(p, q) for q in reworded)] + reworded
    passages = join_continuing(passages, a, b, ta, tb)
    return Comparison(
        a,
        b,
        reused_pct(a, [(p.a_start, p.a_end) for p in passages]),
        reused_pct(b, [(p.b_start, p.b_end) for p in passages]),
        passages,
    )


def _copied_passages(
    a: Article, b: Article, ta: list[Token], tb: list[Token], cancel: threading.Event | None
) -> list[Passage]:
    """Verbatim and near passages: chains of exact word runs, labelled per sentence piece."""
    na, nb = [t.norm for t in ta], [t.norm for t in tb]
    runs = align.find_runs(na, nb)
    check(cancel)
    chains = align.chain_runs(runs, cancel=cancel)
    chains = align.select_chains(chains, len(ta), len(tb), min_matched=MIN_MATCHED)
    chains = [c for c in (trim_overhang(c, ta, tb) for c in chains) if c is not None]
    used_a, used_b = bytearray(len(ta)), bytearray(len(tb))
    for c in chains:
        used_a[c.a_start : c.a_end] = b"\x01" * (c.a_end - c.a_start)
        used_b[c.b_start : c.b_end] = b"\x01" * (c.b_end - c.b_start)
    out: list[Passage] = []
    for chain in sorted(chains, key=lambda c: c.a_start):
        ops = chain_ops(chain, ta, tb)
        if shared_lower_content(ops, ta, tb) < MIN_LOWER_CONTENT and not (
            covers_whole_sentences(ops, ta, tb) and chain.matched >= 3
        ):
            continue  # a shared run of names and function words is not reuse
        if chain.matched < MIN_FRAGMENT and not covers_half_sentences(chain, ta, tb):
            continue  # a stock phrase ("to host online conversations") inside longer sentences
        extend_edges(ops, ta, tb, used_a, used_b)
        # claim the stretched edges, so the next chain cannot stretch over the same words
        used_a[ops[0][1] : ops[-1][2]] = b"\x01" * (ops[-1][2] - ops[0][1])
        used_b[ops[0][3] : ops[-1][4]] = b"\x01" * (ops[-1][4] - ops[0][3])
        merged: list[tuple[str, list[TokOp]]] = []
        joinable = False
        for piece in split_pieces(ops, ta, tb):
            if all(op[0] != "equal" for op in piece):
                joinable = False  # only differing words (an attribution): not shared
                continue
            kind = piece_kind(piece)
            if joinable and merged[-1][0] == kind:
                merged[-1][1].extend(piece)
            else:
                merged.append((kind, list(piece)))
            joinable = True
        for kind, piece in merged:
            out.append(to_passage(piece, kind, ta, tb, a.text, b.text))
    return out


def _inside(p: Passage, q: Passage) -> bool:
    return (
        q.a_start <= p.a_start
        and p.a_end <= q.a_end
        and q.b_start <= p.b_start
        and p.b_end <= q.b_end
    )


def reused_pct(article: Article, spans: list[tuple[int, int]]) -> float:
    """Share (in %) of the article's non-boilerplate characters inside the given spans."""
    body = [(p.start, p.end) for p in article.paragraphs if not p.boilerplate]
    total = sum(e - s for s, e in body)
    if not total:
        return 0.0
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    covered = 0
    for ps, pe in body:
        for s, e in merged:
            covered += max(0, min(pe, e) - max(ps, s))
    return round(min(100.0, 100.0 * covered / total), 1)


def compare_texts(a: str, b: str) -> dict[str, Any]:
    """Compare two plain strings (any length, even one sentence each): the CLI JSON shape
    without the "a"/"b" article headers."""
    result = compare_articles(_article(a, "a"), _article(b, "b")).to_json()
    del result["a"], result["b"]
    return result


def _article(text: str, name: str) -> Article:
    """Parse a plain string as an article whose offsets are the string's own: line breaks are
    mapped to `\n` one character for one, and nothing is read as HTML."""
    same_length = _LINE_BREAKS.sub(lambda m: " \n" if m.group() == "\r\n" else "\n", text)
    try:
        return parse_text(same_length, Path(name), html=False)
    except ArticleError:  # no text at all: an article with nothing to share
        return Article(path=Path(name), text=same_length)
