"""Full dates written the ways news pages write them -> ISO 8601 days.

Only complete dates (day, month and year) count: `April 17` or `September 2020` say too
little, and a guessed year would be an invented fact. Purely numeric day/month orders
(`03/04/2021`) are ambiguous between locales and are ignored for the same reason.
"""

from __future__ import annotations

import datetime as dt
import re

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
_DMY = rf"(?P<dd>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<dm>{MONTH})\.?,?\s+(?P<dy>(?:19|20)\d\d)(?!\d)"
_CJK = r"(?P<cy>(?:19|20)\d\d)年(?P<cm>[01]?\d)月(?P<cd>[0-3]?\d)日"
DATE_RE = re.compile(rf"(?<![\w/-])(?:{_ISO}|{_MDY}|{_DMY}|{_CJK})", re.I)
# A label before a date on a byline or date line: "Published on: ", "Updated ".
DATE_PREFIX = re.compile(
    r"^(?:date|dated|published|posted|updated|last updated|first published)\b"
    r"\s*(?:on\s*)?[:：]?\s*",
    re.I,
)
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
