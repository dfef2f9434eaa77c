"""Robustness matrix rows about what articles contain and how many there are.

Zero-width and bidi characters (display width, search, reuse), UTF-16 without a byte-order
mark, Rich markup and ANSI escapes through the CLI, and folders of many tiny or non-article
files. See docs/ROBUSTNESS.md.
"""

from __future__ import annotations

import io
import os
import re
import threading
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from newsreader.cli import main
from newsreader.corpus import Corpus, load_corpus, parse_text
from newsreader.corpus import loader as loader_module
from newsreader.corpus.decode import DecodeError, decode_bytes
from newsreader.reuse import compare_texts
from newsreader.search import SearchIndex
from newsreader.text import clean_for_display

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
SENTENCE = "Tencent will provide tools to the UN."


def rendered_width(text: str) -> int:
    """Cells a real terminal line would take: render through a Console and measure."""
    console = Console(width=200, file=io.StringIO(), force_terminal=True, color_system=None)
    lines = console.render_lines(Text(text), pad=False)
    return sum(seg.cell_length for seg in lines[0])


# --- zero-width characters ------------------------------------------------------------


@pytest.mark.parametrize("zw", ZERO_WIDTH, ids=[f"U+{ord(c):04X}" for c in ZERO_WIDTH])
def test_zero_width_characters_keep_length_and_measure_as_drawn(zw: str) -> None:
    raw = f"Ten{zw}cent will provide tools"
    shown = clean_for_display(raw)
    assert len(shown) == len(raw)  # offsets survive
    # Only the 26 visible characters take a cell: nothing invisible is drawn, and Rich
    # does not swallow a letter after a joiner (U+200D between letters used to measure 25).
    assert rendered_width(shown) == len("Tencent will provide tools") == Text(shown).cell_len
    assert shown.replace("\u200b", "").replace(zw, "") == "Tencent will provide tools"


def test_joiners_inside_emoji_sequences_are_kept() -> None:
    scientist = "\U0001f469\u200d\U0001f52c"  # woman + ZWJ + microscope
    assert clean_for_display(scientist) == scientist
    assert clean_for_display("a\u200d\U0001f600") == "a\u200b\U0001f600"
    # Rich's width of an un-joined joiner next to an emoji matches the drawn glyphs.
    assert rendered_width(clean_for_display("a\u200d\U0001f600")) == 3


def _article(name: str, text: str, tmp_path: Path):
    return parse_text(text, tmp_path / name)


@pytest.mark.parametrize("zw", [*ZERO_WIDTH, "\u00ad"], ids=lambda c: f"U+{ord(c):04X}")
def test_search_finds_words_split_by_zero_width_characters(zw: str, tmp_path: Path) -> None:
    text = f"Ten{zw}cent will provide tools to the UN, the company said.\n"
    other = "Alibaba said nothing about the tools.\n"
    corpus = Corpus(
        articles=[_article("zw.txt", text, tmp_path), _article("o.txt", other, tmp_path)]
    )
    index = SearchIndex.build(corpus)
    hits = index.search("tencent")
    assert [h.article.path.name for h in hits] == ["zw.txt"]
    # The hit covers the word as written, invisible character included: offsets into the text.
    assert text[hits[0].start : hits[0].end] == f"Ten{zw}cent"
    assert index.find_in_article("tencent", corpus.articles[0]) == [(0, 8)]
    # A query typed with the invisible character finds the plain spelling too.
    plain = Corpus(articles=[_article("p.txt", SENTENCE + "\n", tmp_path)])
    assert [h.start for h in SearchIndex.build(plain).search(f"Ten{zw}cent")] == [0]


def test_zero_width_characters_between_words_still_separate_them(tmp_path: Path) -> None:
    text = "Tencent\u200b \u200bwill provide\u200b, tools.\n"
    index = SearchIndex.build(Corpus(articles=[_article("a.txt", text, tmp_path)]))
    assert [text[h.start : h.end] for h in index.search("provide")] == ["provide"]


@pytest.mark.parametrize("zw", [*ZERO_WIDTH, "\u00ad"], ids=lambda c: f"U+{ord(c):04X}")
def test_reuse_treats_zero_width_split_words_as_verbatim(zw: str) -> None:
    b = f"Ten{zw}cent will provide tools to the UN."
    result = compare_texts(SENTENCE, b)
    assert result["a_reused_pct"] == 100.0 and result["b_reused_pct"] == 100.0
    [passage] = result["passages"]
    assert passage["kind"] == "verbatim"
    assert (passage["b_start"], passage["b_end"]) == (0, len(b))
    assert all(op["op"] == "equal" for op in passage["diff"])


def test_bidi_overrides_blanked_and_width_right() -> None:
    # Trojan-source style: RLO would show "txt.exe" as "exe.txt"; every override and isolate
    # becomes a space, LRM/RLM (marks, not overrides) stay and take no cell.
    raw = "file\u202etxt.exe\u202c and \u2066isolated\u2069 \u200eok"
    shown = clean_for_display(raw)
    assert len(shown) == len(raw)
    assert not set(shown) & {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
    assert shown == "file txt.exe  and  isolated  \u200eok"
    assert rendered_width(shown) == len(shown) - 1


# --- UTF-16 without a byte-order mark -------------------------------------------------

LATIN = "Tencent will provide tools to the UN, the company said.\nA second paragraph.\n"
MIXED = "腾讯 (Tencent) 将向联合国 (UN) 提供工具, 该公司周一表示.\n第二段.\n"
CYRILLIC = "Компания Tencent предоставит инструменты ООН, сообщила компания.\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [LATIN, MIXED], ids=["latin", "cjk-with-ascii"])
def test_utf16_without_bom_is_detected_exactly(text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text and decoded.encoding == "utf-16"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_never_mojibake(codec: str) -> None:
    # Mostly non-Latin text has too few NUL bytes for the detector today: it must be refused
    # with a reason rather than guessed into something else.
    try:
        decoded = decode_bytes(CYRILLIC.encode(codec))
    except DecodeError as e:
        assert "binary" in str(e)
    else:
        assert decoded.text == CYRILLIC


def test_utf16_without_bom_loads_as_an_article(tmp_path: Path) -> None:
    (tmp_path / "le.txt").write_bytes(LATIN.encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes(LATIN.encode("utf-16-be"))
    corpus = load_corpus([tmp_path])
    assert not corpus.skipped
    assert [a.text for a in corpus.articles] == [LATIN, LATIN]


# --- markup and escapes through the CLI -----------------------------------------------

EVIL_TITLE = "[bold red]Tencent[/] [link=file:///etc/passwd]tools[/link] \x1b[31mfor\x1b[0m the UN"
EVIL_BODY = (
    "Tencent will provide [bold red]tools[/] to the [link=file:///etc/passwd]UN[/link], "
    "the \x1b]8;;file:///etc/passwd\x1b\\company\x1b]8;;\x1b\\ said \x1b[2J on Monday.\n"
)
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _run_forced(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch) -> str:
    """Run the CLI as if on a colour terminal, so any markup that took effect would show."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "\x1b[" in out  # control: the terminal really is forced, styles are emitted
    assert "\x1b]8;" not in out  # no hyperlink (OSC 8) from `[link=...]` or from the text
    plain = _SGR.sub("", out)
    assert "\x1b" not in plain  # the only escapes are our own colours
    return plain


@pytest.fixture
def evil_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "a.txt").write_text(f"{EVIL_TITLE}\n\n{EVIL_BODY}", encoding="utf-8")
    (folder / "b.txt").write_text(f"Reprint\n\n{EVIL_BODY}", encoding="utf-8")
    return folder


def test_list_shows_markup_and_escapes_literally(evil_folder: Path, capsys, monkeypatch) -> None:
    plain = _run_forced(["list", str(evil_folder)], capsys, monkeypatch)
    assert "[bold red]Tencent[/] [link=file:///etc/passwd]tools[/link]  [31mfor [0m" in plain


def test_search_shows_markup_and_escapes_literally(evil_folder: Path, capsys, monkeypatch) -> None:
    plain = _run_forced(["search", "tools", str(evil_folder)], capsys, monkeypatch)
    assert "[bold red]Tencent[/] [link=file:///etc/passwd]tools[/link]" in plain  # a title
    assert "[bold red]tools[/]" in plain  # a snippet
    assert "[link=file:///etc/passwd]UN[/link]" in plain


def test_compare_shows_markup_and_escapes_literally(evil_folder: Path, capsys, monkeypatch) -> None:
    args = ["compare", str(evil_folder / "a.txt"), str(evil_folder / "b.txt")]
    plain = _run_forced(args, capsys, monkeypatch)
    assert "[bold red]Tencent[/] [link=file:///etc/passwd]tools[/link]" in plain
    assert "[bold red]tools[/] to the [link=file:///etc/passwd]UN[/link]" in plain
    assert " ]8;;file:///etc/passwd " in plain and " [2J " in plain  # escapes blanked, kept


# --- many files -----------------------------------------------------------------------

# 20,000 keeps the suite quick; 100,000 was run by hand (numbers in docs/ROBUSTNESS.md).
MANY = 20_000


def _tiny_files(folder: Path, n: int) -> None:
    folder.mkdir(exist_ok=True)
    base = str(folder)
    for i in range(n):  # plain open(): Path.write_text costs several times more per file
        with open(os.path.join(base, f"a{i:06d}.txt"), "w", encoding="utf-8") as f:
            f.write(f"Report {i}: the council met on day {i} and voted {i % 7} to {i % 5}.\n")


def test_folder_of_many_tiny_files_loads_with_progress(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    _tiny_files(folder, MANY)
    calls: list[tuple[int, int]] = []
    corpus = load_corpus([folder], progress=lambda done, total: calls.append((done, total)))
    assert len(corpus.articles) == MANY and not corpus.skipped
    assert calls[0] == (0, MANY) and calls[-1] == (MANY, MANY)
    assert len(calls) > 100  # the user sees it move
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # Each article keeps its own text (nothing shared, nothing flagged as site furniture).
    a = corpus.articles[12345]
    assert a.text.startswith(f"Report {int(a.path.stem[1:])}:")
    assert not any(p.boilerplate for art in corpus.articles for p in art.paragraphs)


def test_loading_many_files_can_be_cancelled_early(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    _tiny_files(folder, 2_000)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 500:
            cancel.set()

    corpus = load_corpus([folder], cancel=cancel, progress=progress)
    assert 500 <= len(corpus.articles) < 600


def test_folder_of_non_article_files_is_ignored_without_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    junk = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
    for i in range(5_000):
        for name in (f"img{i:05d}.jpg", f"blob{i:05d}.bin"):
            with open(os.path.join(folder, name), "wb") as f:
                f.write(junk)
    (folder / "story.txt").write_text(SENTENCE + "\n")
    opened: list[Path] = []
    real = loader_module.load_article

    def counting(path: Path, **kwargs):
        opened.append(Path(path))
        return real(path, **kwargs)

    monkeypatch.setattr(loader_module, "load_article", counting)
    calls: list[tuple[int, int]] = []
    corpus = load_corpus([folder], progress=lambda d, t: calls.append((d, t)))
    assert [p.name for p in opened] == ["story.txt"]  # the others are never read
    assert [a.path.name for a in corpus.articles] == ["story.txt"]
    assert not corpus.skipped  # not worth a line each: they are simply not articles
    assert calls[-1] == (1, 1)


def test_related_index_reads_zero_width_split_words_as_one_word() -> None:
    from newsreader.reuse.related import _WORD

    assert _WORD.findall("Ten\u200bcent and well-being") == ["Ten\u200bcent", "and", "well-being"]
