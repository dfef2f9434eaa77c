"""Search per keystroke on a built library, as the reader types: p50/p95 wall and CPU.

    .venv/bin/python benchmarks/keystroke_bench.py DB [DB ...] [--rounds 2] [--repeat N]
        [--before OLD/src] [--profile OUT] [--dump OUT.json]

Each DB (a library.sqlite3; opened read-only, nothing is written) is searched in a fresh
process: every prefix of QUERIES typed one character at a time, `fts.search(limit=50)` as the
reader's search view asks it (`Library.hits` adds only a dict lookup per hit). Round 1 meets
every prefix for the first time (as when a user starts typing: the articles a new prefix
brings are new to the process); round 2 types the same prefixes again (caches warm). CPU
is `time.process_time` of the searching process: on a shared machine wall time measures
the neighbours too. With `--repeat N` a last table takes each keystroke's minimum over the N
runs (the least disturbed one) before the percentiles.

`--dump` writes every prefix's hits (article, score, offsets, snippet, highlights) as JSON
and checks that round 2 gives the same: two runs of different code on the same library must
dump the same file (tests/unit/test_library_fts_keys.py checks the same on a small library).
`--profile` writes a cProfile of round 1 of the first DB (pstats format). `--before OLD/src`
runs the same keystrokes with another checkout's code too (PYTHONPATH), alternating with this
one, so before and after share the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# The library_bench.py queries (unfinished last words, one typo) and library_search.py's
# typed queries (typos, a longer phrase).
QUERIES = [
    "prime minist",
    "interest rat",
    "goverment sa",
    "oil prices r",
    "petrolium exports",
    "central bank interest rates",
    "goverment budget deficit",
    "tencent meting",
    "the year",
    "world cup fin",
]


def prefixes() -> list[str]:
    return [q[:k] for q in QUERIES for k in range(1, len(q) + 1)]


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def _child(db: str, rounds: int, profile: str | None, dump: str | None) -> None:
    import sqlite3

    from newsreader.library import fts

    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    fts.search(conn, "warm")  # the first query pays the imports' lazy parts
    out: dict[str, object] = {}
    dumped: dict[str, list[list[object]]] = {}
    for r in range(rounds):
        prof = None
        if profile and r == 0:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        walls, cpus = [], []
        for q in prefixes():
            t0, c0 = time.perf_counter(), time.process_time()
            hits = fts.search(conn, q, limit=50)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            if dump:
                rows = [
                    [h.article_id, round(h.score, 6), h.start, h.end, h.snippet,
                     [list(m) for m in h.snippet_highlights]]
                    for h in hits
                ]  # fmt: skip
                if r == 0:
                    dumped[q] = rows
                elif dumped[q] != rows:  # the same prefix again (memoised) must not differ
                    out["differs"] = q
        if prof is not None:
            prof.disable()
            prof.dump_stats(profile)  # type: ignore[arg-type]
        out[f"round{r + 1}"] = {"wall": walls, "cpu": cpus}
    if dump:
        Path(dump).write_text(json.dumps(dumped, ensure_ascii=False, indent=0), encoding="utf-8")
    out["module"] = fts.__file__
    print(json.dumps(out))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dbs", nargs="+")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile")
    parser.add_argument("--dump", help="hits of every prefix as JSON (first DB)")
    parser.add_argument(
        "--before",
        metavar="SRC",
        help="also run each DB with the newsreader package in SRC (e.g. an older checkout's "
        "src/), alternating with this one; --dump then writes OUT.before.json beside OUT",
    )
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per DB and code")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.dbs[0], args.rounds, args.profile, args.dump)
        return 0
    n = len(prefixes())
    print(f"{n} keystrokes per round ({len(QUERIES)} queries), limit 50; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'library':<34} {'code':<7} {'round':<6} {'wall p50':>8} {'p95':>6} {'max':>6} "
          f"{'cpu p50':>8} {'p95':>6} {'max':>6}")  # fmt: skip
    codes: list[tuple[str, str | None]] = [("this", None)]
    if args.before:
        codes.insert(0, ("before", str(Path(args.before).resolve())))
    # (db, code, round) -> per-run lists of per-keystroke times: the summary below takes each
    # keystroke's least disturbed run (a shared machine adds to a run, never takes away).
    runs: dict[tuple[str, str, str], dict[str, list[list[float]]]] = {}
    for i, db in enumerate(args.dbs):
        for rep in range(args.repeat):
            for label, src in codes:
                cmd = [sys.executable, __file__, db, "--child", "--rounds", str(args.rounds)]
                if i == 0 and rep == 0 and args.profile and src is None:
                    cmd += ["--profile", args.profile]
                if i == 0 and rep == 0 and args.dump:
                    out = args.dump if src is None else args.dump.replace(".json", ".before.json")
                    cmd += ["--dump", out]
                env = dict(os.environ)
                if src is not None:
                    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
                run = subprocess.run(cmd, check=True, capture_output=True, env=env)
                res = json.loads(run.stdout)
                if i == 0 and rep == 0:
                    print(f"  ({label}: {res.pop('module')})")
                res.pop("module", None)
                if "differs" in res:
                    print(f"  !! round 2 gave other hits than round 1 for {res.pop('differs')!r}")
                for r, v in res.items():
                    w, c = v["wall"], v["cpu"]
                    held = runs.setdefault((db, label, r[-1]), {"wall": [], "cpu": []})
                    held["wall"].append(w)
                    held["cpu"].append(c)
                    print(f"{db[-34:]:<34} {label:<7} {r[-1]:<6} {statistics.median(w):8.1f} "
                          f"{p95(w):6.1f} {max(w):6.1f} {statistics.median(c):8.1f} "
                          f"{p95(c):6.1f} {max(c):6.1f}", flush=True)  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.repeat > 1:
        print(f"each keystroke's minimum over the {args.repeat} runs:")
        for (db, label, r), held in runs.items():
            w = [min(x) for x in zip(*held["wall"], strict=True)]
            c = [min(x) for x in zip(*held["cpu"], strict=True)]
            print(f"{db[-34:]:<34} {label:<7} {r:<6} {statistics.median(w):8.1f} "
                  f"{p95(w):6.1f} {max(w):6.1f} {statistics.median(c):8.1f} "
                  f"{p95(c):6.1f} {max(c):6.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
