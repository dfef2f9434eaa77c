"""Documents -> library articles: the corpus pipeline over a document's clean text.

Here rather than in the library so that fetch's worker processes can run it next to the
parsing of feeds (sources must not import the library). The article travels back from a
worker codec-encoded (`store.codec`, plain tuples) in `IncomingDocument.parsed`, and the
library decodes it instead of running the pipeline again: the same `Article` either way.
"""

from __future__ import annotations

from pathlib import Path

from newsreader.corpus.dates import normalise_date
from newsreader.corpus.models import Article
from newsreader.sources.models import IncomingDocument


def document_article(doc: IncomingDocument) -> Article:
    """The library article for a document: the corpus pipeline over its clean text, with the
    document's own metadata first. Offsets point into `doc.text` (line endings normalised)."""
    from newsreader.corpus.loader import parse_text
    from newsreader.corpus.metadata import outlet_name

    # Not sniffed as HTML: the text is already clean, and may well contain a '<'.
    article = parse_text(doc.text, Path(doc.locator), html=False)
    if doc.title:
        article.title = doc.title
        at = article.text.find(doc.title)
        article.title_span = (at, at + len(doc.title)) if at >= 0 else None
    if doc.date:
        article.date = normalise_date(doc.date) or article.date
    article.byline = doc.byline or article.byline
    if doc.outlet:
        article.outlet = outlet_name(doc.outlet, article.text) or doc.outlet
    return article


def with_article(doc: IncomingDocument) -> IncomingDocument:
    """`doc` carrying its article, encoded (in a worker process: cheap to send back)."""
    from dataclasses import replace

    from newsreader.store.codec import encode_article

    return replace(doc, parsed=encode_article(document_article(doc)))


def article_of(doc: IncomingDocument) -> Article:
    """The document's article: the one a worker made (`with_article`), else made here."""
    if doc.parsed is None:
        return document_article(doc)
    from newsreader.store.codec import decode_article

    return decode_article(doc.parsed, Path(doc.locator))
