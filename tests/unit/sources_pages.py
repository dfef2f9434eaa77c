"""News-like pages for the sources tests: navigation, an article, related links, a footer."""

from __future__ import annotations

from html import escape

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the harbour by two new piers, ending a "
    "debate that has divided residents and fishermen for more than a decade.",
    "Supporters said the expansion would bring container traffic back to the port and create "
    "several hundred jobs, while opponents warned of dredging damage to the estuary.",
    "The mayor, who cast the deciding vote, said the plan included money for monitoring the "
    "water quality and a fund to compensate the oyster farms downstream of the works.",
    "Construction is expected to begin next spring and to take about three years, according "
    "to the port authority, which will publish the tenders in the coming weeks.",
]


def article_page(
    title: str = "Council approves harbour expansion",
    paragraphs: list[str] | None = None,
    *,
    author: str = "Jane Reporter",
    date: str = "2024-03-05",
    site: str = "The Harbour Gazette",
    charset: str | None = "utf-8",
) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in (paragraphs or PARAGRAPHS))
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html>
<html><head>{meta_charset}<title>{escape(title)} | {escape(site)}</title>
<meta property="og:site_name" content="{escape(site)}">
<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="{date}T08:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather forecast and warnings</a></li></ul></nav>
<article><h1>{escape(title)}</h1>
<p class="byline">By {escape(author)}</p>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Celebrity chef opens seaside restaurant</a></li>
</ul></aside>
<footer><p>Copyright 2024 {escape(site)}. All rights reserved. Privacy policy.</p></footer>
</body></html>"""
