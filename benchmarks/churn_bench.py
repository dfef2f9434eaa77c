"""Churn on arrival: what checking one new article against the library's press releases costs.

    .venv/bin/python benchmarks/churn_bench.py [--sizes 1000,18000] [--new 100]

For each size, a fresh library (temporary NEWSREADER_HOME) gets that many Reuters-21578 bodies
from /tmp/reuters/articles (read in place, never copied into the repo) plus the bundled seeds
(001 is a PR Newswire release that 000, 002 and 003 retell). Then `--new` held-out Reuters
bodies and the seeds' news reports are checked one at a time (`churn.check_article`: shingles,
candidate lookup, `compare_articles` on the best candidates), and the whole arrival path
(`churn.check_new`, which also stores the result) is timed on rows already stored. Prints a
Markdown table with wall and CPU time per article (`time.process_time`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REUTERS = Path("/tmp/reuters/articles")
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,18000")
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument(
        "--all-releases",
        action="store_true",
        help="worst case: treat every Reuters body in the library as a press release",
    )
    parser.add_argument(
        "--no-churn",
        action="store_true",
        help="baseline: ingest with the churn check switched off (the check columns then "
        "measure the check alone, as usual)",
    )
    args = parser.parse_args()
    if args.no_churn:
        from newsreader.library import churn

        real = churn.check_new
        churn.check_new = lambda conn, arrived, **kw: 0  # type: ignore[assignment]
        # The measurements below call the real one.
        globals()["CHECK_NEW"] = real
    files = sorted(REUTERS.glob("*.txt"))
    # Arrivals from the same stream as the library: spread over the whole collection.
    held_out = files[:: max(1, len(files) // args.new)][: args.new]
    chosen = set(held_out)
    pool = [f for f in files if f not in chosen]
    print(
        "| library | releases | ingest s (wall / CPU) | new articles | candidates compared "
        "| matched | check ms/article median (wall / CPU) | p95 wall ms | max wall ms "
        "| check_new ms/article (wall / CPU) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        print(run(size, pool[:size], held_out, args.all_releases), flush=True)


def run(size: int, library_files: list[Path], held_out: list[Path], all_releases: bool) -> str:
    home = Path(tempfile.mkdtemp(prefix="nr-churn-"))
    os.environ["NEWSREADER_HOME"] = str(home)
    try:
        from newsreader.corpus import load_article
        from newsreader.library import Library, churn

        lib = Library(home / "lib.sqlite3")
        folder = home / "reuters"
        folder.mkdir()
        for f in library_files:
            os.symlink(f, folder / f.name)  # the library reads them in place
        wall, cpu = time.perf_counter(), time.process_time()
        lib.add_paths([folder, ROOT / "seeds"])
        ingest = (time.perf_counter() - wall, time.process_time() - cpu)
        if all_releases:
            # Reuters holds no press releases: every body becomes one, so each arrival meets
            # thousands of candidates (wire stories retold over days share many phrases).
            with churn.transaction(lib.conn):
                lib.conn.execute(
                    "UPDATE article SET kind = 'press_release' WHERE locator LIKE ?",
                    (f"{REUTERS.resolve()}/%",),  # symlinks: rows keep the real paths
                )
            # Read after the commit: `articles()` reads through the library's other connection.
            rows = [x for x in lib.articles() if x.kind == "press_release"]
            with churn.transaction(lib.conn):
                churn._index_releases(lib.conn, [(x.article_id, x) for x in rows])
        releases = lib.conn.execute(
            "SELECT count(*) FROM article WHERE kind = 'press_release'"
        ).fetchone()[0]
        seeds = sorted((ROOT / "seeds").glob("*.txt"))
        arrivals = [load_article(p) for p in held_out] + [
            load_article(p) for p in seeds if not p.name.startswith("001")
        ]
        walls: list[float] = []
        cpus: list[float] = []
        compared = matched = 0
        for a in arrivals:
            compared += len(churn.candidates(lib.conn, a))
            wall, cpu = time.perf_counter(), time.process_time()
            found = churn.check_article(lib.conn, a)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            matched += found is not None
        # The stored path: the same rows re-checked as if they had just arrived.
        stored = [
            (x.article_id, x)
            for x in lib.articles()
            if Path(x.locator).name[:3] in ("000", "002", "003")
        ]
        stored += [(x.article_id, x) for x in lib.articles()[:100] if x.kind == "news"]
        wall, cpu = time.perf_counter(), time.process_time()
        globals().get("CHECK_NEW", churn.check_new)(lib.conn, stored)
        n = len(stored)
        per = ((time.perf_counter() - wall) / n, (time.process_time() - cpu) / n)
        lib.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    ms = sorted(w * 1000 for w in walls)
    if all_releases:
        releases = f"all ({len(library_files) + 1})"
    return (
        f"| {len(library_files) + 5} | {releases} | {ingest[0]:.1f} / {ingest[1]:.1f} "
        f"| {len(arrivals)} | {compared} | {matched} "
        f"| {statistics.median(ms):.2f} / {statistics.median(cpus) * 1000:.2f} "
        f"| {ms[int(len(ms) * 0.95) - 1]:.1f} | {ms[-1]:.1f} "
        f"| {per[0] * 1000:.2f} / {per[1] * 1000:.2f} |"
    )


if __name__ == "__main__":
    sys.exit(main())
