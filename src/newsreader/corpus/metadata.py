"""Title, outlet, date, byline and kind, read from the article text (never the file name).

Everything is looked for in the *header*: the paragraphs before the body gets going, plus
the first body paragraphs (where datelines live). Body text mentions dates, names and
outlets all the time; only metadata-shaped lines there count. Whatever is not found stays
None: a missing value is honest, a guessed one is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreader.corpus.dates import DATE_PREFIX, DATE_RE, MONTH, find_date
from newsreader.corpus.models import Paragraph
from newsreader.corpus.segment import split_sentences

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
}  # fmt: skip
# Distribution services whose presence makes a text a press release.
RELEASE_WIRES = frozenset(
    {"PR Newswire", "Business Wire", "GlobeNewswire", "ACCESSWIRE", "Marketwired",
     "EIN Presswire", "Newsfile", "PRWeb", "CNW"}
)  # fmt: skip

_PLACE = r"[A-Z][A-Z.'’&-]+(?:[ ][A-Z][A-Z.'’&-]*){0,4}"  # HONG KONG, SAN FRANCISCO
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE})"
    rf"(?:,[ ]?(?!{MONTH}\b)[A-Z][a-z]+\.?(?:[ ][A-Z][a-z]+\.?)?)?"  # state: ", Calif."
    r"(?:,?\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?))?"  # "April 1, 2020"
    r"\s*(?:/\s*(?P<slash>[A-Za-z][\w -]{1,30}?)\s*/"  # "/PRNewswire/"
    r"|-{0,2}\((?P<paren>[A-Za-z][\w .&'’-]{0,30})\)-{0,2})?"  # "(AP)", "--(BUSINESS WIRE)--"
    r"\s*(?P<dash>--|[-—–])?"
)
_WIRE_ANYWHERE = re.compile(
    r"/\s*PR\s?Newswire(?:-[\w]+)?\s*/|\(\s*(?:BUSINESS WIRE|GLOBE NEWSWIRE|ACCESSWIRE|"
    r"PRNewswire|EINPresswire|Newsfile Corp\.?|Marketwired)\s*\)",
    re.I,
)
_BY = re.compile(r"^(?:written|reported|words|story|text)?\s*by[:\s]\s*(?P<name>.+)$", re.I)
_SEP = r"\s*(?:[・·•|]|\s[-—–]\s)\s*"
_NAME_DATE = re.compile(rf"^(?P<name>[\w.'’-]+(?:\s[\w.'’-]+){{0,3}}){_SEP}(?=\S)")
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


def _byline(line: str) -> str | None:
    m = _BY.match(line)
    if m:
        return _clean_name(m.group("name"))
    m = _NAME_DATE.match(line)
    if m and DATE_RE.search(line, m.end()) and DATE_RE.match(line, m.end()):
        return _clean_name(m.group("name"))
    return None


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
    line = line.strip()
    return bool(_FIELD.match(line) or _byline(line) or _is_date_line(line))


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
        if p.end - p.start > 300 or (line.endswith(".") and not line.endswith("...")):
            return None
        if len(split_sentences(line)) > 1 or line[0].islower():
            return None
        return line, (start, start + len(line))
    return None


def _dateline_body(line: str) -> bool:
    """True for a paragraph opening with a dateline (`WASHINGTON (AP) —`, `LONDON, March 3 -`).

    A bare parenthesis after capitals is also how headlines read ("UN (United Nations)
    Partners ..."), so it only counts with a dash after it or on a sentence-length line.
    """
    m = _DATELINE.match(line)
    if not m or not m.group("place"):
        return False
    if m["slash"] or m["when"]:
        return True
    return bool(m["paren"] and (m["dash"] or len(line) > 150 or line.rstrip().endswith(".")))


def _dateline_facts(text: str, p: Paragraph, line: str) -> tuple[str | None, bool]:
    """(outlet, release signal) from a paragraph that opens with a dateline."""
    m = _DATELINE.match(line)
    if not m or not m.group("place"):
        return None, False
    outlet = None
    raw = (m["slash"] or "").split("-")[0] or m["paren"]
    # The outlet must close the dateline: a dash, the `/Wire/` form, or the story starting.
    if raw and (m["dash"] or m["slash"] or line[m.end() :][:1].isupper()):
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
    """Metadata from the text and its (boilerplate-flagged) paragraphs."""
    meta = Metadata()
    head = header(paragraphs)
    meta_lines: set[int] = set()  # header lines that are metadata, so never the title
    release = False
    for i, p in enumerate(head):
        line = text[p.start : min(p.end, p.start + _SCAN)]
        short = p.end - p.start <= 120
        field = _FIELD.match(line) if short else None
        if field:
            meta_lines.add(i)
            _apply_field(meta, p, field)
            continue
        if short and meta.byline is None and (name := _byline(line)):
            meta.byline = name
            meta_lines.add(i)
        if short and _is_date_line(line):
            meta_lines.add(i)
        if meta.date is None:
            meta.date = _line_date(line, i, short, meta_lines)
        outlet, signal = _dateline_facts(text, p, line)
        release = release or signal
        if meta.outlet is None and outlet is None and (wire := _WIRE_ANYWHERE.search(line)):
            outlet = outlet_name(re.sub(r"-\w+\s*/$|[/()]", " ", wire.group()), text)
        meta.outlet = meta.outlet or outlet
    if meta.title is None and (found := _title(text, head, meta_lines)):
        meta.title, meta.title_span = found
    if meta.outlet in RELEASE_WIRES or release or _release_tail(text, paragraphs):
        meta.kind = "press_release"
    return meta


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
