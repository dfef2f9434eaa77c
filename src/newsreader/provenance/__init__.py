"""provenance: which articles are one story, where it started, what each outlet took and changed.

Core package: never imports textual. Builds on `newsreader.reuse` (passages between two articles,
the related index over a corpus).
"""

from __future__ import annotations

from newsreader.provenance.clusters import (
    ComparisonCache,
    StoryGraph,
    build_graph,
    clusters_json,
    shares_text,
)
from newsreader.provenance.export_html import export_html
from newsreader.provenance.export_markdown import export_markdown
from newsreader.provenance.facts import FactChange, changed_facts
from newsreader.provenance.matrix import Matrix, release_matrix
from newsreader.provenance.novelty import Novelty, Segment, whats_new
from newsreader.provenance.origin import Candidate, Origin, guess_origin
from newsreader.provenance.signals import Signal, release_signals
from newsreader.provenance.story import (
    Member,
    Story,
    build_stories,
    make_story,
    member_facts,
    story_of,
)
from newsreader.provenance.timeline import timeline

__all__ = [
    "Candidate",
    "ComparisonCache",
    "FactChange",
    "Matrix",
    "Member",
    "Novelty",
    "Origin",
    "Segment",
    "Signal",
    "Story",
    "StoryGraph",
    "build_graph",
    "build_stories",
    "changed_facts",
    "clusters_json",
    "export_html",
    "export_markdown",
    "guess_origin",
    "make_story",
    "member_facts",
    "release_matrix",
    "release_signals",
    "shares_text",
    "story_of",
    "timeline",
    "whats_new",
]
