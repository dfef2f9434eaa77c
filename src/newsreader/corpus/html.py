"""HTML pages -> article text plus the metadata the page declares (selectolax/lexbor).

Page chrome (scripts, styles, navigation, header, footer, asides, forms) is dropped; the
article is taken from `<article>`/`<main>` when the page has one. Block elements become
paragraphs separated by blank lines, so the ordinary segmenter and metadata rules work on
the result; all offsets are into this extracted text, which becomes `Article.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

_DROP = (
    "script, style, noscript, template, svg, iframe, nav, header, footer, aside, form, "
    "button, select, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
)
_BLOCKS_TEXT = """
    p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre figure
    figcaption table tr caption address hr br body center details summary
"""
_BLOCKS = frozenset(_BLOCKS_TEXT.split())
_SNIFF = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--)", re.I)
_TAGS = re.compile(r"</?(?:p|div|br|span|a|article|h[1-6])[\s/>]", re.I)
_WS = re.compile(r"[ \u00a0\u200b]+")
_ANY_WS = re.compile(r"\s+")


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
        nodes = tree.css(selector)
        if nodes:
            best = max(nodes, key=lambda n: len(n.text()))
            if len(best.text()) >= 0.25 * total:
                return best
    return body


def extract_html(source: str) -> HtmlArticle:
    """Article text and declared metadata from an HTML document."""
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
    for node in tree.css(_DROP):
        node.decompose()
    root = _main_node(tree)
    h1 = root.css_first("h1") if root is not None else None
    if title is None and h1 is not None:
        title = " ".join(h1.text().split()) or None
    if title is None and page_title is not None:
        title = " ".join(page_title.text().split()) or None
    text = _block_text(root) if root is not None else ""
    return HtmlArticle(text=text, title=title, date=date, byline=byline, outlet=outlet)
