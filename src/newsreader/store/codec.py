"""Articles as plain tuples (for the parse workers to send back) and the parser fingerprint.

Plain builtin tuples move between processes far cheaper than dataclasses. The fingerprint
hashes what parsing depends on (model fields, the corpus package's source, Python, the
decoding/HTML libraries): the library stores it per row, so a changed loader re-parses.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

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


def _dist_key(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each distribution named, read from the names of the
    `NAME-VERSION.dist-info` folders in the site-packages folders on `sys.path`: what
    `importlib.metadata.version` answers for pip's installs, without its ~80 ms import on
    every `add`. A name not found is left out."""
    wanted = {_dist_key(n): n for n in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        # Only package folders: the current directory may be a folder of 100k articles.
        if os.path.basename(entry.rstrip(os.sep)) not in ("site-packages", "dist-packages"):
            continue
        try:
            with os.scandir(entry) as folder:
                for item in folder:
                    if not item.name.endswith(".dist-info"):
                        continue
                    name, _, version = item.name[: -len(".dist-info")].partition("-")
                    key = _dist_key(name)
                    if key in wanted and wanted[key] not in found:
                        found[wanted[key]] = version
        except OSError:
            continue
    return found


def _source_fingerprint() -> str:
    """Hash of what parsing depends on: model fields, corpus package source, Python, libraries."""
    h = hashlib.sha256()
    h.update(
        repr((FORMAT_VERSION, sys.version_info[:2], _ARTICLE_FIELDS, _PARAGRAPH_FIELDS)).encode()
    )
    versions = installed_versions(_PARSING_LIBRARIES)
    for lib in _PARSING_LIBRARIES:
        if lib in versions:
            h.update(f"{lib}={versions[lib]}".encode())
    h.update(repr(tuple(f.name for f in fields(Sentence))).encode())
    pkg = Path(corpus_loader.__file__).resolve().parent
    try:
        for src in sorted(pkg.glob("*.py")):
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
