"""Paragraphs and sentences as spans over the original text (nothing is rewritten).

Paragraphs are blocks between blank lines; inside a block every line is its own paragraph
(scraped pages put headings, bylines and link lists on consecutive lines) unless the block
looks hard-wrapped, in which case wrapped lines are joined back into one paragraph. Wire copy
marks its paragraphs instead: a "<" ending the last line, a control character or an indent
opening the first; such blocks are cut at the marks (the "<" is left out of the paragraph).
Control characters count as spaces throughout.

Sentences repair what scraping breaks: `going global.The UN` and `Tuesday."We` are two
sentences each, while `U.N.'s`, `U.S. President`, `Mr. Lau`, `No.1`, `US$7.6` and `2.5` are
left alone. Every step is one regex pass plus constant work per match, so a 1M-character
line costs linear time.
"""

from __future__ import annotations

import itertools
import re

from newsreader.corpus.models import Paragraph, Sentence
from newsreader.corpus.wire import header_stamp, slug_line
from newsreader.text import blank_controls, trim_span

# No sentence is longer than this: run-on text without stops (minified dumps, a 1M-character
# line) is cut at whitespace so per-sentence work downstream stays bounded.
MAX_SENTENCE = 5_000

_LINE = re.compile(r"[^\n]+")
_NUMBERED = re.compile(r"\d{1,3}[.)]\s")

# A sentence end: terminal punctuation, optional closing quotes/brackets, then either
# whitespace or (glued) an opening quote or capital letter. CJK full stops end sentences too.
# A run of stops starts where the character before is not a stop; that check comes after
# the first stop (`(?<!X.)`) so the pattern opens with a character set, which lets the
# regex engine skip ahead to candidate characters (2.4x faster than a leading lookbehind).
_END = re.compile(
    r"""[.!?…](?<![.!?…].)[.!?…]*+["'”’)\]]*+(?=\s|["“‘(]?[A-Z])"""
    r"""|[。！？](?<![。！？].)[。！？]*+[”’」』)]*+"""
)
# The rest of a web address after a stop: `HollywoodIsCalling.com` (a name, a common
# top-level domain).
_WEB_REST = re.compile(r"(?i)(?:[\w-]+\.)+(?:com|org|net|gov|edu|info|uk)\b")
# The word just before a full stop, to tell abbreviations from sentence ends.
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'’]*)\.$")
# Initials and dotted acronyms: "U.S", "e.g".
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?")
_ABBREVIATION_WORDS = """
    mr mrs ms dr prof st jr sr gen gov sen rep lt col capt sgt maj cmdr adm pres inc ltd co
    corp bros vs etc al jan feb mar apr jun jul aug sep sept oct nov dec mt ft approx dept
    est hon rev messrs mme mlle e.g i.e a.m p.m u.s u.k u.n
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())

# Abbreviations that are also words ("no", "op"): only abbreviations before a number.
NUMBER_ABBREVIATIONS = frozenset(["no", "nos", "vol", "p", "pp", "fig", "op", "art", "ch"])
_PLAIN_WORD = max(len(w) for w in ABBREVIATIONS | NUMBER_ABBREVIATIONS) + 1


def _next_char(text: str, pos: int, end: int) -> str:
    while pos < end and text[pos].isspace():
        pos += 1
    return text[pos] if pos < end else ""


def _blocks(text: str) -> list[tuple[int, int]]:
    """Non-blank runs of lines, as (start, end) spans trimmed of surrounding whitespace."""
    spans = []
    block_start = -1
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        blank = text[pos:line_end].isspace() or pos == line_end
        if not blank and block_start < 0:
            block_start = pos
        elif blank and block_start >= 0:
            spans.append(trim_span(text, block_start, pos - 1))
            block_start = -1
        if nl < 0:
            break
        pos = nl + 1
    if block_start >= 0:
        spans.append(trim_span(text, block_start, n))
    return spans


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a block into paragraphs: one per line, unless the block is hard-wrapped prose.

    A line break is a wrap when the line is long for the block and the next line's first
    word would not have fitted on it (what a greedy wrapper does). The block counts as
    wrapped only when most of its breaks look like that, so a list of headlines of varied
    length stays one paragraph per line.
    """
    lines = [trim_span(text, m.start(), m.end()) for m in _LINE.finditer(text, start, end)]
    lines = [(s, e) for s, e in lines if e > s]
    if len(lines) < 2:
        return lines
    width = max(e - s for s, e in lines)
    if not 50 <= width <= 120:
        return lines
    wraps = []
    for (ps, pe), (s, e) in itertools.pairwise(lines):
        prev_len = pe - ps
        first_word = len(text[s:e].split(None, 1)[0])
        wraps.append(
            prev_len >= 0.6 * width
            and prev_len + 1 + first_word > width
            and text[s] not in "-*•·–—#>|"
            and _NUMBERED.match(text, s, e) is None
            and text[ps:pe] != text[s:e]
            # Two lines are weak evidence: a headline over a date line looks the same.
            and (len(lines) > 2 or text[s].islower())
        )
    if sum(wraps) < 0.75 * len(wraps):
        return lines
    out = [lines[0]]
    for wrap, (s, e) in zip(wraps, lines[1:], strict=True):
        if wrap:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _web_address(text: str, stop: int, after: int, start: int, end: int) -> bool:
    """Whether the stop at `stop` sits inside a web address written with capitals
    (`www.HollywoodIsCalling.com`): one word, not two sentences."""
    left = text[max(start, stop - 64) : stop].rsplit(None, 1)[-1:]
    if left and left[0].lower().endswith("www"):
        return True
    return bool(_WEB_REST.match(text, after, min(end, after + 64)))


def _quote_parity_opens(text: str, pos: int, start: int, cache: list[int]) -> bool:
    """True when the straight quote at `pos` opens a quotation (an even number came before).

    `cache` holds [last position counted, count so far] so a paragraph is counted once.
    """
    last, count = cache
    count += text.count('"', last, pos)
    cache[0], cache[1] = pos, count
    return count % 2 == 0


def _is_boundary(
    text: str, m: re.Match[str], start: int, end: int, quotes: list[int]
) -> int | None:
    """Where the sentence ends for a candidate match, or None when it is not a sentence end."""
    punct_end = m.end()
    stop = m.group()
    if stop[0] in "。！？":
        return punct_end
    after = punct_end
    glued = after < end and not text[after].isspace()
    ms = m.start()
    # A stop after _PLAIN_WORD ASCII letters ends a word longer than any abbreviation, with
    # no dots: none of the abbreviation checks below can apply (the common case).
    plain = ms - _PLAIN_WORD >= start and (w7 := text[ms - _PLAIN_WORD : ms]).isalpha()
    if stop[0] == "." and not (plain and w7.isascii()):
        head = text[max(start, m.start() - 24) : m.start() + 1]
        w = _WORD_BEFORE.search(head)
        word = w.group(1) if w else ""
        lower = word.lower()
        if lower in ABBREVIATIONS or lower.rstrip(".") in ABBREVIATIONS:
            return None
        if lower in NUMBER_ABBREVIATIONS and _next_char(text, punct_end, end).isdigit():
            return None  # "No. 1", "pp. 12": a number follows, the sentence goes on
        # Initials and dotted acronyms: "J. Smith", "U.S. President", "U.N.".
        if (len(word) == 1 and word.isupper()) or ("." in word and _DOTTED.fullmatch(word)):
            return None
    if glued:
        prev = text[m.start() - 1] if m.start() > start else ""
        # Glued ends need a lower-case word (or a number/closing bracket) before the stop:
        # "global.The" splits, "ASP.NET" and "U.S.Steel" do not.
        if not (prev.islower() or prev.isdigit() or prev in ")]%\"'”’"):
            return None
        # ...and a word after it that starts a sentence ("The", "We", "A "), not a code or
        # ticker: "(00700.HK)", "v2.RC1".
        k = after + 1 if after < end and text[after] in '"“‘(' else after
        word = text[k : k + 2]
        if not (word[:1].isupper() and (word[1:2].islower() or word[1:2] in (" ", ""))):
            return None
        if _web_address(text, m.start(), after, start, end):
            return None
        if stop.endswith('"') and _quote_parity_opens(text, punct_end - 1, start, quotes):
            # `."We`: the quote opens the next sentence, so this one ends before it.
            return punct_end - 1
        return punct_end
    # Spaced: the next sentence must start like one (capital, digit, quote, bracket).
    j = after
    while j < end and text[j].isspace():
        j += 1
    if j >= end:
        return punct_end
    nxt = text[j]
    starts_sentence = nxt.isupper() or nxt.isdigit() or nxt in "\"“‘'(«"
    # Scripts without case (CJK) start sentences with any letter.
    return punct_end if starts_sentence or (not nxt.isascii() and not nxt.islower()) else None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentence spans inside `text[start:end]` (one paragraph), offsets into `text`."""
    end = len(text) if end is None else end
    start, end = trim_span(text, start, end)
    if start >= end:
        return []
    out: list[Sentence] = []
    begin = start
    quotes = [start, 0]
    for m in _END.finditer(text, start, end):
        cut = _is_boundary(text, m, start, end, quotes)
        if cut is None or cut <= begin:
            continue
        _emit(text, begin, cut, out)
        begin = cut
    _emit(text, begin, end, out)
    return out


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append the trimmed span, cut into pieces of at most MAX_SENTENCE characters."""
    start, end = trim_span(text, start, end)
    while end - start > MAX_SENTENCE:
        cut = start + MAX_SENTENCE
        space = text.rfind(" ", start + MAX_SENTENCE // 2, cut)
        cut = space if space > 0 else cut
        s, e = trim_span(text, start, cut)
        out.append(Sentence(s, e))
        start, end = trim_span(text, cut, end)
    if end > start:
        out.append(Sentence(start, end))


_CONTROL_START = re.compile(r"[ \t]*[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INDENT = re.compile(r"(?:\t| {2,})")


def _raw_lines(view: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(untrimmed start, trimmed start, trimmed end) of each non-blank line of a block."""
    out = []
    for m in _LINE.finditer(view, start, end):
        s, e = trim_span(view, m.start(), m.end())
        if e > s:
            out.append((m.start(), s, e))
    if out:  # the block was trimmed: its first line's indent or control mark lies before it
        out[0] = (view.rfind("\n", 0, start) + 1, *out[0][1:])
    return out


def _marked_lines(text: str, view: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Paragraphs of a block that marks them the wire way, or None when it does not.

    A line ending in "<" ends a paragraph; a line opened by a control character (in `text`) or,
    in an indented block, by an indent starts one. Other lines continue the paragraph above
    when that line is long enough to have been wrapped; transmission lines stand alone.
    """
    # Cheap tests first: most blocks have no "<" line end, no control character, no indent.
    line_start = view.rfind("\n", 0, start) + 1
    if not (
        "<\n" in view[start:end]
        or view[end - 1] == "<"
        or start - line_start >= 2
        or "\n  " in view[line_start:end]
        or "\n\t" in view[line_start:end]
        or (text is not view and _CONTROL_START.search(text, line_start, end))
    ):
        return None
    lines = _raw_lines(view, start, end)
    if len(lines) < 1:
        return None
    ends = [view[e - 1] == "<" for _, _, e in lines]
    controls = [_CONTROL_START.match(text, raw) is not None for raw, _, _ in lines]
    indents = [
        _INDENT.match(view, raw) is not None and not c
        for (raw, _, _), c in zip(lines, controls, strict=True)
    ]
    opens = controls
    if not any(ends) and sum(controls) < 2:
        # Paragraph indents (the tape layout) count only in a wrapped block: some unindented
        # line must follow an indented one.
        following = any(indents[i - 1] and not indents[i] for i in range(1, len(lines)))
        if sum(indents) < 2 or not following:
            return None
        opens = indents
    width = max(e - s for _, s, e in lines)
    out: list[list[int]] = []  # [start, end, last line's length, opened properly]
    prev_end = prev_wire = False
    for (_, s, e), end_mark, opened in zip(lines, ends, opens, strict=True):
        if end_mark:
            e = trim_span(view, s, e - 1)[1]
        line = view[s:e]
        wire = bool(header_stamp(line) or slug_line(line))
        # A line continues the paragraph above only when that paragraph was opened by a mark
        # (lines above the first mark are headers, each on its own), its last line was long
        # enough to have been wrapped, and this is not a lone sign-off word after a full stop.
        joins = (
            bool(out)
            and out[-1][3]
            and not (prev_end or opened or prev_wire or wire)
            and out[-1][2] >= 0.5 * width
            and not (" " not in line and view[out[-1][1] - 1] in ".!?\"'”")
        )
        if joins:
            out[-1][1] = e
            out[-1][2] = e - s
        else:
            out.append([s, e, e - s, opened or prev_end])
        prev_end, prev_wire = end_mark, wire
    return [(s, e) for s, e, _, _ in out if e > s]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraph (start, end) spans: blocks between blank lines, lines inside unwrapped blocks,
    wire-marked paragraphs inside wire blocks."""
    view = blank_controls(text)
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(view):
        marked = _marked_lines(text, view, start, end)
        spans.extend(marked if marked is not None else _lines(view, start, end))
    return spans


def segment(text: str) -> list[Paragraph]:
    """Paragraphs with their sentences, for any string; offsets index into `text`."""
    return [
        Paragraph(s, e, False, tuple(split_sentences(text, s, e))) for s, e in paragraph_spans(text)
    ]
