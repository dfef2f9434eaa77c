"""Stop words and a light stemmer, shared by paraphrase detection and the corpus ranking."""

from __future__ import annotations

_STOP_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves may might must shall via per upon amid among within without around across along
    since ago yet still well even much many one two three us new mr mrs ms dr st
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Reporting verbs and attribution words: "said X, president of Y" shares these between any two
# news stories, so they are no evidence that one statement was reworded from another.
_ATTRIBUTION_TEXT = """
    said say says saying told tell tells according added adds adding noted statement statements
    spokesman spokeswoman spokesperson president chairman chief executive director minister
    official officials report reported reports reporter reporters announced announce announces
    announcement
"""
ATTRIBUTION_WORDS = frozenset(_ATTRIBUTION_TEXT.split())

_SUFFIXES = (
    "ational",
    "ization",
    "fulness",
    "ousness",
    "iveness",
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ies",
    "ied",
    "ed",
    "es",
    "ly",
    "s",
)


def stem(word: str) -> str:
    """A light suffix-stripping stem: `partnered`/`partners` -> `partner`, `updates` -> `updat`.

    Deliberately crude and fast; it only has to map inflections of one word together.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planned -> plann -> plan
    return word


def is_content(norm: str) -> bool:
    """A word that carries meaning for matching: not a stop word, not a bare attribution."""
    return len(norm) > 1 and norm not in STOP_WORDS and norm not in ATTRIBUTION_WORDS
