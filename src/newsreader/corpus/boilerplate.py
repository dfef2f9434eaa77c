"""Page furniture: paragraphs that are part of the page, not of the article.

They stay in the text (offsets must not move) and are only flagged, so the reader can dim
them and the reuse engine can leave them out. Rules are about *shape* and *position*, never
about particular strings: a lone lower-case word, a counter, a ticker line, a tweet credit,
a link prefixed "See also:", a "Related ..." marker (also in German, Spanish, French, Italian
and Portuguese) and the headline list after it or the headline box under it, a newsletter
promotion, short label lines at the very end, lines duplicated back to back, and (corpus-wide,
in `corpus_repeated`) short lines that recur across many articles. A schedule or a table at the
end of an article is data, not a link list. The HTML body these flags leave is scored on
hand-checked pages by benchmarks/html_eval.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from newsreader.corpus.dates import DATE_RE, MONTH
from newsreader.corpus.wire import bare_dateline, catchline_of, header_stamp, slug_line

SHORT = 300  # longer paragraphs are never furniture; also bounds the per-paragraph cost

_BULLET = re.compile(r"^[\s•·*►▶>|–—-]+")
_LONE_LOWER = re.compile(r"^[a-z][a-z_-]{2,30}$")
# UI labels and counters: "LIKE 3", "Shares 1.2K", "Advertisement", "Share on Facebook".
_UI_WORDS = (
    r"like|likes|share|shares|shared|tweet|tweets|comment|comments|view|views|read|reads|pin|"
    r"email|e-mail|print|reply|replies|favou?rites?|save|saved|upvotes?|claps?|reactions?|follow"
)
_COUNTER = re.compile(
    rf"^(?:(?:{_UI_WORDS})\s*[:(]?\s*\d[\d,.]*\s*[KkMm]?\)?|\d[\d,.]*\s*[KkMm]?\s+(?:{_UI_WORDS}))$",
    re.I,
)
_UI_LABEL = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|loading\.*|skip to (?:main )?content|"
    r"read more|continue reading|show comments|back to top|top stories|more stories|comments)$",
    re.I,
)
# A share bar: only these words ("Share on Facebook Twitter Email").
_SHARE_WORDS_TEXT = """
    share tweet post email e-mail print copy link this it on to via article story page
    facebook twitter linkedin whatsapp reddit pinterest telegram x weibo wechat
"""
_SHARE_WORDS = frozenset(_SHARE_WORDS_TEXT.split())
_SHARE_VERBS = frozenset({"share", "tweet", "email", "print"})
_RELATED = re.compile(
    r"^(?:related|recommended|popular|trending|latest|more|most (?:read|popular|viewed|shared)|"
    r"most (?:read|popular|viewed|shared) in [\w ]+|don'?t miss|"
    r"you (?:may|might) (?:also )?like|also read|read also|further reading|more from [\w ]+|"
    r"(?:related|recommended|more|latest|top|other) (?:posts?|stories|articles?|stocks?|news|links|"
    r"coverage|topics|content|reading|videos?|reads|headlines)|"
    # The same markers on German, Spanish, French, Italian and Portuguese news sites.
    r"weitere (?:themen|beiträge|artikel|nachrichten)|mehr (?:themen|zum thema)|"
    r"empfohlene beiträge|auch interessant|schon gelesen|zum weiterlesen|lesen sie auch|"
    r"das könnte (?:dich|sie) auch interessieren|(?:notas|noticias|notícias) relacionadas|"
    r"contenido relacionado|(?:te|le) puede interesar|le(?:a|e|ia) también|leia também|"
    r"veja também|(?:à )?lire aussi|sur le même sujet|articles liés|leggi anche|"
    r"articoli correlati)\s*[:.…?]*$",
    re.I,
)
_LINK_PREFIX = re.compile(
    r"^(?:see also|read also|also read|read more|related|more|watch|listen|also see|recommended|"
    r"must read|don't miss|click here|photo|image|video|credit|"
    r"lesen sie auch|auch lesen|mehr zum thema|le(?:a|e) también|(?:te|le) puede interesar|"
    r"puedes ver|leia também|veja também|(?:à )?lire aussi|voir aussi|leggi anche)"
    r"\s*[:：|»>]\s*\S",
    re.I,
)
_CALL_TO_ACTION = re.compile(
    r"^(?:click here to )?(?:subscribe|sign up|sign in|log in|join|follow|download|get|register)"
    r"\b.{0,60}"
    r"\b(?:news|newsletters?|updates|alerts|app|us|podcasts?|channel|feed|here|free|"
    r"twitter|facebook|instagram|linkedin|youtube|tiktok|telegram|weibo|wechat|whatsapp)\b\W*$",
    re.I,
)
# A promotion for the outlet's newsletter or channel, which can run to a sentence or two:
# "Get the day's top headlines delivered to your inbox ...", "Click here to subscribe to ...".
_PROMO_START = re.compile(
    r"^(?:click here to |sign up\s*:\s*)?(?:subscribe|sign up|get|join|stay|never miss)\b", re.I
)
_PROMO_WORDS = re.compile(r"\b(?:newsletters?|inbox|subscrib\w*)\b", re.I)
# A promotion speaks to the reader ("your inbox", "our newsletter", "click here"); a sentence
# that merely opens with "Join" or "Get" and mentions a newsletter is narration.
_PROMO_ADDRESS = re.compile(r"\b(?:our|your|you|here)\b", re.I)
PROMO_MAX = 160
# One ticker token, "HongKong:0700", "(NASDAQ:ACME)"; a line of nothing else is a ticker strip.
_TICKER = re.compile(r"\(?[A-Za-z]{2,15}:[A-Z0-9][A-Z0-9.]{0,9}\)?")
_TICKER_GAP = re.compile(r"(?<=:)\s+")
_TICKER_SPLIT = re.compile(r"[\s,;|]+")
# The credit line under an embedded tweet. The tweet's own text above it (often ending in a
# pic.twitter.com link) is not flagged: it is quoted in the article like any quotation, and
# both hand-checked HTML evaluation sets count it as article body (benchmarks/html_eval.py).
_TWEET = re.compile(r"^[—–-]{1,2}\s*.{1,100}\(@\w{1,30}\)")
# A line that opens with a calendar day, "June 9 -- Bridgestone Arena", "Sat., Sept. 12 -
# Toronto", "9 June: ...": a row of a schedule (tour dates, fixtures, a timeline).
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+"
_DATED_ROW = re.compile(
    rf"^(?:{_DAY})?(?:{MONTH}\.?\s+[0-3]?\d(?!\d)|[0-3]?\d(?:st|nd|rd|th)?\s+{MONTH}\b)", re.I
)
# One to four plain words: letters only, no digits, punctuation, addresses or numbers.
_LABEL = re.compile(r"[^\W\d_]+(?:[ '’&-]+[^\W\d_]+){0,3}")


def _core(line: str) -> str:
    return _BULLET.sub("", line).strip()


def furniture_line(line: str) -> bool:
    """True when one paragraph, on its own, is page furniture."""
    if len(line) > SHORT:
        return False
    if _TWEET.match(line) and DATE_RE.search(line):
        return True
    core = _core(line)
    if not core:
        return True
    if _promo(core):
        return True
    if _prose(core):
        return _share_bar(core)
    return bool(
        _LONE_LOWER.match(core)
        or _COUNTER.match(core)
        or _UI_LABEL.match(core)
        or _share_bar(core)
        or _RELATED.match(core)
        or _ticker_strip(core)
        or (_CALL_TO_ACTION.match(core) and len(core) <= 80)
        or (_LINK_PREFIX.match(core) and len(core.split()) <= 30 and core.count(". ") == 0)
    )


def _promo(core: str) -> bool:
    return (
        len(core) <= PROMO_MAX
        and _PROMO_START.match(core) is not None
        and _PROMO_WORDS.search(core) is not None
        and _PROMO_ADDRESS.search(core) is not None
    )


def _prose(core: str) -> bool:
    """A line only `_share_bar` could still match, told by cheap tests (most body paragraphs).

    Over 80 characters rules out labels and calls to action; more than 12 words rules out
    lone words and counters (at most 4 tokens); a full stop rules out "Related" markers; no
    colon rules out tickers; a sentence break (". ") or no separator rules out link prefixes.
    """
    return (
        len(core) > 80
        and ":" not in core
        and "." in core
        and len(core.split()) > 12
        and (". " in core or not any(c in core for c in "：|»>"))
    )


def _ticker_strip(core: str) -> bool:
    # Token by token: one regex over the whole line backtracks exponentially on long input.
    tokens = [t for t in _TICKER_SPLIT.split(_TICKER_GAP.sub("", core)) if t]
    return bool(tokens) and all(_TICKER.fullmatch(t) for t in tokens)


_WORD = re.compile(r"[\w-]+")


def _share_bar(core: str) -> bool:
    # Every word must be a share word: rule most lines out on their first word.
    first = _WORD.search(core)
    if first is None or first.group().lower() not in _SHARE_WORDS:
        return False
    words = _WORD.findall(core.lower())
    return 0 < len(words) <= 12 and set(words) <= _SHARE_WORDS and bool(set(words) & _SHARE_VERBS)


def _headline_like(line: str) -> bool:
    """A short line without sentence punctuation at its end: a headline or a link text.

    Not a table row (`| Pos | Player |`, as trafilatura renders tables): that is data.
    """
    core = _core(line)
    if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
        return False
    return 0 < len(core) <= 200 and not core.endswith(".") and "\n" not in core


def _label_like(line: str) -> bool:
    """A few words without punctuation or digits: a section label ("Editorial standards")."""
    core = _core(line)
    return len(core) <= 40 and _LABEL.fullmatch(core) is not None


def flag_paragraphs(text: str, spans: Sequence[tuple[int, int]]) -> list[bool]:
    """One flag per paragraph span: True for page furniture."""
    lines = [text[s:e] if e - s <= SHORT else "" for s, e in spans]
    n = len(spans)
    flags = [bool(line) and furniture_line(line) for line in lines]
    norm = [" ".join(line.split()).lower() for line in lines]
    _flag_wire(lines, flags)
    # Lines duplicated back to back: a headline and its link text, rendered twice.
    for i in range(1, n):
        if norm[i] and norm[i] == norm[i - 1] and _headline_like(lines[i]):
            flags[i] = flags[i - 1] = True
    # A "Related ..." marker near the end: the headline list after it is furniture too.
    tail_start = n  # everything from here to the end is headline-like or already flagged
    while tail_start > 0 and (flags[tail_start - 1] or _headline_like(lines[tail_start - 1])):
        tail_start -= 1
    for i in range(max(tail_start - 1, 0), n):
        if lines[i] and _RELATED.match(_core(lines[i])):
            for j in range(i, n):
                flags[j] = True
            break
    # Earlier, such a marker ("Don't miss", "Most read") heads a box of two or more headlines set
    # into the article; the box ends at the first line that is not headline-like (prose).
    for i in range(min(tail_start, n)):
        if not (lines[i] and _RELATED.match(_core(lines[i]))):
            continue
        j = i + 1
        while j < n and lines[j] and _headline_like(lines[j]):
            j += 1
        if j - i - 1 >= 2:
            for k in range(i, j):
                flags[k] = True
    # Short labels at the very end ("Editorial standards", "collection").
    j = n - 1
    while j >= 0 and (flags[j] or _label_like(lines[j])):
        flags[j] = True
        j -= 1
    # A run of three or more headline-like lines that ends the article: a link list.
    j = n - 1
    while j >= 0 and (flags[j] or _headline_like(lines[j])):
        j -= 1
    # A schedule (tour dates, fixtures) has the same shape, but its rows open with a day, which
    # the headlines of a link list do not: a run mostly of such rows is the article's own list.
    run = [k for k in range(j + 1, n) if not flags[k]]
    dated = sum(1 for k in run if _DATED_ROW.match(_core(lines[k])))
    if len(run) >= 3 and all(_title_case(lines[k]) for k in run) and 2 * dated <= len(run):
        for k in run:
            flags[k] = True
    return flags


WIRE_TOP = 8  # slugs and bare datelines are looked for among the first paragraphs only


def _flag_wire(lines: list[str], flags: list[bool]) -> None:
    """Agency transmission lines: headers (anywhere: a long story repeats one per page), the
    catchline repeating a header's tail, and slugs and bare datelines near the top."""
    catch: str | None = None
    header_at = -2
    for i, line in enumerate(lines):
        if not line or len(line) > 160 or (i >= WIRE_TOP and not catch and not line[0].isdigit()):
            continue  # headers, slugs and datelines are short; below the top only headers
        core = " ".join(line.split()).strip("<")
        stamp = header_stamp(core) if core[:1].isdigit() else None
        if stamp and core[stamp.end() :].strip():
            flags[i] = True
            catch = catchline_of(core, stamp)
            header_at = i
        elif (catch and _catchline(core.strip(), catch, right_after=i == header_at + 1)) or (
            i < WIRE_TOP and (slug_line(core) or bare_dateline(core))
        ):
            flags[i] = True


def _catchline(line: str, catch: str, *, right_after: bool) -> bool:
    """The header's catchline repeated (`SHOWBIZ Posh`, `Showbiz Posh`), perhaps with a
    version note (`SHOWBIZ Posh (Corrected)`, `SHOWBIZ Posh 2nd Lead`); right under the header,
    also a short line opening with the header's desk word (`SHOWBIZ Beckham`)."""
    line, catch = line.casefold(), catch.casefold()
    if line == catch:
        return True
    rest = line[len(catch) :]
    if line.startswith(catch) and rest[:1] in " (" and len(rest.split()) <= 3:
        return True
    words = line.split()
    return (
        right_after
        and 2 <= len(words) <= 4
        and words[0] == catch.split()[0]
        and not line.rstrip().endswith((".", "?", "!"))
    )


def _title_case(line: str) -> bool:
    words = [w for w in _core(line).split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def normalise_line(line: str) -> str:
    return " ".join(_core(line).split()).lower()


def corpus_repeated(lines_per_article: Sequence[Sequence[str]], min_articles: int = 3) -> set[str]:
    """Short label-like lines (normalised) that occur in at least `min_articles` articles.

    Only short lines without sentence punctuation qualify: a reprinted *sentence* across
    articles is exactly the reuse this product exists to show, never furniture.
    """
    counts: Counter[str] = Counter()
    for lines in lines_per_article:
        counts.update(
            {
                normalise_line(line)
                for line in lines
                if len(line) <= 100 and len(line.split()) <= 12 and not line.rstrip().endswith(".")
            }
            - {""}
        )
    return {line for line, c in counts.items() if c >= min_articles}
