"""Facts mentioned in a stretch of text: quantities, dates, names and quotations, with offsets.

Quantities carry a value (`10m` == `10 million` == 10,000,000; `thousands` is a vague 1,000)
and the words they count (`thousands of online conversations` counts {online, conversation}), so
two mentions of the same thing can be paired even when reworded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreader.reuse.lexicon import STOP_WORDS, stem
from newsreader.reuse.tokens import normalise

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{_WEEKDAYS})"
    rf"|(?:19|20)\d{{2}})\b",
    re.I,
)
_SCALE = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "bn": 1e9,
    "tn": 1e12,
}
_SMALL = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_SMALL.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70})
_SMALL.update({"eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12})
_VAGUE = {"dozens": 12, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_NUMBER = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<suffix>k|m|mn|bn|tn)\b|\s+(?P<scale>hundred|thousand|million|billion|trillion)s?\b)?"
    r"(?P<pct>\s?(?:%|per\s?cent\b|percent\b))?"
    r"|\b(?:tens\s+of\s+|hundreds\s+of\s+)?(?P<vague>dozens|hundreds|thousands|millions|billions)\b"
    r"|\b(?P<word>a\s+dozen|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|dozen)"
    r"(?:\s+(?P<wscale>hundred|thousand|million|billion|trillion)s?)?\b",
    re.I,
)
_UNIT_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_UNIT_SKIP = STOP_WORDS | {"of", "than", "more", "over", "nearly", "almost", "about"}
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


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    value: float
    vague: bool  # "thousands", "dozens": an order of magnitude, not a count
    percent: bool
    unit: frozenset[str]  # stems of the counted words that follow

    def same_value(self, other: Quantity) -> bool:
        if self.vague != other.vague or self.percent != other.percent:
            return False
        return abs(self.value - other.value) <= 1e-6 * max(1.0, abs(self.value))


def _value(m: re.Match) -> tuple[float, bool, bool] | None:
    if m.group("digits"):
        raw = m.group("digits").replace(",", "")
        value = float(raw)
        scale = (m.group("suffix") or m.group("scale") or "").lower()
        value *= _SCALE.get(scale, 1.0)
        return value, False, bool(m.group("pct"))
    if m.group("vague"):
        text = m.group().lower()
        value = _VAGUE[m.group("vague").lower()]
        if text.startswith("tens of"):
            value *= 10
        elif text.startswith("hundreds of"):
            value *= 100
        return value, True, False
    word = " ".join(m.group("word").lower().split())
    value = float(_SMALL[word])
    scale = (m.group("wscale") or "").lower()
    return value * _SCALE.get(scale, 1.0), False, False


def _unit(text: str, pos: int, limit: int) -> frozenset[str]:
    """Stems of up to two content words right after a number, within the same clause."""
    out: list[str] = []
    for m in _UNIT_WORD.finditer(text, pos, min(limit, pos + 60)):
        gap = text[pos : m.start()]
        if any(c in gap for c in ".;:!?\n") or (out and "," in gap):
            break
        pos = m.end()
        word = normalise(m.group())
        if word in _UNIT_SKIP:
            if out:
                break
            continue
        out.append(stem(word))
        if len(out) == 2:
            break
    return frozenset(out)


def quantities(text: str, start: int, end: int) -> list[Quantity]:
    """Counts and amounts in `text[start:end]` (years are dates, not quantities)."""
    out = []
    dates = [m.span() for m in _DATE.finditer(text, start, end)]
    for m in _NUMBER.finditer(text, start, end):
        if any(s <= m.start() and m.end() <= e for s, e in dates):
            continue
        if m.group("digits") and _inside_word(text, m.start(), m.end()):
            continue
        found = _value(m)
        if found is None:
            continue
        value, vague, pct = found
        out.append(Quantity(m.start(), m.end(), value, vague, pct, _unit(text, m.end(), end)))
    return out


def _inside_word(text: str, s: int, e: int) -> bool:
    """`00700.HK`, `UN75`, `5G`: digits glued to letters are identifiers, not amounts."""
    before = text[s - 1] if s > 0 else " "
    after = text[e] if e < len(text) else " "
    return before.isalpha() or (after.isalpha() and not text[s:e].endswith(("m", "k", "bn")))


def dates(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Date mentions as (start, end, normalised form)."""
    return [
        (
            m.start(),
            m.end(),
            " ".join(re.sub(r"(st|nd|rd|th|,|\.)", " ", m.group().lower()).split()),
        )
        for m in _DATE.finditer(text, start, end)
    ]


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
        if not words or _DATE.fullmatch(m.group()):
            continue
        s, e = m.start() + words[0].start(), m.end()
        if e - s < 2:
            continue
        out.append((s, e, " ".join(normalise(w.group()) for w in words)))
    return out


_OPEN = "“«„"
_CLOSE = "”»"


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches inside one paragraph, quote marks included; an unclosed quote runs to
    the paragraph's end (news style for quotes continuing into the next paragraph)."""
    out = []
    opened: int | None = None
    for i in range(start, end):
        c = text[i]
        if opened is None and (c in _OPEN or c == '"'):
            opened = i
        elif opened is not None and (c in _CLOSE or c == '"'):
            out.append((opened, i + 1))
            opened = None
    if opened is not None:
        out.append((opened, end))
    return out
