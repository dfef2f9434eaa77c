"""On-disk cache of the search index, next to the corpus cache: a reopen has search at once.

Building the index takes seconds at 10k articles; loading its saved arrays (search/persist.py)
a fraction of that. The file sits beside the corpus cache of the same opened paths (same key,
suffix `.nrs`) and starts with a fingerprint of what the index was built from: the search
package's source and every article's path, text (CRC32) and metadata line. Any difference,
damage or unreadable file means "build it again", never an error; writes are atomic (temp file
+ `os.replace`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from newsreader.corpus.models import Corpus
from newsreader.search import SearchIndex
from newsreader.store.cachefile import cache_file_for, write_atomic

log = logging.getLogger(__name__)

MAGIC = b"NRSIDX1\0"
SUFFIX = ".nrs"
_FP_LEN = 32  # sha256 digest

_SOURCE_FP: bytes | None = None


def search_cache_file(paths: Sequence[str | Path], cache_dir: Path | None = None) -> Path:
    """The search index file for this set of opened paths (beside its corpus cache)."""
    return cache_file_for(paths, cache_dir).with_suffix(SUFFIX)


def _source_fingerprint() -> bytes:
    """Hash of the search package's source: a changed tokeniser or format invalidates files."""
    global _SOURCE_FP
    if _SOURCE_FP is None:
        import newsreader.search as search_pkg

        h = hashlib.sha256()
        for src in sorted(Path(search_pkg.__file__).resolve().parent.glob("*.py")):
            with contextlib.suppress(OSError):
                h.update(src.name.encode() + src.read_bytes())
        _SOURCE_FP = h.digest()
    return _SOURCE_FP


def corpus_fingerprint(corpus: Corpus) -> bytes:
    """What the index depends on, for every article in order (~50 ms at 10k articles)."""
    h = hashlib.sha256(_source_fingerprint())
    for a in corpus.articles:
        crc = zlib.crc32(a.text.encode("utf-8", "surrogatepass"))
        meta = (str(a.path), len(a.text), crc, a.title, a.title_span, a.outlet, a.byline, a.date)
        h.update(repr(meta).encode("utf-8", "surrogatepass"))
    return h.digest()


def read_search_index(path: Path, corpus: Corpus, fp: bytes | None = None) -> SearchIndex | None:
    """The saved index for exactly these articles, or None (missing, stale or damaged)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _FP_LEN + 4
    if len(data) < head or not data.startswith(MAGIC):
        return None
    if data[len(MAGIC) : len(MAGIC) + _FP_LEN] != (fp or corpus_fingerprint(corpus)):
        return None
    payload = memoryview(data)[head:]
    if zlib.crc32(payload) != int.from_bytes(data[head - 4 : head], "little"):
        return None
    try:
        index = SearchIndex.loads(corpus, payload)
    except Exception:  # any damage means "rebuild"; never fatal
        log.debug("search cache %s unusable, rebuilding", path, exc_info=True)
        return None
    return index if index.complete else None


def write_search_index(
    path: Path, corpus: Corpus, index: SearchIndex, fp: bytes | None = None
) -> bool:
    """Save a complete index atomically, unless the file holds it already; False when the
    index is partial or the dir is unwritable."""
    if not index.complete:
        return False
    fp = fp or corpus_fingerprint(corpus)
    with contextlib.suppress(OSError), path.open("rb") as f:
        if f.read(len(MAGIC) + _FP_LEN) == MAGIC + fp:
            return True  # saved already (a reopen that loaded it)
    payload = index.dumps()
    header = MAGIC + fp + zlib.crc32(payload).to_bytes(4, "little")
    return write_atomic(path, header, payload)


def load_search_index_cached(
    corpus: Corpus,
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    save: bool = True,
) -> SearchIndex:
    """The search index for `corpus` (loaded with `load_corpus_cached(paths)`): the saved one
    when it was built from exactly these articles, else built now (and, with `save`, saved
    when complete)."""
    path = search_cache_file(paths, cache_dir)
    fp = corpus_fingerprint(corpus)
    index = read_search_index(path, corpus, fp)
    if index is not None:
        if progress is not None:
            progress(len(corpus.articles), len(corpus.articles))
        return index
    index = SearchIndex.build(corpus, cancel=cancel, progress=progress)
    if save:
        write_search_index(path, corpus, index, fp)
    return index
