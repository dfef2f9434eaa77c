"""Title, outlet, date, byline and kind, read from the article text (never the file name).

Everything is looked for in the *header*: the paragraphs before the body gets going, plus
the first body paragraphs (where datelines live). Body text mentions dates, names and
outlets all the time; only metadata-shaped lines there count. Whatever is not found stays
None: a missing value is honest, a guessed one is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsreader.corpus.dates import (
    DATE_PREFIX,
    DATE_RE,
    MONTH,
    NumericDate,
    Order,
    find_date,
    numeric_dates,
)
from newsreader.corpus.models import Article, Paragraph
from newsreader.corpus.segment import split_sentences
from newsreader.corpus.wire import bare_dateline, header_stamp, slug_date
from newsreader.text import blank_controls

_NUMERIC_HINT = re.compile(r"\d[/.-]\d{1,2}[/.-]\d")

HEADER_PARAGRAPHS = 8
HEADER_LONG = 200  # a paragraph this long is body text
_SCAN = 400  # metadata sits at a paragraph's start; never scan whole giant paragraphs

# Well-known spellings of wires and outlets as they appear in datelines, keyed by the
# upper-case letters only. Unknown names fall back to the spelling used elsewhere in the text.
OUTLETS = {
    "PRNEWSWIRE": "PR Newswire", "BUSINESSWIRE": "Business Wire", "GLOBENEWSWIRE": "GlobeNewswire",
    "ACCESSWIRE": "ACCESSWIRE", "MARKETWIRED": "Marketwired", "EINPRESSWIRE": "EIN Presswire",
    "NEWSFILECORP": "Newsfile", "NEWSFILE": "Newsfile", "PRWEB": "PRWeb", "CNW": "CNW",
    "AP": "AP", "ASSOCIATEDPRESS": "AP", "REUTERS": "Reuters", "AFP": "AFP", "XINHUA": "Xinhua",
    "BLOOMBERG": "Bloomberg", "CNN": "CNN", "UPI": "UPI", "DPA": "dpa", "EFE": "EFE",
    "KYODO": "Kyodo", "YONHAP": "Yonhap", "BERNAMA": "Bernama", "TASS": "TASS", "ANSA": "ANSA",
    "IANS": "IANS", "PTI": "PTI", "ANI": "ANI", "TMTPOST": "TMTPost", "CNA": "CNA",
    "REUTER": "Reuters", "PA": "PA", "PANEWS": "PA", "PRESSASSOCIATION": "PA", "APNEWS": "AP",
    "AGENCEFRANCEPRESSE": "AFP", "AFPNEWS": "AFP", "UNITEDPRESSINTERNATIONAL": "UPI",
}  # fmt: skip
# Outlets whose numeric dates are day-first (UK) or month-first (US): a locale hint, used only
# when a numeric date's own digits and its file settle nothing.
DAY_FIRST_OUTLETS = frozenset({"PA", "BBC"})
MONTH_FIRST_OUTLETS = frozenset(
    {"AP", "UPI", "PR Newswire", "Business Wire", "GlobeNewswire", "ACCESSWIRE", "CNN"}
)
# Distribution services whose presence makes a text a press release.
RELEASE_WIRES = frozenset(
    {"PR Newswire", "Business Wire", "GlobeNewswire", "ACCESSWIRE", "Marketwired",
     "EIN Presswire", "Newsfile", "PRWeb", "CNW"}
)  # fmt: skip

# A month name in a language other than English, as datelines write it: in lower case.
_LOWER_MONTH = r"(?-i:[a-zéèûô]{3,9})"
_PLACE = r"[A-Z][A-Z.'’&-]+(?:[ ][A-Z][A-Z.'’&-]*){0,4}"  # HONG KONG, SAN FRANCISCO
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE})"
    rf"(?:,[ ]?(?!{MONTH}\b)[A-Z][a-z]+\.?(?:[ ][A-Z][a-z]+\.?)?)?"  # state: ", Calif."
    r"(?:,?\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?"  # "April 1, 2020"
    rf"|\d{{1,2}}\s+(?:{MONTH}\b|{_LOWER_MONTH})\.?(?:\s+\d{{4}})?))?"  # "3 mars", "3 March 2021"
    r"\s*(?:/\s*(?P<slash>[A-Za-z][\w -]{1,30}?)\s*/"  # "/PRNewswire/"
    r"|-{0,2}\((?P<paren>[A-Za-z][\w .&'’-]{0,30})\)-{0,2})?"  # "(AP)", "--(BUSINESS WIRE)--"
    r"\s*(?P<dash>--|[-—–_])?"
)
_WIRE_ANYWHERE = re.compile(
    r"/\s*PR\s?Newswire(?:-[\w]+)?\s*/|\(\s*(?:BUSINESS WIRE|GLOBE NEWSWIRE|ACCESSWIRE|"
    r"PRNewswire|EINPresswire|Newsfile Corp\.?|Marketwired)\s*\)",
    re.I,
)
_BY = re.compile(r"^(?:written|reported|words|story|text)?\s*by[:\s]\s*(?P<name>.+)$", re.I)
_SEP = r"\s*(?:[・·•|]|\s[-—–]\s)\s*"
_NAME_DATE = re.compile(rf"^(?P<name>[\w.'’-]+(?:\s[\w.'’-]+){{0,3}}){_SEP}(?=\S)")
_AFFIL = re.compile(r"^\s*(?:,|\||;|\s[-—–]\s|\s+for\s+|\s+of\s+)\s*(?:the\s+)?(?P<aff>.+)$", re.I)
_ROLE_WORDS = (
    r"reporter|correspondent|editor|writer|columnist|journalist|contributor|staff|producer|"
    r"bureau chief|photographer|critic"
)
_ROLE_LOWER_WORDS = """
    and of for the on at reporter correspondent editor writer columnist journalist contributor
    staff producer photographer critic
"""
_ROLE_LOWER = frozenset(_ROLE_LOWER_WORDS.split())
_NAME_ROLE = re.compile(
    rf"^(?P<name>[^,|]{{3,60}}),\s*(?P<role>(?:[\w.'’&-]+\s+){{0,4}}(?:{_ROLE_WORDS})s?\b"
    r"[\w .,'’&-]{0,40})$",
    re.I,
)
_AFFIL_LINE = re.compile(
    rf"^(?P<aff>(?:[A-Z][\w.&'’-]*\s+){{0,4}}(?:{_ROLE_WORDS}|[A-Z][\w.&'’-]*))$", re.I
)
_NAME_PIPE = re.compile(r"^(?P<name>[^|]{3,60}?)\s+\|\s+(?P<aff>[^|]{2,40})$")
_OUTLET_WORDS = re.compile(
    r"\b(?:News|Press|Times|Post|Journal|Herald|Wire|Telegraph|Guardian|Mail|Agency|Tribune|"
    r"Gazette|Daily|Weekly|Chronicle|Observer|Express|Independent|Magazine|Radio|TV)\b"
)
_FIELD = re.compile(
    r"^(?P<key>title|headline|author|byline|outlet|publication|publisher)\s*:\s*(?P<v>.+)$", re.I
)
_NAME_TOKEN = re.compile(r"(?:[A-Z][\w.'’-]*|de|da|van|von|der|bin|al|la|le|del|dos|du|di)$")
_ROLE_CUT = re.compile(r"\s*(?:,|\||;|\s[-—–]\s|\s+for\s+|\s+in\s+[A-Z]).*$")
_TRAILING_OUTLET = re.compile(
    r"\s+(?:of\s+|for\s+)?(?:the\s+)?(?:associated press|reuters|bloomberg(?: news)?|afp|ap|"
    r"xinhua|cnn|bbc news|bbc|staff)$",
    re.I,
)
_PHOTO_CREDIT = re.compile(
    r"(?:\.\s*|\s+[-—–|/]\s*|\s+)\(?(?:photo|photograph|image|picture|pic|file photo|credit|"
    r"photo credit|source)s?(?:\s+by)?\s*[:/：]\s*[^.:]{1,60}\)?\s*$",
    re.I,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_ABOUT = re.compile(r"^about\s+[A-Z][\w&.,' -]{1,60}:?$", re.I)
_CONTACT = re.compile(
    r"^(?:media|press|investor|editorial)?\s*(?:contacts?|inquiries|enquiries)\s*:?|@[\w-]+\.\w|"
    r"\+?\d[\d ()-]{7,}\d|^for (?:further|more) information",
    re.I,
)
_DATE_LINE_WORDS = frozenset(
    ["am", "pm", "on", "at", "date", "dated", "published", "posted", "updated", "last", "time"]
)
_TODAY_ANNOUNCED = re.compile(
    r"\btoday (?:announced|launched|unveiled|reported|introduced)\b", re.I
)


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    title_span: tuple[int, int] | None = None
    outlet: str | None = None
    date: str | None = None
    byline: str | None = None
    kind: str = "news"


def outlet_name(raw: str, text: str) -> str | None:
    """The usual spelling of an outlet named in a dateline (`TMTPOST` -> `TMTPost`)."""
    raw = " ".join(raw.split()).strip(" .")
    if not raw or any(ch.isdigit() for ch in raw) or len(raw.split()) > 4:
        return None
    key = re.sub(r"[^A-Z]", "", raw.upper())
    if key in OUTLETS:
        return OUTLETS[key]
    if raw.isupper() and len(key) > 5:
        # The body often names the outlet in its own spelling: "told TMTPost on Friday".
        for m in re.finditer(re.escape(raw), text, re.I):
            if not m.group().isupper():
                return m.group()
        return raw.title()
    return raw


def _clean_name(raw: str) -> str | None:
    """A person's name from a byline fragment, or None when it does not look like one."""
    name = _ROLE_CUT.sub("", raw.strip()).strip(" .:")
    name = _TRAILING_OUTLET.sub("", name).strip(" ,")  # "By JANE DOE Associated Press"
    name = DATE_RE.sub("", name).strip(" ,|-—–")
    half = len(name) // 2
    if len(name) % 2 == 0 and name[:half] == name[half:]:
        name = name[:half]  # "Chelsea_SunChelsea_Sun": the name rendered twice by the page
    words = name.split()
    if len(words) % 2 == 0 and words and words[: len(words) // 2] == words[len(words) // 2 :]:
        words = words[: len(words) // 2]
    name = " ".join(words)
    tokens = [t for t in re.split(r"\s+|\s+and\s+", name) if t]
    if not name or len(name) > 60 or any(ch.isdigit() for ch in name):
        return None
    if not all(_NAME_TOKEN.match(t) or t == "and" or t == "&" for t in tokens):
        return None
    return name


def known_outlet(raw: str) -> str | None:
    """The outlet an affiliation names ("PA News", "Associated Press Writer"), if it is a known
    one: the longest run of leading words that spells an outlet."""
    words = raw.split()[:5]
    for n in range(len(words), 0, -1):
        key = re.sub(r"[^A-Z]", "", " ".join(words[:n]).upper())
        if key in OUTLETS:
            return OUTLETS[key]
    return None


def _affiliation(rest: str) -> str | None:
    """What follows a byline's name (", PA News", " | Reuters"): an outlet when it names one."""
    m = _AFFIL.match(rest)
    return known_outlet(m.group("aff")) if m else None


def byline_parts(line: str, *, pipe: bool = True) -> tuple[str, str | None] | None:
    """(name, outlet of the affiliation) for a byline line, else None.

    Shapes: "By NAME[, AFFILIATION]", "NAME | OUTLET", "NAME, Reporter", "NAME · date".
    `pipe` allows the pipe and role forms, which headlines share ("Markets Rally | Reuters",
    "NBC WRITERS, PRODUCERS ... ON STRIKE"): callers pass False for the first header line.
    """
    line = _wire_trim(line)
    m = _BY.match(line)
    if m:
        name = _clean_name(m.group("name"))
        if name is None:
            return None
        cut = _ROLE_CUT.search(m.group("name"))
        return name, _affiliation(cut.group()) if cut else None
    m = _NAME_DATE.match(line)
    if m and DATE_RE.search(line, m.end()) and DATE_RE.match(line, m.end()):
        name = _clean_name(m.group("name"))
        return (name, None) if name else None
    m = _NAME_ROLE.match(line) if pipe else None
    if m and (name := _clean_name(m.group("name"))) and len(name.split()) >= 2:
        # A role is a title ("Transport Reporter", "PA News Political Editor"), not a clause
        # ("a reporter at the paper, said").
        lower = {w for w in re.findall(r"[^\W\d_]+", m.group("role")) if w.islower()}
        if lower <= _ROLE_LOWER:
            return name, known_outlet(m.group("role"))
    m = _NAME_PIPE.match(line) if pipe else None
    if (
        m
        and (name := _clean_name(m.group("name")))
        and 2 <= len(name.split()) <= 4 + 4 * (" and " in name)
    ):
        outlet = known_outlet(m.group("aff"))
        if outlet or _OUTLET_WORDS.search(m.group("aff")):
            return name, outlet
    return None


def _byline(line: str) -> str | None:
    parts = byline_parts(line)
    return parts[0] if parts else None


def _wire_trim(line: str) -> str:
    """A header line without surrounding blanks and a wire paragraph mark ("<") at its end."""
    return line.strip().removesuffix("<").rstrip()


def _is_date_line(line: str) -> bool:
    """A short line that is mostly a date (`2020-04-01 14:26`, `Published: 3 March 2021`)."""
    found = find_date(line)
    if found is None:
        return False
    rest = line[: found[1].start()] + line[found[1].end() :]
    words = re.findall(r"[^\W\d_]+", rest)
    # A label, not a sentence: few words, and lower-case ones only from a small vocabulary.
    return len(words) <= 4 and all(w[0].isupper() or w.lower() in _DATE_LINE_WORDS for w in words)


def is_metadata_line(line: str) -> bool:
    """True for a byline, a date line or a `Key: value` field: metadata, never furniture."""
    line = _wire_trim(line)
    return bool(
        _FIELD.match(line) or _byline(line) or _is_date_line(line) or _numeric_date_line(line)
    )


def header(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs where metadata may appear (boilerplate left out)."""
    out, long_seen = [], 0
    for p in paragraphs[: HEADER_PARAGRAPHS * 2]:
        if p.boilerplate:
            continue
        out.append(p)
        long_seen += p.end - p.start >= HEADER_LONG
        if long_seen >= 2 or len(out) >= HEADER_PARAGRAPHS:
            break
    return out


def _title(
    text: str, head: list[Paragraph], meta_lines: set[int]
) -> tuple[str, tuple[int, int]] | None:
    """The first heading-like line; None when the article opens straight into body text."""
    for i, p in enumerate(head[:5]):
        if i in meta_lines:
            continue
        line = text[p.start : min(p.end, p.start + _SCAN)]
        dated = DATE_PREFIX.match(line) and find_date(line[:40])
        if "\n" in line or dated or _dateline_body(line):
            return None  # hard-wrapped prose, or the body opening with its date/dateline
        start = p.start
        heading = _MD_HEADING.match(line)
        if heading:
            start += heading.end()
            line = line[heading.end() :]
        credit = _PHOTO_CREDIT.search(line)
        if credit:
            line = line[: credit.start()]
        line = line.rstrip()
        if len(line.split()) < 2:
            continue  # a section label or a lone name, not a headline
        if p.end - p.start > 300 or (line.endswith(".") and not _ends_in_abbreviation(line)):
            return None
        if len(split_sentences(line)) > 1 or line[0].islower():
            return None
        return line, (start, start + len(line))
    return None


_DOTTED_END = re.compile(r"(?:\.\.\.|\b(?:[A-Za-z]\.){2,}|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|St)\.)$")


def _ends_in_abbreviation(line: str) -> bool:
    """A headline may end in "U.S." or "Inc.": a full stop that ends no sentence."""
    return bool(_DOTTED_END.search(line))


def _dateline_body(line: str) -> bool:
    """True for a paragraph opening with a dateline (`WASHINGTON (AP) —`, `LONDON, March 3 -`).

    A bare parenthesis after capitals is also how headlines read ("UN (United Nations)
    Partners ..."), so it only counts with a dash after it or on a sentence-length line.
    """
    m = _DATELINE.match(line)
    if not m or not m.group("place"):
        return False
    if m["when"] or (m["slash"] and ("wire" in m["slash"].lower() or known_outlet(m["slash"]))):
        return True
    return bool(m["paren"] and (m["dash"] or len(line) > 150 or line.rstrip().endswith(".")))


def dateline_end(line: str) -> int | None:
    """Where the text after a dateline opening `line` starts (`HONG KONG, April 1, 2020
    /PRNewswire/ -- The`: at `The`), or None when the line opens with no dateline."""
    if not _dateline_body(line):
        return None
    m = _DATELINE.match(line)
    return m.end() if m else None


def _dateline_facts(text: str, p: Paragraph, line: str) -> tuple[str | None, bool]:
    """(outlet, release signal) from a paragraph that opens with a dateline."""
    m = _DATELINE.match(line)
    if not m or not m.group("place"):
        return None, False
    outlet = None
    raw = (m["slash"] or "").split("-")[0] or m["paren"]
    # The outlet must close the dateline: a dash, the `/Wire/` form, or the story starting.
    # Without a dash it must be a known name: headlines put tickers in brackets ("EXXON (XON)
    # SEES ...") and slashes between words ("WEATHER/COTTON SUMMARY -- USDA/NOAA").
    known = bool(raw) and known_outlet(raw) is not None
    slash = bool(m["slash"]) and (known or "wire" in raw.lower())
    if raw and (m["dash"] or slash or (known and line[m.end() :][:1].isupper())):
        outlet = outlet_name(raw, text)
    # "today announced" after a dateline that carries a full date is release language;
    # news datelines (AP, Reuters) carry no year.
    release = bool(
        _TODAY_ANNOUNCED.search(text, p.start, min(p.end, p.start + 600))
        and re.search(r"\d{4}", m["when"] or "")
    )
    return outlet, release


def _line_date(line: str, i: int, short: bool, meta_lines: set[int]) -> str | None:
    """The date a header line declares: a date line, a byline's date, `date ...`, a dateline."""
    found = find_date(line[:120])
    if found is None:
        return None
    at = found[1].start()
    prefix = DATE_PREFIX.match(line)
    dateline = _DATELINE.match(line)
    if (
        (short and _is_date_line(line))
        or i in meta_lines
        or (prefix and at <= prefix.end() + 2)
        or (dateline and dateline.group("place") and at <= dateline.end())
    ):
        return found[0]
    return None


def _apply_field(meta: Metadata, p: Paragraph, field: re.Match[str]) -> None:
    """`Title: ...`, `Author: ...`, `Publication: ...` lines (front matter, exports)."""
    key, value = field.group("key").lower(), field.group("v").strip()
    if key in ("title", "headline") and meta.title is None:
        start = p.start + field.start("v")
        meta.title, meta.title_span = value, (start, start + len(value))
    elif key in ("author", "byline") and meta.byline is None:
        meta.byline = _clean_name(value)
    elif key in ("outlet", "publication", "publisher") and meta.outlet is None:
        meta.outlet = value


def extract_metadata(text: str, paragraphs: list[Paragraph]) -> Metadata:
    """Metadata from the text and its (boilerplate-flagged) paragraphs.

    `text` should have its control characters blanked (`newsreader.text.blank_controls`).
    """
    meta = Metadata()
    head = header(paragraphs)
    meta_lines: set[int] = set()  # header lines that are metadata, so never the title
    release = False
    # Dates in the order they count: an agency header first, then header lines top down.
    dates: list[str | NumericDate] = []
    if (stamp := wire_header_date(text, paragraphs)) is not None:
        dates.append(stamp)
    for i, p in enumerate(head):
        line = _wire_trim(text[p.start : min(p.end, p.start + _SCAN)])
        short = p.end - p.start <= 120
        field = _FIELD.match(line) if short else None
        if field:
            meta_lines.add(i)
            _apply_field(meta, p, field)
            continue
        # Headline-shaped byline forms count only below the first line that is not metadata
        # (the headline): above it, they are the headline.
        seen = any(j not in meta_lines for j in range(i))
        if short and (parts := byline_parts(line, pipe=seen)):
            meta_lines.add(i)
            if meta.byline is None:
                meta.byline = parts[0]
                meta.outlet = meta.outlet or parts[1]
        elif short and i - 1 in meta_lines and meta.byline and (aff := _AFFIL_LINE.match(line)):
            # "By MARY ROE" over "Associated Press Writer": the affiliation on its own line.
            meta_lines.add(i)
            meta.outlet = meta.outlet or known_outlet(aff.group("aff"))
            continue
        if short and _is_date_line(line):
            meta_lines.add(i)
        if (found := _line_date(line, i, short, meta_lines)) is not None:
            dates.append(found)
        elif short and (numeric := _numeric_date_line(line)) is not None:
            meta_lines.add(i)
            dates.append(numeric)
        outlet, signal = _dateline_facts(text, p, line)
        release = release or signal
        if meta.outlet is None and outlet is None and (wire := _WIRE_ANYWHERE.search(line)):
            outlet = outlet_name(re.sub(r"-\w+\s*/$|[/()]", " ", wire.group()), text)
        meta.outlet = meta.outlet or outlet
    meta.outlet = meta.outlet or _flagged_dateline_outlet(text, paragraphs)
    meta.outlet = meta.outlet or _sign_off(text, paragraphs)
    meta.date = _first_date(dates, text, meta)
    if meta.title is None and (titled := _title(text, head, meta_lines)):
        meta.title, meta.title_span = titled
    if meta.outlet in RELEASE_WIRES or release or _release_tail(text, paragraphs):
        meta.kind = "press_release"
    return meta


def _first_date(dates: list[str | NumericDate], text: str, meta: Metadata) -> str | None:
    """The first date that counts; a numeric one that evidence cannot order is settled only by
    a later written-out date equal to one of its readings (`05/01/00` over `5 January 2000`)."""
    if not dates:
        return None
    first = dates[0]
    if isinstance(first, str):
        return first
    iso = first.iso(date_order(first, text, meta))
    if iso is None:
        readings = {first.iso("dmy"), first.iso("mdy")} - {None}
        iso = next((d for d in dates[1:] if isinstance(d, str) and d in readings), None)
    return iso


WIRE_HEADER_PARAGRAPHS = 6  # an agency header opens the story


def wire_header_date(text: str, paragraphs: list[Paragraph]) -> str | NumericDate | None:
    """The date on the agency header line opening the story: an ISO day when written with a
    month name, a `NumericDate` (order still open) when numeric."""
    for p in paragraphs[:WIRE_HEADER_PARAGRAPHS]:
        line = text[p.start : min(p.end, p.start + 200)]
        stamp = header_stamp(line)
        if stamp is None:
            if (slug := slug_date(line)) is not None:
                return slug
            continue
        found = find_date(stamp.group())
        if found is not None:
            return found[0]
        lead = len(line) - len(line.lstrip())
        numeric = numeric_dates(text, p.start + lead, p.start + lead + stamp.end())
        if numeric:
            return numeric[0]
    return None


_NUMERIC_LABELS = frozenset(
    ["am", "pm", "on", "at", "date", "dated", "published", "posted", "updated", "last", "time",
     "gmt", "bst", "est", "edt", "cet", "utc", "pst", "pdt", "cst", "first", "modified"]
)  # fmt: skip


def _numeric_date_line(line: str) -> NumericDate | None:
    """A short line that is a numeric date with at most a label and a time (`Posted 03/04/2021
    10:30 GMT`); the date, order still open, with offsets into `line`."""
    found = numeric_dates(line)
    if len(found) != 1 or len(line) > 60:
        return None
    d = found[0]
    rest = line[: d.start] + " " + line[d.end :]
    words = re.findall(r"[^\W\d_]+", rest)
    if len(words) <= 3 and all(w.lower() in _NUMERIC_LABELS for w in words):
        return d
    return None


def date_order(date: NumericDate, text: str, meta: Metadata | None = None) -> Order | None:
    """The order a numeric date is read in, from evidence only: its own digits, the other dates
    written the same way on the file's other header and date lines, a day-first separator
    (`.`), the outlet's locale."""
    if date.own_order:
        return date.own_order
    # Only dates on metadata lines (another page's header, a date line) speak for this one: a
    # table or quote in the body may come from a source that writes dates the other way.
    same = [d for d in numeric_dates(text) if d.shape == date.shape and _dated_line(text, d)]
    orders = {d.own_order for d in same} - {None}
    if len(orders) == 1:
        return orders.pop()
    if orders:
        return None  # the file itself disagrees: no hint can settle that
    if date.sep == ".":
        return "dmy"  # 03.04.2021 is written day first wherever it is used
    outlet = meta.outlet if meta else None
    if outlet in DAY_FIRST_OUTLETS:
        return "dmy"
    if outlet in MONTH_FIRST_OUTLETS:
        return "mdy"
    return None


def _flagged_dateline_outlet(text: str, paragraphs: list[Paragraph]) -> str | None:
    """The agency of a dateline standing on its own line (`PARIS, 3 mars (AFP) -`), which the
    header leaves out as boilerplate."""
    for p in paragraphs[:WIRE_HEADER_PARAGRAPHS]:
        line = text[p.start : p.end]
        if p.boilerplate and bare_dateline(line):
            m = _DATELINE.match(line)
            raw = m and ((m["slash"] or "").split("-")[0] or m["paren"])
            if raw:
                return outlet_name(raw, text)
    return None


def _dated_line(text: str, date: NumericDate) -> bool:
    """True when the line holding `date` is an agency header or a date line."""
    start = text.rfind("\n", 0, date.start) + 1
    end = text.find("\n", date.end)
    line = text[start : end if end >= 0 else len(text)]
    return bool(header_stamp(line)) or _numeric_date_line(_wire_trim(line)) is not None


_SIGN_OFF = frozenset({"Reuters", "AP", "AFP", "PA", "UPI", "dpa"})


def _sign_off(text: str, paragraphs: list[Paragraph]) -> str | None:
    """The agency name signing a story off on its last line ("Reuter", "AP")."""
    for p in reversed(paragraphs[-3:]):
        # The sign-off may hang under the last paragraph's wrapped lines.
        line = _wire_trim(text[p.start : p.end].rsplit("\n", 1)[-1]).strip("() ")
        if len(line) <= 12:
            outlet = known_outlet(line) if line.isalpha() else None
            if outlet in _SIGN_OFF:
                return outlet
    return None


def _release_tail(text: str, paragraphs: list[Paragraph]) -> bool:
    """An `About <Company>` boilerplate section plus a media-contact block: a press release."""
    about = contact = False
    for p in paragraphs:
        if p.end - p.start > 300:
            continue
        line = text[p.start : p.end]
        about = about or bool(_ABOUT.match(line))
        contact = contact or (about and bool(_CONTACT.search(line)))
    return about and contact


def header_numeric_date(
    text: str, paragraphs: list[Paragraph]
) -> tuple[NumericDate, str, bool] | None:
    """The numeric date an article's header gives (agency header or slug first, then a date
    line), the shape of its line, which identifies the source's way of writing dates, and
    whether it came from an agency header (a shape specific enough to identify the source)."""
    for p in paragraphs[:WIRE_HEADER_PARAGRAPHS]:
        line = text[p.start : min(p.end, p.start + 200)]
        stamp = header_stamp(line)
        if stamp is not None:
            if find_date(stamp.group()) is not None:
                return None
            found = numeric_dates(line, 0, len(line) - len(line.lstrip()) + stamp.end())
            return (found[0], _line_shape(line, found[0]), True) if found else None
        if (slug := slug_date(line)) is not None:
            return slug, _line_shape(line, slug), True
    for p in header(paragraphs)[:HEADER_PARAGRAPHS]:
        if p.end - p.start > 120:
            continue
        line = _wire_trim(text[p.start : p.end])
        if (d := _numeric_date_line(line)) is not None:
            return d, _line_shape(line, d), False
    return None


def _line_shape(line: str, date: NumericDate) -> str:
    """`15:01 26/02/87: Page 1 (RTR)` -> `9:9 9/9/9: a 9 (a`, plus the year width."""
    shape = re.sub(r"\d+", "9", line[: date.end + 12].strip())
    shape = re.sub(r"[^\W\d_]+", "a", shape)
    return f"{' '.join(shape.split())}|{date.width}"


def resolve_numeric_dates(articles: Sequence[Article]) -> int:
    """Date the articles whose header date is numeric and ambiguous (03/04/05), in place, from
    their siblings: articles whose header dates are written the same way (same line shape) and
    settle the order by themselves (a part above 12). Only unanimous evidence counts; mixed
    sources that disagree stay undated. Returns how many articles got a date.

    An agency header's shape (`9:9 9/9/9: a 9 (a`) identifies its source across folders; a bare
    date line (`9/9/9`) is written alike by sources of both orders, so for those only files in
    the same folder count as siblings.
    """
    found: list[tuple[Article, NumericDate, str]] = []
    votes: dict[str, set[Order]] = {}
    for a in articles:
        if not _NUMERIC_HINT.search(a.text, 0, 4000):
            continue  # no numeric date near the top: nothing to learn or resolve
        hit = header_numeric_date(blank_controls(a.text), a.paragraphs)
        if hit is None:
            continue
        date, shape, wire = hit
        if not wire:
            shape = f"{a.path.parent}|{shape}"
        if date.own_order:
            votes.setdefault(shape, set()).add(date.own_order)
        elif a.date is None:
            found.append((a, date, shape))
    dated = 0
    for a, date, shape in found:
        orders = votes.get(shape, set())
        if len(orders) == 1 and (iso := date.iso(next(iter(orders)))):
            a.date = iso
            dated += 1
    return dated
