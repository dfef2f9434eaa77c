"""Time the batch related step on a scale corpus: DuckDB or Spark (local), in a child process.

    python benchmarks/scale_run.py duckdb benchmarks/.work/scale-100000
    python benchmarks/scale_run.py spark benchmarks/.work/scale-100000 [--partitions 8]
    python benchmarks/scale_run.py stats benchmarks/.work/scale-100000   # candidate work
    python benchmarks/scale_run.py prefix benchmarks/.work/scale-100000 --sizes 10000 25000
    python benchmarks/scale_run.py agree CORPUS   # Spark's neighbours against DuckDB's
    python benchmarks/scale_run.py project CORPUS --factor 10   # candidate work at 10x the size
    python benchmarks/scale_run.py recall CORPUS [--job duckdb] [--generated N]   # quality

The corpus folder's `input/` (benchmarks/scale_corpus.py) is linked into a job folder per engine
(`<corpus>/job-<engine>`); the step runs in a child process (`python -m` of a tiny driver), so
what it costs is measured from outside: wall time, CPU of the child and everything it started
(the JVM for Spark; rusage of the waited-for children, plus the JVM's own /proc figures), peak
RSS of the whole process tree (sampled every half second, summed over the tree), the job
folder's disk use at the end and the peak of its temporary folder (DuckDB's spill, Spark's
shuffle files), and the load average beside them: the machine is shared. A killed run is
run again the same way: the engine redoes only the step without `_DONE`.

One line of JSON per run is appended to benchmarks/.work/scale-runs.jsonl, and a table row is
printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LOG = HERE / ".work" / "scale-runs.jsonl"
MIN_FREE = 12 << 30  # bytes left on the disk below which a run is stopped

DRIVER = """
import json, sys, time
from pathlib import Path
engine, job = sys.argv[1], Path(sys.argv[2])
extra = json.loads(sys.argv[3])
def progress(what, done, total):
    print(f"{time.strftime('%H:%M:%S')} {what} {done}/{total}", file=sys.stderr, flush=True)
if engine == "duckdb":
    from newsreader.batch.duckdb_engine import run_related
    figures = run_related(job, progress=progress, **extra)
else:
    from newsreader.batch import spark_engine
    spark, _ = spark_engine.session(extra.pop("master", None), **extra)
    try:
        figures = spark_engine.run_related(job, spark=spark, progress=progress)
        figures.update(spark_engine._jvm_usage(spark))
    finally:
        spark.stop()
print(json.dumps(figures))
"""


def _tree(root: int) -> list[int]:
    """`root` and every process under it (from /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _du(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            with contextlib.suppress(OSError):  # a spill file removed meanwhile
                total += (Path(root) / f).lstat().st_size
    return total


def run(engine: str, corpus: Path, extra: dict[str, Any], fresh: bool) -> dict[str, Any]:
    job = corpus / f"job-{engine}"
    job.mkdir(exist_ok=True)
    if not (job / "input").exists():
        (job / "input").symlink_to(corpus / "input")
    if fresh:
        for leftover in ("related", "related.tmp"):
            shutil.rmtree(job / leftover, ignore_errors=True)
    peak = {"rss_mb": 0.0, "tmp_mb": 0.0, "load": 0.0}
    loads: list[float] = []
    stopped: list[str] = []
    done = threading.Event()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, engine, str(job), json.dumps(extra)],
        stdout=subprocess.PIPE,
        text=True,
    )

    def sample() -> None:
        n = 0
        while not done.wait(0.5):
            peak["rss_mb"] = max(peak["rss_mb"], _rss_mb(_tree(child.pid)))
            n += 1
            if n % 10 == 0:  # every 5 s: the temporary folder and the machine's load
                peak["tmp_mb"] = max(peak["tmp_mb"], _du(job / "related.tmp") / 2**20)
                loads.append(os.getloadavg()[0])
                # The disk is shared: a spill that would fill it stops the run instead.
                if shutil.disk_usage(job).free < MIN_FREE:
                    stopped.append(f"stopped: under {MIN_FREE >> 30} GB free on the disk")
                    child.kill()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    failed = child.returncode != 0
    figures = {} if failed or not out.strip() else json.loads(out.strip().splitlines()[-1])
    articles = _articles(corpus)
    result = {
        "engine": engine,
        "corpus": str(corpus),
        "articles": articles,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - wall)),
        "wall_s": round(wall, 1),
        "cpu_children_s": round(
            (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1
        ),
        "jvm_cpu_s": figures.get("jvm_cpu"),
        "peak_rss_tree_mb": round(peak["rss_mb"]),
        "peak_tmp_mb": round(peak["tmp_mb"]),
        "disk_related_mb": round(_du(job / "related") / 2**20, 1),
        "disk_input_mb": round(_du(corpus / "input") / 2**20),
        "load_mean": round(sum(loads) / len(loads), 2) if loads else None,
        "load_max": round(max(loads), 2) if loads else None,
        "extra": extra,
        "figures": figures,
        "failed": (stopped or [f"exit {child.returncode}"])[0] if failed else None,
    }
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("a") as f:
        f.write(json.dumps(result) + "\n")
    return result


def stats(corpus: Path) -> dict[str, Any]:
    """How much candidate work the corpus makes: each article's query terms (sql.py's own
    steps, in DuckDB) and the postings they walk (the sum of their document frequencies),
    i.e. the rows of the candidate step before it is grouped by pair."""
    import duckdb

    from newsreader.batch import sql

    con = duckdb.connect()
    for name in ("article", "term"):
        path = str(corpus / "input" / f"{name}.parquet")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    wanted = {"total", "df", "raw", "norm", "weight", "focus", "query"}
    for name, statement in sql.RELATED_STEPS:
        if name in wanted:
            con.execute(f"CREATE TABLE {name} AS {statement}")
    row = con.execute(
        f"""
        SELECT COUNT(*), AVG(walked), MEDIAN(walked), MAX(walked), SUM(walked),
               AVG(CASE WHEN rare < {sql.FALLBACK} THEN 1.0 ELSE 0.0 END)
        FROM (
            SELECT q.article_id, SUM(d.df) AS walked,
                   (SELECT COUNT(*) FROM weight w WHERE w.article_id = q.article_id
                    AND w.df <= {sql.MAX_POSTINGS}) AS rare
            FROM query q JOIN df d ON d.term_id = q.term_id
            GROUP BY q.article_id
        )
        """
    ).fetchone()
    terms = con.execute("SELECT COUNT(*), COUNT(DISTINCT term_id) FROM term").fetchone()
    return {
        "articles": row[0],
        "term_rows": terms[0],
        "distinct_terms": terms[1],
        "walked_mean": round(row[1]),
        "walked_median": round(row[2]),
        "walked_max": row[3],
        "walked_total": row[4],
        "fallback_share": round(row[5], 4),
    }


def project(corpus: Path, factor: int) -> dict[str, Any]:
    """The candidate work of a corpus `factor` times this one's size made the same way, from
    this one: every term's document frequency times `factor` (a generated corpus's closed
    vocabulary: its terms' frequencies grow with it), the query rule of sql.py applied to
    those, and the postings each query would walk. Checked: from the 50k prefix x 2, 494 M
    rows against the 483 M measured on the 100k corpus."""
    import duckdb

    from newsreader.batch import sql

    f = int(factor)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    path = str(corpus / "input" / "term.parquet")
    con.execute(f"CREATE VIEW term AS SELECT * FROM read_parquet('{path}')")
    con.execute(f"CREATE TABLE df AS SELECT term_id, COUNT(*) * {f} AS df FROM term GROUP BY 1")
    n = int(con.execute("SELECT COUNT(DISTINCT article_id) FROM term").fetchone()[0]) * f
    con.execute(
        f"""CREATE TABLE weight AS
        SELECT t.article_id, t.term_id, d.df, (1.0 + LN(t.count)) * LN({n}.0 / d.df) AS w
        FROM term t JOIN df d ON d.term_id = t.term_id WHERE d.df > {f}"""
    )
    query = sql._query("")
    row = con.execute(
        f"""
        SELECT COUNT(*), AVG(walked), MEDIAN(walked), SUM(walked) * {f},
               AVG(CASE WHEN beyond THEN 1.0 ELSE 0.0 END)
        FROM (
            SELECT q.article_id, SUM(d.df) AS walked,
                   MAX(d.df) > {sql.MAX_POSTINGS} AS beyond
            FROM ({query}) q JOIN df d ON d.term_id = q.term_id
            GROUP BY q.article_id
        )
        """
    ).fetchone()
    return {
        "articles": n,
        "walked_mean": round(row[1]),
        "walked_median": round(row[2]),
        "walked_total": int(row[3]),
        # the queries walking a term in more than MAX_POSTINGS articles (the fallback's)
        "beyond_max_postings_share": round(row[4], 4),
    }


def prefix(corpus: Path, size: int) -> Path:
    """The corpus's first `size` articles as a corpus of its own (`<corpus>-first<size>`):
    the originals come first, so a prefix is a smaller corpus built the same way, for the
    growth of a step's cost with the corpus's size."""
    import duckdb

    out = corpus.with_name(f"{corpus.name}-first{size}")
    if (out / "input" / "_DONE").is_file():
        return out
    (out / "input").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name in ("article", "term", "shingle", "line", "body", "text"):
        src = corpus / "input" / f"{name}.parquet"
        key = "id" if name in ("article", "text") else "article_id"
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{src}') WHERE {key} <= {int(size)}) "
            f"TO '{out / 'input' / (name + '.parquet')}' (FORMAT PARQUET, COMPRESSION zstd)"
        )
    (out / "input" / "_DONE").write_text("")
    return out


def agree(corpus: Path) -> dict[str, Any]:
    """How far the Spark job's neighbours agree with the DuckDB job's on the same input: the
    share of articles with the same top-5 set, and with the same ten in the same order."""
    import duckdb

    a, b = (corpus / f"job-{e}" / "related" / "neighbour.parquet" for e in ("duckdb", "spark"))
    row = (
        duckdb.connect()
        .execute(
            f"""
        WITH x AS (SELECT article_id, list(other_id ORDER BY rank) AS l
                   FROM read_parquet('{a}') GROUP BY article_id),
             y AS (SELECT article_id, list(other_id ORDER BY rank) AS l
                   FROM read_parquet('{b}') GROUP BY article_id)
        SELECT COUNT(*),
               AVG(CASE WHEN list_sort(x.l[1:5]) = list_sort(y.l[1:5]) THEN 1.0 ELSE 0 END),
               AVG(CASE WHEN x.l = y.l THEN 1.0 ELSE 0 END)
        FROM x FULL JOIN y ON x.article_id = y.article_id
        """
        )
        .fetchone()
    )
    return {"articles": row[0], "same_top5": round(row[1], 5), "same_lists": round(row[2], 5)}


def recall(corpus: Path, job: str, generated: int | None) -> dict[str, Any]:
    """How often a derived article's known sources are among its neighbours: the generator
    says which articles each derived one copied (`build_corpus.generate`, replayed: ~0.4 ms an
    article, kept in CORPUS/sources.json). For each k of 1, 5, 10: the share of derived
    articles whose main source (the one it copied its run of paragraphs from) is in their top
    k, and whose top k holds any of their sources. `generated`: the size the corpus was
    generated for (a prefix's is its parent's; default: scale-stamp.json's, else its size)."""
    import build_corpus
    import duckdb

    cache = corpus / "sources.json"
    if cache.is_file():
        sources: dict[str, list[str]] = json.loads(cache.read_text())
    else:
        stamp = corpus / "scale-stamp.json"
        size = generated or (
            json.loads(stamp.read_text())["size"] if stamp.is_file() else _articles(corpus)
        )
        sources = {rel: src for rel, _text, src, _ops in build_corpus.generate(size) if src}
        cache.write_text(json.dumps(sources))
    con = duckdb.connect()
    locator = dict(
        con.execute(
            f"SELECT id, locator FROM read_parquet('{corpus}/input/article.parquet')"
        ).fetchall()
    )
    top: dict[int, list[int]] = {}
    neighbours = corpus / f"job-{job}" / "related" / "neighbour.parquet"
    for a, o in con.execute(
        f"SELECT article_id, other_id FROM read_parquet('{neighbours}') ORDER BY article_id, rank"
    ).fetchall():
        top.setdefault(a, []).append(o)
    derived = [(a, sources[loc]) for a, loc in locator.items() if loc in sources]
    out: dict[str, Any] = {"derived": len(derived)}
    for k in (1, 5, 10):
        main = found = 0
        for a, src in derived:
            got = {locator[o] for o in top.get(a, [])[:k]}
            main += src[0] in got
            found += not got.isdisjoint(src)
        out[f"main_source_top{k}"] = round(main / len(derived), 4)
        out[f"any_source_top{k}"] = round(found / len(derived), 4)
    return out


def _articles(corpus: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(corpus / "input" / "article.parquet").metadata.num_rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "engine", choices=("duckdb", "spark", "stats", "prefix", "agree", "project", "recall")
    )
    ap.add_argument("corpus", type=Path, help="a scale corpus folder (holding input/)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[], help="prefix: the sizes")
    ap.add_argument("--keep", action="store_true", help="resume: keep a finished related step")
    ap.add_argument("--memory-limit", help="duckdb: memory_limit (default: the engine's)")
    ap.add_argument("--slice", type=int, help="duckdb: articles ranked per pass")
    ap.add_argument("--slice-rows", type=int, help="duckdb: posting rows walked per pass")
    ap.add_argument("--factor", type=int, default=10, help="project: times the corpus's size")
    ap.add_argument("--partitions", type=int, help="spark: shuffle partitions")
    ap.add_argument("--master", help="spark: master (default local[*])")
    ap.add_argument("--driver-memory", help="spark: driver memory (local: all of Spark's heap)")
    ap.add_argument("--job", default="duckdb", help="recall: whose neighbours (duckdb, spark)")
    ap.add_argument("--generated", type=int, help="recall: the size the corpus was generated for")
    args = ap.parse_args()
    if args.engine == "recall":
        print(json.dumps(recall(args.corpus.resolve(), args.job, args.generated)))
        return
    if args.engine == "stats":
        print(json.dumps(stats(args.corpus.resolve())))
        return
    if args.engine == "agree":
        print(json.dumps(agree(args.corpus.resolve())))
        return
    if args.engine == "project":
        print(json.dumps(project(args.corpus.resolve(), args.factor)))
        return
    if args.engine == "prefix":
        for size in args.sizes:
            print(prefix(args.corpus.resolve(), size))
        return
    extra: dict[str, Any] = {}
    if args.engine == "duckdb" and args.memory_limit:
        extra["memory_limit"] = args.memory_limit
    if args.engine == "duckdb" and args.slice:
        extra["slice_articles"] = args.slice
    if args.engine == "duckdb" and args.slice_rows:
        extra["slice_rows"] = args.slice_rows
    if args.engine == "spark":
        for key in ("partitions", "master", "driver_memory"):
            if getattr(args, key) is not None:
                extra[key] = getattr(args, key)
    r = run(args.engine, args.corpus.resolve(), extra, fresh=not args.keep)
    print(json.dumps(r))
    print("| engine | articles | wall s | CPU s | peak RSS MB | peak temp MB | load |")
    print(
        f"| {r['engine']} | {r['articles']} | {r['wall_s']} | {r['cpu_children_s']} "
        f"(JVM {r['jvm_cpu_s']}) | {r['peak_rss_tree_mb']} | {r['peak_tmp_mb']} | "
        f"{r['load_mean']} (max {r['load_max']}) |"
    )


if __name__ == "__main__":
    main()
