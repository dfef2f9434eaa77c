"""A small corpus of real text with derived churn, for story tests (seeds + fixtures)."""

from __future__ import annotations

import random
from pathlib import Path

from newsreader.corpus import Article, Corpus, load_corpus, parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"


def derived_corpus(seeds_dir: Path) -> Corpus:
    """The seeds and the provenance fixtures, plus churn made from them: outlets taking some
    paragraphs of a source, editing words, adding their own and mixing two sources."""
    base = load_corpus([seeds_dir, FIXTURES]).articles
    rng = random.Random(5)
    paras = [
        [
            a.text[p.start : p.end]
            for p in a.paragraphs
            if not p.boilerplate and p.end - p.start > 80
        ]
        for a in base
    ]
    made: list[Article] = []
    for k in range(24):
        src = rng.randrange(len(base))
        taken = [p for p in paras[src] if rng.random() < 0.6] or paras[src][:1]
        if rng.random() < 0.3:  # a second source mixed in
            other = paras[rng.randrange(len(base))]
            taken += other[: rng.randint(1, 2)]
        edited = []
        for p in taken:
            words = p.split()
            for _ in range(rng.randint(0, 3)):
                words[rng.randrange(len(words))] = rng.choice(["said", "new", "local", "Monday"])
            edited.append(" ".join(words))
        own = f"Reporting by desk {k}; our own paragraph number {k} about something else."
        made.append(parse_text("\n\n".join([*edited, own]), Path(f"derived_{k:02}.txt")))
    return Corpus(articles=[*base, *made])
