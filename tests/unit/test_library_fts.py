"""Search inside the library database (FTS5): ranking, typos, phrases, accents, offsets.

The cases of test_search.py, run against a library built by inserting article rows directly
(the way ingest does, then `index_articles` in the same transaction).
"""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
from pathlib import Path

import pytest

from newsreader.corpus import Article, load_article, parse_text
from newsreader.library import db, fts
from newsreader.search.tokens import fold_word


class Lib:
    """A library database with helpers to add, change and remove articles."""

    def __init__(self, path: Path) -> None:
        self.conn = db.open_library(path)
        self.conn.execute(
            "INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'folder', '/tmp', 0)"
        )
        self.texts: dict[int, str] = {}
        self.names: dict[int, str] = {}

    def add(self, *articles: Article) -> list[int]:
        ids = []
        with db.transaction(self.conn):
            for article in articles:
                aid = self._insert(article)
                ids.append(aid)
            fts.index_articles(self.conn, ids)
        return ids

    def _insert(self, a: Article) -> int:
        span = a.title_span or (None, None)
        cur = self.conn.execute(
            """INSERT INTO article (source_id, locator, content_hash, parser, text, title,
                display_title, outlet, date, byline, kind, encoding, title_start, title_end,
                paragraphs, added_at)
               VALUES (1, ?, ?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, x'', 0)""",
            (
                str(a.path),
                a.content_hash,
                a.text,
                a.title,
                a.display_title,
                a.outlet,
                a.date,
                a.byline,
                a.kind,
                a.encoding,
                *span,
            ),
        )
        aid = int(cur.lastrowid)
        self.texts[aid] = a.text
        self.names[aid] = a.path.name
        return aid

    def update_text(self, aid: int, text: str) -> None:
        with db.transaction(self.conn):
            fts.unindex_articles(self.conn, [aid])
            self.conn.execute(
                "UPDATE article SET text = ?, content_hash = ? WHERE id = ?",
                (text, parse_text(text, Path("/x")).content_hash, aid),
            )
            fts.index_articles(self.conn, [aid])
        self.texts[aid] = text

    def delete(self, aid: int) -> None:
        with db.transaction(self.conn):
            fts.unindex_articles(self.conn, [aid])
            self.conn.execute("DELETE FROM article WHERE id = ?", (aid,))

    def search(self, query: str, **kw) -> list[fts.LibraryHit]:
        return fts.search(self.conn, query, **kw)

    def names_of(self, hits) -> list[str]:
        return [self.names[h.article_id] for h in hits]

    def found(self, hit: fts.LibraryHit) -> str:
        return self.texts[hit.article_id][hit.start : hit.end]


@pytest.fixture
def lib(tmp_path: Path):
    made = []

    def make(*texts: str) -> Lib:
        library = Lib(tmp_path / f"lib{len(made)}.sqlite3")
        made.append(library)
        library.add(*[parse_text(t, Path(f"/tmp/doc{i}.txt")) for i, t in enumerate(texts)])
        return library

    yield make
    for library in made:
        library.conn.close()


def fold(s: str) -> str:
    return " ".join(fold_word(w) for w in s.split())


def test_typo_finds_the_word(lib):
    index = lib("The government said on Monday it would act.", "Nothing to see here.")
    hits = index.search("goverment")
    assert index.names_of(hits) == ["doc0.txt"]
    assert index.found(hits[0]) == "government"


def test_exact_phrase_then_scattered_words_then_typos(lib):
    index = lib(
        "A fox that was quick ran off.",  # both words, apart
        "The quikc fox ran off.",  # phrase with a typo
        "The quick fox ran off.",  # exact phrase
        "A quick look at the weather.",  # one word only
    )
    hits = index.search("quick fox ")
    assert index.names_of(hits)[:3] == ["doc2.txt", "doc0.txt", "doc1.txt"]
    assert hits[0].score >= 80 and 60 <= hits[1].score < 80 and 40 <= hits[2].score < 60
    assert index.names_of(hits)[-1] == "doc3.txt"  # partial matches still listed, last
    assert hits[-1].score < 20


def test_exact_word_does_not_drift_to_look_alikes(lib):
    index = lib(
        "Oil exports rose in March.",
        "Their efforts failed.",
        "Police escorts arrived.",
        "Exports of grain fell.",
    )
    hits = index.search("exports")
    assert sorted(index.names_of(hits)[:2]) == ["doc0.txt", "doc3.txt"]
    assert all(h.score < 60 for h in hits[2:])  # look-alikes, if any, come after
    many = lib(*[f"Grain exports {i} rose." for i in range(60)], "Their efforts failed.")
    hits = many.search("exports", limit=60)
    assert len(hits) == 60 and "doc60.txt" not in many.names_of(hits)


def test_typo_corrected_when_the_typo_is_rare_and_the_word_common(lib):
    texts = [f"The board meeting number {i} ended late." for i in range(12)]
    index = lib(*texts, "Judges were meting out sentences.")
    hits = index.search("board meting")
    assert hits[0].score >= 40
    assert fold(index.found(hits[0])) == "board meeting"


def test_word_being_typed_is_completed(lib):
    index = lib("Officials met at the meeting hall.", "The weather was fine.")
    hits = index.search("meeti")
    assert index.names_of(hits) == ["doc0.txt"]
    assert index.found(hits[0]) == "meeting"
    finished = index.search("meeti ")  # a finished word is not completed, only typo-matched
    assert not finished or finished[0].score < hits[0].score


def test_typo_in_the_word_being_typed_still_completes(lib):
    index = lib("The government met online.", "A governor spoke.")
    hits = index.search("govrnme")  # half-typed "government", one letter missing
    assert index.names_of(hits) == ["doc0.txt"]
    assert index.found(hits[0]) == "government"
    assert index.search("govrnme ") == []  # a finished word is not completed
    assert fts.find_in_text("govrnme", index.texts[1]) == [(4, 14)]


def test_accent_and_case_insensitive_both_ways(lib):
    index = lib("Le Café de Flore est ouvert.", "A CAFE in town.", "Un cafe\u0301 noir.")
    for query in ("cafe", "CAFÉ", "café"):
        assert sorted(index.names_of(index.search(query))) == ["doc0.txt", "doc1.txt", "doc2.txt"]
    for hit in index.search("cafe"):
        assert fold_word(index.found(hit)) == "cafe"
    decomposed = next(h for h in index.search("cafe") if index.names[h.article_id] == "doc2.txt")
    assert index.found(decomposed) == "cafe\u0301"  # the combining accent belongs to the word


def test_offsets_point_into_original_text_after_unusual_characters(lib):
    text = "İstanbul ﬁnance: Straße. Then the Tencent Meeting began."
    index = lib(text)
    hit = index.search("tencent meeting")[0]
    assert text[hit.start : hit.end] == "Tencent Meeting"
    assert hit.snippet[slice(*hit.snippet_highlights[0])] == "Tencent"
    assert unicodedata.normalize("NFKD", index.found(index.search("finance")[0])) == "finance"


def test_phrase_offsets_and_snippet_highlights(lib):
    text = "Intro line.\n\nLater the Prime   Minister\nspoke at length about the budget."
    index = lib(text)
    hit = index.search("prime minister")[0]
    assert text[hit.start : hit.end] == "Prime   Minister"
    assert [hit.snippet[a:b] for a, b in hit.snippet_highlights] == ["Prime", "Minister"]
    assert "  " not in hit.snippet and "\n" not in hit.snippet


def test_snippet_is_about_120_chars_and_cleaned(lib):
    filler = "word " * 200
    text = filler + "the \x1b[31m needle\x07 here " + filler
    index = lib(text)
    hit = index.search("needle")[0]
    assert text[hit.start : hit.end] == "needle"
    assert 80 <= len(hit.snippet) <= 140
    assert "\x1b" not in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")


def test_find_in_text_lists_every_hit_in_text_order(lib):
    text = "Tencent Meeting first. Tencent later. Then Tencent Meeting again, Tencent Meeting."
    index = lib(text)
    for conn in (None, index.conn):
        spans = fts.find_in_text("tencent meeting", text, conn=conn)
        assert spans == sorted(spans)
        assert [text[a:b] for a, b in spans] == ["Tencent Meeting"] * 3
        single = fts.find_in_text("tencent", text, conn=conn)
        assert [text[a:b] for a, b in single] == ["Tencent"] * 4


def test_find_in_text_corrects_typos_like_search(lib):
    text = "The Tencent Meeting app. Later a tencent meeting again."
    index = lib(text)
    spans = fts.find_in_text("tencent meting", text)
    assert [fold(text[a:b]) for a, b in spans] == ["tencent meeting"] * 2
    assert fts.find_in_text("tencent meting", text, conn=index.conn) == spans
    hit = index.search("tencent meting")[0]
    assert (hit.start, hit.end) == spans[0]


def test_seeds_typo_query_hits_all_five(tmp_path: Path, seeds_dir: Path):
    library = Lib(tmp_path / "seeds.sqlite3")
    articles = [load_article(p) for p in sorted(seeds_dir.glob("*.txt"))]
    library.add(*articles)
    hits = library.search("tencent meting")
    assert len({h.article_id for h in hits}) == len(articles) == 5
    best = hits[0]
    assert fold(library.found(best)) == "tencent meeting"  # the typo was corrected
    assert best.score >= 40
    meetings = [h for h in hits if "meeting" in fold(library.found(h))]
    assert meetings and all(h.start < h.end for h in meetings)
    library.conn.close()


def test_empty_and_wordless_queries_return_nothing(lib):
    index = lib("Some text with words.")
    for query in ("", "   ", "!!! ...", "\x1b[", '"', "*"):
        assert index.search(query) == []
        assert fts.find_in_text(query, index.texts[1]) == []


def test_fts_syntax_in_query_is_literal(lib):
    text = 'He said "AND" or NOT: near(x) * col:umn ^start'
    index = lib(text, "Something else entirely.")
    for query in ('"and"', "not", "near", "col:umn", "^start", "AND OR", "-"):
        hits = index.search(query)  # never an FTS5 syntax error
        assert all(index.names[h.article_id] == "doc0.txt" for h in hits)
    assert index.found(index.search("not")[0]) == "NOT"


def test_markup_characters_in_query_are_literal(lib):
    text = "Write [bold]loud[/bold] text, not bold claims."
    index = lib(text)
    hits = index.search("[bold]")
    assert hits and all(text[h.start : h.end].lower() == "bold" for h in hits)
    assert "[bold]" in hits[0].snippet


def test_limit_hits_per_article_and_best_first(lib):
    index = lib(*[f"Story {i}: the storm hit the coast. The storm moved on." for i in range(30)])
    hits = index.search("storm", limit=10)
    assert len(hits) == 10
    assert len({h.article_id for h in hits}) == 10  # each article's best hit first
    assert index.search("storm", limit=0) == []
    assert len(index.search("storm")) == 50


def test_metadata_is_searched(tmp_path: Path):
    library = Lib(tmp_path / "m.sqlite3")
    article = Article(path=Path("/tmp/m.txt"), text="Markets fell sharply today.", outlet="Reuters")
    (aid,) = library.add(article)
    (hit,) = library.search("reuters")
    assert (hit.start, hit.end) == (0, 0)  # the outlet is not in the text
    assert hit.snippet[slice(*hit.snippet_highlights[0])] == "Reuters"
    assert library.search("reuters markets")[0].article_id == aid
    library.conn.close()


def test_title_hit_outranks_a_body_hit(tmp_path: Path):
    library = Lib(tmp_path / "t.sqlite3")
    filler = "Other news of the day. " * 30
    body = Article(path=Path("/tmp/body.txt"), text=filler + "A storm is coming.")
    titled = Article(
        path=Path("/tmp/title.txt"),
        text="Storm hits the coast\n\n" + filler,
        title="Storm hits the coast",
        title_span=(0, 20),
    )
    body_id, titled_id = library.add(body, titled)
    hits = library.search("storm")
    assert [h.article_id for h in hits] == [titled_id, body_id]
    assert (hits[0].start, hits[0].end) == (0, 5)
    library.conn.close()


def test_cjk_text_is_searchable(lib):
    text = "新华社北京电 今天北京天气很好。"
    index = lib(text, "Nothing here.")
    hits = index.search("北京")
    assert index.names_of(hits) == ["doc0.txt", "doc0.txt"]
    assert all(text[h.start : h.end] == "北京" for h in hits)


def test_cancel_returns_nothing(lib):
    index = lib("alpha beta gamma", "beta gamma delta")
    cancel = threading.Event()
    cancel.set()
    assert index.search("beta", cancel=cancel) == []
    assert index.search("beta", cancel=threading.Event())


def test_long_pasted_sentence_is_found_as_a_phrase(lib):
    sentence = (
        "the committee said on tuesday that it would publish its full report on the "
        "causes of the flooding before the end of the summer recess"
    )
    index = lib(
        "Intro. " + sentence.capitalize() + ". Outro.", " ".join(reversed(sentence.split()))
    )
    hits = index.search(sentence)
    assert index.names_of(hits)[0] == "doc0.txt"
    assert index.found(hits[0]).lower() == sentence
    assert hits[0].score >= 80


def test_phrase_found_when_many_articles_have_both_words(lib, monkeypatch):
    monkeypatch.setattr(fts, "MIN_BUDGET", 5)  # score few articles per query
    index = lib(
        *["Year after year, one two three four, the end."] * 40, "It was the year of the flood."
    )
    hits = index.search("the year ", limit=2)
    assert index.names_of(hits)[0] == "doc40.txt"
    assert hits[0].score >= 80


def test_within_restricts_to_those_articles(lib):
    index = lib(*[f"Storm report {i}." for i in range(10)])
    some = {2, 5, 7}
    hits = index.search("storm", within=some)
    assert {h.article_id for h in hits} == some
    assert index.search("storm", within=set()) == []
    assert len({h.article_id for h in index.search("storm", within=None)}) == 10
    assert {h.article_id for h in index.search("storm", within=[3])} == {3}


def test_within_a_large_view(lib, monkeypatch):
    monkeypatch.setattr(fts, "SMALL_WITHIN", 1)  # the temporary-table path
    index = lib(*[f"Storm report {i}." for i in range(10)])
    view = {1, 2, 3}
    assert {h.article_id for h in index.search("storm", within=view)} == view
    view.add(4)  # the same set, changed: filled again
    assert {h.article_id for h in index.search("storm", within=view)} == view
    assert {h.article_id for h in index.search("storm", within=[8, 9])} == {8, 9}


def test_updated_and_deleted_articles_leave_the_index(lib):
    index = lib("The storm hit the coast.", "A quiet day in the city.")
    index.update_text(1, "The flood reached the town.")
    assert index.search("storm") == []
    assert index.found(index.search("flood")[0]) == "flood"
    index.delete(2)
    assert index.search("quiet") == [] and index.search("city") == []
    # The vocabulary follows: a forgotten word is no longer a typo target.
    assert (
        index.conn.execute("SELECT count(*) FROM fts_term WHERE term = 'storm'").fetchone()[0] == 0
    )
    index.conn.execute("INSERT INTO article_fts (article_fts) VALUES ('integrity-check')")


def test_vocabulary_counts_articles(lib):
    index = lib("storm storm storm", "storm and rain", "rain")
    df = dict(index.conn.execute("SELECT term, df FROM fts_term").fetchall())
    assert df == {"storm": 2, "rain": 2, "and": 1}


def test_to_json_has_the_documented_keys(lib):
    index = lib("The storm hit the coast.")
    hit = index.search("storm")[0]
    data = hit.to_json("/tmp/doc0.txt", "Storm")
    assert data == {
        "id": hit.article_id,
        "path": "/tmp/doc0.txt",
        "title": "Storm",
        "score": round(hit.score, 2),
        "start": 4,
        "end": 9,
        "snippet": hit.snippet,
    }


def test_reader_and_writer_connections_see_each_other(tmp_path: Path):
    library = Lib(tmp_path / "two.sqlite3")
    library.add(parse_text("The storm hit the coast.", Path("/tmp/a.txt")))
    reader = db.open_library(tmp_path / "two.sqlite3")
    assert fts.search(reader, "storm")
    library.add(parse_text("Floods in the valley.", Path("/tmp/b.txt")))
    assert fts.search(reader, "flods")  # a typo of a word the other connection added
    reader.close()
    library.conn.close()


def test_migration_indexes_nothing_twice(tmp_path: Path):
    path = tmp_path / "again.sqlite3"
    library = Lib(path)
    library.add(parse_text("The storm hit the coast.", Path("/tmp/a.txt")))
    library.conn.close()
    again = db.open_library(path)  # opening again runs no step twice
    assert len(fts.search(again, "storm")) == 1
    again.close()


def test_new_folding_rules_rebuild_the_index_before_a_delete(lib, monkeypatch):
    index = lib("The storm hit the coast.", "A quiet day.")
    monkeypatch.setattr(fts, "FOLD_VERSION", fts.FOLD_VERSION + 1)
    index.update_text(1, "The flood reached the town.")  # unindex, update, index
    (sig,) = index.conn.execute("SELECT value FROM meta WHERE key = 'fts_fold'").fetchone()
    assert sig == fts._fold_signature()  # rebuilt with the new rules
    index.conn.execute("INSERT INTO article_fts (article_fts) VALUES ('integrity-check')")
    assert index.search("storm") == [] and index.found(index.search("flood")[0]) == "flood"
    monkeypatch.setattr(fts, "FOLD_VERSION", fts.FOLD_VERSION + 1)
    (added,) = index.add(parse_text("Another storm.", Path("/tmp/new.txt")))  # rebuilt here
    assert {h.article_id for h in index.search("storm")} == {added}
    df = dict(index.conn.execute("SELECT term, df FROM fts_term").fetchall())
    assert df["the"] == 1 and df["storm"] == 1 and df["quiet"] == 1


def test_migration_indexes_articles_already_there(tmp_path: Path):
    conn = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    for sql in db._SCHEMA_1:  # a library from before the search index
        conn.execute(sql)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'file', '/a', 0)")
    conn.execute(
        """INSERT INTO article (source_id, locator, content_hash, parser, text, display_title,
            kind, paragraphs, added_at) VALUES (1, '/a', 'h', 't', 'Storm at sea.', 'x', 'news',
            x'', 0)"""
    )
    conn.close()
    library = db.open_library(tmp_path / "old.sqlite3")
    assert [h.article_id for h in fts.search(library, "storm")] == [1]
    library.close()


def test_rare_spelling_next_to_a_common_word_is_treated_as_a_typo(lib, monkeypatch):
    monkeypatch.setattr(fts, "MIN_BUDGET", 5)  # score few articles per query
    filler = " ".join(["Officials met on Monday to talk about many other things."] * 6)
    apart = [f"The government {i} said the budget was late." for i in range(30)]
    index = lib(
        "One goverment official spoke.",  # the misspelling, in one article
        *apart,
        f"{filler} The government budget passed. {filler}",
    )
    hits = index.search("goverment budget", limit=2)
    assert index.names_of(hits)[0] == "doc31.txt"
    assert fold(index.found(hits[0])) == "government budget" and hits[0].score >= 40
