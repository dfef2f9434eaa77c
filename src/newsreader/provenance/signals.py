"""Press-release signals in one article, each with the evidence that triggered it.

A release is the usual origin of a story; these signals are general newswire conventions
(distribution-service datelines, "today announced", an `About <Company>` section, a media
contact block), never names of particular outlets in the corpus at hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from newsreader.corpus import Article

# Distribution services write their name into the dateline: "CITY, April 1, 2020 /PRNewswire/ --",
# "--(BUSINESS WIRE)--", "(GLOBE NEWSWIRE)".
_WIRE_DATELINE = re.compile(
    r"/\s*(?:PR\s?Newswire|PRWeb|CNW|EIN\s?Presswire|Newswire)(?:-[\w]+)?\s*/"
    r"|\(\s*(?:BUSINESS\s+WIRE|GLOBE\s+NEWSWIRE|ACCESSWIRE|PRNewswire|EINPresswire|PRWEB|"
    r"Newsfile\s+Corp\.?|Marketwired|MARKETWIRE)\s*\)",
    re.I,
)
_ANNOUNCED = re.compile(
    r"\b(?:today|recently)\s+(?:announced|launched|unveiled|introduced|released|unveils)\b"
    r"|\bannounced\s+today\b|\bis\s+(?:pleased|proud|excited)\s+to\s+announce\b",
    re.I,
)
_ABOUT = re.compile(r"^\s*about\s+[A-Z][\w&.,'’ -]{1,60}:?\s*$", re.I | re.M)
_CONTACT = re.compile(
    r"^\s*(?:media|press|investor|editorial|public relations)\s+(?:contacts?|inquiries|"
    r"enquiries|relations)\b|^\s*contacts?\s*:|^\s*for\s+(?:further|more)\s+information\b"
    r"|^\s*SOURCE\s+[A-Z]|^\s*#{3}\s*$",
    re.I | re.M,
)


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason to think an article is a press release: what, where, how strong."""

    name: str  # kind_press_release | wire_dateline | today_announced | about_section | contact
    reason: str  # human-readable, with the evidence quoted
    weight: float
    start: int = 0
    end: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "reason": self.reason,
            "weight": self.weight,
            "start": self.start,
            "end": self.end,
        }


def _quote(text: str, limit: int = 40) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def release_signals(article: Article) -> list[Signal]:
    """Every press-release signal found in `article`, strongest first."""
    text = article.text
    found: list[Signal] = []
    if article.kind == "press_release":
        found.append(Signal("kind_press_release", "recognised as a press release", 2.0))
    wire = _WIRE_DATELINE.search(text)
    if wire:
        found.append(
            Signal(
                "wire_dateline",
                f"press-release wire dateline “{_quote(wire.group())}”",
                1.5,
                wire.start(),
                wire.end(),
            )
        )
    # "today announced" only counts near the top, where a release states its news.
    announced = _ANNOUNCED.search(text, 0, min(len(text), 1500))
    if announced:
        found.append(
            Signal(
                "today_announced",
                f"announces its news itself: “{_quote(announced.group())}”",
                1.0,
                announced.start(),
                announced.end(),
            )
        )
    about = _ABOUT.search(text)
    if about:
        found.append(
            Signal(
                "about_section",
                f"has an “{_quote(about.group())}” section",
                0.5,
                about.start(),
                about.end(),
            )
        )
    contact = _CONTACT.search(text)
    if contact:
        found.append(
            Signal(
                "contact",
                f"has a media contact block (“{_quote(contact.group())}”)",
                0.5,
                contact.start(),
                contact.end(),
            )
        )
    found.sort(key=lambda s: -s.weight)
    return found


def release_score(article: Article) -> float:
    """Sum of signal weights: 0 for ordinary news, 2+ for a clear release."""
    return sum(s.weight for s in release_signals(article))
