"""search: fuzzy, typo-tolerant search over a corpus. Core package, never imports textual.

`SearchIndex.build(corpus)` once (in a worker), then `index.search(query)` per keystroke and
`index.find_in_article(query, article)` for next/previous hit inside one article.
"""

from __future__ import annotations

from newsreader.search.hit import Hit
from newsreader.search.index import SearchIndex

__all__ = ["Hit", "SearchIndex"]
