"""Feeds: formats, bad feeds named in one line, full text from each entry's page (local server)."""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sources_pages import PARAGRAPHS, article_page
from werkzeug import Request, Response

from newsreader.sources import http
from newsreader.sources.feeds import FeedError, fetch_feeds, parse_feed
from newsreader.sources.models import FeedSpec

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feeds"


def rss(base: str, items: list[tuple[str, str]], title: str = "Harbour News") -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}</link>"
        f"<description>&lt;p&gt;Summary of {t}.&lt;/p&gt;</description>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
        "<author>desk@gazette.example (News Desk)</author></item>"
        for t, path in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>{base}</link>{entries}</channel></rss>"
    )


def atom(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Daily</title>
<entry><title>First</title><link href="{base}/a1"/><id>urn:a1</id>
<updated>2024-02-01T00:00:00Z</updated><author><name>Ann Author</name></author>
<content type="html">&lt;p&gt;Atom content one.&lt;/p&gt;</content></entry></feed>"""


# --- parsing ---------------------------------------------------------------------------------


def test_rss2_entries_with_date_author_and_summary_text() -> None:
    feed = parse_feed(rss("https://g.example", [("One", "/1"), ("Two", "/2")]).encode())
    assert feed.version == "rss20" and feed.title == "Harbour News"
    first = feed.entries[0]
    assert first.link == "https://g.example/1" and first.locator == "https://g.example/1"
    assert first.summary == "Summary of One." and first.date == "2024-03-05"
    assert first.author and "News Desk" in first.author


def test_atom_entries() -> None:
    feed = parse_feed(atom("https://a.example").encode(), content_type="application/atom+xml")
    (entry,) = feed.entries
    assert feed.version == "atom10" and feed.title == "Atom Daily"
    assert entry.summary == "Atom content one." and entry.author == "Ann Author"
    assert entry.date == "2024-02-01"


def test_rss090_and_rss10_from_feedparsers_suite() -> None:
    old = parse_feed((FIXTURES / "rss090_item_title.xml").read_bytes())
    assert old.version == "rss090" and old.entries[0].title == "Item title"
    rdf = parse_feed((FIXTURES / "rdf_item_link.xml").read_bytes())
    assert rdf.version == "rss10" and rdf.entries[0].link == "http://example.com/1"


def test_json_feed_is_read_and_its_scripts_are_not_text() -> None:
    feed = parse_feed((FIXTURES / "example.json").read_bytes(), url="https://example.org/f")
    assert feed.version == "json1" and feed.title == "My Example Feed"
    texts = {e.link: e.summary for e in feed.entries}
    assert texts["https://example.org/second-item"] == "This is a second item."
    assert texts["https://example.org/initial-post"] == "Hello, world!"
    assert feed.entries[1].author == "you"


def test_legacy_charsets_from_the_prolog_and_windows_1252_code_points() -> None:
    euc = parse_feed((FIXTURES / "euc-kr-item.xml").read_bytes())
    assert euc.entries[0].summary == "\ub144"
    moron = parse_feed((FIXTURES / "demoronize-1.xml").read_bytes())
    assert moron.entries[0].summary == "don\u2019t"


def test_entries_without_link_or_title_get_distinct_locators() -> None:
    body = (
        '<rss version="2.0"><channel><item><description>one</description></item>'
        "<item><description>two</description></item></channel></rss>"
    )
    feed = parse_feed(body.encode(), url="https://f.example/rss")
    assert len({e.locator for e in feed.entries}) == 2


def test_broken_xml_after_entries_keeps_them_with_a_warning() -> None:
    feed = parse_feed((FIXTURES / "rss_item_link_corrupted_ampersands.xml").read_bytes())
    assert feed.entries[0].link == "http://link/get?a=1&b=2"
    assert any("broken XML" in w for w in feed.warnings)


def test_broken_xml_with_nothing_readable_is_an_error() -> None:
    with pytest.raises(FeedError, match="broken XML"):
        parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x<')
    with pytest.raises(FeedError, match="broken XML"):
        parse_feed((FIXTURES / "rss_incomplete_cdata.xml").read_bytes())


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", None])
def test_html_page_instead_of_feed(content_type: str | None) -> None:
    with pytest.raises(FeedError, match="HTML page, not a feed"):
        parse_feed(article_page().encode(), content_type=content_type)


def test_wrong_charset_is_a_warning_and_the_text_is_still_right() -> None:
    body = rss("https://g.example", [("Caf\u00e9 d\u2019or", "/1")]).encode("cp1252")
    feed = parse_feed(body, content_type="application/rss+xml; charset=utf-8")
    assert feed.entries[0].title == "Caf\u00e9 d\u2019or"
    assert any("wrong charset" in w for w in feed.warnings)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "broken JSON"),
        (b'{"title": "x"}', "not a JSON Feed"),
        (b"", "empty"),
        (b"just some text", "not a feed"),
    ],
)
def test_not_feeds(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(body)


# --- fetching --------------------------------------------------------------------------------


def serve_site(server: HTTPServer) -> str:
    base = server.url_for("").rstrip("/")
    items = [("One", "/p1"), ("Two", "/p2"), ("Gone", "/missing")]
    server.expect_request("/rss").respond_with_data(
        rss(base, items), content_type="application/rss+xml", headers={"ETag": '"r1"'}
    )
    for n in (1, 2):
        page = article_page(f"Harbour story {n}", [f"Story {n}. {p}" for p in PARAGRAPHS])
        server.expect_request(f"/p{n}").respond_with_data(page, content_type="text/html")
    server.expect_request("/missing").respond_with_data("gone", status=404)
    return base


def test_fetch_gets_full_text_and_keeps_the_summary_when_a_page_fails(
    httpserver: HTTPServer,
) -> None:
    base = serve_site(httpserver)
    (result,) = fetch_feeds([FeedSpec(f"{base}/rss", "gazette")], processes=1)
    assert result.error is None and result.etag == '"r1"' and result.title == "Harbour News"
    docs = {d.locator: d for d in result.documents}
    assert set(docs) == {f"{base}/p1", f"{base}/p2", f"{base}/missing"}
    full = docs[f"{base}/p1"]
    assert f"Story 1. {PARAGRAPHS[0]}" in full.text and not full.summary_only
    assert "Weather forecast" not in full.text
    assert full.title == "Harbour story 1" and full.outlet == "The Harbour Gazette"
    # The feed states the date and author; the page's own are the fallback.
    assert full.date == "2024-03-05" and "News Desk" in (full.byline or "")
    assert full.raw is not None and b"<article>" in full.raw
    gone = docs[f"{base}/missing"]
    assert gone.summary_only and gone.text == "Summary of Gone." and gone.outlet == "Harbour News"
    assert any("1 of 3 pages could not be read" in w for w in result.warnings)


def test_feed_title_is_the_outlet_when_the_page_names_none(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/rss").respond_with_data(rss(base, [("One", "/p")]))
    page = article_page().replace('<meta property="og:site_name"', '<meta property="x"')
    httpserver.expect_request("/p").respond_with_data(page, content_type="text/html")
    (result,) = fetch_feeds([FeedSpec(f"{base}/rss")], processes=1)
    # trafilatura puts the host name where a page names no site: that is not an outlet.
    (doc,) = result.documents
    assert doc.outlet == "Harbour News"


def test_feeds_only_mode_fetches_no_pages(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    (result,) = fetch_feeds([FeedSpec(f"{base}/rss")], full_text=False)
    assert all(d.summary_only for d in result.documents) and len(result.documents) == 3
    assert not any(req.path.startswith("/p") for req, _ in httpserver.log)


def test_known_entries_are_not_fetched_again(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    known = {f"{base}/p1", f"{base}/missing"}
    (result,) = fetch_feeds([FeedSpec(f"{base}/rss")], known=known, processes=1)
    assert [d.locator for d in result.documents] == [f"{base}/p2"]
    assert [req.path for req, _ in httpserver.log if req.path != "/rss"] == ["/p2"]


def test_conditional_get_not_modified(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss", headers={"If-None-Match": '"r1"'}).respond_with_data(
        "", status=304
    )
    (result,) = fetch_feeds([FeedSpec(httpserver.url_for("/rss"), etag='"r1"')])
    assert result.not_modified and result.error is None and not result.documents


@pytest.fixture
def threaded_server():
    # A slow handler must not hold up the other feeds' requests, as on the real web.
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_every_bad_feed_gets_one_line_and_the_good_one_is_fetched(
    threaded_server: HTTPServer, monkeypatch
) -> None:
    httpserver = threaded_server
    monkeypatch.setattr(http, "TIMEOUT_S", 1.0)
    base = serve_site(httpserver)
    httpserver.expect_request("/broken").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title>x<'
    )
    httpserver.expect_request("/html").respond_with_data(
        article_page(), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/404").respond_with_data("no", status=404)
    httpserver.expect_request("/500").respond_with_data("oops", status=500)
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    httpserver.expect_request("/bomb").respond_with_data(
        gzip.compress(b"<rss>" + b" " * (40 * 2**20)), headers={"Content-Encoding": "gzip"}
    )

    def slow(request: Request) -> Response:
        time.sleep(2.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    monkeypatch.setattr(http, "MAX_BYTES", 2**20)
    names = ["broken", "html", "404", "500", "loop", "bomb", "slow"]
    specs = [FeedSpec(f"{base}/rss", "good")] + [FeedSpec(f"{base}/{n}", n) for n in names]
    results = {r.name: r for r in fetch_feeds(specs, processes=1)}
    assert results["good"].error is None and len(results["good"].documents) == 3
    expected = {
        "broken": "broken XML",
        "html": "HTML page, not a feed",
        "404": "HTTP 404",
        "500": "HTTP 500",
        "loop": "redirect loop",
        "bomb": "size cap",
        "slow": "timed out",
    }
    for name, why in expected.items():
        error = results[name].error
        assert error is not None and why in error and "\n" not in error, (name, error)


def test_json_feed_over_http(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("").rstrip("/")
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON Times",
        "items": [{"id": "1", "url": f"{base}/j1", "content_text": "Short.", "title": "J"}],
    }
    httpserver.expect_request("/feed.json").respond_with_json(feed)
    httpserver.expect_request("/j1").respond_with_data(article_page(), content_type="text/html")
    (result,) = fetch_feeds([FeedSpec(f"{base}/feed.json")], processes=1)
    (doc,) = result.documents
    assert result.title == "JSON Times" and PARAGRAPHS[0] in doc.text


def test_cancel_returns_what_was_read(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    cancel = threading.Event()
    cancel.set()
    assert fetch_feeds([FeedSpec(f"{base}/rss")], cancel=cancel) == []


def test_progress_reports_feeds_then_pages(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    seen = []
    fetch_feeds(
        [FeedSpec(f"{base}/rss")], processes=1, progress=lambda *a: seen.append(a), workers=2
    )
    assert seen[0] == ("feeds", 1, 1) and seen[-1] == ("pages", 3, 3)


def test_extraction_in_worker_processes_gives_the_same_documents(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    from newsreader.sources import feeds

    one = fetch_feeds([FeedSpec(f"{base}/rss")], processes=1)[0]
    saved = feeds.PROCESS_MIN_PAGES
    feeds.PROCESS_MIN_PAGES = 1
    try:
        two = fetch_feeds([FeedSpec(f"{base}/rss")], processes=2)[0]
    finally:
        feeds.PROCESS_MIN_PAGES = saved

    def key(r):
        return sorted((d.locator, d.text, d.title, d.outlet) for d in r.documents)

    assert key(one) == key(two)
    assert json.dumps(key(one))  # plain values


def test_a_fetch_of_many_feeds_leaves_the_search_index_in_one_segment(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each feed's entries are stored in a transaction of their own (a segment each); the
    fetch as a whole settles the index as one bulk add would."""
    from newsreader.library import Library, fts, incoming

    base = httpserver.url_for("").rstrip("/")
    urls = []
    for f in range(4):
        items = [(f"Feed {f} story {i}", f"/f{f}/p{i}") for i in range(5)]
        httpserver.expect_request(f"/rss{f}").respond_with_data(
            rss(base, items), content_type="application/rss+xml"
        )
        urls.append(f"{base}/rss{f}")
    monkeypatch.setattr(fts, "SETTLE_MIN", 15)
    with Library(tmp_path / "lib.sqlite3") as lib:
        for url in urls:
            incoming.add_feed(lib.conn, url)
        reports = [report for _, report in lib.fetch_feeds(full_text=False)]
        assert sum(r.added for r in reports if r is not None) == 20
        assert fts.segments(lib.conn) == 1
