"""Fetching with worker processes: the same rows in the library as without them, a cancel that
stops the pages, and workers that never outlive the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from procs import alive, children_of
from pytest_httpserver import HTTPServer
from sources_pages import PARAGRAPHS, article_page

from newsreader.library import Library, incoming
from newsreader.sources import feeds
from newsreader.sources.feeds import fetch_feeds
from newsreader.sources.models import FeedSpec

N_FEEDS = feeds.PROCESS_MIN_FEEDS  # enough feeds for the workers to start with the fetch


def serve_feeds(server: HTTPServer, n_feeds: int = N_FEEDS, n_pages: int = 3) -> list[str]:
    """Feeds of news entries: pages to extract, one page that is gone (the summary is kept),
    one entry without a link (only its summary), in RSS and Atom."""
    base = server.url_for("").rstrip("/")
    urls = []
    for f in range(n_feeds):
        items = []
        for e in range(n_pages):
            path = f"/f{f}/p{e}"
            paragraphs = [f"Story {f}.{e}: {p}" for p in PARAGRAPHS[e % 2 :]]
            page = article_page(f"Harbour story {f}.{e}", paragraphs, author=f"Reporter {e}")
            server.expect_request(path).respond_with_data(page, content_type="text/html")
            items.append((f"Story {f}.{e}", f"{base}{path}"))
        items.append((f"Gone {f}", f"{base}/f{f}/missing"))
        server.expect_request(f"/f{f}/missing").respond_with_data("gone", status=404)
        entries = "".join(
            f"<item><title>{t}</title><link>{link}</link><description>&lt;p&gt;Summary of "
            f"{t}, with &lt;a href='/rel'&gt;a link&lt;/a&gt;.&lt;/p&gt;</description>"
            f"<pubDate>Tue, 0{1 + f % 9} Mar 2024 10:00:00 GMT</pubDate></item>"
            for t, link in items
        )
        entries += (
            f"<item><title>No link {f}</title><description>Only text {f}.</description></item>"
        )
        server.expect_request(f"/rss{f}").respond_with_data(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {f}</title><link>{base}</link>{entries}</channel></rss>",
            content_type="application/rss+xml",
        )
        urls.append(f"{base}/rss{f}")
    return urls


@pytest.fixture
def warm_workers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Worker processes that are used from the first task on (they otherwise start in the
    background, and a small test would be done before they are); records, per task, whether
    it went to a worker."""
    used: list[bool] = []
    start, run = feeds._Workers.start, feeds._Workers.run

    def started(self: feeds._Workers) -> None:
        start(self)
        if self._warm:
            self._warm[0].result()

    def counted(self: feeds._Workers, fn, *args):  # type: ignore[no-untyped-def]
        used.append(self.active)
        return run(self, fn, *args)

    # Here (threads: the test server) they are spawned, which the reader does only for many
    # pages; started with the fetch regardless, as the command line's forked ones are.
    monkeypatch.setattr(feeds, "_workers_are_cheap", lambda: True)
    monkeypatch.setattr(feeds._Workers, "start", started)
    monkeypatch.setattr(feeds._Workers, "run", counted)
    monkeypatch.setenv("NEWSREADER_WORKERS", "2")
    return used


def stored_rows(lib: Library) -> list[tuple[object, ...]]:
    """Everything fetching stored, without ids and times."""
    articles = lib.conn.execute(
        "SELECT a.locator, a.content_hash, a.text, a.title, a.display_title, a.outlet, a.date, "
        "a.byline, a.kind, a.encoding, a.title_start, a.title_end, a.paragraphs, a.size, "
        "a.parser, s.locator, r.content_type, r.data FROM article a "
        "JOIN source s ON s.id = a.source_id LEFT JOIN raw r ON r.article_id = a.id "
        "ORDER BY a.locator"
    ).fetchall()
    terms = lib.conn.execute("SELECT * FROM fts_term ORDER BY 1").fetchall()
    return [tuple(r) for r in articles] + [tuple(r) for r in terms]


def fetch_into_library(urls: list[str], full_text: bool) -> list[tuple[object, ...]]:
    with Library(Path(os.environ["NEWSREADER_HOME"]) / f"lib-{time.monotonic_ns()}.db") as lib:
        for url in urls:
            incoming.add_feed(lib.conn, url)
        results = list(lib.fetch_feeds(full_text=full_text))
        assert all(r.error is None for r, _ in results)
        return stored_rows(lib)


@pytest.mark.parametrize("full_text", [False, True])
def test_the_library_stores_the_same_rows_with_and_without_worker_processes(
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    warm_workers: list[bool],
    full_text: bool,
) -> None:
    urls = serve_feeds(httpserver)
    with_workers = fetch_into_library(urls, full_text)
    assert warm_workers and all(warm_workers), "every feed and page went to a worker"
    warm_workers.clear()
    monkeypatch.setenv("NEWSREADER_WORKERS", "1")
    without = fetch_into_library(urls, full_text)
    assert warm_workers and not any(warm_workers)
    assert len(with_workers) > N_FEEDS * 5
    assert with_workers == without


def test_a_cancel_during_the_pages_stops_fetching_them(
    httpserver: HTTPServer, warm_workers: list[bool]
) -> None:
    urls = serve_feeds(httpserver, n_pages=6)
    cancel = threading.Event()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "pages":
            cancel.set()

    results = fetch_feeds(
        [FeedSpec(u) for u in urls], full_text=True, cancel=cancel, progress=progress, workers=2
    )
    pages = [r for r, _ in httpserver.log if "/p" in r.path or "missing" in r.path]
    # Only the pages already in flight when the first one finished: not the other ~50.
    assert 0 < len(pages) <= 8
    assert any("cancelled with" in w for r in results for w in r.warnings)


_FETCH = """
import sys
from newsreader.sources.feeds import iter_fetch_feeds
from newsreader.sources.models import FeedSpec

def progress(stage, done, total):
    if stage == "pages" and done == 1:
        print("extracting", flush=True)

for _ in iter_fetch_feeds([FeedSpec(u) for u in sys.argv[1:]], progress=progress):
    pass
print("done", flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_forked_fetch_workers_exit_when_the_fetch_is_killed(httpserver: HTTPServer) -> None:
    # A command-line fetch runs no other thread when it starts its workers: they are forked.
    urls = serve_feeds(httpserver, n_pages=6)
    env = {**os.environ, "NEWSREADER_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-c", _FETCH, *urls], env=env, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"extracting"
        workers = children_of(proc.pid)
        assert len(workers) == 2, "the pages were extracted in two worker processes"
        cmdlines = [Path(f"/proc/{w}/cmdline").read_bytes() for w in workers]
        assert not any(b"spawn_main" in c for c in cmdlines), "forked, not spawned"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), "workers outlived their killed parent"
