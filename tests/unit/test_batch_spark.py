"""The Spark engine: the related step's SQL through spark.sql into one neighbour file, the
story alignment through mapPartitions, cancel, and the same neighbours as the embedded engine.

Needs pyspark and Java (`pip install 'newsreader[scale]'`; Java 17+): skipped without them.
One local session (2 cores, few partitions) serves the whole module: starting one takes
seconds."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (java on PATH or JAVA_HOME)", allow_module_level=True)

from newsreader.batch import spark_engine  # noqa: E402
from newsreader.batch.results import DONE, INPUT, RELATED, mark_done  # noqa: E402
from newsreader.progress import Cancelled  # noqa: E402

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session, made = spark_engine.session("local[2]", partitions=2)
    assert made
    yield session
    session.stop()


def _write(path: Path, rows: dict[str, list[Any]], schema: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows, schema=schema), path)


def _tiny_input(job: Path) -> None:
    """Three articles: 1 and 2 share terms 10 and 11, 3 shares only term 10."""
    i64, i32 = pa.int64(), pa.int32()
    _write(
        job / INPUT / "article.parquet",
        {"id": [1, 2, 3], "locator": ["a", "b", "c"], "date": ["2024-01-01", None, None],
         "content_hash": ["h1", "h2", "h3"], "chars": [10, 20, 30], "shingles": [1, 1, 0]},
        pa.schema([("id", i64), ("locator", pa.string()), ("date", pa.string()),
                   ("content_hash", pa.string()), ("chars", i32), ("shingles", i32)]),
    )  # fmt: skip
    _write(
        job / INPUT / "term.parquet",
        {"article_id": [1, 1, 2, 2, 3], "term_id": [10, 11, 10, 11, 10], "count": [1] * 5},
        pa.schema([("article_id", i64), ("term_id", i64), ("count", i32)]),
    )
    _write(
        job / INPUT / "shingle.parquet",
        {"article_id": [1, 2], "hash": [7, 7]},
        pa.schema([("article_id", i64), ("hash", i64)]),
    )
    mark_done(job / INPUT)


# A stand-in for sql.RELATED_STEPS with the same shape: `shared` is read twice (cached).
STEPS = (
    (
        "shared",
        "SELECT a.article_id, b.article_id AS other_id, COUNT(*) AS n "
        "FROM term a JOIN term b ON a.term_id = b.term_id AND a.article_id <> b.article_id "
        "GROUP BY a.article_id, b.article_id",
    ),
    ("best", "SELECT article_id, MAX(n) AS top FROM shared GROUP BY article_id"),
    (
        "neighbour",
        "SELECT s.article_id, CAST(ROW_NUMBER() OVER (PARTITION BY s.article_id "
        "ORDER BY s.n DESC, s.other_id) - 1 AS INTEGER) AS rank, s.other_id, "
        "CAST(s.n AS DOUBLE) / b.top AS score, CAST(s.n AS INTEGER) AS shared_chars, "
        "CAST(0 AS INTEGER) AS shared_sampled "
        "FROM shared s JOIN best b ON b.article_id = s.article_id",
    ),
)


def test_views_read_twice_are_the_ones_cached() -> None:
    assert spark_engine.reused(STEPS) == {"shared"}
    # Only reads count (FROM, JOIN), not a column or another word of the same name.
    steps = (("df", "SELECT 1 AS df"), ("x", "SELECT df, dfx FROM df"), ("y", "SELECT 1 FROM dfx"))
    assert spark_engine.reused(steps) == set()
    steps += (("z", "SELECT a.df FROM x a JOIN df b ON a.df = b.df"),)
    assert spark_engine.reused(steps) == {"df"}


def test_run_related_writes_one_ordered_neighbour_file(tmp_path: Path, spark: Any) -> None:
    job = tmp_path / "job"
    _tiny_input(job)
    seen: list[str] = []
    figures = spark_engine.run_related(
        job, spark=spark, steps=STEPS, progress=lambda what, done, total: seen.append(what)
    )
    out = job / RELATED / "neighbour.parquet"
    assert out.is_file() and (job / RELATED / DONE).is_file()
    assert not (job / f"{RELATED}.tmp").exists()
    assert sorted(p.name for p in (job / RELATED).iterdir()) == [DONE, "neighbour.parquet"]
    rows = pq.read_table(out).to_pylist()
    assert [(r["article_id"], r["rank"], r["other_id"]) for r in rows] == [
        (1, 0, 2), (1, 1, 3), (2, 0, 1), (2, 1, 3), (3, 0, 1), (3, 1, 2),
    ]  # fmt: skip
    assert rows[0]["score"] == 1.0 and rows[1]["score"] == 0.5
    assert figures["neighbours"] == 6 and figures["articles"] == 3
    assert seen[0] == "Ranking (shared)" and seen[-1] == "Ranking (done)"
    # The session passed in is left running (a second job can use it), and a finished step
    # is not run again.
    assert spark_engine.run_related(job, spark=spark, steps=STEPS) == {}
    assert spark.range(1).count() == 1


def test_a_cancelled_run_leaves_no_result_and_the_next_run_redoes_it(
    tmp_path: Path, spark: Any
) -> None:
    job = tmp_path / "job"
    _tiny_input(job)
    cancel = threading.Event()

    def progress(what: str, done: int, total: int) -> None:
        if what == "Ranking (best)":
            cancel.set()

    with pytest.raises(Cancelled):
        spark_engine.run_related(job, spark=spark, steps=STEPS, cancel=cancel, progress=progress)
    assert not (job / RELATED).exists()
    spark_engine.run_related(job, spark=spark, steps=STEPS)
    assert pq.read_table(job / RELATED / "neighbour.parquet").num_rows == 6


def test_cancel_stops_a_running_spark_job(spark: Any) -> None:
    cancel = threading.Event()

    def slow(rows: Iterable[int]) -> Iterator[int]:
        for r in rows:
            end = time.monotonic() + 600
            while time.monotonic() < end:  # until cancelled
                time.sleep(0.05)
            yield r

    threading.Timer(2.0, cancel.set).start()
    with spark_engine._Watch(spark, cancel), pytest.raises(Exception, match=r"(?i)cancel"):
        spark.sparkContext.parallelize(range(2), 2).mapPartitions(slow).collect()


def _story_input(job: Path) -> Path:
    _tiny_input(job)
    _write(
        job / INPUT / "text.parquet",
        {"id": [1, 2, 3], "text": ["one", "two two", "three three three"],
         "paragraphs": [b"p1", b"p2", b"p3"]},
        pa.schema([("id", pa.int64()), ("text", pa.string()), ("paragraphs", pa.binary())]),
    )  # fmt: skip
    pairs = job / "story.tmp" / "pair.parquet"
    _write(
        pairs,
        {"a_id": [2, 1, 1], "b_id": [3, 3, 2], "score": [0.5, 0.4, 0.9],
         "sure": [False, False, True]},
        pa.schema([("a_id", pa.int64()), ("b_id", pa.int64()), ("score", pa.float64()),
                   ("sure", pa.bool_())]),
    )  # fmt: skip
    return pairs


def test_story_alignment_runs_each_pair_with_both_texts(tmp_path: Path, spark: Any) -> None:
    job = tmp_path / "job"
    pairs = _story_input(job)

    def align(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        # What align_partition is given, echoed back in the verdict columns.
        for a_id, b_id, a_text, a_par, b_text, b_par, a_hash, b_hash in rows:
            a_len, b_len = float(len(a_text)), float(len(b_text))
            yield (a_id, b_id, a_hash, b_hash, a_par, b_par, a_len, b_len, b"")

    figures = spark_engine.run_story_alignment(job, pairs=pairs, spark=spark, align=align)
    out = pairs.with_name("verdict.parquet")
    assert sorted(p.name for p in out.parent.iterdir()) == ["pair.parquet", "verdict.parquet"]
    rows = [tuple(r.values()) for r in pq.read_table(out).to_pylist()]
    assert rows == [
        (1, 2, "h1", "h2", b"p1", b"p2", 3.0, 7.0, b""),
        (1, 3, "h1", "h3", b"p1", b"p3", 3.0, 17.0, b""),
        (2, 3, "h2", "h3", b"p2", b"p3", 7.0, 17.0, b""),
    ]
    assert figures["verdicts"] == 3


def test_the_spark_job_ranks_as_the_embedded_engine(tmp_path: Path, spark: Any) -> None:
    batch_corpus = pytest.importorskip("batch_corpus")
    from newsreader.batch import related_job
    from newsreader.batch.results import read_neighbours
    from newsreader.library import Library

    corpus = batch_corpus.build(tmp_path / "corpus")
    job = tmp_path / "job"
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        related_job(library, job, engine="spark", load_results=False)
        library.derive()
        want: dict[int, list[int]] = {}
        for aid, other in library.conn.execute(
            "SELECT article_id, other_id FROM neighbour ORDER BY article_id, rank"
        ):
            want.setdefault(aid, []).append(other)
        stored = {
            (a, o): (s, c)
            for a, o, s, c in library.conn.execute(
                "SELECT article_id, other_id, score, shared_chars FROM neighbour"
            )
        }
    got: dict[int, list[int]] = {}
    for aid, rank, other, score, chars, _ in sorted(read_neighbours(job)):
        assert rank == len(got.get(aid, []))
        got.setdefault(aid, []).append(other)
        assert stored[(aid, other)][0] == pytest.approx(score, abs=1e-6)
        assert stored[(aid, other)][1] == chars
    assert set(got) == set(want)
    same = sum(set(got[a][:5]) == set(want[a][:5]) for a in want)
    assert same >= 0.99 * len(want)
    assert got == want


def test_a_failing_alignment_is_one_line_naming_the_cause(tmp_path: Path, spark: Any) -> None:
    from newsreader.batch.results import BatchError

    job = tmp_path / "job"
    pairs = _story_input(job)

    def align(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        for _ in rows:
            raise ValueError("this pair cannot be aligned")
        yield from ()

    with pytest.raises(BatchError, match="ValueError: this pair cannot be aligned") as e:
        spark_engine.run_story_alignment(job, pairs=pairs, spark=spark, align=align)
    assert "\n" not in str(e.value)
    assert not pairs.with_name("verdict.parquet").exists()


def test_spark_alignment_gives_the_verdicts_of_align_partition(tmp_path: Path, spark: Any) -> None:
    story = pytest.importorskip("newsreader.batch.story")
    from newsreader.corpus import load_article
    from newsreader.corpus.models import pack_paragraphs

    seeds = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
    articles = [load_article(p) for p in seeds]
    job = tmp_path / "job"
    _write(
        job / INPUT / "text.parquet",
        {"id": list(range(1, len(articles) + 1)), "text": [a.text for a in articles],
         "paragraphs": [pack_paragraphs(a.paragraphs) for a in articles]},
        pa.schema([("id", pa.int64()), ("text", pa.string()), ("paragraphs", pa.binary())]),
    )  # fmt: skip
    _write(
        job / INPUT / "article.parquet",
        {
            "id": list(range(1, len(articles) + 1)),
            "content_hash": [a.content_hash for a in articles],
        },
        pa.schema([("id", pa.int64()), ("content_hash", pa.string())]),
    )
    pairs = [(a, b) for a in range(1, len(articles) + 1) for b in range(a + 1, len(articles) + 1)]
    _write(
        job / "story.tmp" / "pair.parquet",
        {"a_id": [a for a, _ in pairs], "b_id": [b for _, b in pairs]},
        pa.schema([("a_id", pa.int64()), ("b_id", pa.int64())]),
    )
    spark_engine.run_story_alignment(job, pairs=job / "story.tmp" / "pair.parquet", spark=spark)
    rows = pq.read_table(job / "story.tmp" / "verdict.parquet").to_pylist()
    got = [tuple(r.values()) for r in rows]
    packed = {n: pack_paragraphs(a.paragraphs) for n, a in enumerate(articles, 1)}
    want = list(
        story.align_partition(
            (a, b, articles[a - 1].text, packed[a], articles[b - 1].text, packed[b],
             articles[a - 1].content_hash, articles[b - 1].content_hash)
            for a, b in pairs
        )
    )  # fmt: skip
    assert len(got) == len(pairs)
    assert got == [tuple(r) for r in want]


def test_the_story_job_on_spark_finds_the_stories_of_the_duckdb_job(
    tmp_path: Path, spark: Any
) -> None:
    """Spark ranks; the story step (pairs, alignment, linking) runs here on its neighbours:
    the same stories as when DuckDB ranked."""
    batch_corpus = pytest.importorskip("batch_corpus")
    pytest.importorskip("duckdb")
    from newsreader.batch import story_job
    from newsreader.library import Library

    corpus = batch_corpus.build(tmp_path / "corpus")
    stories = {}
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        for engine in ("spark", "duckdb"):
            job = tmp_path / f"job-{engine}"
            report = story_job(library, job, engine=engine, load_results=False)
            assert report.engine == engine
            lines = (job / "story" / "stories.jsonl").read_text().splitlines()
            stories[engine] = sorted(sorted(json.loads(line)["articles"]) for line in lines)
    assert stories["spark"] and stories["spark"] == stories["duckdb"]
