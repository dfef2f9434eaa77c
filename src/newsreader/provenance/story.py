"""A story: a cluster of articles with its origin guess and its members as a timeline."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from newsreader.corpus import Article, Corpus
from newsreader.progress import Progress, StageProgress, check, stage
from newsreader.provenance.clusters import (
    ComparisonCache,
    StoryGraph,
    Verdicts,
    build_graph,
)
from newsreader.provenance.common_lines import CommonLines
from newsreader.provenance.facts import FactChange, changed_facts
from newsreader.provenance.origin import Origin, guess_origin
from newsreader.provenance.timeline import timeline
from newsreader.reuse import Comparison, RelatedIndex
from newsreader.reuse.related import Neighbours


@dataclass
class Member:
    """One article of a story, seen against the story's origin."""

    article: Article
    is_origin: bool
    comparison: Comparison | None  # origin as side a, this article as side b (None for origin)

    @property
    def reused_pct(self) -> float:
        """Share of this article's text found in the origin (100 for the origin itself)."""
        return 100.0 if self.comparison is None else self.comparison.b_reused_pct

    @property
    def taken_pct(self) -> float:
        """Share of the origin's text this article took (100 for the origin itself)."""
        return 100.0 if self.comparison is None else self.comparison.a_reused_pct

    def to_json(self) -> dict[str, Any]:
        a = self.article
        return {
            "path": str(a.path.resolve()),
            "title": a.title,
            "outlet": a.outlet,
            "date": a.date,
            "kind": a.kind,
            "origin": self.is_origin,
            "reused_pct": round(self.reused_pct, 1),
            "taken_pct": round(self.taken_pct, 1),
            "passages": 0 if self.comparison is None else len(self.comparison.passages),
        }


@dataclass
class Story:
    """Articles that share text, the likely origin, members in date order."""

    members: list[Member]  # timeline order
    origin: Origin
    cache: ComparisonCache

    def __len__(self) -> int:
        return len(self.members)

    @property
    def articles(self) -> list[Article]:
        return [m.article for m in self.members]

    def comparison(self, a: Article, b: Article) -> Comparison:
        """The comparison of two members, `a` as side a (computed once)."""
        return self.cache.get(a, b)

    def to_json(self) -> dict[str, Any]:
        return {
            "count": len(self.members),
            "origin": self.origin.to_json(),
            "members": [m.to_json() for m in self.members],
        }


def make_story(members: list[Article], cache: ComparisonCache) -> Story:
    """Judge the origin of a group of articles and order them as a timeline."""
    origin = guess_origin(members, cache)
    out = []
    for a in timeline(members):
        is_origin = a is origin.article
        out.append(Member(a, is_origin, None if is_origin else cache.get(origin.article, a)))
    return Story(out, origin, cache)


def build_stories(
    corpus: Corpus,
    index: Neighbours | None = None,
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    stages: StageProgress | None = None,
    verdicts: Verdicts | None = None,
    common: CommonLines | None = None,
) -> list[Story]:
    """Every story (two or more articles sharing text) in the corpus, largest first.

    `progress(done, total)` follows the pair comparisons; `stages(stage, done, total)` follows
    every stage ("Indexing", "Comparing", "Origins"), so a long build never sits at 100%.
    The `story` command and the reader's stories screen both build stories here. `index`,
    `verdicts` and `common` may come from the library (stored neighbours and alignments).
    """
    if index is None:
        index = RelatedIndex.build(corpus, cancel=cancel, progress=stage(stages, "Indexing"))
    graph: StoryGraph = build_graph(
        corpus,
        index,
        cancel=cancel,
        progress=progress or stage(stages, "Comparing"),
        verdicts=verdicts,
        common=common,
    )
    groups = graph.components()
    stories = []
    for n, group in enumerate(groups):
        check(cancel)
        if stages is not None:
            stages("Origins", n, len(groups))
        stories.append(make_story(group, graph.cache))
    return stories


def member_facts(
    stories: list[Story],
    *,
    cancel: threading.Event | None = None,
    stages: StageProgress | None = None,
) -> dict[int, list[FactChange]]:
    """Changed facts (numbers, dates, names, quotations) of every member against its story's
    origin, by `id(article)`; the origin itself has none."""
    out: dict[int, list[FactChange]] = {}
    for n, story in enumerate(stories):
        check(cancel)
        if stages is not None:
            stages("Facts", n, len(stories))
        for m in story.members:
            if m.comparison is not None:
                out[id(m.article)] = changed_facts(m.comparison)
    return out


def story_of(stories: list[Story], article: Article) -> Story | None:
    """The story an article belongs to, if any."""
    for story in stories:
        if any(m.article is article for m in story.members):
            return story
    return None


def sources_for(article: Article, story: Story) -> list[Article]:
    """The members `article` can have taken text from: the story's origin and every member
    dated before it (all others when it has no date). Later articles are left out: text they
    share with it came from it, so counting them would hide what it added. The origin has none.
    """
    if article is story.origin.article:
        return []
    out = []
    for m in story.members:
        other = m.article
        if other is article:
            continue
        if m.is_origin or not article.date or (other.date and other.date < article.date):
            out.append(other)
    out.sort(key=lambda a: a is not story.origin.article)  # the origin first, then by date
    return out


def comparisons_for(
    article: Article, story: Story, cancel: threading.Event | None = None
) -> list[Comparison]:
    """The article against each of its possible sources in the story (source as side a)."""
    out = []
    for source in sources_for(article, story):
        if cancel is not None and cancel.is_set():
            break
        out.append(story.comparison(source, article))
    return out
