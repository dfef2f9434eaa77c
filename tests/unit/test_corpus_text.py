"""clean_for_display: untrusted article text made safe for the terminal, offsets kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsreader.text import clean_for_display


def test_escape_and_control_sequences_are_neutralised() -> None:
    text = "Red \x1b[31malert\x1b[0m\x07 and \x9b31m C1\x00 end"
    cleaned = clean_for_display(text)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "\x00" not in cleaned


def test_bidi_overrides_are_removed_but_text_kept() -> None:
    text = "safe \u202eevil\u202c and \u2066isolate\u2069"
    cleaned = clean_for_display(text)
    assert cleaned == "safe  evil  and  isolate "


def test_newlines_tabs_and_unicode_survive() -> None:
    text = "腾讯 “quote”\n\tnext — line [bold]not markup[/]"
    assert clean_for_display(text) == text


@given(st.text())
def test_length_is_preserved(text: str) -> None:
    assert len(clean_for_display(text)) == len(text)


def test_one_line_makes_untrusted_text_one_safe_line() -> None:
    from newsreader.text import one_line

    hostile = "Title\x1b[31m red\n\nsecond\u202eline\r\n end"
    shown = one_line(hostile)
    assert "\x1b" not in shown and "\u202e" not in shown and "\n" not in shown
    assert shown == "Title [31m red second line end"
    assert one_line(None) == "" and one_line("  ") == ""
    assert one_line("a long title here", 10) == "a long ti…"
    assert one_line("short", 10) == "short"
