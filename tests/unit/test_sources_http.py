"""The careful GET: caps, redirects, conditional GET, bounded decompression (local server)."""

from __future__ import annotations

import gzip
import threading
import time
import zlib

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsreader.sources import http
from newsreader.sources.http import FetchError, fetch, run_pool


def test_fetch_returns_body_type_and_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(
        "café".encode("latin-1"),
        content_type="text/plain; charset=ISO-8859-1",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"},
    )
    resp = fetch(httpserver.url_for("/a"))
    assert resp.content == "café".encode("latin-1")
    assert resp.charset == "iso8859-1"
    assert resp.etag == '"v1"' and resp.last_modified.startswith("Wed")
    assert not resp.truncated and not resp.not_modified


def test_conditional_get_sends_validators_and_reports_not_modified(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/feed", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 01 Jan 2025"}
    ).respond_with_data("", status=304)
    resp = fetch(httpserver.url_for("/feed"), etag='"v1"', last_modified="Wed, 01 Jan 2025")
    assert resp.not_modified and resp.etag == '"v1"'


def test_body_over_the_cap_is_cut(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 50_000)
    resp = fetch(httpserver.url_for("/big"), max_bytes=10_000)
    assert resp.truncated and len(resp.content) == 10_000


def test_gzip_bomb_is_cut_at_the_cap_of_decoded_bytes(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * (64 * 2**20))  # 64 MB of zeros in ~64 KB
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    resp = fetch(httpserver.url_for("/bomb"), max_bytes=2**20)
    assert resp.truncated and len(resp.content) == 2**20


@pytest.mark.parametrize("wrap", [zlib.compress, lambda b: zlib.compress(b)[2:-4]])
def test_deflate_zlib_wrapped_or_raw_is_decoded(httpserver: HTTPServer, wrap) -> None:
    httpserver.expect_request("/d").respond_with_data(
        wrap(b"hello deflate" * 100), headers={"Content-Encoding": "deflate"}
    )
    assert fetch(httpserver.url_for("/d")).content == b"hello deflate" * 100


def test_gzip_body_is_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/g").respond_with_data(
        gzip.compress(b"<rss/>"), headers={"Content-Encoding": "gzip"}
    )
    assert fetch(httpserver.url_for("/g")).content == b"<rss/>"


def test_corrupt_gzip_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/g").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match="corrupt compressed"):
        fetch(httpserver.url_for("/g"))


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_name_the_status(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/x").respond_with_data("no", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch(httpserver.url_for("/x"))


def test_redirects_are_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("here")
    resp = fetch(httpserver.url_for("/old"))
    assert resp.content == b"here" and resp.url.endswith("/new")


def test_redirect_loop_is_named(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(httpserver.url_for("/a"))


def test_redirect_chain_is_capped(httpserver: HTTPServer) -> None:
    for i in range(10):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"}
        )
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(httpserver.url_for("/r0"))


def test_redirect_to_a_local_file_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(FetchError, match="non-http"):
        fetch(httpserver.url_for("/a"))


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "javascript:alert(1)", "http:///x"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError):
        fetch(url)


def test_file_url_is_read_locally_with_the_cap(tmp_path) -> None:
    (tmp_path / "f.xml").write_bytes(b"y" * 100)
    resp = fetch((tmp_path / "f.xml").as_uri(), max_bytes=10)
    assert resp.content == b"y" * 10 and resp.truncated


def test_timeout_is_an_error_not_a_hang(httpserver: HTTPServer, monkeypatch) -> None:
    monkeypatch.setattr(http, "TIMEOUT_S", 0.3)

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(FetchError, match="timed out"):
        fetch(httpserver.url_for("/slow"))


def test_pool_yields_every_item_and_keeps_exceptions() -> None:
    def work(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n * 2

    out = dict(run_pool(range(6), work, workers=3))
    assert {k: v for k, v in out.items() if k != 3} == {0: 0, 1: 2, 2: 4, 4: 8, 5: 10}
    assert isinstance(out[3], ValueError)


def test_pool_stops_taking_work_when_cancelled() -> None:
    cancel = threading.Event()
    seen = []

    def work(n: int) -> int:
        seen.append(n)
        if n == 1:
            cancel.set()
        return n

    list(run_pool(range(100), work, workers=1, cancel=cancel))
    assert seen == [0, 1]


def test_decoder_never_expands_past_its_limit() -> None:
    # The cap must hold inside the decompressor, not only after it: a bomb chunk that expands
    # to gigabytes would be in memory before any later cut.
    bomb = gzip.compress(b"\0" * (16 * 2**20))
    assert len(http._decoder("gzip")(bomb, 1000)) == 1000
    assert len(http._decoder("deflate")(zlib.compress(b"\0" * 2**20), 1000)) == 1000
