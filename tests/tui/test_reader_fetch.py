"""Pilot tests of fetching feeds from the reader (`R`): progress, merged rows, failures, cancel.

A local server (pytest-httpserver) stands in for the web; the reader never fetches at start.
"""

from __future__ import annotations

import threading
from pathlib import Path

import reader_helpers
from pytest_httpserver import HTTPServer
from reader_helpers import record_notifications, sync, wait_loaded
from textual.pilot import Pilot
from werkzeug import Request, Response

from newsreader.library import Library, incoming
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.commands import key_rows

WAIT_S = 20.0  # bound for a loaded machine
FILLER = (
    "The harbour master said the new tide tables would be posted at the quay on Monday, and "
    "that boats leaving before dawn should check the channel markers twice."
)


def article_page(title: str = "Council approves harbour expansion", lines: int = 3) -> str:
    body = "".join(f"<p>{title}: {FILLER}</p>" for _ in range(lines))
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>"
    )


async def wait_for(pilot: Pilot, condition: object, what: str) -> None:
    await reader_helpers.wait_for(pilot, condition, what, WAIT_S)  # type: ignore[arg-type]


def rss(base: str, title: str, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>{title} {p}</title><link>{base}/{p}</link>"
        f"<description>Summary of {p}.</description></item>"
        for p in paths
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}'
        "</channel></rss>"
    )


def add_feeds(*urls: str) -> None:
    with Library() as lib:
        for url in urls:
            incoming.add_feed(lib.conn, url)


def titles(app: NewsreaderApp) -> set[str]:
    return {a.display_title for a in app.main_screen.article_list.rows}


@sync
async def test_R_fetches_every_feed_merges_new_rows_and_names_a_failing_feed(
    httpserver: HTTPServer,
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/rss").respond_with_data(
        rss(base, "Harbour News", ["p1", "p2"]), content_type="application/rss+xml"
    )
    for n in (1, 2):
        page = article_page(f"Harbour story {n}")
        httpserver.expect_request(f"/p{n}").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/html").respond_with_data(article_page(), content_type="text/html")
    add_feeds(f"{base}/rss", f"{base}/html")
    app = make_app([])
    seen = record_notifications(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert httpserver.log == []  # the reader starts offline
        before = len(app.main_screen.article_list.rows)
        shown: list[tuple[str, int, int]] = []
        show_progress = app.main_screen.show_progress

        def recording(stage: str, done: int, total: int) -> None:
            shown.append((stage, done, total))
            show_progress(stage, done, total)

        app.main_screen.show_progress = recording  # type: ignore[method-assign]
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.fetching, "the fetch finished")
        assert {"Harbour story 1", "Harbour story 2"} <= titles(app)
        assert len(app.main_screen.article_list.rows) == before + 2
        errors = [m for m, severity in seen if severity == "error"]
        assert len(errors) == 1 and errors[0].startswith(f"{base}/html: ")
        assert "not a feed" in errors[0]
        assert any(m == "Fetch done: 2 new articles." for m, _ in seen)
        assert not app.main_screen.query_one("#progress").display
        # The status line counted feeds, then pages, and said how to stop.
        assert ("Fetching feeds (0 new; R stops)", 2, 2) in shown
        assert any(
            stage.startswith("Fetching pages") and done == total == 2
            for stage, done, total in shown
        )
        # Again: nothing new (the pages are known; the feed itself is asked again).
        pages = sum(1 for req, _ in httpserver.log if req.path.startswith("/p"))
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.fetching, "the second fetch finished")
        assert sum(1 for req, _ in httpserver.log if req.path.startswith("/p")) == pages
        assert any(m == "Fetch done: 0 new articles." for m, _ in seen)


@sync
async def test_a_second_R_cancels_a_running_fetch(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("").rstrip("/")
    asked, gate = threading.Event(), threading.Event()

    def slow_feed(request: Request) -> Response:
        asked.set()
        gate.wait(10)  # the feed answers only once the test has pressed R again
        return Response(
            rss(base, "Slow", ["s1"]),
            content_type="application/rss+xml",
            headers={"ETag": '"v1"'},
        )

    httpserver.expect_request("/slow").respond_with_handler(slow_feed)
    httpserver.expect_request("/s1").respond_with_data(article_page(), content_type="text/html")
    add_feeds(f"{base}/slow")
    app = make_app([])
    seen = record_notifications(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("R")
        await wait_for(pilot, asked.is_set, "the feed was asked for")
        await pilot.press("R")
        gate.set()
        await wait_for(pilot, lambda: not app.fetching, "the fetch stopped")
        assert any(m.startswith("Fetch cancelled") for m, _ in seen)
        assert not any(req.path == "/s1" for req, _ in httpserver.log)  # no page after cancel
        with Library() as lib:
            (feed,) = lib.feeds()
            assert feed.spec.etag is None  # the next fetch reads the whole feed again


def footer_keys(app: NewsreaderApp) -> set[str]:
    return {k for k, b in app.screen.active_bindings.items() if b.binding.show and b.enabled}


@sync
async def test_the_fetch_key_is_in_the_footer_help_and_palette(tmp_path: Path) -> None:
    add_feeds("http://127.0.0.1:9/never-fetched")
    app = make_app([])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot, app)
        rows = [r for r in key_rows(app) if r.binding_id == "reader.fetch"]
        assert [(r.keys, r.description) for r in rows] == [("R", "Fetch feeds")]
        assert "R" in footer_keys(app)


@sync
async def test_without_feeds_the_fetch_key_stays_out_of_the_footer(tmp_path: Path) -> None:
    app = make_app([])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert "R" not in footer_keys(app)
        assert any(r.binding_id == "reader.fetch" for r in key_rows(app))  # still in help
        await pilot.press("R")
        assert not app.fetching


@sync
async def test_a_feed_read_with_trouble_says_so(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/rss").respond_with_data(
        rss(base, "Harbour News", ["p1", "gone"]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/p1").respond_with_data(
        article_page("Harbour story 1"), content_type="text/html"
    )
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    add_feeds(f"{base}/rss")
    app = make_app([])
    seen = record_notifications(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.fetching, "the fetch finished")
        warned = [m for m, severity in seen if severity == "warning"]
        trouble = "Harbour News: 1 of 2 pages could not be read"
        assert any(m.startswith(trouble) for m in warned), seen
        assert any(m == "Fetch done: 2 new articles." for m, _ in seen)  # the summary is kept
