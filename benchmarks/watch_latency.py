"""Watched folders: time from a file saved into a folder the reader shows to its row in the list.

    .venv/bin/python benchmarks/watch_latency.py [--runs 10] [--library-size 0]

Runs the reader headless (Textual's Pilot) on a temporary folder (optionally pre-filled with
N Reuters-21578 bodies from /tmp/reuters/articles, read in place, never copied into the repo),
then saves one new article at a time with an editor's write-then-rename and waits for its row.
Prints a table: median and max wall time, and the reader process's CPU time over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REUTERS = Path("/tmp/reuters/articles")


async def measure(folder: Path, runs: int) -> list[float]:
    from newsreader.tui.app import make_app

    app = make_app([folder])
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.loaded or app._watcher is None:
            await pilot.pause(0.05)
        await asyncio.sleep(0.5)  # the watch is set up just after its thread starts
        for i in range(runs):
            title = f"Watched article number {i} arrives"
            tmp = folder / f".new{i}.txt.tmp"
            tmp.write_text(f"{title}\n\nBody of article {i}, saved by an editor.\n")
            start = time.perf_counter()
            os.replace(tmp, folder / f"new{i}.txt")
            while not any(a.display_title == title for a in app.main_screen.article_list.rows):
                await pilot.pause(0.005)
                if time.perf_counter() - start > 30:
                    raise SystemExit(f"run {i}: the row never appeared")
            times.append(time.perf_counter() - start)
            await asyncio.sleep(0.3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--library-size", type=int, default=0, help="Reuters files pre-loaded")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="nr-watch-"))
    os.environ["NEWSREADER_HOME"] = str(home / "home")
    folder = home / "news"
    folder.mkdir()
    for path in sorted(REUTERS.glob("*.txt"))[: args.library_size]:
        os.symlink(path, folder / path.name)  # read in place
    cpu = time.process_time()
    try:
        times = asyncio.run(measure(folder, args.runs))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    cpu = time.process_time() - cpu
    ms = [t * 1000 for t in times]
    print("| library size | runs | median ms | max ms | process CPU s (load + runs) |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {args.library_size} | {len(ms)} | {statistics.median(ms):.0f} | {max(ms):.0f} "
        f"| {cpu:.1f} |"
    )
    print("each run (ms):", " ".join(f"{m:.0f}" for m in ms), file=sys.stderr)


if __name__ == "__main__":
    main()
