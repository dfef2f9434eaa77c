"""Churn on arrival: each new article checked against the library's press releases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from churn_texts import COVERAGE, RELEASE, UNRELATED

from newsreader.library import Library, churn, db, incoming
from newsreader.sources.models import IncomingDocument


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _as_written_at(path: Path, version: int, *statements: str) -> None:
    """Make the library at `path` look written by an older newsreader: `statements` undo what
    the steps from `version` on did, and the schema version goes back to it."""
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def _by_name(lib: Library) -> dict[str, int]:
    return {Path(a.locator).name: a.article_id for a in lib.articles()}


def test_coverage_is_matched_to_the_release_it_copies(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder, "release.txt", RELEASE)
    _write(folder, "coverage.txt", COVERAGE)
    _write(folder, "unrelated.txt", UNRELATED)
    with Library(tmp_path / "lib.sqlite3") as lib:
        # One batch holds the release and its coverage: the release is indexed first.
        lib.add_paths([folder])
        ids = _by_name(lib)
        assert lib.article(ids["release.txt"]).kind == "press_release"  # type: ignore[union-attr]
        found = churn.matches(lib.conn)
        assert set(found) == {ids["coverage.txt"]}
        match = found[ids["coverage.txt"]]
        assert match.release_id == ids["release.txt"]
        # The coverage's share, not the release's: its two copied paragraphs are ~70% of its
        # text, and ~47% of the release's.
        assert 60 <= match.reused_pct <= 80
        assert match.passages >= 1
        assert match.release_outlet == "PR Newswire"
        assert match.label.startswith(f"{match.reused_pct:.0f}% from PR Newswire: Harbour Lights")


def test_later_arrivals_are_checked_and_removal_cascades(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        release = _write(tmp_path / "releases", "release.txt", RELEASE)
        lib.add_paths([release])
        assert churn.matches(lib.conn) == {}
        # A feed entry arriving later is checked on arrival too.
        report = incoming.add_documents(
            lib.conn,
            "feed",
            "http://example.test/rss",
            "Example",
            [IncomingDocument("http://example.test/a", COVERAGE, title="Tide turns")],
        )
        (aid,) = report.changed_ids
        assert churn.matches(lib.conn, [aid])[aid].release_id == _by_name(lib)["release.txt"]
        lib.remove(str(release))
        assert churn.matches(lib.conn) == {}
        assert lib.conn.execute("SELECT count(*) FROM release_shingle").fetchone()[0] == 0


def test_a_release_arriving_after_its_coverage_badges_it(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.add_paths([_write(tmp_path / "news", "coverage.txt", COVERAGE)])
        lib.add_paths([_write(tmp_path / "news", "unrelated.txt", UNRELATED)])
        assert churn.matches(lib.conn) == {}  # no release yet
        # The release comes later (a feed that published it after the papers did).
        report = incoming.add_documents(
            lib.conn,
            "feed",
            "http://example.test/pr",
            "Wire",
            [IncomingDocument("http://example.test/pr/1", RELEASE, title="Harbour Lights")],
        )
        (release_id,) = report.changed_ids
        found = churn.matches(lib.conn)
        ids = _by_name(lib)
        assert set(found) == {ids["coverage.txt"]}  # found through the search index
        assert found[ids["coverage.txt"]].release_id == release_id
        assert 60 <= found[ids["coverage.txt"]].reused_pct <= 80


def test_a_changed_release_rechecks_what_pointed_at_it(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder, "release.txt", RELEASE)
    _write(folder, "coverage.txt", COVERAGE)
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.add_paths([folder])
        assert len(churn.matches(lib.conn)) == 1
        # The release is replaced by one that shares nothing with the coverage.
        _write(folder, "release.txt", UNRELATED.replace("\n\n", " /PRNewswire/ --\n\n", 1))
        lib.update_files([folder / "release.txt"])
        assert lib.article(_by_name(lib)["release.txt"]).kind == "press_release"  # type: ignore[union-attr]
        assert churn.matches(lib.conn) == {}


def test_no_releases_no_checks_and_unrelated_text_never_matches(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder, "coverage.txt", COVERAGE)
    _write(folder, "unrelated.txt", UNRELATED)
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.add_paths([folder])
        assert churn.matches(lib.conn) == {}
        lib.add_paths([_write(tmp_path / "r", "release.txt", RELEASE)])
        # The coverage already stored is found by the release's phrases; the unrelated is not.
        assert {Path(m.release_locator).name for m in churn.matches(lib.conn).values()} == {
            "release.txt"
        }
        assert len(churn.matches(lib.conn)) == 1
        (unrelated,) = [a for a in lib.articles() if "library" in a.display_title.lower()]
        assert churn.check_article(lib.conn, unrelated, unrelated.article_id) is None


def test_seeds_news_reports_match_the_pr_newswire_release(seeds_dir: Path, tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.add_paths([seeds_dir])
        ids = {Path(a.locator).name[:3]: a.article_id for a in lib.articles()}
        kinds = {k: lib.article(v).kind for k, v in ids.items()}  # type: ignore[union-attr]
        assert [k for k, v in kinds.items() if v == "press_release"] == ["001"]
        found = {k: churn.matches(lib.conn).get(v) for k, v in ids.items()}
        # 000, 002 and 003 retell the release with much of its wording; 004 (a follow-up
        # days later) shares a few words only.
        assert {k for k, m in found.items() if m is not None} == {"000", "002", "003"}
        assert all(m.release_id == ids["001"] for m in found.values() if m is not None)
        assert found["002"].reused_pct > found["003"].reused_pct > found["000"].reused_pct  # type: ignore[union-attr]


def test_the_migration_indexes_releases_already_in_the_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.add_paths([_write(tmp_path / "r", "release.txt", RELEASE)])
        version = lib.conn.execute("PRAGMA user_version").fetchone()[0]
    # As a library written before churn existed: no churn tables, and none of the steps
    # from churn's on (the derived tables came later).
    first = db._migrations().index(churn.MIGRATIONS[0])
    tables = ("churn", "release_shingle", "term", "analysis", "posting", "verdict")
    _as_written_at(path, first, *(f"DROP TABLE {t}" for t in tables))
    with Library(path) as lib:
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] == version
        lib.add_paths([_write(tmp_path / "n", "coverage.txt", COVERAGE)])
        assert len(churn.matches(lib.conn)) == 1


def test_releases_indexed_under_the_old_hash_are_indexed_again(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.add_paths([_write(tmp_path / "r", "release.txt", RELEASE)])
        version = lib.conn.execute("PRAGMA user_version").fetchone()[0]
        indexed = lib.conn.execute("SELECT count(*) FROM release_shingle").fetchone()[0]
    # As written before the shingle hash changed: other hash values, the steps from it undone.
    assert indexed > 0
    _as_written_at(
        path, db._migrations().index(churn.REHASH), "UPDATE release_shingle SET hash = hash + 1"
    )
    with Library(path) as lib:
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] == version
        lib.add_paths([_write(tmp_path / "n", "coverage.txt", COVERAGE)])
        assert len(churn.matches(lib.conn)) == 1


def test_release_shingles_held_in_memory_give_the_same_candidates_without_queries(
    tmp_path: Path, seeds_dir: Path
) -> None:
    folder = tmp_path / "news"
    _write(folder, "release.txt", RELEASE)
    _write(folder, "coverage.txt", COVERAGE)
    _write(folder, "unrelated.txt", UNRELATED)
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.add_paths([folder, seeds_dir])  # two releases: this one and PR Newswire's
        known = churn.release_hashes(lib.conn)
        assert known is not None and len(known) > 100
        asked: list[str] = []
        lib.conn.set_trace_callback(asked.append)
        for a in lib.articles():
            assert churn.candidates(lib.conn, a, known=known) == churn.candidates(lib.conn, a)
        unrelated = next(a for a in lib.articles() if a.locator.endswith("unrelated.txt"))
        asked.clear()
        assert churn.candidates(lib.conn, unrelated, known=known) == []
        lib.conn.set_trace_callback(None)
        assert not [q for q in asked if "release_shingle" in q]  # decided in memory
