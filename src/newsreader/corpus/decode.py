"""Bytes -> text: detect the encoding honestly, normalise line endings, refuse what is not text.

Order of trust: a byte-order mark, then strict UTF-8, then charset-normalizer for legacy 8-bit
and CJK encodings (cp1252, latin-1, GB18030, ...). We never decode as UTF-8 with replacement
characters: a file that is *mostly* UTF-8 but broken is refused with a reason instead, because
silently mangled text would poison search and reuse matching.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Controls that do not occur in text (tab, newline, CR and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Wire copy opens each paragraph with a control character (a layout marker, not binary data):
# those at a line start do not count towards calling a file binary.
_LINE_START_CONTROL = re.compile(r"(?:^|(?<=\n))[\x00-\x08\x0e-\x1f\x7f]+")
# Line separators that are not "\n": CRLF first so it becomes one newline, not two.
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


_PREFERRED = ("cp1252",)


class DecodeError(ValueError):
    """The bytes are not text we can trust; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def normalise_newlines(text: str) -> str:
    """CRLF, CR and Unicode line separators -> `\\n`."""
    # Most texts have none of them; `in` is far cheaper than a regex pass that finds nothing.
    if "\r" not in text and "\u2028" not in text and "\u2029" not in text and "\x85" not in text:
        return text
    return _NEWLINES.sub("\n", text)


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text without a BOM shows as NUL in every other byte (for Latin-script text)."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    even_nul = raw[0::2].count(0) / (len(raw) / 2)
    odd_nul = raw[1::2].count(0) / (len(raw) / 2)
    if odd_nul > 0.3 and even_nul < 0.05:
        codec = "utf-16-le"
    elif even_nul > 0.3 and odd_nul < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def _legacy(raw: bytes) -> Decoded:
    """Not UTF-8: ask charset-normalizer, but refuse broken UTF-8 and undecodable noise."""
    # Mostly-valid UTF-8 with a few broken bytes is damaged UTF-8, not a legacy encoding
    # (legacy bytes only rarely form valid UTF-8 sequences, and never most of them).
    probe = raw[:1_000_000].decode("utf-8", errors="replace")
    bad = probe.count("\ufffd")
    good = sum(1 for ch in probe if ord(ch) > 127) - bad
    if good >= 3 and good >= 4 * bad:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DecodeError(
                f"invalid UTF-8 at byte {e.start} (the rest of the file is UTF-8; "
                "refusing to guess with replacement characters)"
            ) from None
    results = from_bytes(raw)
    best = results.best()
    if best is None or best.encoding is None:
        raise DecodeError("not text in any known encoding (invalid UTF-8, no legacy match)")
    encoding = best.encoding
    # Western single-byte code pages often tie (cp1250/cp1252/cp1257 decode the same bytes
    # equally "cleanly"); on a tie prefer windows-1252, which is what web pages and
    # browsers mean by latin-1 and by far the most common legacy encoding for news text.
    for match in results:
        if match.encoding in _PREFERRED and match.chaos <= best.chaos + 0.005:
            encoding = match.encoding
            break
    return Decoded(raw.decode(encoding), encoding)


def decode_bytes(raw: bytes) -> Decoded:
    """Decode a file's bytes to text with `\\n` line endings, or raise `DecodeError`."""
    if len(raw) > MAX_BYTES:
        raise DecodeError(
            f"file too large ({len(raw) / 2**20:.1f} MB; limit {MAX_BYTES // 2**20} MB)"
        )
    if not raw.strip():
        raise DecodeError("empty file")
    decoded: Decoded | None = None
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                decoded = Decoded(raw.decode(codec), codec.replace("-sig", ""))
            except UnicodeDecodeError as e:
                raise DecodeError(
                    f"invalid {codec} after its byte-order mark: {e.reason}"
                ) from None
            break
    if decoded is None and b"\x00" in raw:
        text = _utf16_without_bom(raw)
        if text is None:
            raise DecodeError("binary file (contains NUL bytes)")
        decoded = Decoded(text, "utf-16")
    if decoded is None:
        try:
            decoded = Decoded(raw.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            decoded = _legacy(raw)
    text = decoded.text.lstrip("\ufeff")
    if not text.strip():
        raise DecodeError("empty file")
    sample = text[:100_000]
    controls = len(_CONTROL.findall(_LINE_START_CONTROL.sub("", sample)))
    if "\x00" in sample or controls > max(8, len(sample) // 100):
        raise DecodeError("binary file (control characters, not text)")
    return Decoded(normalise_newlines(text), decoded.encoding)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_PAGE_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def header_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type value names (`text/html; charset=UTF-8` -> 'utf-8'), when
    Python knows it."""
    m = _CONTENT_TYPE_CHARSET.search(content_type or "")
    if m is None:
        return None
    try:
        return codecs.lookup(m.group(1)).name
    except LookupError:
        return None


def decode_page(raw: bytes, content_type: str | None = None) -> Decoded:
    """A web page's bytes as text: byte-order mark, then the HTTP charset, then `<meta
    charset>`, then detection (`decode_bytes`). A declared charset that does not decode the
    bytes is ignored (pages and servers often lie). Raises `DecodeError` for non-text."""
    declared = [] if raw.startswith(_PAGE_BOMS) else [header_charset(content_type)]
    m = _META_CHARSET.search(raw[:4096])
    if m is not None and not raw.startswith(_PAGE_BOMS):
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            declared.append(codecs.lookup(m.group(1).decode("ascii")).name)
    for charset in declared:
        if charset is None or charset.startswith("utf-16"):  # utf-16 in a meta tag is a lie
            continue
        try:
            return Decoded(normalise_newlines(raw.decode(charset)), charset)
        except UnicodeDecodeError:
            continue
    try:
        return decode_bytes(raw)
    except DecodeError as e:
        if "invalid UTF-8" not in str(e):
            raise
    # A page that is UTF-8 but for a few bad bytes: show them as U+FFFD, as a browser does,
    # rather than refuse the page (a saved text file is refused instead, see decode_bytes).
    return Decoded(normalise_newlines(raw.decode("utf-8", errors="replace")), "utf-8")
