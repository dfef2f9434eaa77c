"""reuse: which passages two articles share and how they changed; which articles are related.

Core package: never imports textual.
"""

from __future__ import annotations

from newsreader.progress import Cancelled
from newsreader.reuse.compare import compare_articles, compare_texts
from newsreader.reuse.models import Comparison, DiffOp, Passage
from newsreader.reuse.related import RelatedIndex, Relation, related

__all__ = [
    "Cancelled",
    "Comparison",
    "DiffOp",
    "Passage",
    "RelatedIndex",
    "Relation",
    "compare_articles",
    "compare_texts",
    "related",
]
