"""What the outside world becomes before the library stores it: documents and feed results.

No storage here: the library decides what is new (by `locator`) and keeps the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IncomingDocument:
    """One article from a feed, a page, a newsboat cache or a dataset row.

    `text` is the clean text every offset will point into (line endings `\\n`); `raw` is the
    page as fetched, so a better extractor can run again later without the network.
    """

    locator: str  # page URL, feed entry link, or 'file.jsonl#row-12': unique per article
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601 day
    byline: str | None = None
    raw: bytes | None = None
    raw_type: str | None = None  # the raw bytes' content type, e.g. 'text/html; charset=utf-8'
    read: bool = False
    # True when `text` is the feed's own summary because the page could not be read.
    summary_only: bool = False
    url: str | None = None  # the article's web address when the locator is not one (datasets)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A feed to fetch, with what the last fetch returned for conditional GET."""

    url: str
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one feed gave: its documents, or one line saying why not.

    `error` set means the feed itself could not be read (nothing new from it); `warnings` are
    one-line notes about a feed that was read anyway (a wrong charset, broken XML after some
    entries, pages that fell back to the feed's summary).
    """

    url: str
    name: str | None = None
    title: str | None = None
    documents: tuple[IncomingDocument, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        """How to name the feed in a one-line message: its name, else its title, else URL."""
        return self.name or self.title or self.url
