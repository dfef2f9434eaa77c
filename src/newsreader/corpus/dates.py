"""Full dates written the ways news pages write them -> ISO 8601 days.

Only complete dates (day, month and year) count: `April 17` or `September 2020` say too
little, and a guessed year would be an invented fact. Purely numeric dates (`03/04/2021`,
`27/01/00`) are ambiguous between day-first and month-first locales: `numeric_dates` finds
them and `NumericDate.iso` reads them only in an order that evidence has settled (a part
above 12 here or in sibling files, a locale hint); `DATE_RE` never matches them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Order = Literal["dmy", "mdy"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ISO = r"(?P<iy>(?:19|20)\d\d)[-/.](?P<im>[01]?\d)[-/.](?P<id>[0-3]?\d)(?![\d])"
_MDY = rf"(?P<mm>{MONTH})\.?\s+(?P<md>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<my>(?:19|20)\d\d)(?!\d)"
# "3 March 2021", and the tape form "26-FEB-1987".
_DMY = (
    rf"(?P<dd>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+|-(?={MONTH}-))(?P<dm>{MONTH})\.?,?(?:\s+|(?<=\w)-)"
    r"(?P<dy>(?:19|20)\d\d)(?!\d)"
)
_CJK = r"(?P<cy>(?:19|20)\d\d)年(?P<cm>[01]?\d)月(?P<cd>[0-3]?\d)日"
# A label before a date on a byline or date line: "Published on: ", "Updated ".
DATE_PREFIX = re.compile(
    r"^(?:date|dated|published|posted|updated|last updated|first published)\b"
    r"\s*(?:on\s*)?[:：]?\s*",
    re.I,
)
# A month-name date may follow a dash ("--(BUSINESS WIRE)--March 3, 1999"); a numeric one not.
DATE_RE = re.compile(rf"(?<![\w/-])(?:{_ISO}|{_CJK})|(?<![\w/])(?:{_MDY}|{_DMY})", re.I)
# Every form above contains a year: most lines have none, and this is much cheaper to rule out.
_YEAR = re.compile(r"(?:19|20)\d\d")


def _iso(year: str, month: int, day: str) -> str | None:
    try:
        return dt.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def match_to_iso(m: re.Match[str]) -> str | None:
    """The ISO day for a `DATE_RE` match, or None when it is not a real calendar day."""
    g = m.groupdict()
    if g["iy"]:
        return _iso(g["iy"], int(g["im"]), g["id"])
    if g["mm"]:
        return _iso(g["my"], _MONTHS[g["mm"][:3].lower()], g["md"])
    if g["dm"]:
        return _iso(g["dy"], _MONTHS[g["dm"][:3].lower()], g["dd"])
    return _iso(g["cy"], int(g["cm"]), g["cd"])


def find_date(text: str) -> tuple[str, re.Match[str]] | None:
    """The first full, valid date in `text` as (ISO day, match)."""
    if _YEAR.search(text) is None:
        return None
    for m in DATE_RE.finditer(text):
        iso = match_to_iso(m)
        if iso is not None:
            return iso, m
    return None


def normalise_date(value: str) -> str | None:
    """A declared date (HTML meta, `<time datetime>`) -> ISO day, when it holds a full date."""
    found = find_date(value.strip())
    return found[0] if found else None


def strip_leading_date(line: str) -> str:
    """`date 2020-04-02 The announcement ...` -> `The announcement ...` (for display only)."""
    prefix = DATE_PREFIX.match(line)
    rest = line[prefix.end() :] if prefix else line
    m = DATE_RE.match(rest)
    if m is None or match_to_iso(m) is None:
        return line
    return rest[m.end() :].lstrip(" ,:—–-|·")


# 27/01/00, 03.04.2021, 02-26-87: three numeric parts with one separator. Not inside a longer
# run of numbers and separators (`1/2/3/4`, versions, fractions like `11-1/2`).
_NUMERIC = re.compile(
    r"(?<![\w/.:-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?![\w/]|[.-]\d)"
)


def window_year(year: str) -> int:
    """A year as written; two digits are windowed (69-99 -> 1900s, 00-68 -> 2000s, as POSIX)."""
    if len(year) == 4:
        return int(year)
    yy = int(year)
    return 1900 + yy if yy >= 69 else 2000 + yy


@dataclass(frozen=True, slots=True)
class NumericDate:
    """A numeric date as written; which part is the day is open until evidence settles it."""

    a: int  # the first part
    b: int  # the second part
    year: int
    sep: str
    width: int  # digits in the year as written (2 or 4)
    start: int
    end: int

    @property
    def own_order(self) -> Order | None:
        """The order the date settles by itself: a part above 12 can only be the day."""
        if self.a > 12 and self.b <= 12:
            return "dmy"
        if self.b > 12 and self.a <= 12:
            return "mdy"
        return None

    @property
    def shape(self) -> tuple[str, int]:
        """How the date is written (separator, year digits): a source writes all dates alike."""
        return self.sep, self.width

    def iso(self, order: Order | None) -> str | None:
        """The ISO day in `order`; None without an order unless both orders give the same day."""
        if order is None:
            if self.a != self.b:
                return None
            order = "dmy"  # 05/05/2000 reads the same either way
        day, month = (self.a, self.b) if order == "dmy" else (self.b, self.a)
        try:
            return dt.date(self.year, month, day).isoformat()
        except ValueError:
            return None


def numeric_dates(text: str, start: int = 0, end: int | None = None) -> list[NumericDate]:
    """The numeric dates in `text[start:end]` that are a real day in at least one order."""
    out = []
    for m in _NUMERIC.finditer(text, start, len(text) if end is None else end):
        a, b = int(m["a"]), int(m["b"])
        if a == 0 or b == 0 or (a > 12 and b > 12) or a > 31 or b > 31:
            continue
        nd = NumericDate(a, b, window_year(m["y"]), m["sep"], len(m["y"]), m.start(), m.end())
        if nd.iso("dmy") or nd.iso("mdy"):
            out.append(nd)
    return out
