"""One benchmark phase on one corpus, in its own process so peak RSS is that phase's alone.

    python benchmarks/measure.py cold|warm|plain CORPUS_DIR OUT_JSON

`cold`: open as the app does on a new library (parse in workers, rows and search index written
to the library database) -> typed-query latencies -> compare on the benchmark pairs -> related
for the whole corpus; writes the paragraphs (for fzf) and the pairs (for text-matcher) beside
OUT_JSON. `warm`: open again (rows read from the library; search runs in the database).
`plain`: `newsreader.corpus.load_corpus` alone (no library, no worker processes), for reference.
run.py gives both phases the same `NEWSREADER_HOME`, so `warm` reopens the library `cold` made.
Anything not built yet in newsreader is reported as {"error": "..."} and shows as n/a.
"""

from __future__ import annotations

import gc
import json
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Every query is typed one character at a time; 12 characters, some with a typo.
QUERIES = [
    "prime minist", "interest rat", "mobile phone", "champions le",
    "film festiva", "oil prices r", "goverment sa",
]  # fmt: skip
PAIRS = 200  # article pairs for compare (ours) and text-matcher (peer)


def rss_mb() -> float:
    """Current resident set size (not the peak), from /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_time() -> float:
    """CPU seconds of this process and of its finished children (the parse workers)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def timed(out: dict, name: str, fn: Callable[[], object]) -> object | None:
    """Run fn, store its wall time (or the reason it could not run) under `name`."""
    gc.collect()
    t, c = time.perf_counter(), cpu_time()
    try:
        result = fn()
    except Exception as e:  # the API may not exist yet: n/a, not a crash
        out[name] = {"error": f"{type(e).__name__}: {e}"[:200]}
        return None
    # CPU time beside wall time: the machine is shared, and CPU time barely depends on that.
    out[name] = {"s": time.perf_counter() - t, "cpu": cpu_time() - c, "rss_mb": rss_mb()}
    return result


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def load(articles: Path) -> object:
    from newsreader.corpus import load_corpus

    return load_corpus([articles])


class _Search:
    def __init__(self, library: object) -> None:
        self.library = library

    def search(self, query: str) -> object:
        return self.library.search(query)


def open_corpus(out: dict, articles: Path) -> tuple[object, object] | None:
    """What the app does on open (`tui.app.read_corpus_and_index`): the library view of the
    folder (cold: parsed and written; warm: only stat'ed, rows read). Search needs nothing
    more (it runs in the database), so `index` is ~0."""
    from newsreader.tui.app import read_corpus_and_index

    gc.collect()
    t, c = time.perf_counter(), cpu_time()
    marks: list[tuple[float, float]] = []
    try:
        corpus, index = read_corpus_and_index(
            [articles], on_corpus=lambda _: marks.append((time.perf_counter(), cpu_time()))
        )
    except Exception as e:
        out["load"] = {"error": f"{type(e).__name__}: {e}"[:200]}
        return None
    t2, c2 = time.perf_counter(), cpu_time()
    (t1, c1) = marks[0]
    out["load"] = {"s": t1 - t, "cpu": c1 - c, "rss_mb": rss_mb()}
    out["index"] = {"s": t2 - t1, "cpu": c2 - c1, "rss_mb": rss_mb()}
    return corpus, _Search(index.library)


def pairs_for(corpus_dir: Path, corpus: object) -> list[tuple[object, object]]:
    """(derived article, its first source) pairs, a seeded sample of the manifest."""
    by_path = {str(a.path): a for a in corpus.articles}
    root = (corpus_dir / "articles").resolve()
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    random.Random(7).shuffle(manifest)
    out = []
    for m in manifest:
        a, b = by_path.get(str(root / m["path"])), by_path.get(str(root / m["sources"][0]))
        if a is not None and b is not None and a.text != b.text:
            out.append((a, b))
        if len(out) == PAIRS:
            break
    return out


def run_search(out: dict, index: object) -> None:
    lat, cpu = [], []
    for q in QUERIES:
        for k in range(1, len(q) + 1):
            t, c = time.perf_counter(), time.thread_time()
            index.search(q[:k])
            lat.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
    out["search"] = {
        "p50": pct(lat, 0.5),
        "p95": pct(lat, 0.95),
        "max": max(lat),
        "n": len(lat),
        "cpu_p50": pct(cpu, 0.5),
        "cpu_p95": pct(cpu, 0.95),
    }


def run_compare(out: dict, pairs: list) -> None:
    from newsreader.reuse import compare_articles

    lat, found = [], 0
    # The first call pays one-time setup (lexicons, imports): reported apart, not in the spread.
    t = time.perf_counter()
    compare_articles(*pairs[-1])
    first = time.perf_counter() - t
    for a, b in pairs:
        t = time.perf_counter()
        c = compare_articles(a, b)
        lat.append(time.perf_counter() - t)
        found += bool(c.passages)
    out["compare"] = {
        "p50": pct(lat, 0.5),
        "p95": pct(lat, 0.95),
        "max": max(lat),
        "total": sum(lat),
        "n": len(lat),
        "found": found,
        "first": first,
    }


def run_related(out: dict, corpus: object, corpus_dir: Path) -> None:
    """Related for every article; recall = derived articles whose source is in their top 10."""
    from newsreader import reuse

    t, c = time.perf_counter(), time.process_time()
    if hasattr(reuse, "RelatedIndex"):
        index = reuse.RelatedIndex.build(corpus)
        built = time.perf_counter() - t
        rel = {a.path: [r.article.path for r in index.related(a, top=10)] for a in corpus.articles}
    else:
        result = reuse.related(corpus, top=10)  # AttributeError -> n/a
        built = None
        rel = {a.path: [r.article.path for r in rs] for a, rs in dict(result).items()}
    total = time.perf_counter() - t
    root = (corpus_dir / "articles").resolve()
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    hits = sum(root / m["sources"][0] in rel.get(root / m["path"], ()) for m in manifest)
    out["related"] = {
        "s": total,
        "cpu": time.process_time() - c,
        "build_s": built,
        "recall10": hits / max(1, len(manifest)),
        "rss_mb": rss_mb(),
    }


def guarded(out: dict, name: str, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception as e:
        out[name] = {"error": f"{type(e).__name__}: {e}"[:200]}


def main() -> None:
    phase, corpus_dir, out_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    articles = corpus_dir / "articles"
    out: dict = {"phase": phase}
    t = time.perf_counter()
    import newsreader.library
    import newsreader.reuse  # noqa: F401

    out["import_s"] = time.perf_counter() - t
    from newsreader.store.codec import fingerprint

    out["loader_fingerprint"] = fingerprint()
    if phase == "plain":
        corpus = timed(out, "load", lambda: load(articles))
        if corpus is not None:
            out["articles"] = len(corpus.articles)
        out["peak_rss_mb"] = peak_rss_mb()
        out_path.write_text(json.dumps(out))
        return
    opened = open_corpus(out, articles)
    if opened is None:
        out_path.write_text(json.dumps(out))
        return
    corpus, index = opened
    out["articles"] = len(corpus.articles)
    out["paragraphs"] = sum(len(a.paragraphs) for a in corpus.articles)
    if phase == "cold":
        if index is not None:
            guarded(out, "search", lambda: run_search(out, index))
        paras = out_path.with_suffix(".paragraphs.txt")
        with paras.open("w", encoding="utf-8") as f:
            for a in corpus.articles:
                for p in a.paragraphs:
                    f.write(" ".join(a.text[p.start : p.end].split()) + "\n")
        pairs = pairs_for(corpus_dir, corpus)
        out_path.with_suffix(".pairs.json").write_text(
            json.dumps([[str(a.path), str(b.path)] for a, b in pairs])
        )
        guarded(out, "compare", lambda: run_compare(out, pairs))
        guarded(out, "related", lambda: run_related(out, corpus, corpus_dir))
    out["peak_rss_mb"] = peak_rss_mb()
    # Worker processes of the cold load (parse_pool), measured apart.
    out["children_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out_path.write_text(json.dumps(out))


if __name__ == "__main__":
    main()
