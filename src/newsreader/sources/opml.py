"""OPML: the feed list every feed reader imports and exports.

Import reads every `<outline>` with an `xmlUrl` at any depth (folders are just nesting);
the name is its `title`, else its `text`. Export writes OPML 2.0. The file is data from
elsewhere, so a DOCTYPE (entity expansion) is refused rather than parsed.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

MAX_BYTES = 20 * 2**20


class OpmlError(ValueError):
    """An OPML file that cannot be read; the message is the one-line reason."""


def parse_opml(data: bytes) -> list[tuple[str, str | None]]:
    """(feed URL, name) for each feed in an OPML document, in order, each URL once."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise OpmlError("OPML with a DOCTYPE or entities is refused (entity expansion)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise OpmlError(f"broken XML: {e}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML (the root element is <{root.tag}>)")
    feeds: dict[str, str | None] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or node.tag.lower() != "outline":
            continue
        attrs = {k.lower(): v for k, v in node.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        if not url or url in feeds:
            continue
        name = " ".join((attrs.get("title") or attrs.get("text") or "").split())
        # Exporters (ours too) put the URL where a feed has no name: that is not a name.
        feeds[url] = name if name and name != url else None
    return list(feeds.items())


def read_opml(path: Path) -> list[tuple[str, str | None]]:
    """`parse_opml` of a file; raises `OpmlError` naming the file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise OpmlError(f"{path}: too large for an OPML file")
        data = path.read_bytes()
    except OSError as e:
        raise OpmlError(f"{path}: {e.strerror or e}") from None
    try:
        return parse_opml(data)
    except OpmlError as e:
        raise OpmlError(f"{path}: {e}") from None


def to_opml(feeds: Iterable[tuple[str, str | None]], title: str = "newsreader feeds") -> str:
    """An OPML 2.0 document listing `feeds` (URL, name)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = time.strftime(
        "%a, %d %b %Y %H:%M:%S GMT", time.gmtime()
    )
    body = ET.SubElement(root, "body")
    for url, name in feeds:
        label = name or url
        ET.SubElement(body, "outline", type="rss", text=label, title=label, xmlUrl=url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
