"""Making untrusted article text safe to show in a terminal.

Article text is never interpreted as Rich markup (callers build `rich.text.Text` from plain
strings) and never reaches the terminal with escape or control characters in it. Replacement
keeps the string length, so offsets computed on the article text stay valid for display.
"""

from __future__ import annotations

import re

# C0/C1 controls except \n and \t, DEL, and bidi overrides/isolates that can reorder what the
# reader sees (Trojan-source style). ESC is covered by C0, so ANSI sequences lose their power.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_for_display(text: str) -> str:
    """Replace control and bidi-override characters with spaces.

    Same length in, same length out, so character offsets carry over.
    """
    return _UNSAFE.sub(" ", text)
