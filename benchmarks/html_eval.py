"""HTML article-body extraction quality: newsreader vs trafilatura vs the old extractor.

Data: trafilatura's own evaluation set (github.com/adbar/trafilatura, tests/evaldata.json plus
the pages in tests/eval and tests/cache; Apache-2.0): ~1000 real pages (news, blogs, magazines,
government and company sites), each annotated with snippets that must be in the extracted body
("with") and snippets that must not ("without": navigation, footers, comments, ads). Scoring is
trafilatura's: a snippet counts when it is a substring of the whitespace-normalised output;
precision = TP / (TP + FP), recall = TP / (TP + FN) over all snippets.

The newsreader "body" is what the reader and the reuse engine work on: the paragraphs of the
loaded article that are not flagged boilerplate. `basic` is the old hand-written selectolax
extractor through the same pipeline. A 6-page sample with attribution is committed in
benchmarks/data/html_eval_sample (`--data` defaults to it); for the full set:

    git clone https://github.com/adbar/trafilatura   # or any checkout of it
    python benchmarks/html_eval.py --data trafilatura/tests [--limit N] [--variants ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "data" / "html_eval_sample"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _body(article) -> str:
    return "\n".join(article.text[p.start : p.end] for p in article.paragraphs if not p.boilerplate)


def run_newsreader(raw: bytes, url: str) -> str:
    from newsreader.corpus.loader import parse_text
    from newsreader.sources.extract import decode_page

    article = parse_text(decode_page(raw).text, Path("page.html"), html=True)
    return _body(article)


def run_basic(raw: bytes, url: str) -> str:
    from newsreader.corpus import loader
    from newsreader.corpus.html import extract_html_basic
    from newsreader.sources.extract import decode_page

    saved = loader.extract_html
    loader.extract_html = lambda source, url=None: extract_html_basic(source)
    try:
        return _body(loader.parse_text(decode_page(raw).text, Path("page.html"), html=True))
    finally:
        loader.extract_html = saved


def run_newsreader_text(raw: bytes, url: str) -> str:
    """newsreader's extracted text without our boilerplate flags (to see what they add)."""
    from newsreader.sources.extract import decode_page, extract_article

    return extract_article(decode_page(raw).text).text


def run_trafilatura(raw: bytes, url: str) -> str:
    """trafilatura's canonical evaluation settings (tests/eval_common.py, 'fallback')."""
    import trafilatura

    return (
        trafilatura.extract(
            raw, include_comments=False, include_tables=True, include_formatting=False
        )
        or ""
    )


VARIANTS: dict[str, Callable[[bytes, str], str]] = {
    "newsreader": run_newsreader,
    "newsreader-text": run_newsreader_text,
    "trafilatura": run_trafilatura,
    "basic": run_basic,
}


def _score(task: tuple[str, str, bytes, dict]) -> tuple[str, tuple[int, int, int, int], float]:
    variant, url, raw, item = task
    t0 = time.perf_counter()
    try:
        out = VARIANTS[variant](raw, url)
    except Exception as e:  # a crash costs recall, as in trafilatura's own evaluation
        print(f"{variant}: {url}: {type(e).__name__}: {e}", file=sys.stderr)
        out = ""
    dt = time.perf_counter() - t0
    resn = norm(out)
    tp = sum(1 for w in item["with"] if norm(w) in resn)
    fp = sum(1 for w in item["without"] if norm(w) in resn)
    return variant, (tp, fp, len(item["with"]) - tp, len(item["without"]) - fp), dt


def load(data: Path, limit: int | None) -> list[tuple[str, bytes, dict]]:
    evaldata = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(evaldata):
        item = evaldata[url]
        for sub in ("cache", "eval"):
            path = data / sub / item["file"]
            if path.is_file():
                pages.append((url, path.read_bytes(), item))
                break
    return pages[:limit] if limit else pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SAMPLE, help="folder with evaldata.json")
    parser.add_argument("--limit", type=int, help="first N pages only")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = load(args.data, args.limit)
    tasks = [(v, url, raw, item) for url, raw, item in pages for v in args.variants]
    totals = {v: [0, 0, 0, 0] for v in args.variants}
    seconds = dict.fromkeys(args.variants, 0.0)
    with ProcessPoolExecutor(args.workers) as pool:
        for variant, counts, dt in pool.map(_score, tasks, chunksize=8):
            for i, c in enumerate(counts):
                totals[variant][i] += c
            seconds[variant] += dt
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'variant':<16} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for v in args.variants:
        tp, fp, fn, _tn = totals[v]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rate = len(pages) / seconds[v] if seconds[v] else 0.0
        print(f"{v:<16} {p:9.3f} {r:7.3f} {f1:6.3f} {rate:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
