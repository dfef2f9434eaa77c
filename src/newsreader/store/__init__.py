"""store: core package, never imports textual."""

from newsreader.store.state import Position, StateStore, corpus_key

__all__ = ["Position", "StateStore", "corpus_key"]
