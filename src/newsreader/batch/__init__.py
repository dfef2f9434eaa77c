"""Corpus-wide jobs over the library exported to Parquet: related neighbours (and stories) run
by DuckDB out of core on one machine, or by Spark on a cluster, then loaded back.

A job lives in a directory (BATCH.md's layout): DIR/input (the export), DIR/related
(neighbour.parquet), DIR/story, DIR/job.json. `related_job` runs export -> engine -> load,
each step skipped when already done, so a killed job is run again with the same DIR. Neither
duckdb, pyarrow nor pyspark is imported until a job runs (`pip install 'newsreader[scale]'`).

An engine is a function `run_related(job_dir, *, cancel, progress) -> figures` that writes
DIR/related from DIR/input: `duckdb_engine.run_related`, `spark_engine.run_related`.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader import paths
from newsreader.batch.results import (
    INSTALL_HINT,
    RELATED,
    BatchError,
    LoadReport,
    load,
    read_job,
    step_done,
    update_job,
)
from newsreader.progress import StageProgress, check

if TYPE_CHECKING:
    from newsreader.library import Library

ENGINES = ("duckdb", "spark")
_NEEDS = {"duckdb": ("pyarrow", "duckdb"), "spark": ("pyarrow", "pyspark")}

Engine = Callable[..., dict[str, Any]]


def default_job_dir(job: str = "related") -> Path:
    """<data dir>/batch/<job>-<timestamp>: a new job directory's default place."""
    return paths.data_dir() / "batch" / f"{job}-{time.strftime('%Y%m%d-%H%M%S')}"


def require(engine: str) -> None:
    """Raise `BatchError` (one line) when the engine's packages are not installed."""
    if engine not in ENGINES:
        raise BatchError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    missing = [m for m in _NEEDS[engine] if importlib.util.find_spec(m) is None]
    if missing:
        raise BatchError(f"the {engine} engine needs {', '.join(missing)}: {INSTALL_HINT}")


def engine_function(engine: str) -> Engine:
    """The engine's `run_related` (imported now: its module imports its packages lazily)."""
    require(engine)
    name = f"newsreader.batch.{engine}_engine"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name == name:
            raise BatchError(f"the {engine} engine is not part of this newsreader") from None
        raise BatchError(f"the {engine} engine needs {e.name}: {INSTALL_HINT}") from None
    run: Engine = module.run_related
    return run


@dataclass
class JobReport:
    job_dir: Path
    engine: str
    articles: int = 0
    neighbours: int = 0
    loaded: LoadReport | None = None
    figures: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "job": str(self.job_dir),
            "engine": self.engine,
            "articles": self.articles,
            "neighbours": self.neighbours,
            "loaded": None if self.loaded is None else self.loaded.to_json(),
            "figures": self.figures,
        }


def related_job(
    library: Library,
    job_dir: Path,
    *,
    engine: str = "duckdb",
    load_results: bool = True,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
) -> JobReport:
    """Export the library to `job_dir`, rank every article's neighbours with `engine` and
    (unless `load_results` is False) load them into the library. Steps already done in
    `job_dir` are kept. Raises `BatchError`, `LibraryError` (one line each) or `Cancelled`."""
    from newsreader.batch.export import export

    run = engine_function(engine)
    if library.read_only:
        from newsreader.library import LibraryError

        raise LibraryError(f"the library {library.path} is read-only: nothing can be exported")
    job_dir.mkdir(parents=True, exist_ok=True)
    update_job(job_dir, engine=engine, library=str(library.path), started=time.time())
    report = JobReport(job_dir, engine)
    t, cpu = time.perf_counter(), time.process_time()
    report.articles = export(library.conn, job_dir, cancel=cancel, progress=progress)
    figures: dict[str, Any] = {
        "export_wall": round(time.perf_counter() - t, 3),
        "export_cpu": round(time.process_time() - cpu, 3),
    }
    update_job(job_dir, articles=report.articles, figures=figures)
    check(cancel)
    if not step_done(job_dir, RELATED):
        t = time.perf_counter()
        ranked = run(job_dir, cancel=cancel, progress=progress)
        figures = {f"related_{k}": v for k, v in ranked.items()}
        figures["related_wall"] = round(time.perf_counter() - t, 3)
        update_job(job_dir, figures=figures)
    if load_results:
        check(cancel)
        t = time.perf_counter()
        report.loaded = load(library, job_dir, cancel=cancel)
        update_job(
            job_dir,
            loaded=report.loaded.to_json(),
            figures={"load_wall": round(time.perf_counter() - t, 3)},
        )
    data = update_job(job_dir, finished=time.time())
    report.figures = data.get("figures", {})
    report.neighbours = int(report.figures.get("related_neighbours", 0))
    return report


def story_job(
    library: Library,
    job_dir: Path,
    *,
    engine: str = "duckdb",
    load_results: bool = True,
    workers: int | None = None,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
) -> JobReport:
    """The related job (unless already done in `job_dir`), then the story step: candidate
    pairs aligned per partition, edges, stories (DIR/story/stories.jsonl); then neighbours
    and verdicts are loaded, so `newsreader story` and the reader's stories view align
    nothing again. Raises as `related_job`."""
    from newsreader.batch.story import run_story

    # The story step (pairs chosen, aligned in worker processes here, linked) reads the
    # neighbours with DuckDB whichever engine ranked them: said before an hour of ranking.
    # Aligning on Spark's executors (`spark_engine.run_story_alignment`) needs the texts as
    # DIR/input/text.parquet, which the library's export does not write (the scale corpus does).
    require("duckdb")
    report = related_job(
        library, job_dir, engine=engine, load_results=False, cancel=cancel, progress=progress
    )
    t = time.perf_counter()
    found = run_story(job_dir, workers=workers, cancel=cancel, progress=progress)
    figures = {f"story_{k}": v for k, v in found.items()}
    figures["story_wall"] = round(time.perf_counter() - t, 3)
    update_job(job_dir, figures=figures)
    if load_results:
        check(cancel)
        report.loaded = load(library, job_dir, cancel=cancel)
        update_job(job_dir, loaded=report.loaded.to_json())
    data = update_job(job_dir, finished=time.time())
    report.figures = data.get("figures", {})
    return report


__all__ = [
    "ENGINES",
    "BatchError",
    "JobReport",
    "LoadReport",
    "default_job_dir",
    "engine_function",
    "load",
    "read_job",
    "related_job",
    "require",
    "story_job",
]
