"""The batch related job (export -> DuckDB -> load) against the embedded engine: the same
neighbours, a killed step redone, loading only what still matches, the CLI's JSON."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from batch_corpus import build

from newsreader.batch import BatchError, load, related_job, sql
from newsreader.batch.results import DONE, INPUT, RELATED, read_job, read_neighbours
from newsreader.cli import main
from newsreader.library import Library, LibraryError, derived
from newsreader.progress import Cancelled

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    return build(tmp_path / "corpus")


def _job_lists(job: Path) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for aid, rank, other, *_ in sorted(read_neighbours(job), key=lambda r: (r[0], r[1])):
        assert rank == len(out.get(aid, []))
        out.setdefault(aid, []).append(other)
    return out


def _stored_lists(library: Library) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for aid, other in library.conn.execute(
        "SELECT article_id, other_id FROM neighbour ORDER BY article_id, rank"
    ):
        out.setdefault(aid, []).append(other)
    return out


def test_the_duckdb_job_ranks_as_the_embedded_engine(tmp_path: Path, corpus: list[Path]) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        report = related_job(library, tmp_path / "job", load_results=False)
        assert report.articles == len(corpus) == library.count()
        got = _job_lists(tmp_path / "job")
        library.derive()  # the embedded engine: a full build over the same analyses
        want = _stored_lists(library)
        hashes = {
            aid: digest
            for aid, digest in library.conn.execute("SELECT id, content_hash FROM article")
        }
    assert set(got) == set(want)
    same = sum(set(got[a][:5]) == set(want[a][:5]) for a in want)
    assert same >= 0.99 * len(want)
    # On this small corpus the float sums never tip an order: every list is the same.
    assert got == want
    # Identical texts come first, both ways (three copies of one text here).
    twins = [a for a in hashes if list(hashes.values()).count(hashes[a]) == 3]
    assert len(twins) == 3
    for a in twins:
        assert set(got[a][:2]) == set(twins) - {a}
    # Scores and shared characters agree too.
    with Library(tmp_path / "lib.sqlite3") as library:
        stored = {
            (a, o): (s, c)
            for a, o, s, c in library.conn.execute(
                "SELECT article_id, other_id, score, shared_chars FROM neighbour"
            )
        }
    for aid, _, other, score, chars, sampled in read_neighbours(tmp_path / "job"):
        assert stored[(aid, other)][0] == pytest.approx(score, abs=1e-6)
        assert stored[(aid, other)][1] == chars
        assert sampled >= 0


def test_slices_give_the_same_neighbours_as_one_pass(tmp_path: Path, corpus: list[Path]) -> None:
    from newsreader.batch.duckdb_engine import run_related

    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        related_job(library, tmp_path / "one", load_results=False)
        related_job(library, tmp_path / "sliced", load_results=False)
    # Ranked again in slices of 7 articles (the step redone from the same input).
    (tmp_path / "sliced" / RELATED / DONE).unlink()
    figures = run_related(tmp_path / "sliced", slice_articles=7)
    assert figures["slices"] > 1
    assert _job_lists(tmp_path / "sliced") == _job_lists(tmp_path / "one")
    # And in slices cut by the posting rows their queries walk, scored in slices of 5.
    (tmp_path / "sliced" / RELATED / DONE).unlink()
    figures = run_related(tmp_path / "sliced", slice_rows=300, rank_articles=5)
    assert figures["slices"] > 1 and figures["rank_slices"] > 1
    assert _job_lists(tmp_path / "sliced") == _job_lists(tmp_path / "one")


def test_slices_are_cut_by_articles_and_by_rows_walked() -> None:
    import duckdb

    from newsreader.batch.duckdb_engine import _slices

    con = duckdb.connect()
    con.execute("CREATE TABLE article AS SELECT range AS id FROM range(1, 11)")
    # Article 5 walks 100 rows, article 9 none (no query terms), the others 10 each.
    con.execute(
        "CREATE TABLE walk AS SELECT id AS article_id, CASE WHEN id = 5 THEN 100 ELSE 10 END"
        " AS walked FROM article WHERE id <> 9"
    )
    assert _slices(con, 4, 10**6) == [(1, 5), (5, 9), (9, 11)]
    # A slice takes a heavy article alone rather than none; an article without a walk is free.
    assert _slices(con, 100, 30) == [(1, 4), (4, 5), (5, 6), (6, 10), (10, 11)]
    con.execute("DELETE FROM article")
    assert _slices(con, 4, 30) == [(0, 0)]


def test_a_step_killed_midway_is_redone_and_nothing_is_loaded(
    tmp_path: Path, corpus: list[Path]
) -> None:
    job = tmp_path / "job"
    cancel = threading.Event()

    def progress(stage: str, done: int, total: int) -> None:
        if stage.startswith("Ranking (cand"):
            cancel.set()  # as Ctrl-C would, in the middle of the related step

    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        with pytest.raises(Cancelled):
            related_job(library, job, cancel=cancel, progress=progress)
        assert (job / INPUT / DONE).is_file()
        assert not (job / RELATED).exists()  # half a step is never in place
        assert not library.conn.execute("SELECT count(*) FROM neighbour").fetchone()[0]
        exported = (job / INPUT / "article.parquet").stat().st_mtime_ns
        # A folder left without _DONE (a kill between writing and marking) is redone too.
        (job / RELATED).mkdir()
        (job / RELATED / "neighbour.parquet").write_bytes(b"half a file")
        report = related_job(library, job)
        assert (job / INPUT / "article.parquet").stat().st_mtime_ns == exported  # kept
        assert report.loaded is not None and report.loaded.articles == len(corpus)
        assert _stored_lists(library) == _job_lists(job)
    assert read_job(job)["finished"] >= read_job(job)["started"]


def test_load_takes_only_articles_whose_text_is_unchanged(
    tmp_path: Path, corpus: list[Path]
) -> None:
    job = tmp_path / "job"
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        related_job(library, job, load_results=False)
        lists = _job_lists(job)
        changed = corpus[0]
        changed.write_text(changed.read_text() + "\nA correction was added later.\n")
        library.add_paths([changed])
        (cid,) = library.conn.execute(
            "SELECT id FROM article WHERE locator = ?", (str(changed),)
        ).fetchone()
        naming = {a for a, others in lists.items() if cid in others and a != cid}
        assert naming
        report = load(library, job)
        assert report.changed == 1
        assert report.stale == len(naming)
        assert report.articles == len(corpus) - 1 - len(naming)
        pending = {
            r[0] for r in library.conn.execute("SELECT article_id FROM analysis WHERE ranked = 0")
        }
        assert cid not in _stored_lists(library)
        assert naming <= pending
        kept = _stored_lists(library)
        for aid in set(lists) - naming - {cid}:
            assert kept.get(aid, []) == lists[aid]


def test_loaded_neighbours_are_what_related_answers_from(
    tmp_path: Path, corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = tmp_path / "job"
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        related_job(library, job)
        loaded = _stored_lists(library)

        def no_ranking(*args: object, **kwargs: object) -> None:
            raise AssertionError("ranked again after a load")

        monkeypatch.setattr(derived, "rebuild", no_ranking)
        monkeypatch.setattr(derived, "rank_incrementally", no_ranking)
        engine = library.derive()
        assert engine.report.analysed == 0 and not engine.report.rebuilt
        assert _stored_lists(library) == loaded
        first = engine.corpus.articles[0]
        want = [library.article(o) for o in loaded[first.article_id][:5]]
        assert [r.article for r in engine.index.related(first, 5)] == want


def test_a_read_only_library_is_not_loaded(tmp_path: Path, corpus: list[Path]) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        related_job(library, tmp_path / "job", load_results=False)
        library.read_only = True
        with pytest.raises(LibraryError, match="read-only"):
            load(library, tmp_path / "job")


def test_a_job_without_results_is_not_loaded(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library, pytest.raises(LibraryError):
        load(library, tmp_path)


def test_cli_related_and_load_print_json(
    tmp_path: Path, corpus: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", str(tmp_path / "corpus")]) == 0
    capsys.readouterr()
    job = tmp_path / "job"
    assert main(["batch", "related", "--out", str(job), "--no-load", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    with Library() as library:
        total = library.count()  # the corpus and the seeds, added on the library's first use
    assert total > len(corpus)
    assert data["job"] == str(job) and data["engine"] == "duckdb"
    assert data["articles"] == total
    assert data["neighbours"] == sum(len(v) for v in _job_lists(job).values()) > 0
    assert data["loaded"] is None
    assert data["figures"]["related_wall"] > 0
    assert main(["batch", "load", str(job), "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out)["loaded"]
    assert loaded == {
        "articles": total,
        "changed": 0,
        "stale": 0,
        "verdicts": 0,
        "verdicts_skipped": 0,
    }
    # `related` on the library answers from the loaded lists: nothing is ranked again.
    assert main(["related", "--json", "--no-clusters", "--top", "3"]) == 0
    related = json.loads(capsys.readouterr().out)["articles"]
    assert len(related) == total and all(len(a["related"]) <= 3 for a in related)
    with Library() as library:
        assert (
            library.conn.execute("SELECT count(*) FROM analysis WHERE ranked = 0").fetchone()[0]
            == 0
        )
    assert main(["batch", "load", str(tmp_path / "nothing")]) == 2
    assert "no job folder" in capsys.readouterr().err


def test_the_steps_are_plain_selects() -> None:
    names = [name for name, _ in sql.RELATED_STEPS]
    assert names[-1] == "neighbour" and len(set(names)) == len(names)
    for _, statement in sql.RELATED_STEPS:
        assert statement.lstrip().upper().startswith("SELECT")
        assert "QUALIFY" not in statement.upper()


_BLOCKED = """
import sys
for name in ("duckdb", "pyarrow", "pyspark"):
    sys.modules[name] = None  # an import of it fails, as when not installed
import newsreader.batch, newsreader.batch.sql, newsreader.batch.export
import newsreader.batch.results, newsreader.batch.duckdb_engine
from newsreader.cli import main
sys.exit(main(["batch", "related", "--engine", sys.argv[1]]))
"""


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_without_the_scale_extra_one_line_says_what_to_install(engine: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKED, engine], capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'newsreader[scale]'" in lines[0]


def test_an_unknown_engine_is_refused() -> None:
    from newsreader.batch import require

    with pytest.raises(BatchError, match="unknown engine"):
        require("oracle")


def _verdict_row(library: Library, a_id: int, b_id: int, b_hash: str | None = None) -> dict:
    """A row of DIR/story/verdict.parquet as the story step writes it (the library's format)."""
    from newsreader.provenance.clusters import Covered
    from newsreader.reuse import compare_articles

    a, b = library.article(a_id), library.article(b_id)
    assert a is not None and b is not None
    comparison = compare_articles(a, b)
    covered = Covered.of(comparison)
    return {
        "a_id": a_id,
        "b_id": b_id,
        "a_hash": a.content_hash,
        "b_hash": b_hash or b.content_hash,
        "a_spans": derived._pack(covered.a),
        "b_spans": derived._pack(covered.b),
        "a_pct": covered.a_pct,
        "b_pct": covered.b_pct,
        "passages": derived.pack_passages(comparison.passages),
    }


def test_verdicts_of_a_story_step_are_loaded_where_both_texts_match(
    tmp_path: Path, corpus: list[Path]
) -> None:
    import pyarrow as pa

    from newsreader.batch.results import STORY, VERDICT_FILE, mark_done, write_table

    job = tmp_path / "job"
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(corpus)
        related_job(library, job, load_results=False)
        lists = _job_lists(job)
        pairs = sorted({(min(a, o[0]), max(a, o[0])) for a, o in lists.items() if o})[:3]
        rows = [_verdict_row(library, a, b) for a, b in pairs[:2]]
        rows.append(_verdict_row(library, *pairs[2], b_hash="an older text"))
        (job / STORY).mkdir()
        write_table(job / STORY / VERDICT_FILE, pa.Table.from_pylist(rows))
        mark_done(job / STORY)
        report = load(library, job)
        assert (report.verdicts, report.verdicts_skipped) == (2, 1)
        stored = {
            (a, b): p
            for a, b, p in library.conn.execute("SELECT a_id, b_id, passages FROM verdict")
        }
        assert set(stored) == set(pairs[:2])
        assert stored[pairs[0]] == rows[0]["passages"]
        # And the stored verdict is what the story engine reads back.
        a, b = (library.article(i) for i in pairs[0])
        assert derived.StoredVerdicts(library.conn).get(a, b) is not None


def test_cli_story_job_writes_stories_and_loads_the_alignments(
    tmp_path: Path, corpus: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with Library() as library:
        library.ensure_seeded()  # as the first `newsreader related` would, after the job
    assert main(["add", str(tmp_path / "corpus")]) == 0
    capsys.readouterr()
    job = tmp_path / "job"
    assert main(["batch", "story", "--out", str(job), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    stories = [
        json.loads(line) for line in (job / "story" / "stories.jsonl").read_text().splitlines()
    ]
    assert stories and data["figures"]["story_stories"] == len(stories)
    assert data["loaded"]["verdicts"] == data["figures"]["story_aligned"] > 0
    # The library now knows every alignment: `related` with clusters aligns nothing again and
    # finds the same stories.
    with Library() as library:
        stored = library.conn.execute("SELECT count(*) FROM verdict").fetchone()[0]
    assert stored == data["loaded"]["verdicts"]
    assert main(["related", "--json"]) == 0
    clusters = json.loads(capsys.readouterr().out)["clusters"]
    with Library() as library:
        assert library.conn.execute("SELECT count(*) FROM verdict").fetchone()[0] == stored
    assert sorted(map(sorted, clusters)) == sorted(sorted(s["articles"]) for s in stories)


def _tied_input() -> dict[str, Any]:
    """Articles of 8 terms each from a 40-term vocabulary, every count 1: an article's
    candidates share 1-5 terms, so hundreds tie on the summed query weight and the cut at
    `sql.CANDIDATES` falls inside ties (broken by the first query term, then the id); some
    texts have twins."""
    import pyarrow as pa

    rng = random.Random(15)
    ids = list(range(1, 301))
    terms = [(a, t, 1) for a in ids for t in rng.sample(range(1000, 1040), 8)]
    return {
        "article": pa.table(
            {
                "id": ids,
                "locator": [f"loc-{a:04d}" for a in ids],
                "date": [f"2024-01-{1 + a % 28:02d}" for a in ids],
                "content_hash": [f"h{a if a % 25 else a - 1}" for a in ids],
                "chars": [1000 + a for a in ids],
                "shingles": [0 for _ in ids],
            }
        ),
        "term": pa.table(
            {
                "article_id": [a for a, _, _ in terms],
                "term_id": [t for _, t, _ in terms],
                "count": [c for _, _, c in terms],
            }
        ),
        "shingle": pa.table(
            {"article_id": pa.array([], pa.int64()), "hash": pa.array([], pa.int64())}
        ),
    }


def _steps_rows(
    tables: dict[str, Any], steps: tuple[tuple[str, str], ...], lo: int, hi: int
) -> dict[str, list[tuple[Any, ...]]]:
    import duckdb

    con = duckdb.connect()
    for name, table in tables.items():
        con.register(f"{name}_in", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_in")
    for name, statement in steps:
        if name == "focus":
            statement = sql.focus_sql(lo, hi)
        con.execute(f"CREATE TEMP TABLE {name} AS {statement}")
    rows = {
        n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for n in ("cand", "neighbour")
    }
    # The articles with a tie across the cut (the shared steps' candidate sums).
    rows["ties"] = con.execute(
        f"""
        SELECT article_id FROM (
            SELECT article_id, ROUND(acc, {sql.SUM_DECIMALS}) AS s,
                   ROW_NUMBER() OVER (PARTITION BY article_id
                                      ORDER BY ROUND(acc, {sql.SUM_DECIMALS}) DESC) AS r
            FROM ({dict(sql.PER_ARTICLE_STEPS)["acc"]})
        ) x
        GROUP BY article_id
        HAVING MAX(CASE WHEN r = {sql.CANDIDATES} THEN s END)
             = MAX(CASE WHEN r = {sql.CANDIDATES} + 1 THEN s END)
        """
    ).fetchall()
    return rows


@pytest.mark.parametrize(("lo", "hi"), [(0, 10_000), (40, 90)])
def test_duckdbs_candidate_step_keeps_what_the_shared_sql_keeps(lo: int, hi: int) -> None:
    tables = _tied_input()
    shared = _steps_rows(tables, sql.GLOBAL_STEPS + sql.PER_ARTICLE_STEPS, lo, hi)
    duck = _steps_rows(tables, sql.DUCKDB_GLOBAL_STEPS + sql.DUCKDB_PER_ARTICLE_STEPS, lo, hi)
    assert len(shared["ties"]) >= 0.25 * min(hi - lo, 300)  # the cut often falls in ties
    assert any(identical for _, _, identical in shared["cand"])  # twins are there
    assert duck["cand"] == shared["cand"]
    assert duck["neighbour"] == shared["neighbour"]
