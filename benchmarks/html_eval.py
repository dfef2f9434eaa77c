"""HTML article-body extraction quality: newsreader vs trafilatura vs the old extractor.

Two kinds of evaluation set (`--format`, found from the folder's contents when not given):

`trafilatura`: trafilatura's own evaluation set (github.com/adbar/trafilatura, tests/evaldata.json
plus the pages in tests/eval and tests/cache; Apache-2.0): ~1000 real pages, each annotated
with snippets that must be in the extracted body ("with") and snippets that must not
("without": navigation, footers, comments, ads). Scoring is trafilatura's: a snippet counts
when it is a substring of the whitespace-normalised output; precision = TP / (TP + FP), recall
= TP / (TP + FN) over all snippets.

`aeb`: scrapinghub's article-extraction-benchmark (github.com/scrapinghub/article-extraction-
benchmark, MIT): 181 real news and blog pages (html/*.html.gz) with hand-checked article bodies
(ground-truth.json, `articleBody`). Scoring is that benchmark's evaluate.py, reimplemented:
tokens are `\\w+` runs (case kept), shingles are word 4-grams (a text under 4 tokens is one
shingle) counted with multiplicity; per page TP/FP/FN are normalised to sum 1; precision is the
mean over pages with TP + FP > 0, recall the mean over pages with TP + FN > 0, F1 their harmonic
mean. The pooled figure sums the raw shingle counts over all pages instead (long pages weigh
more). The pages where newsreader loses most F1 against trafilatura are listed.

The newsreader "body" is what the reader and the reuse engine work on: the paragraphs of the
loaded article that are not flagged boilerplate. `newsreader-text` is the extracted text before
our flags; `basic` the old hand-written selectolax extractor through the same pipeline; the
`trafilatura*` variants are trafilatura alone: `trafilatura` with its canonical evaluation
settings (tables in, comments out), `-ours` with the options newsreader passes it, `-default`,
`-precision` and `-recall` for reference.

    git clone https://github.com/adbar/trafilatura   # or any checkout of it
    python benchmarks/html_eval.py --data trafilatura/tests [--limit N] [--variants ...]
    git clone https://github.com/scrapinghub/article-extraction-benchmark aeb
    python benchmarks/html_eval.py --data aeb
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _body(article) -> str:
    return "\n".join(article.text[p.start : p.end] for p in article.paragraphs if not p.boilerplate)


def run_newsreader(raw: bytes) -> str:
    from newsreader.corpus.loader import parse_text
    from newsreader.sources.extract import decode_page

    article = parse_text(decode_page(raw).text, Path("page.html"), html=True)
    return _body(article)


def run_basic(raw: bytes) -> str:
    from newsreader.corpus import loader
    from newsreader.corpus.html import extract_html_basic
    from newsreader.sources.extract import decode_page

    saved = loader.extract_html
    loader.extract_html = lambda source, url=None: extract_html_basic(source)
    try:
        return _body(loader.parse_text(decode_page(raw).text, Path("page.html"), html=True))
    finally:
        loader.extract_html = saved


def run_newsreader_text(raw: bytes) -> str:
    """newsreader's extracted text without our boilerplate flags (to see what they add)."""
    from newsreader.sources.extract import decode_page, extract_article

    return extract_article(decode_page(raw).text).text


def _trafilatura(raw: bytes, **options: object) -> str:
    import trafilatura

    return trafilatura.extract(raw, include_formatting=False, **options) or ""


def run_trafilatura(raw: bytes) -> str:
    """trafilatura's canonical evaluation settings (tests/eval_common.py, 'fallback')."""
    return _trafilatura(raw, include_comments=False, include_tables=True)


def run_trafilatura_ours(raw: bytes) -> str:
    """trafilatura alone with the options newsreader gives it."""
    from newsreader.corpus.html import TRAFILATURA_OPTIONS

    options = {k: v for k, v in TRAFILATURA_OPTIONS.items() if k != "date_extraction_params"}
    return _trafilatura(raw, **options)


VARIANTS: dict[str, Callable[[bytes], str]] = {
    "newsreader": run_newsreader,
    "newsreader-text": run_newsreader_text,
    "trafilatura": run_trafilatura,
    "trafilatura-ours": run_trafilatura_ours,
    "trafilatura-default": lambda raw: _trafilatura(raw),
    "trafilatura-precision": lambda raw: _trafilatura(raw, favor_precision=True),
    "trafilatura-recall": lambda raw: _trafilatura(raw, favor_recall=True),
    "basic": run_basic,
}
DEFAULT_VARIANTS = ["newsreader", "newsreader-text", "trafilatura", "trafilatura-ours"]


# --- scoring -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word n-grams of `text` with their counts, as the benchmark's evaluate.py makes them."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_counts(truth: str, pred: str) -> tuple[float, float, float]:
    """Raw TP, FP, FN over shingles (a shingle counts as often as it occurs)."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    return float(tp), float(sum(p.values()) - tp), float(sum(t.values()) - tp)


def page_prf(tp: float, fp: float, fn: float) -> tuple[float | None, float | None, float]:
    """Precision (None when nothing was predicted), recall (None when the truth is empty) and
    F1 of one page, as evaluate.py scores it."""
    if fp == fn == 0:
        return 1.0, 1.0, 1.0
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p and r else 0.0
    return p, r, f1


def aeb_summary(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean P and R over pages (evaluate.py's way, normalised per page) and F1 from them;
    the pooled P, R, F1 from the summed raw counts."""
    scores = [page_prf(*c) for c in counts]
    p = statistics.mean(s[0] for s in scores if s[0] is not None)
    r = statistics.mean(s[1] for s in scores if s[1] is not None)
    tp, fp, fn = (sum(c[i] for c in counts) for i in range(3))
    pp, pr = tp / (tp + fp), tp / (tp + fn)
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r),
        "pooled_precision": pp,
        "pooled_recall": pr,
        "pooled_f1": 2 * pp * pr / (pp + pr),
    }


# --- running -------------------------------------------------------------------------------


def _score(task: tuple[str, str, str, bytes, object]) -> tuple[str, str, tuple, float, float]:
    variant, fmt, key, raw, truth = task
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        out = VARIANTS[variant](raw)
    except Exception as e:  # a crash costs recall, as in both benchmarks' own evaluations
        print(f"{variant}: {key}: {type(e).__name__}: {e}", file=sys.stderr)
        out = ""
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    if fmt == "aeb":
        assert isinstance(truth, str)
        return variant, key, shingle_counts(truth, out), dt, cpu
    assert isinstance(truth, dict)
    resn = norm(out)
    tp = sum(1 for w in truth["with"] if norm(w) in resn)
    fp = sum(1 for w in truth["without"] if norm(w) in resn)
    return variant, key, (tp, fp, len(truth["with"]) - tp, len(truth["without"]) - fp), dt, cpu


def detect_format(data: Path) -> str:
    if (data / "ground-truth.json").is_file():
        return "aeb"
    if (data / "evaldata.json").is_file():
        return "trafilatura"
    raise SystemExit(f"{data}: neither ground-truth.json (aeb) nor evaldata.json (trafilatura)")


def load(data: Path, fmt: str, limit: int | None) -> list[tuple[str, bytes, object]]:
    pages: list[tuple[str, bytes, object]] = []
    if fmt == "aeb":
        truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
        for key in sorted(truth):
            path = data / "html" / f"{key}.html.gz"
            if path.is_file():
                pages.append((key, gzip.decompress(path.read_bytes()), truth[key]["articleBody"]))
        return pages[:limit] if limit else pages
    evaldata = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
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
    parser.add_argument("--data", type=Path, required=True, help="folder of an evaluation set")
    parser.add_argument("--format", choices=("aeb", "trafilatura"), help="default: detected")
    parser.add_argument("--limit", type=int, help="first N pages only")
    parser.add_argument("--variants", nargs="+", default=DEFAULT_VARIANTS, choices=list(VARIANTS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worst", type=int, default=15, help="pages listed where we lose most")
    parser.add_argument("--dump", type=Path, help="write per-page scores as JSON here")
    args = parser.parse_args()
    fmt = args.format or detect_format(args.data)
    pages = load(args.data, fmt, args.limit)
    tasks = [(v, fmt, key, raw, truth) for key, raw, truth in pages for v in args.variants]
    per_page: dict[str, dict[str, tuple]] = {v: {} for v in args.variants}
    seconds = dict.fromkeys(args.variants, 0.0)
    cpu = dict.fromkeys(args.variants, 0.0)
    wall0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        for variant, key, counts, dt, c in pool.map(_score, tasks, chunksize=4):
            per_page[variant][key] = counts
            seconds[variant] += dt
            cpu[variant] += c
    print(f"{len(pages)} pages from {args.data} ({fmt}); {time.perf_counter() - wall0:.0f} s wall")
    if fmt == "aeb":
        _report_aeb(args, pages, per_page, seconds, cpu)
    else:
        _report_snippets(args, pages, per_page, seconds, cpu)
    if args.dump:
        args.dump.write_text(json.dumps(per_page, indent=1), encoding="utf-8")
    return 0


def _report_snippets(args, pages, per_page, seconds, cpu) -> None:
    print(f"{'variant':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8} {'CPU s':>6}")
    for v in args.variants:
        tp, fp, fn, _tn = (sum(c[i] for c in per_page[v].values()) for i in range(4))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rate = len(pages) / seconds[v] if seconds[v] else 0.0
        print(f"{v:<22} {p:9.4f} {r:7.4f} {f1:6.4f} {rate:8.1f} {cpu[v]:6.1f}")


def _report_aeb(args, pages, per_page, seconds, cpu) -> None:
    head = f"{'variant':<22} {'precision':>9} {'recall':>7} {'F1':>6}"
    print(f"{head}   pooled: {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8} {'CPU s':>6}")
    for v in args.variants:
        s = aeb_summary(list(per_page[v].values()))
        rate = len(pages) / seconds[v] if seconds[v] else 0.0
        mean = f"{s['precision']:9.4f} {s['recall']:7.4f} {s['f1']:6.4f}"
        pooled = f"{s['pooled_precision']:6.4f} {s['pooled_recall']:6.4f} {s['pooled_f1']:6.4f}"
        print(f"{v:<22} {mean}           {pooled} {rate:8.1f} {cpu[v]:6.1f}")
    ours = "newsreader" if "newsreader" in per_page else None
    theirs = next((v for v in args.variants if v.startswith("trafilatura")), None)
    if not (ours and theirs and args.worst):
        return
    urls = {key: "" for key, _raw, _truth in pages}
    gt = args.data / "ground-truth.json"
    for key, item in json.loads(gt.read_text(encoding="utf-8")).items():
        urls[key] = item.get("url", "")
    loss = []
    for key in per_page[ours]:
        mine, other = page_prf(*per_page[ours][key]), page_prf(*per_page[theirs][key])
        loss.append((other[2] - mine[2], key, mine, other))
    loss.sort(reverse=True)
    print(f"\n{args.worst} pages where {ours} loses most F1 against {theirs} (P/R/F1 each):")

    def fmt(s: tuple) -> str:
        return "/".join("  - " if x is None else f"{x:.2f}" for x in s)

    for d, key, mine, other in loss[: args.worst]:
        print(f"  {d:+.3f} {fmt(mine)} vs {fmt(other)}  {key[:12]} {urls.get(key, '')[:70]}")


if __name__ == "__main__":
    sys.exit(main())
