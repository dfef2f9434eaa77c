"""Where a cold `related` with clusters goes, and the story job against the embedded engine.

    .venv/bin/python benchmarks/story_bench.py --home HOME [--workers N] [--job]

HOME is a NEWSREADER_HOME whose library holds the articles (`newsreader add DIR`, nothing
derived yet); it is copied, never changed. In one process, on the copy: `derive` (analyse and
rank every article), then the clusters `related --json` prints (pairs chosen, aligned in worker
processes, edges, stories), then again with everything stored. With `--job`: the story job
(batch/story.py) on inputs written from the library (as tests/unit/test_batch_story.write_job
does, until the batch export lands), its stories compared with the embedded engine's.
CPU counts this process and its finished workers (`resource`); the machine is shared, so read
CPU beside wall time. Peak RSS: this process (a spawned worker's figure starts from a fork of
it, so the children's maximum is not the workers' own).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--job", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="story_bench-"))
    home = work / "home"
    shutil.copytree(args.home, home)
    os.environ["NEWSREADER_HOME"] = str(home)
    from newsreader.library import Library
    from newsreader.provenance.clusters import clusters_json

    rows = []
    with Library() as library:
        t, c = time.perf_counter(), cpu()
        engine = library.derive(top=5)
        rows.append(("derive: analyse + rank", time.perf_counter() - t, cpu() - c, ""))
        for label in ("clusters, cold (select + align + link)", "clusters, stored"):
            t, c = time.perf_counter(), cpu()
            clusters = clusters_json(
                engine.corpus,
                engine.index,
                verdicts=engine.verdicts,
                common=engine.common,
                path_of=lambda a: a.locator,  # type: ignore[attr-defined]
                workers=args.workers,
            )
            note = f"{len(clusters)} clusters, {sum(map(len, clusters))} articles"
            rows.append((label, time.perf_counter() - t, cpu() - c, note))
            engine = library.derive(top=5)
        if args.job:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))
            from test_batch_story import write_job

            from newsreader.batch import story

            job = work / "job"
            job.mkdir()
            write_job(library, job)
    if args.job:
        t, c = time.perf_counter(), cpu()
        figures = story.run_story(job, workers=args.workers)
        got = [
            json.loads(line)["articles"]
            for line in (job / "story" / "stories.jsonl").read_text().splitlines()
        ]
        note = (
            f"{figures['pairs']} pairs ({figures['sure']} sure), {len(got)} stories, "
            f"identical to the embedded engine's: {got == clusters}"
        )
        rows.append(("story job (batch/story.py)", time.perf_counter() - t, cpu() - c, note))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load average {os.getloadavg()[0]:.1f}; peak RSS of this process {peak:.0f} MB")
    print("| step | wall s | CPU s | note |")
    print("|---|---:|---:|---|")
    for label, wall, spent, note in rows:
        print(f"| {label} | {wall:.1f} | {spent:.1f} | {note} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":  # spawned alignment workers import this module: run only here
    main()
