"""The batch related job (export -> DuckDB -> load) against the embedded engine: the same
neighbours, a killed step redone, loading only what still matches, the CLI's JSON."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

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
    run_related(tmp_path / "sliced", slice_articles=7)
    assert _job_lists(tmp_path / "sliced") == _job_lists(tmp_path / "one")


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
    assert data["job"] == str(job) and data["engine"] == "duckdb"
    assert data["articles"] == len(corpus)
    assert data["neighbours"] == sum(len(v) for v in _job_lists(job).values()) > 0
    assert data["loaded"] is None
    assert data["figures"]["related_wall"] > 0
    assert main(["batch", "load", str(job), "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out)["loaded"]
    assert loaded == {
        "articles": len(corpus),
        "changed": 0,
        "stale": 0,
        "verdicts": 0,
        "verdicts_skipped": 0,
    }
    # `related` answers from the loaded lists (the view is the whole library).
    assert main(["related", str(tmp_path / "corpus"), "--json", "--no-clusters", "--top", "3"]) == 0
    related = json.loads(capsys.readouterr().out)["articles"]
    assert len(related) == len(corpus) and all(len(a["related"]) <= 3 for a in related)
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
