"""The related step run by DuckDB over the job's Parquet inputs, out of core.

The inputs are views over DIR/input (`shingle` a table); the global steps (frequencies,
weights, day numbers, every article's query terms, the candidate step's postings) are tables in
a DuckDB file inside the job, and the per-article steps (`sql.DUCKDB_PER_ARTICLE_STEPS`: the
shared SQL with DuckDB's own candidate step, a top-N aggregate instead of a window over every
candidate) run in slices of article ids (`sql.focus_sql`): the candidates in slices cut by the
posting rows their queries walk, then their scores and ranks in passes of RANK_SLICE articles,
each pass's neighbours written as a Parquet part, so the large intermediate results (candidate
sums: thousands of rows per article) never exceed one slice.
DuckDB spills to DIR/related.tmp/spill when `memory_limit` is reached. Progress is reported
per step; a set cancel event interrupts the running statement (a watcher thread calls
`interrupt()`), and the step's temporary folder is left for the next run to throw away.
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from newsreader.batch import sql
from newsreader.batch.results import (
    INPUT,
    INSTALL_HINT,
    NEIGHBOUR_FILE,
    RELATED,
    BatchError,
    begin_step,
    finish_step,
    step_done,
)
from newsreader.progress import Cancelled, StageProgress, check

# Articles ranked per pass of the per-article steps. The candidate sums of a slice are one hash
# table: ~0.8 groups per posting row walked. At 100k generated articles (4.8k rows walked per
# article) slices of 10k peak at 4 GB RSS with 0.55 GB of spill (benchmarks/RESULTS.md); a
# slice's cost beside it (scanning `weight` and `shingle` for the other side) is small.
SLICE = 10_000
# Posting rows walked per slice at most (`sql`'s `walk`): 60 M rows make ~45 M candidate sums,
# ~3 GB of hash table, under the default memory limit. The generated corpus's closed vocabulary
# makes the walk grow faster than the articles (4.8k rows an article at 100k, ~14k projected at
# 1M), so at 1M a slice is ~4k articles.
SLICE_ROWS = 60_000_000
# Articles scored per pass of the steps after `cand` (exact cosine, shared shingles, rank):
# their memory is per candidate pair (~21 an article), and each pass scans every article's
# weights and shingles, so few large passes (one at 100k, ten at 1M).
RANK_SLICE = 100_000
INPUTS = ("article", "term", "shingle")
# Per-article steps read once by the next step: left as views (never materialised).
_INLINE = {"focus", "acc", "scored", "neighbour"}
# The per-article steps that find the candidates (run in slices by rows walked, after `focus`);
# the rest score and rank them (in slices of RANK_SLICE articles, `focus` first again).
_CANDIDATE_STEPS = {"query", "acc", "twin", "cand"}
# Inputs read again by every slice, loaded once as tables (`twin` reads `article` per slice:
# ~225 candidate slices at 1M articles).
_MATERIALISED = {"shingle", "article"}


MEMORY_ENV = "NEWSREADER_DUCKDB_MEMORY"  # e.g. "3GB": overrides the default limit


def default_memory_limit() -> str:
    """$NEWSREADER_DUCKDB_MEMORY, else half the machine's memory, at most 6 GB (the rest: this
    process, the OS, the disk cache)."""
    if os.environ.get(MEMORY_ENV):
        return os.environ[MEMORY_ENV]
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError):
        total = 4 << 30
    return f"{max(256, min(6 << 10, total // 2 >> 20))}MB"


def _input(job_dir: Path, name: str) -> str:
    """The read_parquet source of one input: DIR/input/NAME.parquet, or a folder of parts."""
    single = job_dir / INPUT / f"{name}.parquet"
    where = single if single.is_file() else job_dir / INPUT / name / "*.parquet"
    return "read_parquet('" + str(where).replace("'", "''") + "')"


def _connect(work: Path, memory_limit: str | None, threads: int | None) -> Any:
    try:
        import duckdb
    except ImportError:
        raise BatchError(f"the DuckDB engine needs duckdb: {INSTALL_HINT}") from None
    con = duckdb.connect(str(work / "work.duckdb"))
    spill = str(work / "spill").replace("'", "''")
    limit = (memory_limit or default_memory_limit()).replace("'", "")
    try:
        con.execute(f"SET memory_limit = '{limit}'")
        con.execute(f"SET temp_directory = '{spill}'")
        con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
        con.execute("SET preserve_insertion_order = false")  # less memory; order is in the SQL
    except duckdb.Error as e:
        con.close()
        raise BatchError(f"cannot set up DuckDB ({limit=}): {str(e).splitlines()[0]}") from None
    return con


def _slices(con: Any, articles: int, rows: int) -> list[tuple[int, int]]:
    """[lo, hi) id ranges covering every article, each of at most `articles` articles and, past
    its first article, at most `rows` posting rows walked (`walk`)."""
    ids = con.execute(
        "SELECT a.id, COALESCE(w.walked, 0) FROM article a "
        "LEFT JOIN walk w ON w.article_id = a.id ORDER BY a.id"
    ).fetchall()
    if not ids:
        return [(0, 0)]  # one empty pass: the result file still gets its columns
    bounds, count, walked = [int(ids[0][0])], 0, 0
    for aid, n in ids:
        if count and (count >= articles or walked + n > rows):
            bounds.append(int(aid))
            count, walked = 0, 0
        count, walked = count + 1, walked + int(n)
    bounds.append(int(ids[-1][0]) + 1)
    return list(itertools.pairwise(bounds))


def run_related(
    job_dir: Path,
    *,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    slice_articles: int = SLICE,
    slice_rows: int = SLICE_ROWS,
    rank_articles: int = RANK_SLICE,
) -> dict[str, Any]:
    """Write DIR/related/neighbour.parquet from DIR/input (kept when already done); returns
    the step's figures (seconds per step, rows)."""
    if not step_done(job_dir, INPUT):
        raise BatchError(f"{job_dir} has no finished input to rank (export it first)")
    if step_done(job_dir, RELATED):
        return {}
    check(cancel)
    work = begin_step(job_dir, RELATED)
    con = _connect(work, memory_limit, threads)
    finished = threading.Event()

    def watch() -> None:
        # DuckDB runs a statement without returning to Python: interrupt it from here.
        while not finished.wait(0.1):
            if cancel is not None and cancel.is_set():
                con.interrupt()
                return

    watcher = threading.Thread(target=watch, name="duckdb-cancel", daemon=True)
    watcher.start()
    started, cpu = time.perf_counter(), time.process_time()
    figures: dict[str, Any] = {"seconds": {}}
    try:
        _run(
            con,
            job_dir,
            work,
            figures,
            cancel,
            progress,
            (slice_articles, slice_rows, rank_articles),
        )
    except Exception as e:
        if cancel is not None and cancel.is_set():
            raise Cancelled from None
        if type(e).__module__.startswith("duckdb"):
            raise BatchError(f"DuckDB failed: {str(e).splitlines()[0]}") from None
        raise
    finally:
        finished.set()
        watcher.join()
        con.close()
    for leftover in ("work.duckdb", "work.duckdb.wal", "spill", "parts"):
        path = work / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    finish_step(job_dir, RELATED, work)
    figures["wall"] = round(time.perf_counter() - started, 3)
    figures["cpu"] = round(time.process_time() - cpu, 3)  # the process's: DuckDB's threads too
    return figures


def _run(
    con: Any,
    job_dir: Path,
    work: Path,
    figures: dict[str, Any],
    cancel: threading.Event | None,
    progress: StageProgress | None,
    slicing: tuple[int, int, int],
) -> None:
    seconds: dict[str, float] = figures["seconds"]
    # CPU per step beside the wall time: the machine may be shared (the process's CPU,
    # DuckDB's threads included).
    cpu: dict[str, float] = figures.setdefault("cpu_seconds", {})

    def timed(name: str, statement: str) -> None:
        check(cancel)
        t, c = time.perf_counter(), time.process_time()
        con.execute(statement)
        seconds[name] = round(seconds.get(name, 0.0) + time.perf_counter() - t, 3)
        cpu[name] = round(cpu.get(name, 0.0) + time.process_time() - c, 3)

    for name in INPUTS:
        # Inputs every slice reads (`_MATERIALISED`): tables, not the Parquet file decoded
        # again each time.
        kind = "TABLE" if name in _MATERIALISED else "VIEW"
        con.execute(f"CREATE {kind} {name} AS SELECT * FROM {_input(job_dir, name)}")
    steps = len(sql.DUCKDB_GLOBAL_STEPS) + 1  # until the slices are known
    done = 0

    def report(what: str) -> None:
        if progress is not None:
            progress(f"Ranking ({what})", done, steps)

    for name, statement in sql.DUCKDB_GLOBAL_STEPS:
        report(name)
        timed(name, f"CREATE TABLE {name} AS {statement}")
        done += 1
    # Two passes: the candidates in slices sized by the rows their queries walk (the sums'
    # hash table), then the exact scores in larger slices of articles: each of their slices
    # scans every article's weights and shingles for the candidates' side, a cost that grows
    # with the corpus, so they are kept few.
    cand_slices = _slices(con, max(1, slicing[0]), max(1, slicing[1]))
    rank_slices = _slices(con, max(1, slicing[2]), 2**62)
    candidate_steps = [
        s for s in sql.DUCKDB_PER_ARTICLE_STEPS if s[0] in _CANDIDATE_STEPS or s[0] == "focus"
    ]
    rank_steps = [s for s in sql.DUCKDB_PER_ARTICLE_STEPS if s[0] not in _CANDIDATE_STEPS]
    steps += len(cand_slices) * len(candidate_steps) + len(rank_slices) * (len(rank_steps) + 1)
    figures["slices"] = len(cand_slices)
    figures["rank_slices"] = len(rank_slices)

    def per_article(steps_: list[tuple[str, str]], lo: int, hi: int, where: str) -> None:
        """These per-article steps for the articles with lo <= id < hi."""
        nonlocal done
        for name, statement in steps_:
            report(f"{name}, {where}")
            if name == "focus":
                statement = sql.focus_sql(lo, hi)
            kind = "VIEW" if name in _INLINE else "TABLE"
            timed(name, f"CREATE OR REPLACE TEMP {kind} {name} AS {statement}")
            done += 1

    for n, (lo, hi) in enumerate(cand_slices):
        per_article(candidate_steps, lo, hi, f"slice {n + 1}/{len(cand_slices)}")
        into = "INSERT INTO cand_all" if n else "CREATE TEMP TABLE cand_all AS"
        timed("cand", f"{into} SELECT * FROM cand")
    parts = work / "parts"
    parts.mkdir()
    for n, (lo, hi) in enumerate(rank_slices):
        report(f"cand, scoring slice {n + 1}/{len(rank_slices)}")
        timed(
            "cand",
            "CREATE OR REPLACE TEMP TABLE cand AS SELECT * FROM cand_all "
            f"WHERE article_id >= {int(lo)} AND article_id < {int(hi)}",
        )
        done += 1
        per_article(rank_steps, lo, hi, f"scoring slice {n + 1}/{len(rank_slices)}")
        part = str(parts / f"part-{n:05d}.parquet").replace("'", "''")
        timed("write", f"COPY (SELECT * FROM neighbour) TO '{part}' (FORMAT PARQUET)")
    report("writing")
    out = str(work / NEIGHBOUR_FILE).replace("'", "''")
    glob = str(parts / "*.parquet").replace("'", "''")
    timed(
        "write",
        f"COPY (SELECT * FROM read_parquet('{glob}') ORDER BY article_id, rank) "
        f"TO '{out}' (FORMAT PARQUET)",
    )
    figures["neighbours"] = int(
        con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
    )
    figures["articles"] = int(con.execute("SELECT n FROM total").fetchone()[0])
    done = steps
    report("done")
