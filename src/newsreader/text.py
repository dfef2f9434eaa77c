"""Making untrusted article text safe to show in a terminal.

Article text is never interpreted as Rich markup (callers build `rich.text.Text` from plain
strings) and never reaches the terminal with escape or control characters in it. Replacement
keeps the string length, so offsets computed on the article text stay valid for display.

Zero-width characters (U+200B/U+200C/U+2060/U+FEFF) are kept: they take no cell in the terminal
and Rich measures them as 0, so lines lay out right and the text is shown as written (search
and reuse ignore them inside words). U+200D ZERO WIDTH JOINER is the exception: Rich treats it
as gluing the next character into the same cell (right for emoji sequences like 👩‍🔬), so
between ordinary letters (`Ten\\u200dcent`) Rich would measure one cell less than the terminal
draws and every following column would be off. Outside emoji it becomes U+200B, which is just
as invisible and measured correctly.
"""

from __future__ import annotations

import re

# C0/C1 controls except \n and \t, DEL, and bidi overrides/isolates that can reorder what the
# reader sees (Trojan-source style). ESC is covered by C0, so ANSI sequences lose their power.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Where emoji ZWJ sequences live (symbols, dingbats, pictographs, skin tones); a joiner is kept
# only between two of these (or after a VS16 presentation selector), where joining is meant.
_EMOJI = "\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_STRAY_JOINER = re.compile(rf"(?<![{_EMOJI}\ufe0f])\u200d|\u200d(?![{_EMOJI}])")


def clean_for_display(text: str) -> str:
    """Replace control and bidi-override characters with spaces, stray joiners with U+200B.

    Same length in, same length out, so character offsets carry over; Rich measures the
    result as wide as the terminal draws it.
    """
    text = _UNSAFE.sub(" ", text)
    if "\u200d" in text:
        text = _STRAY_JOINER.sub("\u200b", text)
    return text


def one_line(value: str | None, limit: int = 0) -> str:
    """Untrusted text for one display line (a title, an outlet, a snippet, a query).

    Controls and bidi overrides become spaces (`clean_for_display`), then every run of
    whitespace, newlines included, becomes one space; past `limit` characters the text is cut
    and ends with "…".
    """
    s = " ".join(clean_for_display(value or "").split())
    return s[: limit - 1] + "…" if limit and len(s) > limit else s


# C0/C1 controls except \n and \t, and DEL: never content. Wire copy uses them as layout marks
# (a control character opening each paragraph); segmentation and metadata see them as spaces.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def blank_controls(text: str) -> str:
    """`text` with control characters (not \\n or \\t) replaced by spaces: same length, so offsets
    found on the result index `text` too. Returns `text` itself when there is nothing to blank."""
    return _CONTROLS.sub(" ", text) if _CONTROLS.search(text) else text


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink `start:end` to leave out whitespace at either end (offsets into `text`)."""
    # Most spans have no surrounding whitespace: answer those without a loop.
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return start, end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
