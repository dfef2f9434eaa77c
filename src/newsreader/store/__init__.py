"""store: core package, never imports textual."""

from newsreader.store.cache import load_corpus_cached
from newsreader.store.state import Position, StateStore, corpus_key

__all__ = [
    *globals().get("__all__", []),
    "Position",
    "StateStore",
    "corpus_key",
    "load_corpus_cached",
]
