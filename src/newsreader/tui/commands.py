"""Every action as data: the command palette and the help screen are both built from bindings.

Each binding has an id (so user keymaps can remap it) and a description; listing them here from
the classes' `BINDINGS` means a new key shows up in the palette and in `?` without extra work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widget import Widget

from newsreader.text import one_line

if TYPE_CHECKING:
    from textual.app import App

    from newsreader.corpus import Article

# Alternates are keys; show them the way a reader types them.
_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "tab": "Tab",
}
ARTICLE_HITS = 20


@dataclass(frozen=True)
class KeyRow:
    """One action: where it applies, its keys (after the user's keymap) and what it does."""

    group: str
    keys: str
    description: str
    action: str
    binding_id: str | None
    owner: type[Widget | App[Any]]


def display_keys(keys: str) -> str:
    """`down,j` -> `↓ / j`."""
    return " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


# The reader's widgets whose keys the help lists, by class name, in this order.
_WIDGET_GROUPS = (
    ("List", "ArticleList"),
    ("Text", "ArticleView"),
    ("Search", "SearchPanel"),
    ("Search", "SearchResults"),
)


def key_rows(app: App[Any]) -> list[KeyRow]:
    """Every binding of the reader's screens and widgets (and the app), grouped, keymap applied.

    The classes are read off the running reader (its first screen and the widgets on it), so
    this module imports no screen: the app, the palette and the help screen import it.
    """
    owners: list[tuple[str, type[Widget | App[Any]]]] = []
    main = app.screen_stack[0] if app.screen_stack else None
    if main is not None:
        owners.append(("Reader", type(main)))
        for group, name in _WIDGET_GROUPS:
            for widget in main.query(name).results():
                owners.append((group, type(widget)))
                break
    owners.append(("App", type(app)))
    # Textual keeps the active keymap privately; read it so remapped keys are shown truthfully.
    keymap: dict[str, str] = getattr(app, "_keymap", {}) or {}
    rows: list[KeyRow] = []
    seen: set[str] = set()
    for group, owner in owners:
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            ident = binding.id or f"{owner.__name__}.{binding.action}"
            if ident in seen:
                continue
            seen.add(ident)
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            rows.append(
                KeyRow(
                    group,
                    display_keys(keys),
                    binding.description,
                    binding.action,
                    binding.id,
                    owner,
                )
            )
    rows.append(KeyRow("App", "ctrl+p", "Command palette", "command_palette", None, type(app)))
    return rows


def known_binding_ids(app: App[Any]) -> set[str]:
    """Every binding id of the reader's and the compare view's classes (for user keymaps)."""
    import importlib

    from textual.dom import DOMNode

    for module in (
        "screens.main",
        "screens.help",
        "screens.compare",
        "screens.compare_picker",
        "screens.compare_export",
        "screens.stories",
        "screens.matrix",
        "screens.whats_new",
    ):
        importlib.import_module(f"newsreader.tui.{module}")  # its classes define the ids
    ids = {b.id for b in type(app).BINDINGS if isinstance(b, Binding) and b.id}
    stack = list(DOMNode.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("newsreader.tui"):
            ids.update(
                b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id
            )
    return ids


def _target(app: App[Any], owner: type[Widget | App[Any]]) -> Widget | App[Any] | None:
    """The live node an action of `owner` runs on (the main screen's widget of that class)."""
    main = getattr(app, "main_screen", None)
    if isinstance(app, owner):
        return app
    if main is None:
        return None
    if isinstance(main, owner):
        return main
    for node in main.query(owner.__name__):
        return node if isinstance(node, owner) else None
    return None


def _runner(app: App[Any], row: KeyRow) -> Callable[[], None]:
    def run() -> None:
        target = _target(app, row.owner)
        if target is None:
            return
        if target is not app and app.screen is not getattr(app, "main_screen", None):
            app.bell()  # reader actions need the reader screen on top
            return
        app.run_worker(target.run_action(row.action), exclusive=False)

    return run


class ReaderCommands(Provider):
    """Palette entries: every reader action ("Group: action"), and "Article: open …" items."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], None], str]]:
        for row in key_rows(self.app):
            if row.action == "command_palette":
                continue
            yield f"{row.group}: {row.description}", _runner(self.app, row), f"key: {row.keys}"

    async def discover(self) -> Hits:
        for title, run, help_text in self._commands():
            yield DiscoveryHit(Content(title), run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run, help_text in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, Content(title), run, text=title, help=help_text)
        for score, title, article in self._article_matches(query):
            label = f"Article: open {title}"
            yield Hit(
                score,
                Content(label),
                self._opener(article),
                text=label,
                help=one_line(article.outlet) or None,
            )

    def _article_matches(self, query: str) -> list[tuple[float, str, Article]]:
        """Best titles for `query` by rapidfuzz (fast at 10k titles, unlike a Python loop)."""
        corpus = getattr(self.app, "corpus", None)
        articles = list(corpus.articles) if corpus is not None else []
        if not articles:
            return []
        # Imported here, not at start: the palette is opened long after the first frame.
        from rapidfuzz import fuzz, process

        titles = [one_line(a.display_title) for a in articles]
        found = process.extract(
            query, titles, scorer=fuzz.WRatio, limit=ARTICLE_HITS, score_cutoff=60
        )
        # Below command matches of equal quality, so "Search" stays on top for "search".
        return [(score / 100 * 0.9, titles[i], articles[i]) for _, score, i in found]

    def _opener(self, article: Article) -> Callable[[], None]:
        def run() -> None:
            open_article = getattr(self.app, "open_article", None)
            if open_article is not None:
                open_article(article)

        return run
