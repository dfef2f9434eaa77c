"""`newsreader batch`: corpus-wide jobs run by DuckDB or Spark, and loading their results.

    newsreader batch related [--engine duckdb|spark] [--out DIR] [--no-load] [--json]
    newsreader batch load DIR [--json]

`related` exports the library to Parquet (DIR/input), ranks every article's neighbours with the
engine (DIR/related) and loads them, so `newsreader related` and the reader answer from them.
Given an existing DIR, finished steps are kept: a killed job goes on where it stopped.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from newsreader.cli.common import (
    CliError,
    add_json_argument,
    ctrl_c_cancels,
    end_stages,
    open_library,
    print_json,
    stage_printer,
)

T = TypeVar("T")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "batch",
        help="corpus-wide jobs with DuckDB or Spark (pip install 'newsreader[scale]')",
        description=(
            "Run the related step over the whole library as a batch job (DuckDB on this "
            "machine, out of core; or Spark), writing Parquet results into a job folder that "
            "the library loads."
        ),
    )
    jobs = parser.add_subparsers(dest="job", metavar="JOB", required=True)
    related = jobs.add_parser(
        "related", help="every article's related neighbours, then loaded into the library"
    )
    story = jobs.add_parser(
        "story",
        help="the related job, then stories: candidate pairs aligned in worker processes; "
        "neighbours and alignments loaded into the library",
    )
    for job in (related, story):
        job.add_argument(
            "--engine", choices=("duckdb", "spark"), default="duckdb", help="default: duckdb"
        )
        job.add_argument(
            "--out",
            type=Path,
            metavar="DIR",
            help="the job folder (default: a new one under the data folder's batch/); an "
            "existing one goes on from its finished steps",
        )
        job.add_argument(
            "--no-load", action="store_true", help="only write the result files, load nothing"
        )
        add_json_argument(job)
    load = jobs.add_parser("load", help="load a finished job's results into the library")
    load.add_argument("dir", type=Path, metavar="DIR", help="the job folder")
    add_json_argument(load)


def run(args: argparse.Namespace) -> int:
    from newsreader.batch import BatchError
    from newsreader.library import LibraryError
    from newsreader.progress import Cancelled

    try:
        if args.job == "load":
            return _load(args)
        return _run_job(args)
    except (BatchError, LibraryError) as e:
        raise CliError(str(e)) from None
    except Cancelled:
        end_stages()
        print(
            "newsreader: stopped; nothing was loaded. Run the same command with --out on the "
            "job folder to go on from its finished steps",
            file=sys.stderr,
        )
        return 130


def _run_job(args: argparse.Namespace) -> int:
    from newsreader.batch import default_job_dir, related_job, require, story_job

    require(args.engine)  # before the library is opened: one line, nothing written
    out = args.out or default_job_dir(args.job)
    if out.exists() and not out.is_dir():
        raise CliError(f"{out} is not a folder")
    library = open_library()
    if not library.read_only:
        library.ensure_seeded()  # the library every verb works on, from its first use
    cancel = threading.Event()
    job = story_job if args.job == "story" else related_job
    report = _cancellable(
        cancel,
        lambda: job(
            library,
            out,
            engine=args.engine,
            load_results=not args.no_load,
            cancel=cancel,
            progress=stage_printer(),
        ),
    )
    end_stages()
    if args.json:
        print_json(report.to_json())
        return 0
    figures = report.figures
    print(
        f"{report.job_dir}: {report.articles} articles, {report.neighbours} neighbours "
        f"({report.engine}: ranked in {figures.get('related_wall', 0):.1f} s)"
    )
    if args.job == "story":
        stories = int(figures.get("story_stories", 0))
        print(
            f"{stories} {'story' if stories == 1 else 'stories'} from "
            f"{figures.get('story_aligned', 0)} aligned pairs in "
            f"{figures.get('story_wall', 0):.1f} s: {report.job_dir / 'story' / 'stories.jsonl'}"
        )
    if report.loaded is None:
        print(f"not loaded: `newsreader batch load {report.job_dir}` loads it")
    else:
        print(_loaded_line(report.loaded))
    return 0


def _load(args: argparse.Namespace) -> int:
    from newsreader.batch import load

    if not args.dir.is_dir():
        raise CliError(f"no job folder {args.dir}")
    library = open_library()
    cancel = threading.Event()
    report = _cancellable(cancel, lambda: load(library, args.dir, cancel=cancel))
    if args.json:
        print_json({"job": str(args.dir), "loaded": report.to_json()})
    else:
        print(_loaded_line(report))
    return 0


def _loaded_line(report: object) -> str:
    from newsreader.batch import LoadReport

    assert isinstance(report, LoadReport)
    line = f"loaded {report.articles} neighbour lists"
    if report.verdicts or report.verdicts_skipped:
        line += f" and {report.verdicts} verdicts"
    left = report.changed + report.stale
    if left:
        line += (
            f"; {left} left for the next `newsreader related` "
            f"({report.changed} changed since the export)"
        )
    return line


def _cancellable(cancel: threading.Event, work: Callable[[], T]) -> T:
    """Run `work` in a thread so Ctrl-C reaches us while DuckDB holds the worker: the first
    sets `cancel` (the job stops between steps or interrupts its statement, and rolls back
    any load), a second one stops at once."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as e:  # handed to the main thread as it is
            error.append(e)

    worker = threading.Thread(target=target, name="batch-job", daemon=True)
    with ctrl_c_cancels(cancel):
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
    if error:
        raise error[0]
    return result[0]
