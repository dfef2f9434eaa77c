"""Turn paths (files and folders) into Articles.

PROVISIONAL: minimal version so the other packages can start; the foundation issue replaces
decoding, segmentation, metadata and boilerplate detection with the real thing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from newsreader.corpus.models import Article, Corpus, Paragraph, Sentence, Skipped

SUFFIXES = {".txt", ".md", ".html", ".htm"}


class ArticleError(Exception):
    """A file that cannot become an article; the message is the one-line reason."""


def iter_files(paths: Iterable[Path], skipped: list[Skipped]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES))
        elif p.is_file():
            out.append(p)
        else:
            skipped.append(Skipped(str(p), "no such file or directory"))
    return out


def parse_text(text: str, path: Path) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for m in re.finditer(r"[^\n]+", text):
        sents = tuple(
            Sentence(s.start() + m.start(), s.end() + m.start())
            for s in re.finditer(r"[^.!?]+[.!?]*", m.group())
        )
        paragraphs.append(Paragraph(m.start(), m.end(), False, sents))
    return Article(path=path, text=text, paragraphs=paragraphs)


def load_article(path: Path) -> Article:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ArticleError(e.strerror or str(e)) from e
    if not raw.strip():
        raise ArticleError("empty file")
    return parse_text(raw.decode("utf-8", errors="replace"), path.resolve())


def load_corpus(
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Corpus:
    corpus = Corpus()
    files = iter_files([Path(p) for p in paths], corpus.skipped)
    for i, f in enumerate(files):
        if cancel is not None and cancel.is_set():
            break
        try:
            corpus.articles.append(load_article(f))
        except ArticleError as e:
            corpus.skipped.append(Skipped(str(f), str(e)))
        if progress is not None:
            progress(i + 1, len(files))
    return corpus
