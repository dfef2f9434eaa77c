"""Decoding and bad input: each case loads right or is skipped with a one-line reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.corpus import ArticleError, load_article, load_corpus
from newsreader.corpus.decode import DecodeError, decode_bytes

TEXT = (
    "Café owners in Zürich say the new rules are “unfair”.\r\n\r\n"
    "The council meets again on Monday — and résumé checks start in spring.\r\n"
)
GOOD = "A good article.\n\nIt has two paragraphs.\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
    ],
)
def test_unicode_encodings_decode_exactly(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == TEXT.replace("\r\n", "\n")
    assert decoded.encoding == encoding
    assert "\ufeff" not in decoded.text


def test_cp1252_is_detected_not_replaced() -> None:
    text = (
        "The mayor’s “plan” for the café district costs €2.5 million – critics say it is naïve. "
        * 4
    )
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.text == text
    assert "\ufffd" not in decoded.text


def test_latin1_is_detected() -> None:
    text = (
        "Le ministre a annoncé une réforme des écoles. Les élèves et les enseignants sont déçus. "
        * 4
    )
    decoded = decode_bytes(text.encode("latin-1"))
    assert decoded.text == text


def test_gb18030_is_detected() -> None:
    text = "腾讯与联合国宣布建立全球合作伙伴关系，将通过腾讯会议等平台在线举办数千场对话。" * 4
    decoded = decode_bytes(text.encode("gb18030"))
    assert decoded.text == text
    assert decoded.encoding.lower().replace("_", "") in {"gb18030", "gbk", "gb2312"}


def test_line_endings_normalised() -> None:
    assert decode_bytes(b"a\r\nb\rc\n").text == "a\nb\nc\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "binary"),
        (b"hello\x00world, this is not text\x00\x01\x02", "binary"),
        ("Ünïcödé text — mostly fine. ".encode() * 5 + b"\xc3\x28 broken", "invalid UTF-8"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_bad_bytes_rejected_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as exc:
        decode_bytes(data)
    message = str(exc.value)
    assert reason in message
    assert "\n" not in message


def test_fifty_megabyte_file_skipped_with_size_in_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: instant to create, never read
    _write(tmp_path, "good.txt", GOOD.encode())
    corpus = load_corpus([tmp_path])
    assert [a.path.name for a in corpus.articles] == ["good.txt"]
    (skipped,) = corpus.skipped
    assert (
        "too large" in skipped.reason and "50.0 MB" in skipped.reason and "20 MB" in skipped.reason
    )


def test_million_character_line_loads(tmp_path: Path) -> None:
    words = "lorem ipsum dolor sit amet. Consectetur adipiscing elit? Sed do eiusmod "
    line = (words * (1_000_000 // len(words) + 1))[:1_000_000]
    path = _write(tmp_path, "long.txt", line.encode())
    article = load_article(path)
    assert len(article.text) == 1_000_000
    assert len(article.paragraphs) == 1
    sentences = article.paragraphs[0].sentences
    assert sentences and sentences[0].start == 0 and sentences[-1].end <= 1_000_000


def test_million_characters_without_spaces_or_stops(tmp_path: Path) -> None:
    path = _write(tmp_path, "blob.txt", b"x" * 1_000_000 + b"\n" + b"." * 100_000)
    article = load_article(path)
    assert article.paragraphs[-1].end == len(article.text)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.txt", GOOD.encode())
    _write(tmp_path, "good.txt", GOOD.encode())
    path.chmod(0)
    try:
        corpus = load_corpus([tmp_path])
    finally:
        path.chmod(0o644)
    assert [a.path.name for a in corpus.articles] == ["good.txt"]
    assert "Permission denied" in corpus.skipped[0].reason


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same case when running as root: reading raises EACCES."""
    secret = _write(tmp_path, "secret.txt", GOOD.encode())
    _write(tmp_path, "good.txt", GOOD.encode())
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == secret.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = load_corpus([tmp_path])
    assert [a.path.name for a in corpus.articles] == ["good.txt"]
    assert corpus.skipped[0].reason == "Permission denied"


def test_every_bad_file_in_a_folder_is_skipped_and_the_rest_loads(tmp_path: Path) -> None:
    _write(tmp_path, "good.txt", GOOD.encode())
    _write(tmp_path, "empty.txt", b"")
    _write(tmp_path, "binary.txt", b"\x00\x01\x02\x03binary\x00" * 10)
    _write(tmp_path, "broken.txt", "Ünïcödé ok. ".encode() * 5 + b"\xff\xfe\xfd bad")
    _write(tmp_path, "legacy.txt", "Caf\u00e9 society: the mayor’s plan. ".encode("cp1252") * 5)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    corpus = load_corpus([tmp_path])
    assert sorted(a.path.name for a in corpus.articles) == ["good.txt", "legacy.txt"]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert reasons.keys() == {"empty.txt", "binary.txt", "broken.txt", "dangling.txt", "loop.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "invalid UTF-8" in reasons["broken.txt"]
    assert "broken symlink" in reasons["dangling.txt"]
    assert "symlink loop" in reasons["loop.txt"]
    assert all("\n" not in r for r in reasons.values())


def test_load_article_raises_article_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="empty"):
        load_article(_write(tmp_path, "e.txt", b"\n\n"))
    with pytest.raises(ArticleError):
        load_article(tmp_path / "missing.txt")
