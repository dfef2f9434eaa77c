"""The feed commands end to end: feed add/list/remove, fetch, add URL/dataset, import, export
(a local server; the library in the test's own NEWSREADER_HOME)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sources_pages import PARAGRAPHS, article_page

from newsreader.cli import main
from newsreader.library import Library
from newsreader.store.state import StateStore

NEWSBOAT = Path(__file__).parents[1] / "fixtures" / "newsboat"


def serve_feed(server: HTTPServer) -> str:
    base = server.url_for("").rstrip("/")
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/p{n}</link>"
        f"<description>Summary {n}.</description>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
        for n in (1, 2)
    )
    server.expect_request("/rss").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>{items}'
        "</channel></rss>",
        content_type="application/rss+xml",
        headers={"ETag": '"v1"'},
    )
    for n in (1, 2):
        page = article_page(f"Harbour story {n}", [f"Story {n}. {p}" for p in PARAGRAPHS])
        server.expect_request(f"/p{n}").respond_with_data(page, content_type="text/html")
    server.expect_request("/html").respond_with_data(article_page(), content_type="text/html")
    return base


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_feed_add_fetch_list_and_a_bad_feed_named_on_one_line(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve_feed(httpserver)
    assert run(capsys, "feed", "add", f"{base}/rss", "--name", "harbour")[0] == 0
    assert run(capsys, "feed", "add", f"{base}/html")[0] == 0
    code, out, err = run(capsys, "fetch")
    assert code == 1  # one feed failed
    assert "harbour: 2 new" in out
    assert f"{base}/html: an HTML page, not a feed" in err and len(err.splitlines()) == 1
    with Library() as lib:
        rows = lib.conn.execute(
            "SELECT a.locator, a.title, a.outlet, a.date, r.data IS NOT NULL AS has_raw "
            "FROM article a JOIN source s ON s.id = a.source_id LEFT JOIN raw r "
            "ON r.article_id = a.id WHERE s.kind = 'feed' ORDER BY a.locator"
        ).fetchall()
        texts = [a.text for a in lib.articles() if a.locator.startswith(base)]
    assert [r["locator"] for r in rows] == [f"{base}/p1", f"{base}/p2"]
    assert rows[0]["title"] == "Harbour story 1" and rows[0]["outlet"] == "The Harbour Gazette"
    assert rows[0]["date"] == "2024-03-05" and all(r["has_raw"] for r in rows)
    assert any(f"Story 1. {PARAGRAPHS[0]}" in t for t in texts)
    # Second fetch: the stored ETag makes it a conditional GET; nothing new is stored.
    httpserver.clear()
    httpserver.expect_request("/rss", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    httpserver.expect_request("/html").respond_with_data("gone", status=404)
    code, out, err = run(capsys, "fetch", "--feed", "harbour", "--json")
    (feed,) = json.loads(out)["feeds"]
    assert code == 0 and feed["not_modified"] and feed["added"] == 0
    code, out, _ = run(capsys, "feed", "list", "--json")
    listed = {f["url"]: f for f in json.loads(out)}
    assert listed[f"{base}/rss"]["articles"] == 2 and listed[f"{base}/rss"]["last_error"] is None
    assert "HTML page" in listed[f"{base}/html"]["last_error"]
    assert run(capsys, "feed", "remove", "harbour")[0] == 0
    with Library() as lib:
        assert not any(a.locator.startswith(base) for a in lib.articles())


@pytest.mark.parametrize("url", ["ftp://example.org/rss", "javascript:alert(1)"])
def test_feed_add_refuses_non_http_urls(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "feed", "add", url)
    assert code == 2 and "not an http" in err


def test_add_url_and_dataset(
    httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve_feed(httpserver)
    data = tmp_path / "news.csv"
    data.write_text("title,body,source\nA,First body here.,Wire\nB,,Wire\n")
    code, out, err = run(capsys, "add", f"{base}/p1", str(data), "--json")
    assert code == 0
    page, dataset = json.loads(out)["added"]
    assert page["state"] == "added" and page["title"] == "Harbour story 1"
    assert dataset["added"] == 1 and dataset["bad_rows"] == 1
    assert "row 2" in err and "empty text" in err
    with Library() as lib:
        (row,) = lib.conn.execute(
            "SELECT locator, outlet FROM article WHERE locator LIKE ?", (f"{data}#%",)
        ).fetchall()
    assert row["locator"] == f"{data}#row-1" and row["outlet"] == "Wire"
    code, _, err = run(capsys, "add", f"{base}/missing")
    assert code == 2 and "HTTP 500" in err  # the test server answers 500 to unknown paths


def test_import_newsboat_keeps_read_marks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "import",
        "newsboat",
        "--urls",
        str(NEWSBOAT / "urls"),
        "--cache",
        str(NEWSBOAT / "cache.db"),
    )
    assert code == 0 and "2 articles added" in out and "1 marked read" in out
    assert "exec" in err and "never" not in out
    with Library() as lib:
        feeds = {
            r["locator"]: r["name"]
            for r in lib.conn.execute("SELECT locator, name FROM source WHERE kind = 'feed'")
        }
        arts = {a.locator: a for a in lib.articles() if a.locator.startswith("http://example")}
    assert feeds["file:///tmp/nbtest/feed.xml"] == "My Local"
    assert set(feeds) >= {"https://gazette.example/rss.xml", "https://wire.example/atom.xml"}
    state = StateStore()
    try:
        assert state.is_read(arts["http://example.org/2"].content_hash)
        assert not state.is_read(arts["http://example.org/1"].content_hash)
    finally:
        state.close()


def test_opml_export_then_import_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "feed", "add", "https://a.example/rss", "--name", "A & B")
    run(capsys, "feed", "add", "https://c.example/atom")
    out_file = tmp_path / "feeds.opml"
    assert run(capsys, "export", "opml", str(out_file))[0] == 0
    monkeypatch.setenv("NEWSREADER_HOME", str(tmp_path / "other"))
    code, out, _ = run(capsys, "import", "opml", str(out_file))
    assert code == 0 and "2 added" in out
    _, out, _ = run(capsys, "feed", "list", "--json")
    assert [(f["url"], f["name"]) for f in json.loads(out)] == [
        ("https://a.example/rss", "A & B"),
        ("https://c.example/atom", None),
    ]


def test_ctrl_c_stops_fetch_keeping_what_came_in(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import signal
    import time

    from werkzeug import Request, Response

    base = httpserver.url_for("").rstrip("/")

    def interrupted(request: Request) -> Response:
        os.kill(os.getpid(), signal.SIGINT)  # the terminal's Ctrl-C, to the main thread
        time.sleep(1.0)
        return Response(article_page("Late", PARAGRAPHS), content_type="text/html")

    # Reading page 2 is when the user presses Ctrl-C.
    httpserver.expect_request("/rss").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
        + "".join(
            f"<item><title>Story {n}</title><link>{base}/p{n}</link>"
            f"<description>Summary {n}.</description></item>"
            for n in (1, 2)
        )
        + "</channel></rss>",
        content_type="application/rss+xml",
        headers={"ETag": '"v1"'},
    )
    httpserver.expect_request("/p1").respond_with_data(
        article_page("Harbour story 1", PARAGRAPHS), content_type="text/html"
    )
    httpserver.expect_request("/p2").respond_with_handler(interrupted)
    assert run(capsys, "feed", "add", f"{base}/rss", "--name", "harbour")[0] == 0
    code, out, err = run(capsys, "fetch", "--json")
    assert code == 130
    assert "newsreader: stopped:" in err and "Traceback" not in err
    assert json.loads(out)["cancelled"] is True
    # The feed's validators were not kept: the next fetch reads it whole and gets the rest.
    httpserver.handlers.clear()
    serve_feed(httpserver)
    code, out, _ = run(capsys, "fetch", "--json")
    (feed,) = json.loads(out)["feeds"]
    assert code == 0 and not feed["not_modified"]
    with Library() as lib:
        assert {f"{base}/p1", f"{base}/p2"} <= {a.locator for a in lib.articles()}
