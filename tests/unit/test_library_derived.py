"""Neighbours and verdicts stored in the library: incremental updates against a full rebuild,
stale verdicts never used, stored results the same as the in-memory engine's."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from batch_corpus import STORIES

from newsreader.cli import main
from newsreader.library import Library, derived
from newsreader.provenance import aligning, clusters
from newsreader.provenance.clusters import build_graph
from newsreader.reuse import Comparison, Passage, RelatedIndex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"

TOPICS = STORIES  # four topics, six sentences each (shared with the batch tests)
WORDS = [
    "council",
    "museum",
    "bridge",
    "violin",
    "orchard",
    "lantern",
    "harbour",
    "festival",
    "quarry",
    "novel",
    "ferry",
    "garden",
    "tower",
    "choir",
    "market",
    "cathedral",
    "meadow",
    "painter",
    "stadium",
    "bakery",
    "glacier",
    "canal",
    "theatre",
    "island",
]


def _article(rng: random.Random, topic: str, take: list[int], own: int) -> str:
    pool = TOPICS[topic]
    sentences = [pool[i] for i in take]
    for _ in range(own):
        words = rng.sample(WORDS, 7)
        sentences.insert(rng.randrange(len(sentences) + 1), f"The {' '.join(words)} stayed.")
    title = f"{topic.title()} report {rng.randrange(1000)}"
    return title + "\n\n" + "\n\n".join(sentences) + "\n"


def hand_made(folder: Path) -> list[Path]:
    """About twenty articles: four stories with their copies and rewrites, an exact
    duplicate, and a few articles of their own."""
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for topic in TOPICS:
        texts.append(_article(rng, topic, [0, 1, 2, 3, 4, 5], 0))  # the source
        texts.append(_article(rng, topic, [0, 1, 2, 3], 1))  # a copy with a line of its own
        texts.append(_article(rng, topic, [2, 4, 5], 2))  # a partial copy
        texts.append(_article(rng, topic, [1], 4))  # one sentence borrowed
    texts.append(texts[0])  # an exact duplicate of the first source
    for _ in range(3):
        texts.append(_article(rng, "rates", [], 5))  # on a topic, nothing copied
    paths = []
    for n, text in enumerate(texts):
        p = folder / f"art{n:02d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def lists(library: Library) -> dict[str, list[str]]:
    """Every article's stored neighbours, by file name."""
    rows = library.conn.execute(
        "SELECT a.locator, o.locator FROM neighbour n JOIN article a ON a.id = n.article_id "
        "JOIN article o ON o.id = n.other_id ORDER BY n.article_id, n.rank"
    )
    out: dict[str, list[str]] = {}
    for own, other in rows:
        out.setdefault(Path(own).name, []).append(Path(other).name)
    return out


# What the engine derives, table by table, in a stable order: two ways of deriving the same
# library must leave the very same rows.
DERIVED = {
    "analysis": "SELECT * FROM analysis ORDER BY article_id",
    "posting": "SELECT * FROM posting ORDER BY 1, 2",
    "term": "SELECT * FROM term ORDER BY id",
    "neighbour": "SELECT * FROM neighbour ORDER BY 1, 2",
}


def derived_rows(library: Library) -> dict[str, list[tuple[object, ...]]]:
    return {t: library.conn.execute(q).fetchall() for t, q in DERIVED.items()}


@pytest.fixture
def never_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the incremental path even as a small library doubles."""
    monkeypatch.setattr(derived, "GROWTH", 1000.0)
    monkeypatch.setattr(derived, "REBUILD_SHARE", 1.0)


def test_adding_one_by_one_ranks_as_a_full_build(tmp_path: Path, never_rebuild: None) -> None:
    paths = hand_made(tmp_path / "corpus")
    random.Random(3).shuffle(paths)  # articles of every story arrive late
    with Library(tmp_path / "full.sqlite3") as full:
        full.add_paths(paths)
        full.derive()
        expected = lists(full)
    with Library(tmp_path / "steps.sqlite3") as steps:
        steps.add_paths(paths[:4])
        assert steps.derive().report.rebuilt  # the first build, over 4 articles
        for p in paths[4:]:
            steps.add_paths([p])  # ranked as it comes in (no `derive` in between)
            assert not steps.conn.execute(
                "SELECT count(*) FROM analysis WHERE ranked = 0"
            ).fetchone()[0]
        got = lists(steps)
        # The last article was ranked with the same frequencies as the full build: the same.
        last = paths[-1].name
        assert got[last] == expected[last]
        # Lists ranked before the last arrivals keep the scores they got then (document
        # frequencies drift; here the library grew 5x without a rebuild), so they are
        # near-equal: every first neighbour is the same text (identical texts are
        # interchangeable), at least 3 of each top 5 are, and 90% of all top-5 entries.
        text = {p.name: p.read_text() for p in paths}
        assert set(got) == set(expected)
        agree = entries = 0
        for name in expected:
            mine, full_build = got[name], expected[name]
            assert text[mine[0]] == text[full_build[0]], (name, mine, full_build)
            want = {text[n] for n in full_build[:5]}
            overlap = {text[n] for n in mine[:5]} & want
            assert len(overlap) >= min(3, len(want)), (name, mine, full_build)
            agree += len(overlap)
            entries += len(want)
        assert agree >= 0.9 * entries
        # A full rebuild then gives exactly the full build's lists.
        steps.conn.execute("DELETE FROM meta WHERE key = 'derived.built'")
        steps.derive()
        assert lists(steps) == expected


def test_the_identical_text_is_first_both_ways_when_added_later(
    tmp_path: Path, never_rebuild: None
) -> None:
    paths = hand_made(tmp_path / "corpus")
    twin = paths[16]  # the duplicate of art00
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([p for p in paths if p != twin])
        library.derive()
        library.add_paths([twin])
        got = lists(library)
    assert got[twin.name][0] == "art00.txt"
    assert got["art00.txt"][0] == twin.name


def test_a_page_or_feed_entry_gets_its_neighbours_when_it_arrives(
    tmp_path: Path, never_rebuild: None
) -> None:
    from newsreader.sources.models import IncomingDocument

    paths = hand_made(tmp_path / "corpus")
    twin = paths[16]  # the duplicate of art00, arriving as a web page this time
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([p for p in paths if p != twin])
        library.derive()
        doc = IncomingDocument("https://example.org/twin", twin.read_text(encoding="utf-8"))
        report = library.add_documents("url", doc.locator, None, [doc])
        got = lists(library)
    assert report.added == 1
    assert got["twin"][0] == "art00.txt"  # ranked at arrival, no `derive` needed
    assert got["art00.txt"][0] == "twin"


def test_stored_lists_are_what_the_in_memory_index_ranks(tmp_path: Path) -> None:
    paths = hand_made(tmp_path / "corpus")
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        engine = library.derive()
        corpus = library.corpus()
        index = RelatedIndex.build(corpus)
        for article in corpus.articles:
            # The stored list is the top K (a shortlist of 2K rescored): its first 5 are the
            # first 5 of the in-memory top K.
            found = index.related(article, derived.K)[:5]
            mine = [(r.article.locator, round(r.score, 6)) for r in found]
            stored = next(a for a in engine.corpus.articles if a.locator == article.locator)
            theirs = [
                (r.article.locator, round(r.score, 6)) for r in engine.index.related(stored, 5)
            ]
            assert theirs == mine, article.locator


def test_analysing_and_ranking_in_worker_processes_store_the_very_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from newsreader.library import ranking

    paths = hand_made(tmp_path / "corpus")
    with Library(tmp_path / "here.sqlite3") as here:
        here.add_paths(paths)
        here.derive()
        expected = derived_rows(here)
    monkeypatch.setattr(derived, "ANALYSE_IN_POOL", 0)
    monkeypatch.setattr(derived, "BATCH", 4)  # several batches in flight, written in order
    monkeypatch.setattr(ranking, "PARALLEL_MIN", 0)
    monkeypatch.setattr(ranking, "CHUNK", 3)
    monkeypatch.setenv("NEWSREADER_WORKERS", "2")
    with Library(tmp_path / "pool.sqlite3") as pool:
        pool.add_paths(paths)
        pool.derive()
        got = derived_rows(pool)
    assert "failed" not in caplog.text  # the workers did it (no fallback to doing it here)
    assert got == expected
    assert len(got["neighbour"]) > 5 * len(paths)


def test_a_pair_is_aligned_once_across_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = hand_made(tmp_path / "corpus")
    calls: list[tuple[str, str]] = []
    real = clusters.compare_articles

    def counting(a, b, **kw):  # type: ignore[no-untyped-def]
        calls.append((a.locator, b.locator))
        return real(a, b, **kw)

    monkeypatch.setattr(clusters, "compare_articles", counting)
    monkeypatch.setattr(aligning, "compare_articles", counting)  # the graph's alignments
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        engine = library.derive()
        first = build_graph(
            engine.corpus, engine.index, verdicts=engine.verdicts, common=engine.common
        )
        assert calls  # the first run aligns the candidate pairs ...
        assert len(set(calls)) == len(calls)
        calls.clear()
        engine = library.derive()
        again = build_graph(
            engine.corpus, engine.index, verdicts=engine.verdicts, common=engine.common
        )
        assert calls == []  # ... and the next one none
        assert [sorted(a.locator for a in g) for g in again.components()] == [
            sorted(a.locator for a in g) for g in first.components()
        ]
        # The same stories as the engine in memory, aligning everything itself.
        plain = build_graph(library.corpus())
        assert sorted(sorted(a.locator for a in g) for g in plain.components()) == sorted(
            sorted(a.locator for a in g) for g in again.components()
        )


def test_a_changed_article_s_stale_verdicts_are_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    paths = hand_made(folder)
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        engine = library.derive()
        build_graph(engine.corpus, engine.index, verdicts=engine.verdicts, common=engine.common)
        by_name = {Path(a.locator).name: a for a in engine.corpus.articles}
        source, copy = by_name["art04.txt"], by_name["art05.txt"]  # rates: source and copy
        assert engine.verdicts.get(source, copy) is not None
        # Make a verdict that claims the copy shares nothing, made for the texts as they are:
        # it is used (no edge) ...
        engine.verdicts.put([Comparison(source, copy, 0.0, 0.0, [])])
        fresh = library.derive()
        graph = build_graph(fresh.corpus, fresh.index, verdicts=fresh.verdicts, common=fresh.common)
        pos = {Path(a.locator).name: n for n, a in enumerate(graph.articles)}
        pair = tuple(sorted((pos["art04.txt"], pos["art05.txt"])))
        assert pair not in graph.edges
        # ... until the copy's text changes: the verdict is for another text, never used.
        paths[5].write_text(paths[5].read_text() + "\nA correction was appended.\n")
        library.add_paths([folder])
        fresh = library.derive()
        new_copy = next(a for a in fresh.corpus.articles if a.locator == copy.locator)
        new_source = next(a for a in fresh.corpus.articles if a.locator == source.locator)
        # (`add` aligned the changed article's candidate pairs again at once: a real verdict
        # replaced the made-up one.)
        again = fresh.verdicts.get(new_source, new_copy)
        assert again is not None and again.a and again.b
        graph = build_graph(fresh.corpus, fresh.index, verdicts=fresh.verdicts, common=fresh.common)
        assert pair in graph.edges


def test_a_verdict_for_an_older_text_is_refused_even_if_left_behind(tmp_path: Path) -> None:
    paths = hand_made(tmp_path / "corpus")
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths[:6])
        engine = library.derive()
        a, b = engine.corpus.articles[4], engine.corpus.articles[5]
        engine.verdicts.put([Comparison(a, b, 5.0, 5.0, [Passage(0, 10, 0, 10, "verbatim", 1.0)])])
        library.conn.execute(
            "UPDATE verdict SET b_hash = 'an older text' WHERE a_id = ? AND b_id = ?",
            (a.article_id, b.article_id),
        )
        assert derived.StoredVerdicts(library.conn).get(a, b) is None
        assert derived.StoredVerdicts(library.conn, preload=True).get(b, a) is None
        assert derived.StoredVerdicts(library.conn).comparison(a, b) is None


def test_removing_a_source_leaves_no_trace_in_what_is_derived(tmp_path: Path) -> None:
    paths = hand_made(tmp_path / "corpus")
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(paths[0], extra / "copy.txt")
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([tmp_path / "corpus"])
        library.add_paths([extra])
        library.derive()
        conn = library.conn
        gone = conn.execute("SELECT id FROM article WHERE locator LIKE '%copy.txt'").fetchone()[0]
        assert conn.execute(
            "SELECT count(*) FROM neighbour WHERE other_id = ?", (gone,)
        ).fetchone()[0]
        library.remove(str(extra))
        for sql in (
            "SELECT count(*) FROM neighbour WHERE other_id = ? OR article_id = ?",
            "SELECT count(*) FROM verdict WHERE a_id = ? OR b_id = ?",
            "SELECT count(*) FROM posting WHERE article_id = ? OR article_id = ?",
        ):
            assert conn.execute(sql, (gone, gone)).fetchone()[0] == 0, sql
        # Document frequencies still count the postings.
        stale = conn.execute(
            "SELECT count(*) FROM term t WHERE df != "
            "(SELECT count(*) FROM posting p WHERE p.term_id = t.id)"
        ).fetchone()[0]
        assert stale == 0
        # The lists that held it are ranked again by the next derive.
        library.derive()
        assert conn.execute("SELECT count(*) FROM analysis WHERE ranked = 0").fetchone()[0] == 0


def test_related_json_from_the_library_and_from_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "corpus"
    hand_made(folder)
    assert main(["add", str(folder)]) == 0
    capsys.readouterr()
    assert main(["related", "--json", "--top", "3"]) == 0
    library_mode = json.loads(capsys.readouterr().out)
    assert main(["related", str(folder), "--json", "--top", "3"]) == 0
    view_mode = json.loads(capsys.readouterr().out)
    listed = [a["path"] for a in library_mode["articles"]]
    assert listed == sorted(listed)  # the list's order
    names = [Path(p).name for p in listed]
    assert library_mode["clusters"]
    by_name = {Path(a["path"]).name: a["related"] for a in library_mode["articles"]}
    assert Path(by_name["art00.txt"][0]["path"]).name == "art16.txt"
    # The seeds are in the library too (added on first use): a view of the folder alone
    # ranks among its own articles only.
    assert len(view_mode["articles"]) == len(names) - 5
    for entry in view_mode["articles"]:
        assert all(Path(r["path"]).parent == folder for r in entry["related"])


def test_stories_from_stored_comparisons_align_nothing_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.provenance import build_stories, member_facts

    paths = hand_made(tmp_path / "corpus")
    calls: list[int] = []
    real = clusters.compare_articles

    def counting(a, b, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(a, b, **kw)

    def summary(stories) -> list:  # type: ignore[no-untyped-def]
        facts = member_facts(stories)
        return [
            (s.to_json(), [[f.to_json() for f in facts.get(id(m.article), [])] for m in s.members])
            for s in stories
        ]

    monkeypatch.setattr(clusters, "compare_articles", counting)
    monkeypatch.setattr(aligning, "compare_articles", counting)  # the graph's alignments
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        engine = library.derive()
        first = build_stories(
            engine.corpus, engine.index, verdicts=engine.verdicts, common=engine.common
        )
        assert calls and first
        calls.clear()
        engine = library.derive()
        again = build_stories(
            engine.corpus, engine.index, verdicts=engine.verdicts, common=engine.common
        )
        assert calls == []  # every comparison (edges, origins, members) was stored
        assert summary(again) == summary(first)  # passages, percentages and facts alike


def test_a_packed_comparison_comes_back_whole(tmp_path: Path) -> None:
    from newsreader.reuse import compare_articles

    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths([FIXTURES])
        by_name = {Path(a.locator).name: a for a in library.articles()}
        a, b = by_name["release.txt"], by_name["daily.txt"]  # a rewrite with edits
        comparison = compare_articles(a, b)
        assert any(p.diff for p in comparison.passages)
        assert any(p.parts for p in comparison.passages)  # parts must survive the BLOB too
        assert derived.unpack_passages(derived.pack_passages(comparison.passages)) == (
            comparison.passages
        )
        store = derived.StoredVerdicts(library.conn)
        store.put([comparison])
        assert store.comparison(a, b) == comparison
        assert store.comparison(b, a) == comparison.swapped()


def test_a_new_analysis_version_keeps_the_alignments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = hand_made(tmp_path / "corpus")
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        engine = library.derive()
        build_graph(engine.corpus, engine.index, verdicts=engine.verdicts, common=engine.common)
        stored = library.conn.execute("SELECT count(*) FROM verdict").fetchone()[0]
        monkeypatch.setattr(derived, "VERSION", "next")
        assert library.derive().report.analysed == len(paths)  # analysed again ...
        assert library.conn.execute("SELECT count(*) FROM verdict").fetchone()[0] == stored


def test_too_little_memory_for_the_workers_copies_ranks_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.library import ranking
    from newsreader.store import parse_pool

    paths = hand_made(tmp_path / "corpus")
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        library.derive()
        expected = lists(library)
        monkeypatch.setattr(ranking, "PARALLEL_MIN", 0)
        monkeypatch.setenv("NEWSREADER_WORKERS", "2")
        monkeypatch.setattr(ranking, "available_memory", lambda: 1000)  # a tiny machine

        started: list[int] = []
        real = parse_pool.worker_pool
        monkeypatch.setattr(
            parse_pool, "worker_pool", lambda n, *a: started.append(n) or real(n, *a)
        )
        library.conn.execute("DELETE FROM meta WHERE key = 'derived.built'")
        library.derive()  # a full rebuild
        assert not started  # no workers: their copies would not fit
        assert lists(library) == expected


def test_postings_written_at_the_end_are_those_written_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = hand_made(tmp_path / "corpus")
    monkeypatch.setattr(derived, "BATCH", 4)
    with Library(tmp_path / "batches.sqlite3") as batches:
        batches.add_paths(paths)
        batches.derive()
        expected = derived_rows(batches)
    monkeypatch.setattr(derived, "BULK", 0)  # every analysis writes its postings at the end
    with Library(tmp_path / "bulk.sqlite3") as bulk:
        bulk.add_paths(paths)
        bulk.derive()
        got = derived_rows(bulk)
        assert got == expected
        # Stopped after its analyses, before its postings (kill -9): the next run makes them.
        with bulk.conn:
            bulk.conn.execute("DELETE FROM posting")
            bulk.conn.execute("UPDATE term SET df = 0")
            bulk.conn.execute("INSERT INTO meta(key, value) VALUES ('derived.postings', 'rebuild')")
        bulk.derive()
        assert derived_rows(bulk) == expected
        assert not bulk.conn.execute("SELECT 1 FROM meta WHERE key = 'derived.postings'").fetchone()
        # Stopped so again, then one article added: not ranked against postings that are not
        # there; left to the next full run, which repairs them first.
        with bulk.conn:
            bulk.conn.execute("DELETE FROM posting")
            bulk.conn.execute("INSERT INTO meta(key, value) VALUES ('derived.postings', 'rebuild')")
        extra = tmp_path / "extra" / "late.txt"
        extra.parent.mkdir()
        extra.write_text(paths[0].read_text(encoding="utf-8") + "\nA late line.\n")
        report = bulk.add_paths([extra])
        (late,) = report.article_ids
        assert not bulk.conn.execute(
            "SELECT 1 FROM analysis WHERE article_id = ?", (late,)
        ).fetchone()
        bulk.derive()
        assert bulk.conn.execute(
            "SELECT count(*) FROM posting WHERE article_id = ?", (late,)
        ).fetchone()[0]
        assert len(bulk.conn.execute("SELECT * FROM posting").fetchall()) > len(expected["posting"])


def test_a_changed_text_analysed_in_bulk_keeps_no_posting_of_its_old_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = hand_made(tmp_path / "corpus")
    monkeypatch.setattr(derived, "BULK", 0)
    with Library(tmp_path / "bulk.sqlite3") as bulk:
        bulk.add_paths(paths)
        bulk.derive()
        paths[0].write_text("Quarry glacier report\n\nThe quarry glacier stayed.\n")
        bulk.add_paths(paths)  # its old analysis is forgotten without its postings ...
        bulk.derive()  # ... which the bulk analysis makes all again
        got = derived_rows(bulk)
    monkeypatch.setattr(derived, "BULK", 10**9)
    with Library(tmp_path / "fresh.sqlite3") as fresh:
        fresh.add_paths(paths)
        fresh.derive()
        assert derived_rows(fresh)["posting"] == got["posting"]
        assert derived_rows(fresh)["term"] == got["term"]


def test_a_new_ranking_rule_ranks_every_list_again_from_the_kept_analyses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = hand_made(tmp_path / "corpus")
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add_paths(paths)
        assert library.derive().report.rebuilt
        assert not library.derive().report.rebuilt  # built by this rule: nothing to do
        monkeypatch.setattr(derived, "RANKING_VERSION", "next")
        report = library.derive().report
        assert report.rebuilt and report.analysed == 0
        assert not library.derive().report.rebuilt  # the new rule is recorded
