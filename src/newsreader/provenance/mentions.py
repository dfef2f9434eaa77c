"""Facts mentioned in a stretch of text: quantities and dates, with offsets (names and
quotations: `names`).

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
DATE = re.compile(
    rf"\b(?:(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{_WEEKDAYS})"
    rf"|(?:19|20)\d{{2}})\b",
    re.I,
)
CALENDAR = re.compile(rf"(?:{_MONTHS}|{_WEEKDAYS})\.?", re.I)
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


def _value(m: re.Match[str]) -> tuple[float, bool, bool] | None:
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
    """Stems of up to two content words right after a number, within the same clause.

    Stops at punctuation, brackets (`$412bn (£211.6bn) in` is a conversion) and other numbers,
    so one number never borrows the words another one counts.
    """
    out: list[str] = []
    for m in _UNIT_WORD.finditer(text, pos, min(limit, pos + 60)):
        gap = text[pos : m.start()]
        if any(c in gap for c in ".,;:!?()[]\n") or any(c.isdigit() for c in gap):
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
    dates = [m.span() for m in DATE.finditer(text, start, end)]
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
    """`00700.HK`, `UN75`, `5G`, `COVID-19`: digits glued to letters are identifiers."""
    before = text[s - 1] if s > 0 else " "
    if before == "-" and s > 1:
        before = text[s - 2]
    after = text[e] if e < len(text) else " "
    if after == "." and e + 1 < len(text) and text[e + 1].isalpha():
        return True  # a ticker or file name: `00700.HK`
    return before.isalpha() or (after.isalpha() and not text[s:e].endswith(("m", "k", "bn")))


_MONTH_NAMES = [
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
]
_MONTH_ABBR = {n[:3] for n in _MONTH_NAMES}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _date_norm(raw: str) -> str:
    """`April 1st, 2020`, `1 April 2020` and `2020-04-01` all become the words `apr 1 2020`
    (in any order: dates compare as sets of words)."""
    iso = _ISO.fullmatch(raw)
    if iso and 1 <= int(iso[2]) <= 12:
        return f"{_MONTH_NAMES[int(iso[2]) - 1][:3]} {int(iso[3])} {iso[1]}"
    words = re.sub(r"(?<=\d)(?:st|nd|rd|th)|[,.]|\bof\b", " ", raw.lower()).split()
    words = [w[:3] if w[:3] in _MONTH_ABBR else w for w in words]
    return " ".join(str(int(w)) if w.isdigit() and len(w) <= 2 else w for w in words)


def dates(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Date mentions as (start, end, normalised form)."""
    return [(m.start(), m.end(), _date_norm(m.group())) for m in DATE.finditer(text, start, end)]
