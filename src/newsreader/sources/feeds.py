"""Feeds -> documents: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed (by hand), and the
full text of each entry fetched from its link and extracted.

We do the HTTP ourselves (http.py: caps, timeouts, conditional GET) and hand feedparser the
bytes plus the Content-Type header, so it sees the server's charset. feedparser never raises
and its `bozo` flag alone misjudges feeds (an HTML page parsed from bytes is not bozo; a broken
RSS file is bozo but still yields entries), so a feed is judged by version, entry count and bozo
together. Whatever goes wrong with one feed becomes one line naming it and why, and the other
feeds are fetched regardless.

Entries become `IncomingDocument`s: the page's extracted text and metadata, with the feed's
published date and author first (the feed states them; a page's date is often a guess) and the
feed's title as outlet when the page names none. When the page cannot be read, the feed's own
summary is kept and marked `summary_only`.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Container, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from xml.sax import SAXException

import httpx

from newsreader.corpus.dates import normalise_date
from newsreader.sources.extract import ExtractError, decode_page, extract_article, fragment_text
from newsreader.sources.http import WORKERS, FetchError, Response, fetch, new_client, run_pool
from newsreader.sources.models import FeedResult, FeedSpec, IncomingDocument

log = logging.getLogger(__name__)
R = TypeVar("R")

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Below this many pages, starting extraction processes costs more than it saves.
PROCESS_MIN_PAGES = 40
# From this many feeds, worker processes are started as the fetch begins when they can be
# forked (no start-up cost): parsing a feed of 50 entries costs feedparser ~30 ms of CPU, 1.5 s
# for 50 feeds taken off the process that stores them. (Segmenting the entries there too was
# measured: ~0.5 s more CPU in all for encoding the articles and moving them, and the parent
# was waiting on the workers already.) A spawned worker costs ~0.6 s of CPU to start, more
# than a few feeds are worth, so where workers must be spawned (the reader) they start only
# for PROCESS_MIN_PAGES pages.
PROCESS_MIN_FEEDS = 8

# progress(stage, done, total): stage is "feeds" then "pages".
ProgressFn = Callable[[str, int, int], None]


class FeedError(Exception):
    """A feed that gave nothing usable; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    locator: str
    link: str | None
    title: str | None
    summary: str  # the feed's own text of the entry (content or summary), as plain text
    date: str | None
    author: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: tuple[FeedEntry, ...]
    version: str  # feedparser's ('rss20', 'atom10', ...) or 'json1'
    warnings: tuple[str, ...] = ()


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


_FEEDPARSER: Any = None


def _feedparser() -> Any:
    """feedparser (0.1 s to import: only fetches need it), set up once.

    It asks xml.sax for the libxml2 driver before expat on every parse; where that driver is
    not installed, the failed import costs 2 ms a feed (and serialises threads on the import
    lock) only to end at expat anyway, so it is not asked for. Where it is installed it stays
    first, as feedparser wants: the parse is the same either way."""
    global _FEEDPARSER
    if _FEEDPARSER is None:
        import importlib.util

        import feedparser  # type: ignore[import-untyped]
        import feedparser.api  # type: ignore[import-untyped]

        preferred = feedparser.api.PREFERRED_XML_PARSERS
        available = [p for p in preferred if importlib.util.find_spec(p) is not None]
        if available != preferred:
            feedparser.api.PREFERRED_XML_PARSERS = available
        _FEEDPARSER = feedparser
    return _FEEDPARSER


def parse_feed(content: bytes, *, content_type: str | None = None, url: str = "") -> ParsedFeed:
    """Entries of an RSS, Atom or JSON feed; raises `FeedError` when it is not a usable feed."""
    media = (content_type or "").split(";")[0].strip().lower()
    if not content.strip():
        raise FeedError("empty response (no feed)")
    if "json" in media or content.lstrip()[:1] == b"{":
        return _parse_json_feed(content, url)
    feedparser = _feedparser()
    headers = {"content-type": content_type} if content_type else {}
    d = feedparser.parse(content, response_headers=headers, sanitize_html=False)
    exc = d.get("bozo_exception") if d.get("bozo") else None
    version = d.get("version") or ""
    entries = d.get("entries") or []
    if not version and not entries:
        if media in _HTML_TYPES or _looks_like_html(content):
            raise FeedError("an HTML page, not a feed (no RSS, Atom or JSON Feed in it)")
        if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise FeedError("not a feed (neither XML nor JSON)")
        if isinstance(exc, SAXException):
            raise FeedError(f"broken XML: {_first_line(exc)}")
        raise FeedError("not a feed (no RSS, Atom or JSON Feed found)")
    parsed = tuple(e for e in (_entry(raw, url) for raw in entries) if e is not None)
    warnings = []
    if isinstance(exc, SAXException):
        if not parsed:
            raise FeedError(f"broken XML: {_first_line(exc)}")
        warnings.append(
            f"broken XML ({_first_line(exc)}); kept the {len(parsed)} entries read before it"
        )
    elif exc is not None and "encoding" in type(exc).__name__.lower():
        warnings.append(f"wrong charset: {_first_line(exc)}")
    title = _clean(d.get("feed", {}).get("title"))
    return ParsedFeed(title, parsed, version, tuple(warnings))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    # Titles are sometimes HTML-escaped markup ('<b>News</b>'): plain text only.
    text = " ".join(fragment_text(value).split()) if "<" in value or "&" in value else value
    text = " ".join(text.split())
    return text or None


def _struct_date(value: Any) -> str | None:
    if not value:
        return None
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(value)))
    except (TypeError, ValueError, OverflowError):
        return None


def _entry(e: Any, feed_url: str) -> FeedEntry | None:
    link = e.get("link") or None
    guid = e.get("id") or None
    title = _clean(e.get("title"))
    contents = [c.get("value") or "" for c in e.get("content") or []]
    candidates = [*contents, e.get("summary") or ""]
    summary = max((fragment_text(c) for c in candidates if c), key=len, default="")
    if not (link or guid or title or summary):
        return None
    date = _struct_date(e.get("published_parsed")) or _struct_date(e.get("updated_parsed"))
    return FeedEntry(
        locator=_locator(link, guid, title, feed_url, summary),
        link=link if link and link.startswith(("http://", "https://")) else None,
        title=title,
        summary=summary,
        date=date,
        author=_clean(e.get("author")),
    )


def _locator(
    link: str | None, guid: str | None, title: str | None, feed_url: str, text: str = ""
) -> str:
    """The entry's unique name: its link, else its id, else the feed URL and its title (or a
    hash of its text, for entries with neither)."""
    if link:
        return link
    if guid and guid.startswith(("http://", "https://")):
        return guid
    key = guid or title or hashlib.sha1(text.encode()).hexdigest()[:16]
    return f"{feed_url}#{key}"


def _parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (jsonfeed.org), which feedparser 6 does not read."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise FeedError(f"broken JSON: {_first_line(e)}") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise FeedError("JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items list")
    feed_author = _json_author(data)
    entries = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        link = _str(item.get("url")) or None
        guid = str(item["id"]) if item.get("id") is not None else None
        fields = ("content_html", "content_text", "summary")
        text = max((fragment_text(_str(item.get(f))) for f in fields), key=len)
        title = _clean(item.get("title"))
        if not (link or guid or title or text):
            skipped += 1
            continue
        date = item.get("date_published") or item.get("date_modified")
        entries.append(
            FeedEntry(
                locator=_locator(link, guid, title, url, text),
                link=link if link and link.startswith(("http://", "https://")) else None,
                title=title,
                summary=text,
                date=normalise_date(date) if isinstance(date, str) else None,
                author=_json_author(item) or feed_author,
            )
        )
    warnings = (f"{skipped} JSON Feed items without content skipped",) if skipped else ()
    return ParsedFeed(_clean(data.get("title")), tuple(entries), "json1", warnings)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _json_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [_str(a.get("name")).strip() for a in authors if isinstance(a, dict)]
        names = [n for n in names if n]
        if names:
            return ", ".join(names)
    author = obj.get("author")
    if isinstance(author, dict) and isinstance(author.get("name"), str):
        return _clean(author["name"])
    return None


def summary_document(entry: FeedEntry, feed_title: str | None) -> IncomingDocument | None:
    """The entry as the feed gives it (its summary), or None when the feed gives no text."""
    if not entry.summary:
        return None
    return IncomingDocument(
        locator=entry.locator,
        text=entry.summary,
        title=entry.title,
        outlet=feed_title,
        date=entry.date,
        byline=entry.author,
        summary_only=True,
        url=entry.link,
    )


def merge_page(
    entry: FeedEntry, page: IncomingDocument, feed_title: str | None
) -> IncomingDocument:
    """The page's text with the feed's facts first: the feed states the date and author of
    its entry, while a page's date may be a guess; the page names its outlet best."""
    return replace(
        page,
        locator=entry.locator,
        title=page.title or entry.title,
        outlet=page.outlet or feed_title,
        date=entry.date or page.date,
        byline=entry.author or page.byline,
        url=entry.link,
    )


# --- fetching --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    spec: FeedSpec
    result: FeedResult
    feed_title: str | None = None
    docs: list[IncomingDocument] = field(default_factory=list)
    pending: int = 0
    fallbacks: int = 0
    pages: int = 0


class _Workers:
    """Worker processes for the CPU-bound steps (feedparser, trafilatura), or none.

    The processes are `store.parse_pool.worker_pool`'s: deaf to Ctrl-C (the parent decides
    what it means) and gone as soon as their parent is. Forked when this process runs no other
    thread yet (the CLI: no start-up cost, the modules are already imported), else spawned
    (the reader: forking while other threads hold locks can deadlock the child), and then
    they start in the background: until one of them has its modules imported, and whenever
    the pool fails, the work is done in the calling thread. A starting pool never makes
    anyone wait, and every result is the same either way.
    """

    def __init__(self, n: int, full_text: bool) -> None:
        self.n = n
        self.full_text = full_text
        self._pool: ProcessPoolExecutor | None = None
        self._warm: list[Future[None]] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._pool is not None or self.n < 2:
                return
            from newsreader.store.parse_pool import can_fork, worker_pool

            try:
                fork = can_fork()
                if fork:  # the imports once, here, rather than in each worker
                    _warm_worker(self.full_text)
                self._pool = worker_pool(self.n, fork=fork)
                self._warm = [self._pool.submit(_warm_worker, self.full_text)]
            except (OSError, ValueError, RuntimeError):  # no processes here (sandbox, limits)
                log.warning("no worker processes; working in-process", exc_info=True)
                self.n = 1

    @property
    def active(self) -> bool:
        """Whether work handed to `run` now goes to a worker process."""
        return self._pool is not None and self._warm[0].done()

    def run(self, fn: Callable[..., R], *args: Any) -> R:
        """`fn(*args)` in a worker when one is ready, else here."""
        pool = self._pool
        if pool is None or not self._warm[0].done():
            return fn(*args)
        try:
            if self._warm[0].exception() is not None:  # the imports failed there
                raise BrokenProcessPool(str(self._warm[0].exception()))
            future = pool.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down (cancelled)
            return self._without(pool, fn, *args)
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory)
            return self._without(pool, fn, *args)

    def _without(self, pool: ProcessPoolExecutor, fn: Callable[..., R], *args: Any) -> R:
        log.warning("worker processes failed; working in-process", exc_info=True)
        with self._lock:
            if self._pool is pool:
                self.n, self._pool = 1, None
        pool.shutdown(wait=False, cancel_futures=True)
        return fn(*args)

    def close(self, finished: bool) -> None:
        """Done: the idle workers exit. Cancelled or failed: do not wait for tasks in flight."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=finished, cancel_futures=not finished)


def _workers_are_cheap() -> bool:
    """Whether worker processes would be forked here (no start-up cost)."""
    from newsreader.store.parse_pool import can_fork

    return can_fork()


def _warm_worker(full_text: bool) -> None:
    """A worker's first task: the imports its real tasks need (trafilatura takes ~0.4 s)."""
    _feedparser()

    if full_text:
        from newsreader.corpus.html import _lib

        _lib()


def fetch_feed(
    spec: FeedSpec, *, client: httpx.Client | None = None, workers: _Workers | None = None
) -> tuple[FeedResult, ParsedFeed | None]:
    """Fetch and parse one feed (no pages): a result with `error` set, or the parsed feed."""
    try:
        resp = fetch(
            spec.url,
            client=client,
            etag=spec.etag,
            last_modified=spec.last_modified,
            accept=FEED_ACCEPT,
        )
    except FetchError as e:
        return FeedResult(spec.url, spec.name, error=str(e)), None
    if resp.not_modified:
        result = FeedResult(
            spec.url,
            spec.name,
            etag=resp.etag,
            last_modified=resp.last_modified,
            not_modified=True,
        )
        return result, None
    warnings = []
    if resp.truncated:
        warnings.append(f"feed larger than {len(resp.content) // 2**20} MB: cut there")
    try:
        args = (resp.content, resp.content_type, spec.url)
        parsed = workers.run(_parse_in_worker, *args) if workers else _parse_in_worker(*args)
    except FeedError as e:
        error = str(e)
        if resp.truncated:
            error = f"{error} (the response was over the size cap and was cut)"
        return FeedResult(spec.url, spec.name, error=error), None
    result = FeedResult(
        spec.url,
        spec.name,
        title=parsed.title,
        etag=resp.etag,
        last_modified=resp.last_modified,
        warnings=(*warnings, *parsed.warnings),
    )
    return result, parsed


def _parse_in_worker(content: bytes, content_type: str | None, url: str) -> ParsedFeed:
    return parse_feed(content, content_type=content_type, url=url)


def _extract_in_worker(
    raw: bytes, url: str, content_type: str | None
) -> tuple[str, str | None, str | None, str | None, str | None]:
    """Runs in an extraction process: plain values back, the raw page stays in the parent."""
    found = extract_article(decode_page(raw, content_type).text, url)
    return found.text, found.title, found.outlet, found.date, found.byline


def _page_document(resp: Response, url: str, workers: _Workers) -> IncomingDocument:
    media = resp.media_type
    if media and media not in _HTML_TYPES and not media.endswith("+xml"):
        raise ExtractError(f"not a web page ({media})")
    text, title, outlet, date, byline = workers.run(
        _extract_in_worker, resp.content, url, resp.content_type
    )
    if not text:
        raise ExtractError("no article text found on the page")
    return IncomingDocument(
        locator=url,
        text=text,
        title=title,
        outlet=outlet,
        date=normalise_date(date) if date else None,
        byline=byline,
        raw=resp.content,
        raw_type=resp.content_type or "text/html",
        url=url,
    )


def iter_fetch_feeds(
    feeds: Sequence[FeedSpec],
    *,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    full_text: bool = True,
    known: Container[str] = (),
    workers: int = WORKERS,
    processes: int | None = None,
    client: httpx.Client | None = None,
) -> Iterator[FeedResult]:
    """Fetch `feeds` concurrently, yielding each feed's result as soon as it is complete.

    Entries whose locator is in `known` (already in the library) are left out, so their pages
    are not fetched again. With `full_text`, each new entry's page is fetched and extracted.
    Parsing feeds and extracting pages are CPU-bound, so for many feeds or pages they run in
    `processes` worker processes (default: `parse_pool.worker_count()`, one per CPU). Per-feed
    problems end up in that result's `error`/`warnings`; nothing raised by one feed stops the
    others. A set `cancel` stops new work promptly.
    """
    from newsreader.store.parse_pool import worker_count

    own_client = client is None
    client = client or new_client(workers)
    procs = _Workers(processes if processes is not None else worker_count(), full_text)
    finished = False
    try:
        if len(feeds) >= PROCESS_MIN_FEEDS and _workers_are_cheap():
            procs.start()
        jobs: list[tuple[_Job, list[FeedEntry]]] = []
        done_feeds = 0

        def read_feed(spec: FeedSpec) -> tuple[FeedResult, _Job | None, list[FeedEntry]]:
            # In a fetch thread (the parse in a worker when there is one); pages are fetched
            # once every feed is in.
            result, parsed = fetch_feed(spec, client=client, workers=procs)
            if parsed is None:
                return result, None, []
            job = _Job(spec, result, parsed.title)
            new = [e for e in parsed.entries if e.locator not in known]
            pages = [e for e in new if full_text and e.link]
            rest = [e for e in new if not (full_text and e.link)]
            docs = (summary_document(e, parsed.title) for e in rest)
            job.docs.extend(d for d in docs if d is not None)
            job.pending = job.pages = len(pages)
            return result, job, pages

        for spec, out in run_pool(feeds, read_feed, workers=workers, cancel=cancel):
            done_feeds += 1
            if progress is not None:
                progress("feeds", done_feeds, len(feeds))
            if isinstance(out, BaseException):  # a bug, not a bad feed: still one line
                result = FeedResult(spec.url, spec.name, error=f"{type(out).__name__}: {out}")
                yield result
                continue
            result, job, pages = out
            if job is None:
                yield result
            elif not pages:
                yield _finish(job)
            else:
                jobs.append((job, pages))
        tasks = [(job, entry) for job, pages in jobs for entry in pages]
        if not tasks:
            finished = not (cancel is not None and cancel.is_set())
            return
        if len(tasks) >= PROCESS_MIN_PAGES:
            procs.start()

        def one_page(task: tuple[_Job, FeedEntry]) -> IncomingDocument:
            job, entry = task
            resp = fetch(entry.link or "", client=client, accept=PAGE_ACCEPT)
            page = _page_document(resp, entry.link or "", procs)
            return merge_page(entry, page, job.feed_title)

        # Enough threads to keep the extraction processes fed while others wait on the network.
        threads = max(workers, 2 * procs.n)
        for done_pages, ((job, entry), page_out) in enumerate(
            run_pool(tasks, one_page, workers=threads, cancel=cancel), 1
        ):
            if progress is not None:
                progress("pages", done_pages, len(tasks))
            if isinstance(page_out, IncomingDocument):
                job.docs.append(page_out)
            else:
                job.fallbacks += 1
                doc = summary_document(entry, job.feed_title)
                if doc is not None:
                    job.docs.append(doc)
            job.pending -= 1
            if job.pending == 0:
                yield _finish(job)
        # Cancelled: what was read so far still counts.
        for job, _pages in jobs:
            if job.pending > 0:
                yield _finish(job)
        finished = not (cancel is not None and cancel.is_set())
    finally:
        procs.close(finished)
        if own_client:
            client.close()


def _finish(job: _Job) -> FeedResult:
    warnings = list(job.result.warnings)
    if job.fallbacks:
        warnings.append(
            f"{job.fallbacks} of {job.pages} pages could not be read; kept the feed's summary"
        )
    if job.pending > 0:
        warnings.append(f"cancelled with {job.pending} pages not fetched")
    return replace(job.result, documents=tuple(job.docs), warnings=tuple(warnings))


def fetch_feeds(
    feeds: Sequence[FeedSpec],
    *,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    full_text: bool = True,
    known: Container[str] = (),
    workers: int = WORKERS,
    processes: int | None = None,
    client: httpx.Client | None = None,
) -> list[FeedResult]:
    """`iter_fetch_feeds` collected, in the order of `feeds`."""
    results = {
        r.url: r
        for r in iter_fetch_feeds(
            feeds,
            cancel=cancel,
            progress=progress,
            full_text=full_text,
            known=known,
            workers=workers,
            processes=processes,
            client=client,
        )
    }
    return [results[f.url] for f in feeds if f.url in results]
