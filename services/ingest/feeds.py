"""Turns a pushed RSS 2.0 or Atom feed into bulletin records, one per entry; pure, no I/O, no entity expansion."""

from __future__ import annotations

import io
import xml.sax
from calendar import timegm
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.sax import parseString as defused_parse

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}


class FeedError(ValueError):
    """The feed as a whole is refused; the message says why."""


def feed_records(body: bytes, source: str | None) -> list[dict[str, Any]]:
    """One record per entry, in document order, ready for Bulletin validation.

    The document is first read by defusedxml, which refuses any entity declaration (billion laughs) and any
    external entity or DTD fetch, so feedparser only ever sees a document with nothing to expand.
    """
    _refuse_unsafe(body)
    # A stream, never a string: feedparser fetches strings that look like URLs.
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=True)
    if parsed.get("version", "") == "" and not parsed.entries:
        raise FeedError("not an RSS 2.0 or Atom feed")
    feed = parsed.feed
    source = source or _source_from(feed.get("link"))
    if not source:
        raise FeedError("no source: give ?source= or X-Wirelog-Source (the feed has no link to name it by)")
    language = feed.get("language") or None
    return [_record(entry, source, language) for entry in parsed.entries]


def _refuse_unsafe(body: bytes) -> None:
    try:
        defused_parse(body, xml.sax.handler.ContentHandler(), forbid_dtd=False)
    except DefusedXmlException as exc:
        raise FeedError(f"unsafe XML refused: {type(exc).__name__} (entity declarations and external references are not allowed)") from None
    except xml.sax.SAXParseException as exc:
        raise FeedError(f"malformed XML at line {exc.getLineNumber()} column {exc.getColumnNumber()}: {exc.getMessage()}") from None


def _source_from(link: str | None) -> str | None:
    """The feed's host names its source; a link that is no URL names nothing (the pusher gives ?source=)."""
    try:
        host = urlsplit(link).hostname if link else None
    except ValueError:  # "http://[oops": not a URL
        return None
    return host[:128] if host else None


def _record(entry: Any, source: str, language: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {"source": source}
    external_id = entry.get("id") or entry.get("link")
    if external_id:
        record["external_id"] = external_id
    published = _published(entry)
    if published:
        record["published_at"] = published
    title = _title(entry)
    body = _entry_text(entry)
    if title:
        record["lead"] = title
    record["items"] = [{"text": body}] if body and body != title else []
    if entry.get("link"):
        record["url"] = entry["link"]
    if language:
        record["language"] = language
    return record


def _published(entry: Any) -> str | None:
    """The entry's own time with the offset the feed wrote: the local day is what relative dates resolve against."""
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        raw = entry.get(raw_key)
        if not raw:
            continue
        try:
            return datetime.fromisoformat(raw).isoformat()  # Atom: RFC 3339
        except ValueError:
            pass
        try:
            return parsedate_to_datetime(raw).isoformat()  # RSS: RFC 822
        except (TypeError, ValueError, IndexError):
            pass
        if entry.get(parsed_key):  # other forms feedparser knows, in UTC
            return datetime.fromtimestamp(timegm(entry[parsed_key]), UTC).isoformat()
    return None


def _title(entry: Any) -> str:
    detail = entry.get("title_detail") or {}
    title = entry.get("title", "")
    return plain_text(title) if "html" in detail.get("type", "") else " ".join(title.split())


def _entry_text(entry: Any) -> str:
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else entry.get("summary", "")
    return plain_text(html)


class _TextOnly(HTMLParser):
    BREAKS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Feed summaries are HTML (already sanitised by feedparser): keep the words, one paragraph per line."""
    reader = _TextOnly()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)
