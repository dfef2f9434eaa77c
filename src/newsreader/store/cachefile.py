"""The corpus cache file: articles as plain tuples, `marshal`led, with a checked header.

`marshal` of builtin tuples/str/int measured faster to load than pickle of the same tuples
(and than pickling the dataclasses themselves, 5x), and it cannot run code when a file is
tampered with. The header is magic, CRC32 and length of the payload; the payload starts with
the format version and a fingerprint of the model classes and of the corpus package's source,
so a new loader or a changed `Article` invalidates old caches by itself. Any damage reads as
"no cache". Writes go to a temp file then `os.replace`, so a crash or a second instance never
leaves half a file; two instances writing at once race, and the last complete file wins.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import sys
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path

from newsreader import paths as app_paths
from newsreader.corpus import loader as corpus_loader
from newsreader.corpus.models import Article, Paragraph, Sentence

log = logging.getLogger(__name__)

# Bump when the layout of the payload changes (the fingerprint covers model and loader changes).
FORMAT_VERSION = 3
MAGIC = b"NRCACHE\0"
MARSHAL_VERSION = 4
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_PARAGRAPH_FIELDS = tuple(f.name for f in fields(Paragraph))
_A_PATH = _ARTICLE_FIELDS.index("path")
_A_PARAS = _ARTICLE_FIELDS.index("paragraphs")
_P_SENTS = _PARAGRAPH_FIELDS.index("sentences")


# Libraries whose version changes what the loader produces (decoding, HTML extraction).
_PARSING_LIBRARIES = (
    "charset-normalizer",
    "selectolax",
    "trafilatura",
    "htmldate",
    "justext",
    "lxml",
)


def _source_fingerprint() -> str:
    """Hash of what parsing depends on: model fields, corpus package source, Python, libraries."""
    h = hashlib.sha256()
    h.update(
        repr((FORMAT_VERSION, sys.version_info[:2], _ARTICLE_FIELDS, _PARAGRAPH_FIELDS)).encode()
    )
    for lib in _PARSING_LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{lib}={metadata.version(lib)}".encode())
    h.update(repr(tuple(f.name for f in fields(Sentence))).encode())
    pkg = Path(corpus_loader.__file__).resolve().parent
    # Saved .html pages are extracted by sources/extract.py (trafilatura and its options).
    extract = pkg.parent / "sources" / "extract.py"
    try:
        for src in [*sorted(pkg.glob("*.py")), extract]:
            h.update(src.name.encode())
            h.update(src.read_bytes())
    except OSError:
        pass  # an unreadable source tree only weakens invalidation, the keys still hold
    return h.hexdigest()[:32]


_FINGERPRINT: str | None = None


def fingerprint() -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _source_fingerprint()
    return _FINGERPRINT


# --- encoding articles as plain tuples -------------------------------------------------------


def encode_article(a: Article) -> tuple:
    """The article as builtin tuples/str/int, in field order; sentences as flat int pairs."""
    vals = [getattr(a, name) for name in _ARTICLE_FIELDS]
    vals[_A_PATH] = str(a.path)
    paras = []
    for p in a.paragraphs:
        pv = [getattr(p, name) for name in _PARAGRAPH_FIELDS]
        flat: list[int] = []
        for s in p.sentences:
            flat.append(s.start)
            flat.append(s.end)
        pv[_P_SENTS] = tuple(flat)
        paras.append(tuple(pv))
    vals[_A_PARAS] = tuple(paras)
    return tuple(vals)


def decode_article(t: tuple, path: Path | None = None) -> Article:
    """Rebuild an Article; `path` reuses an equal Path object (making 10k of them costs)."""
    vals = list(t)
    vals[_A_PATH] = path if path is not None and str(path) == t[_A_PATH] else Path(t[_A_PATH])
    paras = []
    sentence, paragraph = Sentence, Paragraph
    for pv in t[_A_PARAS]:
        pv = list(pv)
        flat = pv[_P_SENTS]
        pv[_P_SENTS] = tuple(map(sentence, flat[0::2], flat[1::2]))
        paras.append(paragraph(*pv))
    vals[_A_PARAS] = paras
    return Article(*vals)


# --- the cache file ----------------------------------------------------------------------------


def cache_file_for(paths: Sequence[str | Path], cache_dir: Path | None = None) -> Path:
    """The cache file for this set of opened paths (order and spelling do not matter)."""
    keys = sorted({str(Path(p).resolve()) for p in paths})
    digest = hashlib.sha256("\0".join(keys).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return (cache_dir or app_paths.cache_dir()) / f"corpus-{digest}.nrc"


# What the corpus passes produced last time: the final article order (keys) and, for articles
# the passes changed, their final form. Valid only for exactly the same articles.
Final = tuple[tuple[str, ...], dict[str, tuple]]
NO_FINAL: Final = ((), {})


def read_cache(path: Path) -> tuple[dict[str, tuple], Final]:
    """Entries {path: (size, mtime_ns, inode, article as tuples)} and the saved pass result.

    Returns empty values when the file is missing or unusable for any reason.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return {}, NO_FINAL
    try:
        head_len = len(MAGIC) + 8
        if len(data) < head_len or not data.startswith(MAGIC):
            return {}, NO_FINAL
        crc = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little")
        size = int.from_bytes(data[len(MAGIC) + 4 : head_len], "little")
        payload = memoryview(data)[head_len:]
        if len(payload) != size or zlib.crc32(payload) != crc:
            return {}, NO_FINAL
        version, fp, entries, final = marshal.loads(payload)
        if version != FORMAT_VERSION or fp != fingerprint() or not isinstance(entries, dict):
            return {}, NO_FINAL
        order, patched = final
        if not isinstance(order, tuple) or not isinstance(patched, dict):
            final = NO_FINAL
        return entries, final
    except Exception:  # any damage at all means "rebuild"; never fatal
        log.debug("corpus cache %s unreadable, rebuilding", path, exc_info=True)
        return {}, NO_FINAL


def write_cache(path: Path, entries: dict[str, tuple], final: Final = NO_FINAL) -> bool:
    """Write atomically (temp file + os.replace); False when the dir is unwritable or full."""
    try:
        payload = marshal.dumps((FORMAT_VERSION, fingerprint(), entries, final), MARSHAL_VERSION)
    except ValueError:  # a model field marshal cannot hold: run without a cache, not wrong
        log.debug("corpus cache: articles not marshallable", exc_info=True)
        return False
    header = MAGIC + zlib.crc32(payload).to_bytes(4, "little") + len(payload).to_bytes(4, "little")
    return write_atomic(path, header, payload)


def write_atomic(path: Path, *chunks: bytes) -> bool:
    """Write `chunks` to `path` through a temp file and os.replace, so a reader (or a second
    instance) sees the old file or the new one, never half of one. False when it cannot."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, path)
        return True
    except OSError:
        log.debug("cache file %s not written", path, exc_info=True)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
