"""Names and quotations in a stretch of text, with offsets."""

from __future__ import annotations

import re

from newsreader.provenance.mentions import CALENDAR, DATE
from newsreader.reuse.tokens import normalise

_NAME = re.compile(r"[A-Z][\w'’.&-]*(?:\s+(?:(?:of|de|van|von|al|bin|the)\s+)?[A-Z][\w'’.&-]*)*")
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "in",
        "on",
        "at",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "as",
        "for",
        "with",
        "his",
        "her",
        "its",
        "their",
        "our",
        "if",
        "when",
        "while",
        "after",
        "before",
        "by",
        "from",
        "to",
        "of",
        "or",
        "so",
        "there",
        "here",
        "what",
        "who",
        "why",
        "how",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)


def names(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Capitalised names (`Martin Lau`, `United Nations`) as (start, end, normalised form).

    Leading function words (`The`, `In`) are dropped: at a sentence start they are capitalised
    without being names.
    """
    out = []
    for m in _NAME.finditer(text, start, end):
        words = list(re.finditer(r"\S+", m.group()))
        while words and words[0].group().lower() in _NOT_NAMES:
            words = words[1:]
        if not words or DATE.fullmatch(m.group()) or CALENDAR.fullmatch(words[0].group()):
            continue
        s, e = m.start() + words[0].start(), m.end()
        if e - s < 2 or (len(words) == 1 and _just_sentence_start(text, s, e)):
            continue
        out.append((s, e, " ".join(normalise(w.group()) for w in words)))
    return out


def _just_sentence_start(text: str, s: int, e: int) -> bool:
    """A capitalised word opening a sentence (`However`, `Once`) that the text never
    capitalises elsewhere: not a name. Acronyms (`IBM`) always count as names."""
    word = text[s:e]
    if word.isupper() and len(word) > 1:
        return False
    before = text[max(0, s - 3) : s].rstrip(" \"“'‘")
    if before and before[-1] not in ".!?\n":
        return False
    inside = re.compile(rf"[\w,;]\s+{re.escape(word)}\b")
    return inside.search(text) is None


_OPEN = "“«„"
_CLOSE = "”»"


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches inside one paragraph, quote marks included; an unclosed quote runs to
    the paragraph's end (news style for quotes continuing into the next paragraph).

    Straight quotes are told apart by position: after a space or a bracket a `"` opens, after
    a word it closes; a stray closing mark is ignored and a second opening one drops the first,
    so one unbalanced mark does not turn the rest of the paragraph inside out.
    """
    out = []
    opened: int | None = None
    for i in range(start, end):
        c = text[i]
        if c == '"':
            prev = text[i - 1] if i > start else " "
            kind = "open" if prev.isspace() or prev in "([{—–-/" else "close"
        elif c in _OPEN:
            kind = "open"
        elif c in _CLOSE:
            kind = "close"
        else:
            continue
        if kind == "open":
            opened = i
        elif opened is not None:
            out.append((opened, i + 1))
            opened = None
    if opened is not None:
        out.append((opened, end))
    return out
