"""Fetched pages -> `IncomingDocument`s: trafilatura's text and metadata, the raw page kept.

The extraction itself lives in `corpus.html` (trafilatura first, the hand-written rules as the
fallback), so a saved `.html` file and a fetched page become the same article; decoding (HTTP
charset, then `<meta charset>`, then detection) in `corpus.decode.decode_page`. Here: the
one-line errors, feed-summary fragments, and the document with its raw bytes.
"""

from __future__ import annotations

from newsreader.corpus.dates import normalise_date
from newsreader.corpus.decode import Decoded, DecodeError
from newsreader.corpus.decode import decode_page as _decode_page
from newsreader.corpus.html import (
    HtmlArticle,
    clean_lines,
    extract_html,
    extract_html_basic,
    extract_trafilatura,
)
from newsreader.sources.models import IncomingDocument

__all__ = [
    "ExtractError",
    "decode_page",
    "extract_article",
    "extract_trafilatura",
    "fragment_text",
    "page_document",
]


class ExtractError(ValueError):
    """A page with no readable article text; the message is the one-line reason."""


def decode_page(raw: bytes, content_type: str | None = None) -> Decoded:
    """`corpus.decode.decode_page`, raising `ExtractError` for bytes that are not text."""
    try:
        return _decode_page(raw, content_type)
    except DecodeError as e:
        raise ExtractError(str(e)) from None


def extract_article(html: str, url: str | None = None) -> HtmlArticle:
    """The article in an HTML page: trafilatura, or the basic extractor when it finds nothing."""
    return extract_html(html, url)


def fragment_text(html: str) -> str:
    """Text of an HTML fragment (a feed summary, a newsboat item): everything readable kept,
    blocks as paragraphs. Not trafilatura: a summary has no page chrome to remove, and
    trafilatura drops short fragments as too small to be an article."""
    if "<" not in html and "&" not in html:
        return clean_lines(html)
    return clean_lines(extract_html_basic(f"<html><body>{html}</body></html>").text)


def page_document(
    raw: bytes,
    url: str,
    *,
    content_type: str | None = None,
    locator: str | None = None,
) -> IncomingDocument:
    """An `IncomingDocument` from a fetched page's bytes; raises `ExtractError` when the page
    has no readable article text."""
    html = decode_page(raw, content_type).text
    found = extract_article(html, url)
    if not found.text:
        raise ExtractError("no article text found (the page has no readable text)")
    return IncomingDocument(
        locator=locator or url,
        text=found.text,
        title=found.title,
        outlet=found.outlet,
        date=normalise_date(found.date) if found.date else None,
        byline=found.byline,
        raw=raw,
        raw_type=content_type or "text/html",
        url=url,
    )
