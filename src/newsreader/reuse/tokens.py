"""Words of an article with their offsets, normalised for matching but never rewritten.

Matching runs on `Token.norm` (case-folded, punctuation dropped, British/American spellings
folded, `10m` expanded to `10 million`); kinds are decided on `Token.key`, which only drops case
and surrounding punctuation, so `honoured`/`honored` matches yet still counts as an edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newsreader.corpus import Article

# A word: letters/digits with inner apostrophes, hyphens or dots (`well-being`, `U.N`, `2.5`);
# numbers may carry thousands separators and a magnitude suffix (`1,000`, `10m`, `$20bn`).
# Invisible characters inside a word (soft hyphen, zero-width space/joiners, word joiner, BOM)
# keep it one word (`Ten\u200bcent`) and are dropped from its matching form and key.
INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_WORD = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)(?P<mag>bn|mn|m|k|tn)?(?![\w" + INVISIBLE + "])"
    r"|\w+(?:(?:[" + INVISIBLE + r"]*['’\-.][" + INVISIBLE + r"]*|[" + INVISIBLE + r"]+)\w+)*",
)
_STRIPINVISIBLE = str.maketrans("", "", "\u00ad\u200b\u200c\u200d\u2060\ufeff")
_CLAUSE_MARKS = ",;:()—–"
# Terminal escape sequences (CSI, OSC, two-character escapes) hold no words (`\x1b[31m` is not
# "31 million"), and a control character between two words parts them like a comma: a wire
# marker after one (`music.\x07 ENDS`) is not the end of the sentence before it.
ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]"
)
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_QUOTE_MARKS = '"“”«»'
_MAGNITUDE = {"k": "thousand", "m": "million", "mn": "million", "bn": "billion", "tn": "trillion"}
_POSSESSIVE = re.compile(r"['’]s$")
_INNER = re.compile(r"['’\-]|(?<!\d)\.|\.(?!\d)")
_OUR = re.compile(r"^(\w{3,}?)our(s|ed|ing|able|ably|ite|ites|ful|hood|hoods|less|er|ers)?$")
_ISE = re.compile(r"^(\w{2,}?)([iy])s(e|es|ed|er|ers|ing|ation|ations)$")
_TRE = re.compile(r"^(\w{3,}?)tre(s|d)?$")
_LL = re.compile(r"^(\w{2,}?)ll(ed|ing|er|ers)$")
_SPELLING_WORDS = {
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "licence": "license",
    "offence": "offense",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "dialogues": "dialogs",
    "grey": "gray",
    "tyre": "tire",
    "tyres": "tires",
    "cheque": "check",
    "aluminium": "aluminum",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One word: `start:end` in the article text, `norm` for matching, `key` for kinds."""

    start: int
    end: int
    norm: str
    key: str
    lower: bool  # written in lower case (not a name or an acronym)
    sentence: int  # index of its sentence in the article's non-boilerplate sentences
    clause: bool = False  # first word of its sentence, or after `,;:()—`
    quote: bool = False  # a quotation mark stands between it and the word before


def fold_spelling(word: str) -> str:
    """Fold British spellings to American ones by general suffix rules (both sides get it)."""
    if word in _SPELLING_WORDS:
        return _SPELLING_WORDS[word]
    if len(word) < 5 or not word.isalpha():
        return word
    word = _OUR.sub(r"\1or\2", word)
    word = _ISE.sub(r"\1\2z\3", word)
    word = _TRE.sub(r"\1ter\2", word)
    return _LL.sub(r"\1l\2", word)


@lru_cache(maxsize=1 << 16)  # news reuses a small vocabulary: most words are seen before
def normalise(word: str) -> str:
    """The matching form of one word as written (without magnitude handling)."""
    w = word.translate(_STRIPINVISIBLE).casefold()
    w = _POSSESSIVE.sub("", w)
    if w[:1].isdigit():
        # thousands separators go, decimal points stay: 1,000 == 1000 but 2.5 != 25
        return re.sub(r",(?=\d{3}\b)", "", w)
    return fold_spelling(_INNER.sub("", w))


@lru_cache(maxsize=1 << 16)
def key_of(text: str) -> str:
    """What must be equal for two words to count as the same word written the same way."""
    return text.translate(_STRIPINVISIBLE).casefold().replace("’", "'")


def tokenize(text: str, start: int = 0, end: int | None = None, sentence: int = 0) -> list[Token]:
    """The words of `text[start:end]` with their offsets into `text`."""
    out: list[Token] = []
    prev = start
    stop = len(text) if end is None else end
    segment = text[start:stop]
    if "\x1b" in segment or "\x9b" in segment:
        # blank escape sequences out (same length, so offsets hold) before finding words
        segment = ESCAPE.sub(lambda m: " " * len(m.group()), segment)
    for m in _WORD.finditer(segment):
        s, e = m.start() + start, m.end() + start
        word = m.group()
        gap = text[prev:s]
        prev = e
        if gap == " ":  # most gaps: no clause mark, quotation mark or control character
            clause, quote = not out, False
        else:
            clause = not out or any(c in _CLAUSE_MARKS for c in gap) or bool(CONTROL.search(gap))
            quote = bool(out) and any(c in _QUOTE_MARKS for c in gap)
        # (In ASCII only A-Z are upper case, and lower() changes nothing else.)
        lower = word == word.lower() if word.isascii() else not any(c.isupper() for c in word)
        # An editor's bracketed insertion (`[honoured]`) is an edit, though the word is the same.
        bracket = "[" if s > 0 and text[s - 1] == "[" else ""
        mag = m.group("mag")
        if mag:
            num = m.group("num")
            key = bracket + key_of(word)
            out.append(Token(s, e, normalise(num), key, lower, sentence, clause, quote))
            out.append(Token(s, e, _MAGNITUDE[mag], key, lower, sentence))
            continue
        out.append(
            Token(s, e, normalise(word), bracket + key_of(word), lower, sentence, clause, quote)
        )
    return out


def article_tokens(article: Article) -> tuple[list[Token], list[tuple[int, int]]]:
    """Tokens of the non-boilerplate sentences, and those sentences' (start, end) spans.

    Boilerplate is left out here so it can neither match nor count.
    """
    tokens: list[Token] = []
    sentences: list[tuple[int, int]] = []
    for p in article.paragraphs:
        if p.boilerplate:
            continue
        spans = [(s.start, s.end) for s in p.sentences] or [(p.start, p.end)]
        for s, e in spans:
            toks = tokenize(article.text, s, e, len(sentences))
            if toks:
                tokens.extend(toks)
                sentences.append((s, e))
    return tokens, sentences
