"""One careful HTTP GET for feeds and pages, and a bounded pool to run many of them.

Remote content is data, and a server can be hostile or broken, so every fetch has: http and
https only (a `file://` URL is read locally, but never reached through a redirect); redirects
followed by hand, capped, each hop's scheme checked and loops named; timeouts per operation and
one overall deadline (a server dripping a byte at a time cannot hold a worker); a size cap on
the *decoded* bytes, enforced while streaming, with our own bounded gzip/deflate decoding so a
gzip bomb never expands past the cap in memory; conditional GET (ETag, Last-Modified).

Errors are `FetchError` with a one-line reason meant to be shown next to the feed's name.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from newsreader import __version__
from newsreader.corpus.decode import header_charset

MAX_BYTES = 10 * 2**20
MAX_REDIRECTS = 5
TIMEOUT_S = 10.0
DEADLINE_S = 30.0
# Enough to keep two cores busy parsing while other requests wait on the network.
WORKERS = 8
USER_AGENT = f"newsreader/{__version__} (terminal news reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

T = TypeVar("T")
R = TypeVar("R")


class FetchError(Exception):
    """A URL that gave nothing usable; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    truncated: bool = False  # cut at the size cap
    not_modified: bool = False  # 304: nothing new since the given ETag / Last-Modified

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header names, when Python knows it."""
        return header_charset(self.content_type)

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";")[0].strip().lower()


def new_client(workers: int = WORKERS) -> httpx.Client:
    """A client shared by many threads: one connection pool, our timeouts, no auto-redirects."""
    return httpx.Client(
        timeout=httpx.Timeout(TIMEOUT_S, connect=min(5.0, TIMEOUT_S)),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,  # never pick up credentials or proxies from the environment by surprise
    )


def check_url(url: str) -> str:
    """`url` if it is http(s) with a host (or file://), else `FetchError` saying why."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise FetchError(f"no host in URL: {url}")
        return url
    if parts.scheme == "file":
        return url
    raise FetchError(f"not an http or https URL: {url}")


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str | None = None,
    max_bytes: int = MAX_BYTES,
    deadline_s: float = DEADLINE_S,
) -> Response:
    """GET `url` with every guard in the module docstring; raises `FetchError`."""
    check_url(url)
    if urlsplit(url).scheme == "file":
        return _read_file(url, max_bytes)
    own = client is None
    client = client or new_client(1)
    try:
        return _fetch(client, url, etag, last_modified, accept, max_bytes, deadline_s)
    finally:
        if own:
            client.close()


def _read_file(url: str, max_bytes: int) -> Response:
    path = Path(unquote(urlsplit(url).path))
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise FetchError(f"cannot read {path}: {e.strerror or e}") from None
    truncated = len(data) > max_bytes
    return Response(url, 200, data[:max_bytes], truncated=truncated)


def _fetch(
    client: httpx.Client,
    url: str,
    etag: str | None,
    last_modified: str | None,
    accept: str | None,
    max_bytes: int,
    deadline_s: float,
) -> Response:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if accept:
        headers["Accept"] = accept
    deadline = time.monotonic() + deadline_s
    seen = {url}
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code in _REDIRECTS:
                    url = _next_hop(url, resp, seen)
                    continue
                if resp.status_code == 304:
                    return Response(
                        str(resp.url),
                        304,
                        b"",
                        resp.headers.get("content-type"),
                        resp.headers.get("etag") or etag,
                        resp.headers.get("last-modified") or last_modified,
                        not_modified=True,
                    )
                if resp.status_code >= 400:
                    reason = resp.reason_phrase or ""
                    raise FetchError(f"HTTP {resp.status_code} {reason}".strip())
                content, truncated = _read_body(resp, max_bytes, deadline)
                return Response(
                    str(resp.url),
                    resp.status_code,
                    content,
                    resp.headers.get("content-type"),
                    resp.headers.get("etag"),
                    resp.headers.get("last-modified"),
                    truncated=truncated,
                )
        except httpx.TimeoutException:
            raise FetchError(f"timed out (no answer within {TIMEOUT_S:g} s)") from None
        except httpx.HTTPError as e:
            raise FetchError(_http_error_reason(e)) from None
    raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")


def _next_hop(url: str, resp: httpx.Response, seen: set[str]) -> str:
    location = resp.headers.get("location")
    if not location:
        raise FetchError(f"HTTP {resp.status_code} redirect without a Location")
    target = urljoin(url, str(location).strip())
    if urlsplit(target).scheme not in ("http", "https"):
        raise FetchError(f"redirect to a non-http URL refused: {target}")
    if target in seen:
        raise FetchError(f"redirect loop (back to {target})")
    seen.add(target)
    return target


def _http_error_reason(e: httpx.HTTPError) -> str:
    if isinstance(e, httpx.ConnectError):
        return f"cannot connect: {_first_line(e) or 'connection refused'}"
    if isinstance(e, httpx.RemoteProtocolError):
        return f"bad HTTP answer: {_first_line(e)}"
    return f"{type(e).__name__}: {_first_line(e)}"


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else ""


def _decoder(encoding: str) -> Callable[[bytes, int], bytes] | None:
    """A bounded decoder for one Content-Encoding: `decode(data, limit)` never returns more
    than `limit` bytes, so the cap holds however well the data compresses."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return lambda data, limit: d.decompress(data, limit)
    if encoding == "deflate":
        # "deflate" is zlib-wrapped by the spec but raw deflate from some servers: sniff.
        state: dict[str, zlib._Decompress] = {}

        def inflate(data: bytes, limit: int) -> bytes:
            if "d" not in state:
                head = data[:2]
                wrapped = len(head) == 2 and head[0] & 0x0F == 8 and int.from_bytes(head) % 31 == 0
                state["d"] = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            return state["d"].decompress(data, limit)

        return inflate
    raise FetchError(f"unsupported content encoding {encoding!r}")


def _read_body(resp: httpx.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    decode = _decoder(resp.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    size = 0
    try:
        for raw in resp.iter_raw():
            if time.monotonic() > deadline:
                raise FetchError(f"too slow (not finished within {DEADLINE_S:g} s)")
            # One byte past the cap is enough to know the body is over it.
            data = decode(raw, max_bytes - size + 1) if decode is not None else raw
            chunks.append(data)
            size += len(data)
            if size > max_bytes:
                return b"".join(chunks)[:max_bytes], True
    except zlib.error as e:
        raise FetchError(f"corrupt compressed body: {e}") from None
    return b"".join(chunks), False


def run_pool(
    items: Iterable[T],
    fn: Callable[[T], R],
    *,
    workers: int = WORKERS,
    cancel: threading.Event | None = None,
) -> Iterator[tuple[T, R | BaseException]]:
    """`fn` over `items` in `workers` threads, yielding `(item, result or exception)` as each
    finishes. At most `workers` calls are in flight, so a cancel stops new work promptly and
    a long list never queues thousands of futures."""
    it = iter(items)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        pending: dict[Future[R], T] = {}

        def top_up() -> None:
            while len(pending) < workers and not (cancel is not None and cancel.is_set()):
                try:
                    item = next(it)
                except StopIteration:
                    return
                pending[pool.submit(fn, item)] = item

        top_up()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                item = pending.pop(fut)
                exc = fut.exception()
                yield item, (exc if exc is not None else fut.result())
            top_up()
