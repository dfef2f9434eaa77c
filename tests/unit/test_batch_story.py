"""The story job (batch/story.py): the same pairs and stories as the embedded engine, verdict
rows the library format, resumable part by part."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
import pyarrow.parquet as pq  # noqa: E402
from story_corpus import derived_corpus  # noqa: E402

from newsreader.batch import story  # noqa: E402
from newsreader.corpus.models import pack_paragraphs  # noqa: E402
from newsreader.library import Library  # noqa: E402
from newsreader.provenance import aligning  # noqa: E402
from newsreader.provenance.clusters import Covered, clusters_json, select_pairs  # noqa: E402
from newsreader.reuse import compare_articles  # noqa: E402


def _ints(kind: str, data: bytes) -> list[int]:
    out = array(kind)
    out.frombytes(data)
    return list(out)


def write_job(library: Library, job: Path, *, texts: bool = False) -> None:
    """DIR/input and DIR/related/neighbour.parquet in BATCH.md's format, from the library's
    stored analyses and neighbours (what the batch helper's export and SQL steps write)."""
    conn = library.conn
    (job / "input").mkdir(parents=True)
    (job / "related").mkdir()
    rows = conn.execute(
        "SELECT a.id, a.locator, a.date, a.content_hash, n.chars, n.shingles, n.lines, n.body, "
        "a.text, a.paragraphs FROM article a JOIN analysis n ON n.article_id = a.id"
    ).fetchall()
    shingles = {r[0]: set(_ints("I", r[5])) for r in rows}
    pq.write_table(
        pa.table(
            {
                "id": pa.array([r[0] for r in rows], pa.int64()),
                "locator": [r[1] for r in rows],
                "date": pa.array([r[2] for r in rows], pa.string()),
                "content_hash": [r[3] for r in rows],
                "chars": pa.array([r[4] for r in rows], pa.int32()),
                "shingles": pa.array([len(shingles[r[0]]) for r in rows], pa.int32()),
            }
        ),
        job / "input" / "article.parquet",
    )
    lines = [(r[0], *t) for r in rows for t in zip(*[iter(_ints("q", r[6]))] * 3, strict=True)]
    pq.write_table(
        pa.table(
            {
                "article_id": pa.array([x[0] for x in lines], pa.int64()),
                "start": pa.array([x[1] for x in lines], pa.int32()),
                "end": pa.array([x[2] for x in lines], pa.int32()),
                "key": pa.array([x[3] for x in lines], pa.int64()),
            }
        ),
        job / "input" / "line.parquet",
    )
    bodies = [(r[0], *t) for r in rows for t in zip(*[iter(_ints("i", r[7]))] * 2, strict=True)]
    pq.write_table(
        pa.table(
            {
                "article_id": pa.array([x[0] for x in bodies], pa.int64()),
                "start": pa.array([x[1] for x in bodies], pa.int32()),
                "end": pa.array([x[2] for x in bodies], pa.int32()),
            }
        ),
        job / "input" / "body.parquet",
    )
    if texts:
        pq.write_table(
            pa.table(
                {
                    "id": pa.array([r[0] for r in rows], pa.int64()),
                    "text": [r[8] for r in rows],
                    "paragraphs": pa.array([r[9] for r in rows], pa.binary()),
                }
            ),
            job / "input" / "text.parquet",
        )
    near = conn.execute(
        "SELECT article_id, rank, other_id, score, shared_chars FROM neighbour"
    ).fetchall()
    pq.write_table(
        pa.table(
            {
                "article_id": pa.array([r[0] for r in near], pa.int64()),
                "rank": pa.array([r[1] for r in near], pa.int32()),
                "other_id": pa.array([r[2] for r in near], pa.int64()),
                "score": pa.array([r[3] for r in near], pa.float64()),
                "shared_chars": pa.array([r[4] for r in near], pa.int32()),
                "shared_sampled": pa.array(
                    [len(shingles[r[0]] & shingles[r[2]]) for r in near], pa.int32()
                ),
            }
        ),
        job / "related" / "neighbour.parquet",
    )
    (job / "related" / "_DONE").write_text("done\n")
    (job / "job.json").write_text(json.dumps({"engine": "duckdb", "library": str(library.path)}))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    for n, article in enumerate(derived_corpus(seeds).articles):
        (folder / f"{n:02}_{article.path.name}").write_text(article.text, encoding="utf-8")
    return folder


def embedded(library: Library) -> tuple[list[list[str]], list[tuple[int, int, bool]]]:
    engine = library.derive()
    index = engine.index
    ids = [a.article_id for a in index.articles]  # type: ignore[attr-defined]
    pairs = [(ids[i], ids[j], sure) for _, (i, j), sure in select_pairs(index)]
    clusters = clusters_json(
        engine.corpus,
        index,
        common=engine.common,
        path_of=lambda a: a.locator,  # type: ignore[attr-defined]
        workers=1,
    )
    return clusters, pairs


def job_stories(job: Path) -> list[list[str]]:
    lines = (job / "story" / "stories.jsonl").read_text().splitlines()
    return [json.loads(line)["articles"] for line in lines]


@pytest.mark.parametrize("texts", [False, True])
def test_the_job_gives_the_embedded_engine_s_pairs_and_stories(
    corpus_dir: Path, tmp_path: Path, texts: bool
) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([corpus_dir])
        clusters, pairs = embedded(library)
        assert len(clusters) >= 2
        job = tmp_path / "job"
        write_job(library, job, texts=texts)
        figures = story.run_story(job, workers=1)
        assert (job / "story" / "_DONE").is_file()
        chosen = pq.read_table(job / "story" / "pair.parquet").to_pylist()
        assert [(r["a_id"], r["b_id"], r["sure"]) for r in chosen] == pairs
        assert job_stories(job) == clusters
        assert figures["stories"] == len(clusters)
        assert figures["missing_texts"] == 0
        # Verdict rows as the library stores them: lower id as side a, the current hashes, the
        # whole comparison packed.
        by_id = {a.article_id: a for a in library.articles()}
        verdicts = pq.read_table(job / "story" / "verdict.parquet").to_pylist()
        assert len(verdicts) == sum(1 for p in pairs if not p[2])
        for v in verdicts[:5]:
            a, b = by_id[v["a_id"]], by_id[v["b_id"]]
            assert v["a_id"] < v["b_id"]
            assert (v["a_hash"], v["b_hash"]) == (a.content_hash, b.content_hash)
            found = compare_articles(a, b)
            assert aligning.unpack_passages(v["passages"]) == found.passages
            assert (v["a_pct"], v["b_pct"]) == (found.a_reused_pct, found.b_reused_pct)


def test_a_killed_job_resumes_from_the_parts_it_finished(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(story, "PART", 4)
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([corpus_dir])
        clusters, _ = embedded(library)
        job = tmp_path / "job"
        write_job(library, job)
    real = story.align_pairs
    calls: list[int] = []

    def dying(articles, pairs, **kw):  # type: ignore[no-untyped-def]
        calls.append(len(pairs))
        if len(calls) == 3:
            raise KeyboardInterrupt  # killed while aligning the third part
        return real(articles, pairs, **kw)

    monkeypatch.setattr(story, "align_pairs", dying)
    with pytest.raises(KeyboardInterrupt):
        story.run_story(job, workers=1)
    assert not (job / "story").exists()  # no half result where results are read
    assert len(list((job / story.WORK).glob("part-*.parquet"))) == 2
    calls.clear()
    monkeypatch.setattr(story, "align_pairs", real)
    aligned: list[int] = []

    def counting(articles, pairs, **kw):  # type: ignore[no-untyped-def]
        aligned.append(len(pairs))
        return real(articles, pairs, **kw)

    monkeypatch.setattr(story, "align_pairs", counting)
    figures = story.run_story(job, workers=1)
    assert sum(aligned) == figures["aligned"] - 8  # the two finished parts were not redone
    assert job_stories(job) == clusters
    assert not (job / story.WORK).exists()
    again = story.run_story(job, workers=1)  # done: nothing redone
    assert again == figures


def test_align_partition_is_the_verdict_of_each_row(corpus_dir: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([corpus_dir])
        articles = library.articles()[:4]
        rows = [
            (
                a.article_id,
                b.article_id,
                a.text,
                pack_paragraphs(a.paragraphs),
                b.text,
                pack_paragraphs(b.paragraphs),
                a.content_hash,
                b.content_hash,
            )
            for a, b in [
                (articles[0], articles[1]),
                (articles[0], articles[2]),
                (articles[3], articles[1]),
            ]
        ]
        out = list(story.align_partition(iter(rows)))
        assert [(r[0], r[1]) for r in out] == [(r[0], r[1]) for r in rows]
        for (a_id, b_id, *_), v in zip(rows, out, strict=True):
            found = compare_articles(library.article(a_id), library.article(b_id))
            covered = Covered.of(found)
            assert aligning.unpack_passages(v[8]) == found.passages
            assert aligning.unpack_spans(v[4]) == covered.a
            assert aligning.unpack_spans(v[5]) == covered.b
            assert (v[6], v[7]) == (found.a_reused_pct, found.b_reused_pct)


def test_without_texts_the_job_says_so(tmp_path: Path, corpus_dir: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([corpus_dir])
        library.derive()
        job = tmp_path / "job"
        write_job(library, job)
    (job / "job.json").write_text("{}")
    with pytest.raises(story.StoryJobError, match="texts"):
        story.run_story(job, workers=1)
