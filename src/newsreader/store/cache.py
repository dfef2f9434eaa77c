"""On-disk corpus cache: reopening a folder of thousands of articles without parsing them again.

One cache file per set of opened paths, in `paths.cache_dir()` (format: cachefile.py). Per
file it holds the key (resolved path, size, mtime_ns, inode) and the parsed article, taken
*before* the loader's corpus-level passes (repeated-line boilerplate), which depend on the other
files. A file whose key changed is parsed again, and so is a skipped file (skips are not
cached); then the corpus passes run on cached and fresh articles alike, as in `load_corpus`.
When no file changed at all, the passes' result saved last time is reused instead.

Many files to parse (a first open) go to worker processes, one per CPU (parse_pool.py): parsing
is pure Python, so threads would not help. Anything wrong with the cache (missing, truncated,
corrupt, old, unwritable dir) or with the workers means "do it the plain way": never fatal.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.corpus import loader as corpus_loader
from newsreader.corpus.models import Article, Corpus, Skipped
from newsreader.store.cachefile import (
    NO_FINAL,
    Final,
    cache_file_for,
    decode_article,
    encode_article,
    read_cache,
    write_cache,
)
from newsreader.store.parse_pool import parse_many, parse_one

if TYPE_CHECKING:
    from newsreader.search import SearchIndex

log = logging.getLogger(__name__)

# Progress callbacks are throttled: a cache hit takes microseconds, a UI update much longer.
PROGRESS_INTERVAL_S = 0.05
# Cache files kept (one per set of opened paths, ~3 KB per article), least recently used go.
KEEP_FILES = 8
STALE_TMP_S = 3600

ProgressFn = Callable[[int, int], None]

__all__ = [
    "cache_file_for",
    "finish_corpus",
    "load_corpus_and_index",
    "load_corpus_cached",
    "load_search_index_cached",
]


def finish_corpus(corpus: Corpus) -> Corpus:
    """The loader's corpus-level steps (order, repeated-line flags), exactly as `load_corpus`.

    The cache stores per-file results only (taken before these steps), so cached and uncached
    loads go through the same steps and give the same result; `test_cache` checks that.
    """
    return corpus_loader.finish_corpus(corpus)


def load_corpus_cached(
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    cache_dir: Path | None = None,
) -> Corpus:
    """`newsreader.corpus.load_corpus`, reusing parsed articles whose files did not change."""
    # Millions of small tuples and objects are made here: the cyclic GC would rescan them over
    # and over (measured: it doubles a warm load). None of them form cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Load(paths, cancel, progress, cache_dir).run()
    finally:
        if gc_was_enabled:
            gc.enable()


def load_corpus_and_index(
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    index_progress: ProgressFn | None = None,
    on_corpus: Callable[[Corpus], None] | None = None,
    cache_dir: Path | None = None,
    index_while_parsing: bool = True,
) -> tuple[Corpus, SearchIndex | None]:
    """The corpus (as `load_corpus_cached`) and its search index, the fastest way there is.

    A first open indexes each article as it arrives from the parse workers, so the index is
    ready when the last file is parsed (this process would otherwise wait for the workers);
    a reopen loads the saved index (store/search_cache.py) or builds it. `on_corpus(corpus)`
    runs as soon as the corpus is complete, before the index (a list can show meanwhile).
    The index is None only when cancelled. Saving a freshly built index is left to the
    caller (`save_search_index`), so it need not wait for the write.

    `index_while_parsing=False` builds the index after the corpus instead: the corpus comes
    sooner, the index later. Better when another busy thread shares this process's GIL (a UI):
    indexing then slows the hand-over of parsed files and delays the corpus as a whole.
    """
    from newsreader.store.search_cache import load_search_index_cached

    # Millions of acyclic objects are made below. With the cyclic GC off meanwhile and
    # `gc.freeze()` at the end, no collection ever rescans them: neither a full collection
    # here (0.2 s at 10k articles, 0.45 s at 20k) nor, later, the first young-generation one,
    # which would otherwise walk them all on the UI thread. Frozen objects are still freed
    # by reference counting when the corpus goes.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        load = _Load(paths, cancel, progress, cache_dir, index_while_parsing=index_while_parsing)
        corpus = load.run()
        if on_corpus is not None:
            on_corpus(corpus)
        if load.cancelled():
            return corpus, None
        index = load.index
        if index is None or [id(a) for a in index.articles] != [id(a) for a in corpus.articles]:
            index = load_search_index_cached(
                corpus,
                paths,
                cancel=cancel,
                progress=index_progress,
                cache_dir=cache_dir,
                save=False,
            )
        return corpus, (index if index.complete else None)
    finally:
        if gc_was_enabled:
            gc.freeze()
            gc.enable()


def save_search_index(
    corpus: Corpus, paths: Sequence[str | Path], index: SearchIndex, cache_dir: Path | None = None
) -> bool:
    """Save the index `load_corpus_and_index` returned, for the next open (a no-op when the
    saved one is that index already)."""
    from newsreader.store.search_cache import search_cache_file, write_search_index

    return write_search_index(search_cache_file(paths, cache_dir), corpus, index)


def load_search_index_cached(
    corpus: Corpus,
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    cache_dir: Path | None = None,
) -> SearchIndex:
    """The saved search index of `corpus` (loaded from `paths`) when still valid, else built
    now and saved; see store/search_cache.py."""
    from newsreader.store import search_cache

    return search_cache.load_search_index_cached(
        corpus, paths, cancel=cancel, progress=progress, cache_dir=cache_dir
    )


class _Load:
    """One cached load: stat every file, parse the changed ones, decode the rest, finish."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        cancel: threading.Event | None,
        progress: ProgressFn | None,
        cache_dir: Path | None,
        *,
        index_while_parsing: bool = False,
    ) -> None:
        self.cancel, self.progress = cancel, progress
        self.index_while_parsing = index_while_parsing
        self.index: SearchIndex | None = None
        self.corpus = Corpus()
        self.files = corpus_loader.iter_files([Path(p) for p in paths], self.corpus.skipped)
        self.cache_path = cache_file_for(paths, cache_dir)
        self.done, self.last_report = 0, 0.0

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            now = time.monotonic()
            if self.done == len(self.files) or now - self.last_report >= PROGRESS_INTERVAL_S:
                self.last_report = now
                self.progress(self.done, len(self.files))

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def run(self) -> Corpus:
        corpus, total = self.corpus, len(self.files)
        old, (final_order, final_patched) = read_cache(self.cache_path)
        if self.progress is not None:
            self.progress(0, total)
        new: dict[str, tuple] = {}
        hits: list[tuple[Path, str]] = []
        misses: list[tuple[Path, str, tuple | None]] = []
        for f in self.files:
            # iter_files gives absolute, resolved paths; the inode in the key also catches a
            # file replaced by another of the same size and mtime (a rename, a new symlink).
            key = str(f)
            try:
                st = os.stat(key)
                stamp: tuple | None = (st.st_size, st.st_mtime_ns, st.st_ino)
            except OSError:
                stamp = None
            entry = old.get(key)
            if entry is not None and stamp is not None and entry[:3] == stamp:
                new[key] = entry
                hits.append((f, key))
            else:
                misses.append((f, key, stamp))
        fresh: dict[str, Article] = {}
        # A first open: index each article while the workers parse the next ones. Files come
        # sorted as the finished corpus is, so the index's order is the corpus order (checked
        # by the caller).
        index = None
        if self.index_while_parsing and not hits and misses:
            from newsreader.search import SearchIndex

            index = SearchIndex.incremental()
        for i, parsed, encoded in parse_many([f for f, _, _ in misses], self.cancel):
            f, key, stamp = misses[i]
            if isinstance(parsed, str):
                # Skips are not cached: a permission fix changes no size or mtime, and bad
                # files are few and cheap to try again.
                corpus.skipped.append(Skipped(str(f), parsed))
            else:
                fresh[key] = parsed
                if index is not None:
                    index.add(parsed)
                if stamp is not None and encoded is not None:
                    new[key] = (*stamp, encoded)
            self.tick()
        if self.cancelled():
            corpus.articles.extend(fresh.values())
            return finish_corpus(corpus)  # partial: not worth caching
        # Same articles as last time: the saved corpus-pass result holds, skip the passes.
        if not fresh and final_order and set(final_order) == {k for _, k in hits}:
            done = self.done
            try:
                return self.reuse_final(hits, new, final_order, final_patched)
            except Exception:  # a damaged saved result: decode entry by entry below
                log.debug("corpus cache: saved pass result unusable", exc_info=True)
                self.done = done
        keys: dict[int, str] = {}
        for f, key in hits:
            if self.cancelled():
                corpus.articles.extend(fresh.values())
                return finish_corpus(corpus)
            try:
                article = decode_article(new[key][3], f)
            except Exception:  # a damaged entry: parse that file again
                parsed = parse_one(f)
                if isinstance(parsed, str):
                    corpus.skipped.append(Skipped(str(f), parsed))
                    del new[key]
                    self.tick()
                    continue
                article = parsed
                new[key] = (*new[key][:3], encode_article(article))
            keys[id(article)] = key
            corpus.articles.append(article)
            self.tick()
        for key, article in fresh.items():
            keys[id(article)] = key
            corpus.articles.append(article)
        corpus = finish_corpus(corpus)
        if index is not None:
            self.index = index.finish()
        if write_cache(self.cache_path, new, _final_of(corpus, keys, new)):
            prune(self.cache_path.parent)
        return corpus

    def reuse_final(
        self,
        hits: list[tuple[Path, str]],
        entries: dict[str, tuple],
        order: tuple[str, ...],
        patched: dict[str, tuple],
    ) -> Corpus:
        paths = {key: f for f, key in hits}
        articles = []
        for key in order:
            if self.cancelled():
                break
            articles.append(decode_article(patched.get(key) or entries[key][3], paths[key]))
            self.tick()
        # The passes still see the skipped list (they may sort it); with no articles they are
        # no-ops, so this stays the loader's own finishing code.
        corpus = finish_corpus(self.corpus)
        corpus.articles = articles
        with contextlib.suppress(OSError):
            os.utime(self.cache_path)  # recently used: kept by prune()
        return corpus


def _final_of(corpus: Corpus, keys: dict[int, str], entries: dict[str, tuple]) -> Final:
    """The order the passes left and the articles they changed, as stored in the cache."""
    order, patched = [], {}
    for article in corpus.articles:
        key = keys.get(id(article))
        if key is None or key not in entries:
            return NO_FINAL  # an article the cache cannot key: never reuse this result
        order.append(key)
        encoded = encode_article(article)
        if encoded != entries[key][3]:
            patched[key] = encoded
    return tuple(order), patched


def prune(directory: Path, keep: int = KEEP_FILES) -> None:
    """Delete all but the `keep` most recently used cache files, and stale temp files."""
    try:
        files = sorted(
            directory.glob("corpus-*.nrc"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in files[keep:]:
            old.unlink()
            with contextlib.suppress(FileNotFoundError):
                old.with_suffix(".nrs").unlink()  # its search index (search_cache.py)
        now = time.time()
        for tmp in directory.glob("corpus-*.tmp"):
            if now - tmp.stat().st_mtime > STALE_TMP_S:  # a writer that crashed long ago
                tmp.unlink()
    except OSError:  # another instance pruning at the same time, or a read-only dir
        pass
