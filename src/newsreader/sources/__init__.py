"""Getting news in: feeds, web pages, newsboat, OPML and datasets -> `IncomingDocument`s.

Nothing here stores anything: the library decides what is new and keeps it. Modules:
http (one careful GET, a bounded pool), extract (pages -> text with trafilatura), feeds (RSS,
Atom, JSON Feed), opml, newsboat (urls file and cache.db), datasets (JSONL and CSV exports).
Core package: never imports textual.
"""

from newsreader.sources.models import FeedResult, FeedSpec, IncomingDocument

__all__ = ["FeedResult", "FeedSpec", "IncomingDocument"]
