"""HTML pages -> article text plus the metadata the page declares.

`extract_html` uses trafilatura (with htmldate for dates, and readability/jusText as its own
fallbacks), which finds article bodies far better than the rules below: on the 181 hand-checked
news pages of scrapinghub's article-extraction-benchmark our body scores F1 0.962 with it
(trafilatura alone 0.960), 0.851 with the rules alone; on trafilatura's 990-page snippet set
0.929 (0.926) and 0.833 (benchmarks/html_eval.py, benchmarks/RESULTS.md). Its text, paragraphs
joined by blank lines, is the article text: every offset points into it. trafilatura takes
~0.4 s to import, so it is imported on first use (the reader starts without it).
`extract_html_basic` is the hand-written selectolax/lexbor extractor, kept as the fallback for
pages where trafilatura finds nothing and for feed summaries (fragments, not pages).

In the basic extractor, page chrome (scripts, styles, navigation, header, footer, asides,
forms) is dropped; the article is taken from `<article>`/`<main>` when the page has one. Block
elements become paragraphs separated by blank lines, so the ordinary segmenter and metadata
rules work on the result; all offsets are into this extracted text, which becomes `Article.text`.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsreader.corpus.dates import normalise_date

_DROP = (
    "script, style, noscript, template, svg, iframe, nav, footer, aside, form, "
    "button, select, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
)
_BLOCKS_TEXT = """
    p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre figure
    figcaption table tr caption address hr br body center details summary
"""
_BLOCKS = frozenset(_BLOCKS_TEXT.split())
_SNIFF = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_TAGS = re.compile(r"</?(?:p|div|br|span|a|article|h[1-6])[\s/>]", re.I)
_WS = re.compile(r"[ \u00a0\u200b]+")
_ANY_WS = re.compile(r"\s+")


_FURNITURE_NAMES_TEXT = """
    share sharing social related recommended comments comment newsletter promo advert ad ads
    advertisement cookie cookies subscribe subscription breadcrumb breadcrumbs menu sidebar
    popup modal paywall outbrain taboola
"""
_FURNITURE_NAMES = frozenset(_FURNITURE_NAMES_TEXT.split())
_NAME_SPLIT = re.compile(r"[\s_-]+")


@dataclass(slots=True)
class HtmlArticle:
    text: str
    title: str | None = None
    date: str | None = None
    byline: str | None = None
    outlet: str | None = None


def looks_like_html(text: str) -> bool:
    """True for documents that start like HTML or are dense with common tags."""
    head = text[:4096]
    return bool(_SNIFF.match(head)) or len(_TAGS.findall(head)) >= 5


def _meta(tree: LexborHTMLParser, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{name}"]')
            if node is not None:
                value = (node.attributes.get("content") or "").strip()
                if value:
                    return " ".join(value.split())
    return None


def _strip_site_name(title: str, site: str | None) -> str:
    """`Acme wins award | Daily Planet` -> `Acme wins award`: <title> often ends in the site."""
    for sep in (" | ", " – ", " — ", " - ", " :: "):
        head, found, tail = title.rpartition(sep)
        if not found or not head:
            continue
        # The site's own name, or a short tail after a longer headline.
        if tail == site or (len(tail.split()) <= 4 and len(head.split()) >= 2):
            return head.strip()
    return title


def _decompose_outermost(nodes: list[LexborNode]) -> None:
    """Remove nodes, skipping those inside another removed node.

    Decomposing frees a whole subtree, so a descendant must never be touched afterwards:
    first decide (memoised, linear in the tree) which nodes are outermost, then remove.
    """
    ids = {n.mem_id for n in nodes}
    covered: dict[int, bool] = {}  # mem_id -> has an ancestor in `ids`
    outermost = []
    for node in nodes:
        chain, parent, result = [], node.parent, False
        while parent is not None:
            mid = parent.mem_id
            if mid in ids:
                result = True
                break
            if mid in covered:
                result = covered[mid]
                break
            chain.append(mid)
            parent = parent.parent
        for mid in chain:
            covered[mid] = result
        if not result:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def _protected(tree: LexborHTMLParser) -> set[int]:
    """mem_ids of the headline and article containers and all their ancestors."""
    keep: set[int] = set()
    for found in tree.css("h1, article, main"):
        node: LexborNode | None = found
        while node is not None and node.mem_id not in keep:
            keep.add(node.mem_id)
            node = node.parent
    return keep


def _furniture_by_name(tree: LexborHTMLParser) -> list[LexborNode]:
    """Elements whose class/id names them as furniture (`share-bar`, `related-links`).

    Whole name tokens only, and never a container holding the headline or the article.
    """
    keep = _protected(tree)
    found = []
    for node in tree.css("[class], [id]"):
        if node.mem_id in keep or node.tag in ("html", "body"):
            continue  # body classes describe the page ("has-sidebar"), not one element
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if set(_NAME_SPLIT.split(names.lower())) & _FURNITURE_NAMES:
            found.append(node)
    return found


def _block_text(root: LexborNode) -> str:
    """Text of `root` with blank lines between block elements, inline whitespace collapsed.

    Iterative (an explicit stack), because real pages nest deeper than Python's recursion.
    """
    parts: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            parts.append("\n\n")
            continue
        if tag == "-text":
            parts.append(_ANY_WS.sub(" ", node.text_content or ""))
            continue
        if tag in _BLOCKS:
            parts.append("\n\n")
            stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    paragraphs = (_WS.sub(" ", p).strip() for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The element holding the article: the largest `<article>`, else `<main>`, else body.

    Listing pages hold many small `<article>` teasers, so a candidate must carry a fair
    share of the page's text to be trusted.
    """
    body = tree.body or tree.root
    total = len(body.text()) if body is not None else 0
    for selector in ("article", "main", "[role=main]"):
        nodes = tree.css(selector)[:50]  # teaser lists: the first few are enough to judge
        if nodes:
            best = max(nodes, key=lambda n: len(n.text()))
            if len(best.text()) >= 0.25 * total:
                return best
    return body


# Comments are readers', not the article's. Navigation and page headers (those without the
# headline) are pruned first because trafilatura's fallbacks (readability, jusText) otherwise
# keep a short page's menu and logo as text. Pruning footers and asides too cost recall on
# trafilatura's evaluation pages (benchmarks/html_eval.py), so they are left to trafilatura.
# htmldate's extensive search (dates guessed from the page's free text) took half of all the
# extraction time on real news pages (7.5 -> 14.7 pages/s per core without it); the declared
# dates (meta tags, structured data, URL) are still read, and our own rules find dates in the
# text (`corpus.metadata`), as for any file. The original (publication) date, not an update.
TRAFILATURA_OPTIONS: dict[str, object] = {
    "include_comments": False,
    "include_tables": True,
    "prune_xpath": ["//nav", "//header[not(.//h1)]"],
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}
_LINES = re.compile(r"\n+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_lock = threading.Lock()
_trafilatura: ModuleType | None = None


def _lib() -> ModuleType:
    """trafilatura, imported once (thread-safe) with its loggers silenced: it logs parse
    problems at ERROR, which Python's last-resort handler would print over the reader."""
    global _trafilatura
    if _trafilatura is None:
        with _lock:
            if _trafilatura is None:
                for name in ("trafilatura", "htmldate", "justext", "courlan", "readability"):
                    logger = logging.getLogger(name)
                    logger.addHandler(logging.NullHandler())
                    logger.propagate = False
                import trafilatura

                _trafilatura = trafilatura
    return _trafilatura


def clean_lines(text: str) -> str:
    """Lines -> paragraphs separated by blank lines (what our segmenter reads)."""
    lines = (_SPACES.sub(" ", line).strip() for line in _LINES.split(text.replace("\r", "\n")))
    return "\n\n".join(line for line in lines if line)


def _value(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def extract_trafilatura(html: str, url: str | None = None) -> HtmlArticle | None:
    """trafilatura's article text and metadata, or None when it finds no article text."""
    lib = _lib()
    try:
        doc = lib.bare_extraction(html, url=url, with_metadata=True, **TRAFILATURA_OPTIONS)
    except (ValueError, TypeError, AttributeError, RecursionError, MemoryError):
        # A malformed page must not end a whole fetch; the basic extractor gets a try.
        return None
    if doc is None:
        return None
    text = clean_lines(getattr(doc, "text", None) or "")
    if not text:
        return None
    date = _value(getattr(doc, "date", None))
    outlet = _value(getattr(doc, "sitename", None))
    hosts = {_value(getattr(doc, "hostname", None)), urlsplit(url).netloc if url else None}
    hosts = {h.lower().removeprefix("www.") for h in hosts if h}
    if outlet and outlet.lower().removeprefix("www.") in hosts:
        outlet = None  # trafilatura's stand-in when the page names no site: not a name
    return HtmlArticle(
        text=text,
        title=_value(getattr(doc, "title", None)),
        date=normalise_date(date) if date else None,
        byline=_value(getattr(doc, "author", None)),
        outlet=outlet,
    )


def extract_html(source: str, url: str | None = None) -> HtmlArticle:
    """Article text and metadata from an HTML document: trafilatura, else the basic rules.

    The text may be empty when neither finds any (a page of navigation only).
    """
    found = extract_trafilatura(source, url)
    return found if found is not None else extract_html_basic(source)


def extract_html_basic(source: str) -> HtmlArticle:
    """Article text and declared metadata from an HTML document, by the rules above."""
    tree = LexborHTMLParser(source)
    title = _meta(tree, "og:title", "twitter:title")
    page_title = tree.css_first("title")
    date = _meta(tree, "article:published_time", "datePublished", "date", "pubdate", "dc.date")
    if date is None:
        time = tree.css_first("time[datetime]")
        date = (time.attributes.get("datetime") or None) if time is not None else None
    byline = _meta(tree, "author", "article:author", "byl", "dc.creator")
    if byline is not None and byline.startswith(("http://", "https://", "/")):
        byline = None  # a profile URL, not a name
    outlet = _meta(tree, "og:site_name", "application-name")
    # A page header is chrome, but an article's own <header> holds its headline and byline.
    headers = [h for h in tree.css("header") if h.css_first("h1") is None]
    _decompose_outermost(tree.css(_DROP) + headers)
    _decompose_outermost(_furniture_by_name(tree))
    root = _main_node(tree)
    h1 = root.css_first("h1") if root is not None else None
    if title is None and h1 is not None:
        title = " ".join(h1.text().split()) or None
    if title is None and page_title is not None:
        title = _strip_site_name(" ".join(page_title.text().split()), outlet) or None
    text = _block_text(root) if root is not None else ""
    return HtmlArticle(text=text, title=title, date=date, byline=byline, outlet=outlet)
