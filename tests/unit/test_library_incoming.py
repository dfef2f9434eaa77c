"""Documents into the library: stored once per locator, updated when the text changes, raw
page kept compressed, the document's metadata over what the text suggests."""

from __future__ import annotations

import zlib

from newsreader.library import Library, incoming
from newsreader.sources.models import IncomingDocument

TEXT = "Harbour plan approved\n\nThe council voted on Tuesday to expand the harbour."


def test_add_documents_adds_then_leaves_alone_then_updates() -> None:
    doc = IncomingDocument(
        "https://g.example/1",
        TEXT,
        title="Harbour plan approved",
        outlet="The Gazette",
        date="2024-03-05T10:00:00Z",
        byline="Ann",
        raw=b"<html>page</html>",
        raw_type="text/html",
        read=True,
    )
    with Library() as lib:
        first = incoming.add_documents(lib.conn, "feed", "https://g.example/rss", "G", [doc])
        assert (first.added, first.updated, first.unchanged) == (1, 0, 0)
        again = incoming.add_documents(lib.conn, "feed", "https://g.example/rss", "G", [doc])
        assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
        changed = IncomingDocument("https://g.example/1", TEXT + " Work starts in May.")
        third = incoming.add_documents(lib.conn, "feed", "https://g.example/rss", "G", [changed])
        assert third.updated == 1 and third.article_ids == first.article_ids
        assert first.read_hashes and not third.read_hashes
        row = lib.conn.execute(
            "SELECT a.title, a.outlet, a.date, a.byline, a.title_start, a.title_end, "
            "r.data, r.content_type FROM article a JOIN raw r ON r.article_id = a.id"
        ).fetchone()
    assert zlib.decompress(row["data"]) == b"<html>page</html>"
    assert row["content_type"] == "text/html"


def test_document_metadata_wins_and_offsets_point_into_its_text() -> None:
    doc = IncomingDocument(
        "x#row-1", TEXT, title="Harbour plan approved", outlet="Wire", date="March 5, 2024"
    )
    article = incoming.document_article(doc)
    assert article.text == TEXT and article.title_span == (0, len("Harbour plan approved"))
    assert article.outlet == "Wire" and article.date == "2024-03-05"
    for p in article.paragraphs:
        assert article.text[p.start : p.end].strip()


def test_text_with_markup_is_not_read_as_html() -> None:
    doc = IncomingDocument("x#row-2", "<p>Angle brackets</p> are text here, not markup.")
    assert incoming.document_article(doc).text.startswith("<p>Angle brackets</p>")


def test_feed_source_remembers_validators_and_errors() -> None:
    from newsreader.sources.models import FeedResult

    with Library() as lib:
        sid, new = incoming.add_feed(lib.conn, "https://g.example/rss", "G")
        assert new and incoming.add_feed(lib.conn, "https://g.example/rss")[1] is False
        ok = FeedResult("https://g.example/rss", etag='"e"', last_modified="lm", title="T")
        incoming.record_fetch(lib.conn, sid, ok)
        (feed,) = incoming.feed_sources(lib.conn)
        assert (feed.spec.etag, feed.spec.last_modified, feed.last_error) == ('"e"', "lm", None)
        incoming.record_fetch(lib.conn, sid, FeedResult("https://g.example/rss", error="HTTP 500"))
        (feed,) = incoming.feed_sources(lib.conn)
        # An error keeps the validators of the last good fetch.
        assert feed.last_error == "HTTP 500" and feed.spec.etag == '"e"' and feed.spec.name == "G"


def test_one_locator_twice_in_a_batch_leaves_the_index_as_a_rebuild_would() -> None:
    from newsreader.library import fts

    # A feed that lists one entry twice, edited in between: both land in one batch, whose
    # search entries are written together at its end.
    old = IncomingDocument("https://g.example/2", "Ferry strike\n\nThe ferry crews walked out.")
    new = IncomingDocument("https://g.example/2", "Ferry strike\n\nThe ferry crews returned.")
    with Library() as lib:
        report = incoming.add_documents(lib.conn, "feed", "https://g.example/rss", "G", [old, new])
        assert (report.added, report.updated) == (1, 1)
        terms = dict(lib.conn.execute("SELECT term, df FROM fts_term").fetchall())
        assert [h.article_id for h in lib.search("returned")] == report.article_ids[:1]
        assert lib.search("walked") == []
        with lib.conn:
            fts.rebuild(lib.conn)
        assert dict(lib.conn.execute("SELECT term, df FROM fts_term").fetchall()) == terms
