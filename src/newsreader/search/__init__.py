"""search: fuzzy, typo-tolerant search over a corpus. Core package, never imports textual.

`SearchIndex.build(corpus)` once (in a worker), then `index.search(query)` per keystroke and
`index.find_in_article(query, article)` for next/previous hit inside one article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsreader.search.hit import Hit
    from newsreader.search.index import SearchIndex


def __getattr__(name: str) -> Any:
    # Imported on first use: the library's search needs only the light helpers (tokens,
    # match), and a whole-process `newsreader search` must not pay for rapidfuzz at start-up.
    if name == "Hit":
        from newsreader.search.hit import Hit

        return Hit
    if name == "SearchIndex":
        from newsreader.search.index import SearchIndex

        return SearchIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Hit", "SearchIndex"]
