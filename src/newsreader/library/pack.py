"""Paragraphs and sentences packed into one BLOB per article (and back).

A flat array of 32-bit ints: for each paragraph start, end, boilerplate flag, sentence count,
then each sentence's start and end. An article's paragraphs are read with its text, never on
their own, so one compact column is enough: no join per open and no row per sentence.
"""

from __future__ import annotations

from array import array

from newsreader.corpus.models import Paragraph, Sentence


def pack_paragraphs(paragraphs: list[Paragraph]) -> bytes:
    flat = array("i")
    for p in paragraphs:
        flat.extend((p.start, p.end, int(p.boilerplate), len(p.sentences)))
        for s in p.sentences:
            flat.append(s.start)
            flat.append(s.end)
    return flat.tobytes()


def unpack_paragraphs(data: bytes) -> list[Paragraph]:
    flat = array("i")
    flat.frombytes(data)
    out: list[Paragraph] = []
    i, n = 0, len(flat)
    while i < n:
        start, end, flag, count = flat[i], flat[i + 1], flat[i + 2], flat[i + 3]
        i += 4
        sentences = tuple(Sentence(flat[j], flat[j + 1]) for j in range(i, i + 2 * count, 2))
        i += 2 * count
        out.append(Paragraph(start, end, bool(flag), sentences))
    return out
