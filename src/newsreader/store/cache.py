"""On-disk corpus cache: reopening a folder of thousands of articles without parsing them again.

One cache file per set of opened paths, in `paths.cache_dir()` (format: cachefile.py). Per
file it holds the key (resolved path, size, mtime_ns, inode) and the parsed article, taken
*before* the loader's corpus-level passes (repeated-line boilerplate), which depend on the other
files. A file whose key changed is parsed again, and so is a skipped file (skips are not
cached); then the corpus passes run on cached and fresh articles alike, as in `load_corpus`.
When no file changed at all, the passes' result saved last time is reused instead.

Many files to parse (a first open) are parsed by worker processes, one per CPU: parsing is
pure Python, so threads would not help. Anything wrong with the cache (missing, truncated,
corrupt, old, unwritable dir) or with the workers means "do it the plain way": never fatal.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

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

log = logging.getLogger(__name__)

# Progress callbacks are throttled: a cache hit takes microseconds, a UI update much longer.
PROGRESS_INTERVAL_S = 0.05

ProgressFn = Callable[[int, int], None]

__all__ = ["cache_file_for", "finish_corpus", "load_corpus_cached"]


# --- loading -----------------------------------------------------------------------------------


def finish_corpus(corpus: Corpus) -> Corpus:
    """Run the corpus-level steps `load_corpus` runs after parsing every file.

    The cache stores per-file results only (taken before these steps), so cached and uncached
    loads go through the same steps and give the same result; `test_cache` checks that. When
    the loader exposes its own `finish_corpus`, that is used; otherwise its known steps.
    """
    own = getattr(corpus_loader, "finish_corpus", None)
    if own is not None:
        result = own(corpus)
        return result if isinstance(result, Corpus) else corpus
    corpus.articles.sort(key=lambda a: str(a.path))
    corpus.skipped.sort(key=lambda s: s.path)
    flag = getattr(corpus_loader, "flag_repeated_lines", None)
    if flag is not None:
        flag(corpus.articles)
    return corpus


def _parse(f: Path) -> Article | str:
    """One file through the loader: the article, or the one-line reason it was skipped."""
    try:
        return corpus_loader.load_article(f)
    except corpus_loader.ArticleError as e:
        return str(e)
    except (RecursionError, MemoryError) as e:  # as load_corpus: one bad page never ends a load
        return f"could not parse: {type(e).__name__}"


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


class _Load:
    """One cached load: stat every file, parse the changed ones, decode the rest, finish."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        cancel: threading.Event | None,
        progress: ProgressFn | None,
        cache_dir: Path | None,
    ) -> None:
        self.cancel, self.progress = cancel, progress
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
        fresh: dict[str, Article] = {}
        for f in self.files:
            if self.cancelled():
                return finish_corpus(corpus)  # partial: not worth caching
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
                continue
            parsed = _parse(f)
            if isinstance(parsed, str):
                # Skips are not cached: a permission fix changes no size or mtime, and bad
                # files are few and cheap to try again.
                corpus.skipped.append(Skipped(str(f), parsed))
            else:
                fresh[key] = parsed
                if stamp is not None:
                    new[key] = (*stamp, encode_article(parsed))
            self.tick()
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
                return finish_corpus(corpus)
            try:
                article = decode_article(new[key][3], f)
            except Exception:  # a damaged entry: parse that file again
                parsed = _parse(f)
                if isinstance(parsed, str):
                    corpus.skipped.append(Skipped(str(f), parsed))
                    del new[key]
                    self.tick()
                    continue
                article = parsed
            keys[id(article)] = key
            corpus.articles.append(article)
            self.tick()
        for key, article in fresh.items():
            keys[id(article)] = key
            corpus.articles.append(article)
        corpus = finish_corpus(corpus)
        write_cache(self.cache_path, new, _final_of(corpus, keys, new))
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
