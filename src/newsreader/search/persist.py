"""Saving a built SearchIndex as bytes for the on-disk cache, and loading it back.

Building takes seconds at 10k articles; loading these bytes takes a tenth of that. The format
is plain arrays (no pickle: a cache file must never be able to run code). The articles are
not stored: the caller supplies the same articles, checked by their text lengths, and any
mismatch or damage raises ValueError so the caller rebuilds.
"""

from __future__ import annotations

import struct
import sys
from array import array
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.corpus.models import Article
    from newsreader.search.index import SearchIndex

MAGIC = b"NRSEARCH"
VERSION = 3  # 3: zero-width characters no longer split words
_HEADER = struct.Struct("<8sHBB")  # magic, version, little-endian?, complete?
_LEN = struct.Struct("<Q")


def dump(index: SearchIndex) -> bytes:
    """The index as bytes (without its articles)."""
    docs = index._docs
    sections = [
        "\n".join(index.vocab.raw[1:]).encode("utf-8", "surrogatepass"),
        array("Q", (len(a.text) for a in index.articles[: len(docs)])).tobytes(),
        array("I", map(len, index._postings)).tobytes(),
        _flat(index._postings).tobytes(),
        array("I", (len(doc.ids) for doc in docs)).tobytes(),
        array("I", (doc.meta_from for doc in docs)).tobytes(),
        b"".join(doc.ids.tobytes() for doc in docs),
        b"".join(doc.starts.tobytes() for doc in docs),
        "".join(doc.meta for doc in docs).encode("utf-8", "surrogatepass"),
        array("I", (len(doc.meta) for doc in docs)).tobytes(),
    ]
    head = _HEADER.pack(MAGIC, VERSION, sys.byteorder == "little", index.complete)
    return head + b"".join(_LEN.pack(len(s)) + s for s in sections)


def load(index: SearchIndex, data: bytes | memoryview) -> None:
    """Fill the empty `index` (made for the right articles) from `dump` bytes."""
    from newsreader.search.index import _Doc

    data = memoryview(data)  # sections are views, not copies (peak memory at 20k articles)
    try:
        magic, version, little, complete = _HEADER.unpack_from(data, 0)
        if magic != MAGIC or version != VERSION or little != (sys.byteorder == "little"):
            raise ValueError("search index cache: other format or version")
        sections = _sections(data, _HEADER.size)
        raw = [""] + (str(sections[0], "utf-8", "surrogatepass").split("\n") if sections[0] else [])
        text_lengths = _array("Q", sections[1])
        _check_articles(index.articles, text_lengths)
        plen = _array("I", sections[2])
        flat = _array("I", sections[3])
        lengths, meta_from = _array("I", sections[4]), _array("I", sections[5])
        ids, starts = _array("I", sections[6]), _array("I", sections[7])
        metas = _split(str(sections[8], "utf-8", "surrogatepass"), _array("I", sections[9]))
        if (
            len(raw) != len(plen)
            or not len(metas) == len(lengths) == len(meta_from)
            or not sum(lengths) == len(ids) == len(starts)
            or sum(plen) != len(flat)
            or (complete and len(lengths) != len(index.articles))
            or (ids and max(ids) >= len(raw))
            or (flat and max(flat) >= len(lengths))
        ):
            raise ValueError("search index cache: sections do not agree")
    except (struct.error, UnicodeDecodeError, IndexError) as e:
        raise ValueError(f"search index cache: damaged ({e})") from e
    # One int object per document, shared by all its postings as in a built index (`tolist`
    # would make one per posting: ~140 MB more at 20k articles).
    doc_ids = list(range(len(lengths))).__getitem__
    at = 0
    for n in plen:
        index._postings.append(list(map(doc_ids, flat[at : at + n])))
        at += n
    at = 0
    for d, n in enumerate(lengths):
        index._docs.append(_Doc(ids[at : at + n], starts[at : at + n], meta_from[d], metas[d]))
        index._doc_of[id(index.articles[d])] = d
        index._doc_of_path[index.articles[d].path] = d
        at += n
    index.vocab.raw_ids.clear()
    index.vocab.raw_ids.update((w, i) for i, w in enumerate(raw))
    index.vocab.finish(list(plen))
    index.complete = bool(complete)


def _flat(lists: list[list[int]]) -> array:
    out = array("I")
    for plist in lists:
        out.extend(plist)  # C loop per list
    return out


def _sections(data: memoryview, at: int) -> list[memoryview]:
    out = []
    while at < len(data):
        (n,) = _LEN.unpack_from(data, at)
        at += _LEN.size
        if at + n > len(data):
            raise ValueError("search index cache: truncated")
        out.append(data[at : at + n])
        at += n
    if len(out) != 10:
        raise ValueError("search index cache: wrong number of sections")
    return out


def _split(joined: str, lengths: array) -> list[str]:
    if sum(lengths) != len(joined):
        raise ValueError("search index cache: metadata lengths do not agree")
    out, at = [], 0
    for n in lengths:
        out.append(joined[at : at + n])
        at += n
    return out


def _array(code: str, raw: memoryview) -> array:
    out = array(code)
    if len(raw) % out.itemsize:
        raise ValueError("search index cache: damaged array")
    out.frombytes(raw)
    return out


def _check_articles(articles: list[Article], text_lengths: array) -> None:
    if len(text_lengths) > len(articles) or any(
        len(a.text) != n for a, n in zip(articles, text_lengths, strict=False)
    ):
        raise ValueError("search index cache: made for other articles")
