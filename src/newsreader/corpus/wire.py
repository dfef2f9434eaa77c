"""The furniture of wire copy: agency header lines, slugs, catchlines and bare datelines.

Agencies send each story with transmission lines around it: a header with time, date, page,
priority and desk (`23:19 27/01/00: Page 1 (HHH) SHOWBIZ Posh`), a slug (`u f
BC-BAHIA-COCOA-REVIEW 02-26 0105`, `AP-NY-02-26-87 1501EST`), a catchline repeating the desk
and catchword (`SHOWBIZ Posh`), a dateline on a line of its own (`PARIS, 3 mars (AFP) -`).
They carry metadata (the header's date beats any date in the body) but are never the title
and never article text. Lines are matched on their shape, never on a list of agencies.
"""

from __future__ import annotations

import re

from newsreader.corpus.dates import MONTH, NumericDate, numeric_dates

_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4}\b)?"
_NUMDATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
_TEXTDATE = rf"\d{{1,2}}[ -]{MONTH}[ -]\d{{2,4}}"
_STAMP_DATE = rf"(?:{_NUMDATE}|(?i:{_TEXTDATE}))"
# Time then date, or date then time, opening the line ("15:01 26/02/87:", "26-FEB-1987 15:01").
_STAMP = re.compile(rf"^\s*(?:{_TIME}\s+{_STAMP_DATE}|{_STAMP_DATE}\s+{_TIME})\s*:?")
# What follows the stamp on an agency header: a page, a priority in brackets, a desk in capitals.
_HEADER_REST = re.compile(
    r"^(?:\s*|.*\b(?:Page|Pg|Take)\s*\d+\b.*|\s*\(\w{1,5}\).*|\s*[A-Z]{2,}\b.*)$"
)
# A slug: a hyphenated capitals token with two or more parts ("BC-BAHIA-COCOA-REVIEW",
# "AP-NY-02-26-87"), with only short codes and numbers around it.
_SLUG_TOKEN = re.compile(r"^[A-Z]{1,4}-[A-Za-z0-9&</>.,'’()/-]+$")
_SLUG_OTHER = re.compile(r"^(?:[a-z]{1,2}|[A-Z]{1,3}|\d[\d:-]*(?:[A-Z]{2,4})?|[A-Z]+\d+|\d+-\d+)$")
# A dateline alone on its line: place, optional date, agency in brackets or a dash, nothing more.
_PLACE = r"[A-Z][A-Za-z.'’&-]+(?:[ ][A-Z][A-Za-z.'’&-]*){0,3}"
_BARE_DATELINE = re.compile(
    rf"^{_PLACE}(?:,\s*[A-Za-z][a-z]*\.?(?:\s[A-Z][a-z]+)?)?"
    rf"(?:,?\s*(?:{MONTH}\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTH}\b|[a-zéèûô]{{3,9}})\.?)"
    r"(?:,?\s*\d{4})?)?"
    r"\s*(?:\(\s*[A-Za-z][\w .&'’-]{0,30}\)\s*)?[-—–_]{1,2}$"
)
_WORD = re.compile(r"[^\W\d_]+")


def header_stamp(line: str) -> re.Match[str] | None:
    """The time-and-date stamp opening an agency header line, if the line is one."""
    line = line.strip()
    if len(line) > 160:
        return None
    m = _STAMP.match(line)
    if m is None:
        return None
    rest = line[m.end() :]
    # "26-FEB-1987 15:01:01.79" alone, or a stamp followed by page/priority/desk fields. A stamp
    # opening a sentence ("10:30 03/04/2021 the minister said...") is not a header.
    return m if _HEADER_REST.match(rest) and not _prose(rest) else None


def _prose(rest: str) -> bool:
    lower = [w for w in _WORD.findall(rest) if w.islower() and len(w) > 3]
    return len(lower) >= 4


def slug_line(line: str) -> bool:
    """True for a transmission slug line (`u f BC-BAHIA-COCOA-REVIEW   02-26 0105`)."""
    tokens = line.split()
    if not 1 <= len(tokens) <= 8 or len(line) > 100:
        return False
    slugs = [t for t in tokens if _SLUG_TOKEN.match(t) and t.count("-") >= 1 and len(t) >= 6]
    return bool(slugs) and all(t in slugs or _SLUG_OTHER.match(t) for t in tokens)


def bare_dateline(line: str) -> bool:
    """True for a dateline standing alone (`PARIS, 3 mars (AFP) -`, `WASHINGTON (AP) _`)."""
    line = line.strip()
    if len(line) > 80 or not _BARE_DATELINE.match(line):
        return False
    place = line.split(",")[0].split("(")[0].strip()
    # The place is in capitals ("LONDON") or the agency is bracketed: "Paris (AFP) -".
    return place.isupper() or "(" in line


def catchline_of(header: str, stamp: re.Match[str]) -> str | None:
    """The desk-and-catchword tail of a header (`SHOWBIZ Posh`), repeated on the next line."""
    rest = header.strip()[stamp.end() :]
    rest = re.sub(r"^.*?\b(?:Page|Pg|Take)\s*\d+\b\s*", "", rest)
    rest = re.sub(r"^\s*\(\w{1,5}\)\s*", "", rest).strip()
    return " ".join(rest.split()) or None


def wire_line(line: str) -> bool:
    """True for any agency transmission line: header, slug or bare dateline."""
    return bool(header_stamp(line)) or slug_line(line) or bare_dateline(line)


_SLUG_DATE = re.compile(r"-(\d{1,2}-\d{1,2}-(?:\d{2}|\d{4}))(?=\s+\d{3,4}[A-Z]{0,3}\b)")


def slug_date(line: str) -> NumericDate | None:
    """The date inside a slug line's code (`AP-NY-03-04-99 1523EST`), order still open;
    offsets are into `line`."""
    if not slug_line(line.strip()):
        return None
    m = _SLUG_DATE.search(line)
    if m is None:
        return None
    found = numeric_dates(" " + m.group(1))
    if not found:
        return None
    d = found[0]
    return NumericDate(d.a, d.b, d.year, d.sep, d.width, m.start(1), m.end(1))
