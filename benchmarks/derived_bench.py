"""Related neighbours and story clusters from the library: cold, stored, and after adding one.

    .venv/bin/python benchmarks/derived_bench.py --corpus /tmp/reuters/articles [--home DIR]

In fresh processes, with a temporary NEWSREADER_HOME (or a copy of `--home`, a home whose
library already holds the corpus, to skip the ingest):
- ingest: `newsreader add DIR` (skipped with --home);
- related, cold: `newsreader related --json` (clusters on, the default): analyses every article,
  ranks every neighbour list, aligns every candidate pair, and stores all of it;
- related, stored: the same command again (nothing left to compute);
- add one: a new file (an article of the corpus with a paragraph of its own, so it has a
  near-twin) in a folder of its own, `newsreader add FILE`: its analysis, neighbours, its place
  in others' lists and its candidate pairs' alignments;
- story, first and stored: `newsreader story --json` twice (the first aligns what origins
  and members need beyond the edges, and stores it);
- add one: as above, once more in process (`Library.add_paths` alone, no start-up);
- related after the adds: what is left for the next `related`.
Wall seconds beside the CPU seconds of the child process (the machine is shared) and its peak
RSS; prints a Markdown table. Never run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stdout) of one whole process."""
    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if status != 0:
            raise RuntimeError(f"{cmd[2:5]} failed: {err[-400:]}")
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of article files")
    parser.add_argument("--home", type=Path, help="a NEWSREADER_HOME that already holds it")
    parser.add_argument("--keep", type=Path, help="keep the home here afterwards")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="derived-bench-"))
    home = work / "home"
    env = {**os.environ, "NEWSREADER_HOME": str(home)}
    rows: list[tuple[str, float, float, float, str]] = []
    nr = [PY, "-m", "newsreader"]
    try:
        if args.home is not None:
            shutil.copytree(args.home, home)
        else:
            wall, cpu, rss, _ = timed([*nr, "add", str(args.corpus)], env)
            rows.append(("ingest (`add DIR`)", wall, cpu, rss, ""))
        wall, cpu, rss, out = timed([*nr, "related", "--json"], env)
        cold = json.loads(out)
        rows.append(
            (
                "related --json, cold",
                wall,
                cpu,
                rss,
                f"{len(cold['articles'])} articles, {len(cold['clusters'])} clusters",
            )
        )
        wall, cpu, rss, out = timed([*nr, "related", "--json"], env)
        warm = json.loads(out)
        same = "same output" if warm == cold else "OUTPUT DIFFERS"
        rows.append(("related --json, stored", wall, cpu, rss, same))
        for label in ("story --json, first (after related)", "story --json, stored"):
            wall, cpu, rss, out = timed([*nr, "story", "--json"], env)
            rows.append((label, wall, cpu, rss, f"{len(json.loads(out)['stories'])} stories"))
        source = sorted(args.corpus.iterdir())[len(cold["articles"]) // 2]
        extra = work / "extra"
        extra.mkdir()
        text = source.read_text(encoding="utf-8", errors="replace")
        (extra / "one.txt").write_text(
            text + "\n\nA paragraph of its own, added by the benchmark to make a new text.\n"
        )
        wall, cpu, rss, _ = timed([*nr, "add", str(extra / "one.txt")], env)
        rows.append(("add one article (neighbours + pairs)", wall, cpu, rss, source.name))
        code = (
            "import time, sys; t = time.perf_counter(); c = time.process_time()\n"
            "from newsreader.library import Library\n"
            "lib = Library(); i = time.perf_counter(); j = time.process_time()\n"
            "lib.add_paths([sys.argv[1]])\n"
            "print(time.perf_counter() - i, time.process_time() - j)"
        )
        (extra / "two.txt").write_text(text + "\n\nAnother paragraph, for a second new text.\n")
        _, _, rss, out = timed([PY, "-c", code, str(extra / "two.txt")], env)
        in_wall, in_cpu = map(float, out.split())
        rows.append(("add one, in process (`library.add_paths`)", in_wall, in_cpu, rss, ""))
        wall, cpu, rss, out = timed([*nr, "related", "--json"], env)
        after = json.loads(out)
        found = next((a["related"] for a in after["articles"] if a["path"].endswith("one.txt")), [])
        first = Path(found[0]["path"]).name if found else "-"
        rows.append(("related --json after the adds", wall, cpu, rss, f"one.txt's first: {first}"))
        size = (home / "data" / "library.sqlite3").stat().st_size / 2**20
        if args.keep is not None:
            shutil.copytree(home, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"corpus: {args.corpus} · load average {load[0]:.2f} · library {size:.0f} MB\n")
    print("| step | wall s | CPU s | peak RSS MB | note |")
    print("|---|---:|---:|---:|---|")
    for name, wall, cpu, rss, note in rows:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
