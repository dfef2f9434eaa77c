"""The batch related job (DuckDB) against the embedded engine on one library: time and agreement.

    .venv/bin/python benchmarks/batch_bench.py --home /tmp/batch20k [--keep DIR]

`--home` is a NEWSREADER_HOME whose library already holds the corpus (e.g. the 20k benchmark
corpus: `python benchmarks/build_corpus.py 20000`, then
`NEWSREADER_HOME=/tmp/batch20k newsreader add benchmarks/.work/corpus-20000/articles`). It is
copied, analysed once in the copy (untimed: both sides start from the same stored analyses),
then copied twice more, and in fresh processes:
- embedded: `Library().derive()`, i.e. `derived.ensure`: every neighbour list ranked by
  `RelatedIndex.related` in Python and stored (what `newsreader related` does first);
- duckdb: `newsreader batch related --engine duckdb --out JOB --json`: export to Parquet,
  the SQL steps out of core, the load into the library.
Wall seconds beside the CPU seconds of the child (the machine is shared) and its peak RSS; then
the agreement of the two libraries' stored lists: the same top-5 sets (%), the same whole
top-10 lists in order (%), and, for articles with identical texts, those texts first in both
(%). Prints a Markdown table. Never run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
NEWSREADER = [PY, "-m", "newsreader"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stdout) of one whole process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        if status != 0:
            err.seek(0)
            raise RuntimeError(f"{cmd} failed: {err.read().decode(errors='replace')[-600:]}")
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def lists(db: Path) -> tuple[dict[int, list[int]], dict[int, str]]:
    conn = sqlite3.connect(db)
    out: dict[int, list[int]] = {}
    for aid, other in conn.execute(
        "SELECT article_id, other_id FROM neighbour ORDER BY article_id, rank"
    ):
        out.setdefault(aid, []).append(other)
    hashes = dict(conn.execute("SELECT id, content_hash FROM article"))
    conn.close()
    return out, hashes


def agreement(want: dict[int, list[int]], got: dict[int, list[int]], hashes: dict[int, str]):
    twins: dict[str, set[int]] = {}
    for aid, digest in hashes.items():
        twins.setdefault(digest, set()).add(aid)
    ids = sorted(set(want) | set(got))
    same5 = sum(set(want.get(a, [])[:5]) == set(got.get(a, [])[:5]) for a in ids)
    exact = sum(want.get(a, []) == got.get(a, []) for a in ids)
    with_twins = [a for a in ids if len(twins[hashes[a]]) > 1]
    first = 0
    for a in with_twins:
        k = min(len(twins[hashes[a]]) - 1, 10)
        mine = twins[hashes[a]] - {a}
        first += set(got.get(a, [])[:k]) <= mine and set(want.get(a, [])[:k]) <= mine
    return len(ids), same5, exact, len(with_twins), first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a NEWSREADER_HOME with a library")
    parser.add_argument("--keep", type=Path, help="keep the work folder here afterwards")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    base = work / "base"
    shutil.copytree(args.home, base)
    env = {**os.environ, "NEWSREADER_HOME": str(base)}
    prep = "from newsreader.library import Library\nfrom newsreader.batch.export import prepare\n"
    # Seeded as the CLI seeds a library on first use: both sides must hold the same articles
    # (five more would move every document frequency).
    prep += "lib = Library()\nlib.ensure_seeded()\nprint(prepare(lib.conn))\n"
    wall, cpu, _, out = timed([PY, "-c", prep], env)
    print(f"analysed {out.strip()} articles first (untimed: {wall:.0f} s)", file=sys.stderr)
    rows = []
    homes = {}
    for side in ("embedded", "duckdb"):
        home = work / side
        shutil.copytree(base, home)
        homes[side] = home
        env = {**os.environ, "NEWSREADER_HOME": str(home)}
        if side == "embedded":
            cmd = [PY, "-c", "from newsreader.library import Library\nLibrary().derive()\n"]
        else:
            cmd = [*NEWSREADER, "batch", "related", "--out", str(work / "job"), "--json"]
        wall, cpu, rss, out = timed(cmd, env)
        rows.append((side, wall, cpu, rss))
        print(f"{side}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MB", file=sys.stderr)
    job = json.loads((work / "job" / "job.json").read_text())
    want, hashes = lists(homes["embedded"] / "data" / "library.sqlite3")
    got, _ = lists(homes["duckdb"] / "data" / "library.sqlite3")
    n, same5, exact, n_twins, first = agreement(want, got, hashes)
    print(f"\n{n} articles ({len(set(hashes.values()))} distinct texts)\n")
    print("| run | wall s | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for side, wall, cpu, rss in rows:
        label = (
            "embedded `derive()` (ensure: rank + store)"
            if side == "embedded"
            else ("DuckDB job (export + SQL + load)")
        )
        print(f"| {label} | {wall:.1f} | {cpu:.1f} | {rss:.0f} |")
    f = job["figures"]
    print(
        f"\nDuckDB job steps (wall s): export {f.get('export_wall', 0):.1f}, "
        f"SQL {f.get('related_wall', 0):.1f}, load {f.get('load_wall', 0):.1f}; "
        f"slowest SQL steps: "
        + ", ".join(
            f"{k} {v:.1f}"
            for k, v in sorted(f.get("related_seconds", {}).items(), key=lambda kv: -kv[1])[:4]
        )
    )
    print("\n| agreement (DuckDB vs embedded) | articles | % |")
    print("|---|---:|---:|")
    print(f"| same top-5 set | {same5}/{n} | {100 * same5 / max(1, n):.2f} |")
    print(f"| same top-10 list, in order | {exact}/{n} | {100 * exact / max(1, n):.2f} |")
    print(
        f"| identical texts first (articles with a twin) | {first}/{n_twins} | "
        f"{100 * first / max(1, n_twins):.2f} |"
    )
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        shutil.move(str(work), args.keep)
    else:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
