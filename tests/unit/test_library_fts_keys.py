"""The keystroke shortcuts of the library search give exactly what the plain path gives.

Two shortcuts make a keystroke cheap (issue 11: p95 <= 20 ms at 100k): an article whose words
are all ASCII is matched by searching bytes (`fts._Scan`) instead of tokenising it
(`fts._Doc`), and a connection's `fts._Memo` re-uses expansions, tier ids and row keys while
the database is unchanged. Here both are compared with the plain path (every article
tokenised, nothing memoised): the same places and offsets for random texts, and the same
hits (article, score, offsets, snippet, highlights, order) for every prefix of typed queries
on a library built from the test fixtures.
"""

from __future__ import annotations

import functools
import html
import random
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.corpus import parse_text
from newsreader.library import db, fts
from newsreader.library.fts_vocab import term_of
from newsreader.search.match import find_windows, windows_at
from newsreader.search.tokens import split_words
from newsreader.search.vocab import EXACT, FUZZY, PREFIX

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# ASCII words, case, digits, punctuation and the non-ASCII characters news text carries
# between words (curly quotes, dashes, a pound sign, a no-break space): all `_Scan` articles.
WORDS = ["the", "The", "THE", "then", "year", "years", "Bank", "bank", "banks", "b", "x9", "9"]
WORDS += ["central", "centre", "interest", "inter", "rates", "rate", "e", "oil", "Oil", "oils"]
word = st.one_of(st.sampled_from(WORDS), st.text(alphabet="abcdeXYZ019", max_size=6), st.just(""))
gap = st.sampled_from(
    [" ", "\n", "\n\n", "  ", ".", ",", "'", "’", "“", "—", "£", "\u00a0", "_", ""]
)
ascii_texts = st.lists(st.tuples(word, gap).map("".join), max_size=50).map("".join)


def plain_places(doc: fts._Doc, query: fts._Query) -> list[tuple[int, int, tuple[int, int]]]:
    """(position, word id, text span) of every wanted token, from the article's tokens."""
    hits = doc.places(query)
    return [
        (
            p,
            tid,
            (doc.text.starts[p], doc.text.ends[p])
            if p < doc.meta_from
            else (
                doc.meta_tokens.starts[p - doc.meta_from],
                doc.meta_tokens.ends[p - doc.meta_from],
            ),
        )
        for p, tid in zip(hits.hits, hits.found, strict=True)
    ]


def scan_places(doc: fts._Scan, query: fts._Query) -> list[tuple[int, int, tuple[int, int]]]:
    hits = doc.places(query)
    assert hits.spans is not None
    return [
        (
            p,
            tid,
            hits.spans[p]
            if p < doc.meta_from
            else (
                doc.meta_tokens.starts[p - doc.meta_from],
                doc.meta_tokens.ends[p - doc.meta_from],
            ),
        )
        for p, tid in zip(hits.hits, hits.found, strict=True)
    ]


@settings(max_examples=300, deadline=None)
@given(ascii_texts, st.data())
def test_scanned_article_has_the_places_of_its_tokens(text: str, data) -> None:
    title = data.draw(st.sampled_from([None, "Oil and the banks", "Rates"]))
    title_span = None
    if len(text) > 2 and data.draw(st.booleans()):
        a = data.draw(st.integers(0, len(text) - 1))
        title_span = (a, data.draw(st.integers(a, len(text))))
    outlet = data.draw(st.sampled_from([None, "Central Bank News", "The Oil Times"]))
    args = (text, title, outlet, None, "2024-01-02", *(title_span or (None, None)))
    plain = fts._doc(*args, scan=False)
    scanned = fts._doc(*args)
    assert isinstance(plain, fts._Doc)
    assert isinstance(scanned, fts._Scan), "an ASCII-word text is scanned"
    assert scanned.meta_from == plain.meta_from
    assert scanned.title_tokens == plain.title_tokens

    # Queries: per query word some terms (in the text or not, prefixes of each other), and
    # maybe the word being typed as a key. Two of them on the same article: the second
    # re-uses what the first found.
    words = sorted({w.lower() for w in WORDS} | {"ban", "cent", "ye", "zzz"})
    for _ in range(2):
        plan = [
            {fts._term_id(t): data.draw(st.sampled_from([EXACT, PREFIX + 0.05, FUZZY * 0.9]))
             for t in data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=6))}
            for _ in range(data.draw(st.integers(1, 3)))
        ]  # fmt: skip
        typed = data.draw(st.sampled_from([None, "b", "ce", "th", "the", "in", "o", "9", "q"]))
        query = fts._Query(plan, typed)
        assert scan_places(scanned, query) == plain_places(plain, query)
        places = scanned.places(query)
        assert windows_at(
            places.hits, places.found, plan, meta_from=scanned.meta_from, max_windows=3
        ) == find_windows(plain.ids, plan, meta_from=plain.meta_from, max_windows=3)


def test_non_ascii_words_keep_the_token_path() -> None:
    assert isinstance(fts._doc("Café au lait", None, None, None, None, None, None), fts._Doc)
    assert isinstance(fts._doc("Ten\u200bcent", None, None, None, None, None, None), fts._Doc)
    assert isinstance(fts._doc("£5 “quoted”", None, None, None, None, None, None), fts._Scan)


def reuters_bodies() -> list[str]:
    raw = (FIXTURES / "reuters21578" / "sample.sgm").read_text(encoding="latin-1")
    bodies = []
    for doc in re.findall(r"<REUTERS.*?</REUTERS>", raw, re.S):
        body = re.search(r"<BODY>(.*?)</BODY>", doc, re.S)
        title = re.search(r"<TITLE>(.*?)</TITLE>", doc, re.S)
        if body:
            head = html.unescape(title.group(1)) + "\n\n" if title else ""
            bodies.append(head + html.unescape(body.group(1)).replace("\x03", ""))
    return bodies


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    """A library of the fixture texts: 200 Reuters stories, the seeds, wire and corpus
    samples, and copies (identical scores tie: their order must hold too)."""
    texts = reuters_bodies()
    for folder in ("wire", "corpus"):
        texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / folder).glob("*.txt"))]
    root = Path(__file__).resolve().parents[2]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "seeds").glob("*.txt"))]
    texts += texts[:40]
    texts.append("Café crème: the central bank’s rates, the Bank of England said.")
    conn = db.open_library(tmp_path_factory.mktemp("keys") / "library.sqlite3")
    conn.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'folder', '/', 0)")
    with db.transaction(conn):
        ids = []
        for i, text in enumerate(texts):
            a = parse_text(text, Path(f"/tmp/k{i}.txt"))
            span = a.title_span or (None, None)
            cur = conn.execute(
                """INSERT INTO article (source_id, locator, content_hash, parser, text, title,
                    display_title, outlet, date, byline, kind, title_start, title_end,
                    paragraphs, added_at)
                   VALUES (1, ?, ?, 'test', ?, ?, ?, ?, ?, ?, 'news', ?, ?, x'', 0)""",
                (f"/tmp/k{i}.txt", f"{a.content_hash}-{i}", a.text, a.title, a.display_title,
                 a.outlet, a.date, a.byline, *span),
            )  # fmt: skip
            ids.append(int(cur.lastrowid))
        fts.index_articles(conn, ids)
    yield conn
    conn.close()


TYPED = [
    "the year",
    "central bank interest rates",
    "goverment budget deficit",
    "petrolium exports",
    "oil prices r",
    "prime minist",
    "u.s. trade",
    "cafe creme",
    "bank of england said",
]


def typing(conn: sqlite3.Connection, limit: int = 50) -> dict[str, list[fts.LibraryHit]]:
    return {
        q[:k]: fts.search(conn, q[:k], limit=limit) for q in TYPED for k in range(1, len(q) + 1)
    }


def plain_typing(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, limit: int = 50
) -> dict[str, list[fts.LibraryHit]]:
    """`typing` with every article tokenised and nothing re-used between keystrokes."""
    with monkeypatch.context() as m:
        m.setattr(fts, "_doc", functools.partial(fts._doc, scan=False))
        m.setattr(fts._Memo, "of", classmethod(lambda cls, conn: cls()))
        m.setattr(fts, "_CACHE", fts._DocCache())
        return typing(conn, limit)


@pytest.mark.parametrize(("limit", "min_budget"), [(50, fts.MIN_BUDGET), (5, 4)])
@pytest.mark.parametrize("rank_limit", [fts.RANK_LIMIT, 3])
def test_typing_gives_the_hits_of_the_plain_path(
    built, monkeypatch, limit, min_budget, rank_limit
) -> None:
    # A small library ranks every tier by bm25; with a low RANK_LIMIT most are taken newest
    # first, as at 100k (then phrases are asked one by one, `_phrase_rows`), and with a small
    # budget phrase tiers fill it, as common phrases do at 100k.
    monkeypatch.setattr(fts, "RANK_LIMIT", rank_limit)
    monkeypatch.setattr(fts, "MIN_BUDGET", min_budget)
    monkeypatch.setattr(fts, "_CACHE", fts._DocCache())
    plain = plain_typing(built, monkeypatch, limit)
    fast = typing(built, limit)
    assert sum(map(len, fast.values())) > 100 * min(limit, 10)  # the queries find things
    for prefix, hits in plain.items():
        assert fast[prefix] == hits, prefix
    # And again, everything cached and memoised.
    assert typing(built, limit) == plain


def test_memo_is_dropped_when_another_connection_writes(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "library.sqlite3"
    writer = db.open_library(path)
    writer.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'folder', '/', 0)")
    reader = db.open_library(path)

    def add(aid: int, text: str) -> None:
        with db.transaction(writer):
            writer.execute(
                """INSERT INTO article (id, source_id, locator, content_hash, parser, text,
                    display_title, kind, paragraphs, added_at)
                   VALUES (?, 1, ?, ?, 't', ?, 'x', 'news', x'', 0)""",
                (aid, f"/d{aid}", f"h{aid}", text),
            )
            fts.index_articles(writer, [aid])

    add(1, "Oil prices rose as the central bank met.")
    assert [h.article_id for h in fts.search(reader, "oil pri")] == [1]
    add(2, "Oil prices fell. Oil prices, oil prices.")
    after = fts.search(reader, "oil pri")
    assert {h.article_id for h in after} == {1, 2}
    assert after == plain_typing_one(reader, monkeypatch, "oil pri")
    # A write on the searching connection itself.
    with db.transaction(reader):
        fts.unindex_articles(reader, [1])
        reader.execute("DELETE FROM article WHERE id = 1")
    assert {h.article_id for h in fts.search(reader, "oil pri")} == {2}
    writer.close()
    reader.close()


def plain_typing_one(conn: sqlite3.Connection, monkeypatch, query: str) -> list[fts.LibraryHit]:
    with monkeypatch.context() as m:
        m.setattr(fts, "_doc", functools.partial(fts._doc, scan=False))
        m.setattr(fts._Memo, "of", classmethod(lambda cls, conn: cls()))
        return fts.search(conn, query)


def test_within_views_are_not_mixed_up(built) -> None:
    everything = [h.article_id for h in fts.search(built, "oil prices", limit=200)]
    assert len(set(everything)) > 6
    few = set(everything[:3])
    assert {h.article_id for h in fts.search(built, "oil prices", within=few)} == few
    big = set(range(1, 400)) - few  # a large view: the temporary table
    assert not {h.article_id for h in fts.search(built, "oil prices", within=big)} & few
    assert {h.article_id for h in fts.search(built, "oil prices", within=few)} == few


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | ascii_texts)
def test_ascii_words_agrees_with_the_ascii_view(text: str) -> None:
    assert fts._ascii_words(text) == (fts._ascii_view(text) is not None)


def test_phrase_rows_are_the_or_query(built) -> None:
    """Phrase by phrase (known ones first, later ones only above the floor) gives the rows of
    the one FTS5 query ORing the phrases, whatever was asked before on the same memo."""
    rng = random.Random(11)
    texts = [r[0] for r in built.execute("SELECT text FROM article ORDER BY id LIMIT 60")]
    terms = [[t for t in map(term_of, split_words(text)[0]) if t] for text in texts]
    common = [("the", "company"), ("the", "year"), ("of", "the"), ("in", "the"), ("said", "it")]
    memo = fts._Memo()
    df = dict(built.execute("SELECT term, df FROM fts_term").fetchall())
    asked = 0
    # Above a floor a phrase is asked ascending, and again descending when that gave `limit`
    # rows (common up there): both must happen here.
    above: list[bool] = []
    built.set_trace_callback(
        lambda sql: above.append("ORDER BY" in sql) if "AND rowid >" in sql else None
    )
    for _ in range(150):
        phrases = list(rng.sample(common, 2))
        for _ in range(rng.randint(0, 5)):
            words = rng.choice(terms)
            n = rng.choice([2, 2, 3])
            at = rng.randrange(max(1, len(words) - n))
            phrase = tuple(words[at : at + n])
            if rng.random() < 0.3:
                phrase = (*phrase[:-1], "zzzq")  # found nowhere
            phrases.append(phrase)
        phrases = list(dict.fromkeys(p for p in phrases if len(p) > 1))
        limit = rng.choice([1, 2, 5, 12, 60])
        want = [
            r[0]
            for r in built.execute(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT ?",
                (fts._phrases(phrases), limit),
            )
        ]
        assert fts._phrase_rows(built, phrases, limit, df, memo) == want, (phrases, limit)
        asked += len(want) >= limit
    # Two common phrases, two rows: the second is common above the first's floor.
    pair = [("of", "the"), ("in", "the")]
    assert fts._phrase_rows(built, pair, 2, df, fts._Memo()) == [
        r[0]
        for r in built.execute(
            "SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rowid DESC LIMIT 2",
            (fts._phrases(pair),),
        )
    ]
    built.set_trace_callback(None)
    assert asked > 30  # many asks were cut by the limit: the floors were used
    assert above.count(True) >= 2 and above.count(False) > 100


def test_settle_merges_the_index_into_one_segment_and_keeps_the_hits(
    tmp_path: Path, monkeypatch
) -> None:
    """A bulk add leaves FTS5's index in many segments (each batch's own); `settle` merges
    them, step by step, and every query finds what it found before."""
    conn = db.open_library(tmp_path / "library.sqlite3")
    conn.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'folder', '/', 0)")
    texts = reuters_bodies()[:120]
    for start in range(0, len(texts), 12):  # ten batches, ten transactions: ten segments
        with db.transaction(conn):
            ids = []
            for i, text in enumerate(texts[start : start + 12], start):
                cur = conn.execute(
                    """INSERT INTO article (source_id, locator, content_hash, parser, text,
                        display_title, kind, paragraphs, added_at)
                       VALUES (1, ?, ?, 't', ?, 'x', 'news', x'', 0)""",
                    (f"/s{i}", f"h{i}", text),
                )
                ids.append(int(cur.lastrowid))
            fts.index_articles(conn, ids)
    assert fts.segments(conn) > 2
    queries = ["oil prices", "the year", "central bank rat", "u.s. trade", "p", "goverment sa"]
    before = {q: fts.search(conn, q) for q in queries}
    assert sum(map(len, before.values())) > 100

    monkeypatch.setattr(fts, "SETTLE_MIN", 50)
    split = fts.segments(conn)
    assert not fts.settle(conn, 49)  # too few articles added
    assert not fts.settle(conn, 60, cancel=_set_event())
    assert fts.segments(conn) == split
    monkeypatch.setattr(fts, "SETTLE_PAGES", 1)  # many steps
    assert fts.settle(conn, 120)
    assert fts.segments(conn) == 1
    assert {q: fts.search(conn, q) for q in queries} == before
    assert fts.settle(conn, 120)  # nothing left to merge: one step, no change
    assert fts.segments(conn) == 1
    conn.close()


def _set_event():
    import threading

    event = threading.Event()
    event.set()
    return event


def test_a_bulk_add_leaves_one_segment_and_a_small_one_does_not_merge(
    tmp_path: Path, monkeypatch
) -> None:
    from newsreader.library import Library, ingest

    folder = tmp_path / "news"
    folder.mkdir()
    for i, text in enumerate(reuters_bodies()[:40]):
        (folder / f"r{i:03d}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(ingest, "BATCH", 5)  # eight transactions: eight segments
    monkeypatch.setattr(fts, "SETTLE_MIN", 30)
    with Library(tmp_path / "lib.sqlite3") as lib:
        assert lib.add_paths([folder]).added == 40
        assert fts.segments(lib.conn) == 1
        more = tmp_path / "more"
        more.mkdir()
        for i, text in enumerate(reuters_bodies()[40:52]):
            (more / f"m{i:03d}.txt").write_text(text, encoding="utf-8")
        assert lib.add_paths([more]).added == 12  # below SETTLE_MIN: FTS5's automerge
        assert fts.segments(lib.conn) > 1


def test_the_migration_merges_an_old_librarys_segments(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    conn = db.open_library(path)
    conn.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'folder', '/', 0)")
    for i, text in enumerate(reuters_bodies()[:30]):  # thirty transactions, as an old add
        with db.transaction(conn):
            cur = conn.execute(
                """INSERT INTO article (source_id, locator, content_hash, parser, text,
                    display_title, kind, paragraphs, added_at)
                   VALUES (1, ?, ?, 't', ?, 'x', 'news', x'', 0)""",
                (f"/m{i}", f"m{i}", text),
            )
            fts.index_articles(conn, [int(cur.lastrowid)])
    assert fts.segments(conn) > 2
    before = fts.search(conn, "oil prices")
    steps = db._migrations()
    conn.execute(f"PRAGMA user_version = {steps.index(fts.SETTLE_MIGRATION)}")
    conn.close()
    conn = db.open_library(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(steps)
    assert fts.segments(conn) == 1
    assert fts.search(conn, "oil prices") == before != []
    conn.close()
