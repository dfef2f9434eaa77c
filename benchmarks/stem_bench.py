"""Stemming: its speed, and what it does to related-article quality on the BBC benchmark corpus.

    .venv/bin/python benchmarks/stem_bench.py [--size 2000]

Builds (once, seeded) the corpus of `build_corpus.py`, then times `reuse.lexicon.stem` on every
word of it (distinct words first, as a cache would see them, then every token), and runs
related for every article: recall@10 = derived articles whose main source is in their top 10.
Prints one Markdown table. The seeds' reuse figures come from the shared eval_align tool.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_corpus  # noqa: E402

WORD = re.compile(r"[a-z]+")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    args = ap.parse_args()
    corpus_dir = build_corpus.build(args.size)

    from newsreader.corpus import load_corpus
    from newsreader.reuse import RelatedIndex, lexicon

    corpus = load_corpus([corpus_dir / "articles"])
    tokens = [w for a in corpus.articles for w in WORD.findall(a.text.lower())]
    distinct = sorted(set(tokens))
    rows: list[tuple[str, str]] = [("articles", f"{len(corpus.articles):,}")]
    rows.append(("distinct words / tokens", f"{len(distinct):,} / {len(tokens):,}"))

    stem = lexicon.stem
    t = time.perf_counter()
    for w in distinct:
        stem(w)
    rows.append(("stem, each distinct word once (µs/word)", f"{_us(t, len(distinct)):.2f}"))
    t = time.perf_counter()
    for w in tokens:
        stem(w)
    rows.append(("stem, every token (µs/token)", f"{_us(t, len(tokens)):.3f}"))

    t = time.perf_counter()
    index = RelatedIndex.build(corpus)
    related = {a.path: [r.article.path for r in index.related(a, top=10)] for a in corpus.articles}
    rows.append(("related, build + every article (s)", f"{time.perf_counter() - t:.2f}"))
    root = (corpus_dir / "articles").resolve()
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    hits = sum(root / m["sources"][0] in related.get(root / m["path"], ()) for m in manifest)
    rows.append(("related recall@10 (source in top 10)", f"{100 * hits / len(manifest):.1f}%"))
    top1 = sum(
        bool(related.get(root / m["path"]))
        and related[root / m["path"]][0] == root / m["sources"][0]
        for m in manifest
    )
    rows.append(("related: source is the top hit", f"{100 * top1 / len(manifest):.1f}%"))

    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


def _us(start: float, n: int) -> float:
    return (time.perf_counter() - start) * 1e6 / max(1, n)


if __name__ == "__main__":
    raise SystemExit(main())
