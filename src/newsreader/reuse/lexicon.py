"""Stop words and the stemmer, shared by paraphrase detection and the corpus ranking."""

from __future__ import annotations

import threading

import Stemmer

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

# Snowball English (Porter 2) through PyStemmer's C implementation: it joins what a hand-made
# suffix list missed (organization/organizations, company/companies, translated/translation)
# and keeps apart what it wrongly joined (statement/states). A stemmer object is not safe to
# share between threads (the loader, search and compare run in workers), so each thread has
# its own; stems are kept in a plain dict, which any thread may read.
_local = threading.local()
_STEMS: dict[str, str] = {}
_MAX_STEMS = 500_000  # a news vocabulary is far smaller; only a pathological input reaches this


def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word: `partnered`/`partners` -> `partner`.

    Words with digits or other non-letters (`10m`, `covid-19`) are returned unchanged.
    """
    known = _STEMS.get(word)
    if known is not None:
        return known
    if not word.isalpha():
        return word
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    found: str = stemmer.stemWord(word)
    if len(_STEMS) >= _MAX_STEMS:
        _STEMS.clear()
    _STEMS[word] = found
    return found


def is_content(norm: str) -> bool:
    """A word that carries meaning for matching: not a stop word, not a bare attribution."""
    return len(norm) > 1 and norm not in STOP_WORDS and norm not in ATTRIBUTION_WORDS
