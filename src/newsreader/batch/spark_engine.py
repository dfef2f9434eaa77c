"""The related step and the story alignment run by Spark: the same SQL as DuckDB, on a cluster.

`run_related` registers DIR/input's Parquet files as temporary views and runs
`sql.RELATED_STEPS` through `spark.sql`, one view per step; a view that later steps read more
than once is cached (memory, then disk) so Spark computes it once. The last view is written as
one Parquet file, DIR/related/neighbour.parquet, in (article_id, rank) order: what DuckDB's job
writes and the library loads. `run_story_alignment` sends the story step's pairs, joined with
both texts, through `story.align_partition` with `mapPartitions` (Python workers, in parallel
across the cluster) and writes the verdict rows the same way.

Spark is used as it comes: `SparkSession.getActiveSession()` under `spark-submit` (the
cluster's master, memory and partitions are the submitter's), else a local session made here
(`local[*]`, its UI off, warnings only) and stopped at the end. A set cancel event cancels
the running Spark jobs (`cancelAllJobs` from a watcher thread); a step's files go to
DIR/<step>.tmp and are renamed into place with `_DONE` only when complete, so a killed job
redoes the step from scratch. pyspark is imported here only, when a job runs.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from newsreader.batch.results import (
    INPUT,
    INSTALL_HINT,
    NEIGHBOUR_FILE,
    RELATED,
    VERDICT_FILE,
    BatchError,
    begin_step,
    finish_step,
    step_done,
)
from newsreader.progress import Cancelled, StageProgress, check

INPUTS = ("article", "term", "shingle")
LOCAL_MASTER = "local[*]"
# Shuffle partitions of a local session: Spark's default (200) is for clusters; on one machine
# a few per core keep tasks large enough to be worth their scheduling.
LOCAL_PARTITIONS = 8
ALIGN_PARTITIONS = 64  # pair partitions for alignment (at least the cores of a small cluster)

VERDICT_COLUMNS = (
    ("a_id", "bigint"),
    ("b_id", "bigint"),
    ("a_hash", "string"),
    ("b_hash", "string"),
    ("a_spans", "binary"),
    ("b_spans", "binary"),
    ("a_pct", "double"),
    ("b_pct", "double"),
    ("passages", "binary"),
)

Align = Callable[[Iterable[tuple[Any, ...]]], Iterator[tuple[Any, ...]]]


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise BatchError(f"the Spark engine needs pyspark: {INSTALL_HINT}") from None
    return pyspark


def session(
    master: str | None = None,
    *,
    partitions: int | None = None,
    driver_memory: str | None = None,
    local_dir: Path | None = None,
) -> tuple[Any, bool]:
    """(Spark session, whether it was made here): the active one (spark-submit, a test's),
    else a new local one, quiet and without its web UI. `master` (default
    `NEWSREADER_SPARK_MASTER`, else local[*]) and the rest only shape a new session."""
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    # Spark's Python workers must run this interpreter (the one newsreader is installed in).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(
            master or os.environ.get("NEWSREADER_SPARK_MASTER") or LOCAL_MASTER
        )
        .appName("newsreader-batch")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions or LOCAL_PARTITIONS))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.memory", driver_memory or "2g")
    )
    if local_dir is not None:
        builder = builder.config("spark.local.dir", str(local_dir))
    try:
        spark = builder.getOrCreate()
    except Exception as e:  # no Java, or a JVM that would not start: one line
        raise BatchError(f"Spark could not start: {str(e).splitlines()[0]}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


class _Watch:
    """Cancels the session's running jobs when `cancel` is set (Spark runs an action without
    returning to Python, so the check happens on this thread)."""

    def __init__(self, spark: Any, cancel: threading.Event | None) -> None:
        self.spark, self.cancel = spark, cancel
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, name="spark-cancel", daemon=True)

    def _run(self) -> None:
        while not self.finished.wait(0.1):
            if self.cancel is not None and self.cancel.is_set():
                self.spark.sparkContext.cancelAllJobs()
                return

    def __enter__(self) -> _Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finished.set()
        self.thread.join()


@contextlib.contextmanager
def _running(
    spark: Any, cancel: threading.Event | None, start: Callable[[], tuple[Any, bool]]
) -> Iterator[tuple[Any, bool]]:
    """(the session, whether it was started here): `spark`, else `start()`'s, stopped at the
    end; its jobs cancelled when `cancel` is set (`Cancelled`), any other failure one line."""
    own = False
    if spark is None:
        spark, own = start()
    try:
        with _Watch(spark, cancel):
            yield spark, own
    except Exception as e:
        if cancel is not None and cancel.is_set():
            raise Cancelled from None
        raise _one_line(e) from None
    finally:
        if own:
            spark.stop()


def reused(steps: Sequence[tuple[str, str]]) -> set[str]:
    """The step views that later steps read more than once (after FROM or JOIN), cached so
    Spark computes them once. A view read once is left to Spark to pipeline: caching the
    candidate sums (the largest intermediate) would only write them out."""
    out = set()
    for n, (name, _) in enumerate(steps):
        read = re.compile(rf"\b(?:FROM|JOIN)\s+{re.escape(name)}\b", re.IGNORECASE)
        if sum(len(read.findall(statement)) for _, statement in steps[n + 1 :]) > 1:
            out.add(name)
    return out


def _input_path(job_dir: Path, name: str) -> str:
    """DIR/input/NAME.parquet, or a folder of parts under DIR/input/NAME."""
    single = job_dir / INPUT / f"{name}.parquet"
    return str(single if single.exists() else job_dir / INPUT / name)


def _write_one(df: Any, folder: Path, name: str, order: Sequence[str]) -> int:
    """`df` as the one Parquet file folder/name, sorted by `order`; returns its row count.

    Spark writes a folder of parts: from one partition, one part file, moved into place (the
    job's readers, DuckDB and the loader, take a file). The result is small (ten rows per
    article, one per pair), so one task writing it costs little."""
    parts = folder / (name + ".parts")
    # repartition, not coalesce: coalesce(1) would pull the work before it into one task too.
    df.repartition(1).sortWithinPartitions(*order).write.mode("overwrite").parquet(str(parts))
    files = sorted(parts.glob("part-*.parquet"))
    if len(files) != 1:
        raise BatchError(f"Spark wrote {len(files)} files for {name}, expected one")
    os.replace(files[0], folder / name)
    shutil.rmtree(parts)
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(folder / name).metadata.num_rows)


def _jvm_usage(spark: Any) -> dict[str, float]:
    """CPU seconds and peak RSS of the driver's JVM (local mode: all the work), from /proc."""
    try:
        pid = int(spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        status = Path(f"/proc/{pid}/status").read_text()
        hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
        return {
            "jvm_cpu": round((int(fields[11]) + int(fields[12])) / ticks, 2),
            "jvm_peak_rss_mb": round(int(hwm.group(1)) / 1024) if hwm else 0,
        }
    except (OSError, ValueError, AttributeError, IndexError):
        return {}


def _steps() -> tuple[tuple[str, str], ...]:
    from newsreader.batch import sql

    return sql.RELATED_STEPS


def run_related(
    job_dir: Path,
    *,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
    spark: Any = None,
    steps: Sequence[tuple[str, str]] | None = None,
    master: str | None = None,
    partitions: int | None = None,
) -> dict[str, Any]:
    """Write DIR/related/neighbour.parquet from DIR/input with Spark (kept when already done);
    returns the step's figures. `steps` defaults to `sql.RELATED_STEPS`; `spark` to `session()`
    (stopped at the end when made here: a session already running is left running)."""
    if not step_done(job_dir, INPUT):
        raise BatchError(f"{job_dir} has no finished input to rank (export it first)")
    if step_done(job_dir, RELATED):
        return {}
    check(cancel)
    steps = tuple(steps if steps is not None else _steps())
    started, cpu = time.perf_counter(), time.process_time()
    work = begin_step(job_dir, RELATED)
    figures: dict[str, Any] = {"seconds": {}}
    cached: list[Any] = []

    def start() -> tuple[Any, bool]:
        return session(master, partitions=partitions, local_dir=work / "spark")

    with _running(spark, cancel, start) as (spark, own):
        try:
            figures["neighbours"] = _related(
                spark, job_dir, work, steps, figures, cached, cancel, progress
            )
            figures["articles"] = int(spark.table("article").count())
            if own:
                figures.update(_jvm_usage(spark))
        finally:
            for df in cached:
                df.unpersist()
    shutil.rmtree(work / "spark", ignore_errors=True)
    finish_step(job_dir, RELATED, work)
    figures["wall"] = round(time.perf_counter() - started, 3)
    figures["cpu_main"] = round(time.process_time() - cpu, 3)
    return figures


def _related(
    spark: Any,
    job_dir: Path,
    work: Path,
    steps: Sequence[tuple[str, str]],
    figures: dict[str, Any],
    cached: list[Any],
    cancel: threading.Event | None,
    progress: StageProgress | None,
) -> int:
    from pyspark import StorageLevel

    for name in INPUTS:
        spark.read.parquet(_input_path(job_dir, name)).createOrReplaceTempView(name)
    keep = reused(steps)
    seconds: dict[str, float] = figures["seconds"]
    total = len(steps) + 1
    for n, (name, statement) in enumerate(steps):
        check(cancel)
        if progress is not None:
            progress(f"Ranking ({name})", n, total)
        t = time.perf_counter()
        df = spark.sql(statement)
        if name in keep:
            # Computed now, once: every later step reads the stored rows.
            df = df.persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(df)
            df.count()
        df.createOrReplaceTempView(name)
        seconds[name] = round(time.perf_counter() - t, 3)
    check(cancel)
    if progress is not None:
        progress("Ranking (writing)", len(steps), total)
    t = time.perf_counter()
    rows = _write_one(spark.table(steps[-1][0]), work, NEIGHBOUR_FILE, ("article_id", "rank"))
    seconds["write"] = round(time.perf_counter() - t, 3)
    if progress is not None:
        progress("Ranking (done)", total, total)
    return rows


def _one_line(e: Exception) -> Exception:
    """Spark's errors (a JVM or Python worker's stack trace) as one line for the user: the
    innermost `SomethingError: why` line when there is one; other errors as they are."""
    if isinstance(e, BatchError) or not type(e).__module__.startswith(("pyspark", "py4j")):
        return e
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    causes = [line for line in lines if _CAUSE.match(line)]
    why = causes[-1] if causes else lines[0] if lines else type(e).__name__
    return BatchError(f"Spark failed: {why[:300]}")


_CAUSE = re.compile(r"^[\w.$]*(Error|Exception)\b[^:]*: \S")


def _align() -> Align:
    """The story step's per-partition alignment (batch/story.py)."""
    try:
        story = importlib.import_module("newsreader.batch.story")
    except ModuleNotFoundError as e:
        if e.name == "newsreader.batch.story":
            raise BatchError("the story step is not part of this newsreader") from None
        raise
    align: Align = story.align_partition
    return align


def run_story_alignment(
    job_dir: Path,
    *,
    pairs: Path | None = None,
    out: Path | None = None,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
    spark: Any = None,
    align: Align | None = None,
    master: str | None = None,
    partitions: int = ALIGN_PARTITIONS,
) -> dict[str, Any]:
    """Align the pairs of `pairs` (default DIR/story/pair.parquet) with Spark: each pair joined
    with both texts (DIR/input/text.parquet) and hashes, `align` (default
    `story.align_partition`) per partition, the verdict rows written to `out` (default
    verdict.parquet beside the pairs), sorted by (a_id, b_id). Returns the figures."""
    pairs = pairs or job_dir / "story" / "pair.parquet"
    out = out or pairs.with_name(VERDICT_FILE)
    text = job_dir / INPUT / "text.parquet"
    if not text.exists():
        raise BatchError(f"{job_dir} has no {INPUT}/text.parquet: the texts to align")
    check(cancel)
    align = align or _align()
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    tmp = out.with_name(out.name + ".tmp")
    with _running(spark, cancel, lambda: session(master)) as (spark, own):
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        figures["verdicts"] = _align_pairs(
            spark, job_dir, pairs, tmp / out.name, align, partitions, progress
        )
        if own:
            figures.update(_jvm_usage(spark))
    os.replace(tmp / out.name, out)
    shutil.rmtree(tmp)
    figures["wall"] = round(time.perf_counter() - started, 3)
    return figures


def _align_pairs(
    spark: Any,
    job_dir: Path,
    pairs: Path,
    target: Path,
    align: Align,
    partitions: int,
    progress: StageProgress | None,
) -> int:
    if progress is not None:
        progress("Aligning", 0, 1)
    spark.read.parquet(str(pairs)).createOrReplaceTempView("pair")
    spark.read.parquet(_input_path(job_dir, "text")).createOrReplaceTempView("text")
    spark.read.parquet(_input_path(job_dir, "article")).createOrReplaceTempView("article")
    # The argument order of `align_partition`: ids, both texts and packed paragraphs, hashes.
    joined = spark.sql(
        """
        SELECT p.a_id, p.b_id, ta.text AS a_text, ta.paragraphs AS a_paragraphs,
               tb.text AS b_text, tb.paragraphs AS b_paragraphs,
               aa.content_hash AS a_hash, ab.content_hash AS b_hash
        FROM pair p
        JOIN text ta ON ta.id = p.a_id
        JOIN text tb ON tb.id = p.b_id
        JOIN article aa ON aa.id = p.a_id
        JOIN article ab ON ab.id = p.b_id
        """
    ).repartition(partitions, "a_id")
    # An article's pairs side by side in one partition: align_partition keeps the articles
    # (and their tokens) it has seen while the partition runs.
    joined = joined.sortWithinPartitions("a_id", "b_id")

    def run(rows: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        return align(tuple(r) for r in rows)

    schema = ", ".join(f"{name} {kind}" for name, kind in VERDICT_COLUMNS)
    verdicts = spark.createDataFrame(joined.rdd.mapPartitions(run), schema)
    rows = _write_one(verdicts, target.parent, target.name, ("a_id", "b_id"))
    if progress is not None:
        progress("Aligning", 1, 1)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """`spark-submit .../newsreader/batch/spark_engine.py related DIR` (or `python -m
    newsreader.batch.spark_engine ...` for a local session): one step of a job whose DIR/input
    is already written, on the cluster spark-submit names. Figures as JSON on stdout."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="spark_engine", description=main.__doc__)
    parser.add_argument("step", choices=("related", "align"))
    parser.add_argument("job_dir", type=Path)
    parser.add_argument("--pairs", type=Path, help="align: the pairs (default DIR/story/...)")
    parser.add_argument("--master", help="a new session's master (default local[*])")
    parser.add_argument("--partitions", type=int, help="spark.sql.shuffle.partitions")
    parser.add_argument("--driver-memory", help="a new local session's driver memory")
    args = parser.parse_args(argv)

    def progress(what: str, done: int, total: int) -> None:
        print(f"{what}: {done}/{total}", file=sys.stderr, flush=True)

    spark, own = session(args.master, partitions=args.partitions, driver_memory=args.driver_memory)
    try:
        if args.step == "related":
            figures = run_related(args.job_dir, spark=spark, progress=progress)
        else:
            figures = run_story_alignment(
                args.job_dir, pairs=args.pairs, spark=spark, progress=progress
            )
        figures.update(_jvm_usage(spark))
    except BatchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        if own:
            spark.stop()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
