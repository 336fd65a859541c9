"""RSS 2.0 and Atom feeds into bulletin records: one per entry with its own date, link and id; unsafe XML refused."""

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import Bulletin
from services.ingest.feeds import FeedError, feed_records, plain_text
from services.ingest.parsing import ParseError, Rejected, parse_body

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_each_rss_item_becomes_a_bulletin_with_its_guid_date_link_and_text():
    first, second, third = parse_body(feed("harbour-desk.rss"), "application/rss+xml", "harbour-desk")
    assert first.source == "harbour-desk"
    assert first.external_id == "harbour-desk-2024-0613-001"
    assert first.published_at.isoformat() == "2024-06-13T09:30:00+02:00"  # the feed's own offset is kept
    assert first.url == "https://harbour-desk.example.org/2024/06/13/ferry-suspended"
    assert first.language == "en"
    lead, body = first.all_items()
    assert lead.text == "Ferry service suspended at Port Elin"
    assert body.text == (
        "The harbour authority suspended the morning ferry on Wednesday after gale warnings.\n"
        "Crossings will resume on Friday, officials said."
    )
    assert second.external_id == "https://harbour-desk.example.org/2024/06/13/fleet-returns"
    assert third.all_items()[1].text == "Crews cleared the landslide on the coastal road on Tuesday night."


def test_each_atom_entry_becomes_a_bulletin_with_its_id_and_published_or_updated_date():
    first, second = parse_body(feed("valley-notes.atom"), "application/atom+xml", "valley")
    assert first.external_id == "tag:valley-notes.example.net,2024:entry-101"
    assert first.published_at.isoformat() == "2024-06-14T06:15:00+03:00"
    assert first.url == "https://valley-notes.example.net/2024/06/14/dam-inspection"
    assert [i.text for i in first.all_items()] == [
        "Dam inspection finds no damage",
        "Engineers inspected the upper dam on Thursday and reported no damage.",
    ]
    assert second.published_at.isoformat() == "2024-06-13T15:00:00+00:00"
    assert "Saturday instead of Friday" in second.all_items()[1].text


def test_without_a_source_the_feed_link_host_names_it():
    records = feed_records(feed("valley-notes.atom"), None)
    assert {r["source"] for r in records} == {"valley-notes.example.net"}


@pytest.mark.parametrize("media_type", ["application/rss+xml", "application/atom+xml", "application/xml", "text/xml"])
def test_every_xml_media_type_reads_feeds(media_type):
    assert len(parse_body(feed("harbour-desk.rss"), media_type, "desk")) == 3


@pytest.mark.parametrize("name", ["billion-laughs.rss", "external-entity.atom"])
def test_entity_declarations_are_refused_before_feedparser_sees_them(name, monkeypatch):
    import feedparser

    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: pytest.fail("feedparser reached"))
    with pytest.raises(ParseError) as error:
        parse_body(feed(name), "application/rss+xml", "desk")
    assert error.value.status == 422 and "unsafe XML refused" in error.value.reason


def test_an_external_dtd_is_refused_not_fetched():
    doc = b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd"><rss version="2.0"><channel>' \
          b"<title>t</title><item><title>Quiet day</title><guid>g1</guid><pubDate>Thu, 13 Jun 2024 09:30:00 +0000</pubDate>" \
          b"</item></channel></rss>"
    with pytest.raises(ParseError, match="ExternalReferenceForbidden"):
        parse_body(doc, "application/rss+xml", "desk")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<rss><channel>", "malformed XML"),
        (b"not xml at all", "malformed XML"),
        (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>\xff</title></channel></rss>', "malformed XML"),
        (b"<html><body>hello</body></html>", "not an RSS 2.0 or Atom feed"),
    ],
)
def test_documents_that_are_not_feeds_are_refused_with_a_reason(body, reason):
    with pytest.raises(ParseError, match=reason):
        parse_body(body, "application/xml", "desk")


def test_a_feed_without_source_or_link_asks_for_a_source():
    doc = b'<rss version="2.0"><channel><title>t</title><item><title>x</title></item></channel></rss>'
    with pytest.raises(ParseError) as error:
        parse_body(doc, "application/rss+xml")
    assert error.value.field == "source"


def test_a_feed_link_that_is_no_url_asks_for_a_source():
    doc = (
        b'<rss version="2.0"><channel><title>t</title><link>http://[oops</link>'
        b"<item><title>x</title><pubDate>Thu, 13 Jun 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    with pytest.raises(ParseError) as error:
        parse_body(doc, "application/rss+xml")
    assert error.value.field == "source"
    assert parse_body(doc, "application/rss+xml", "desk")[0].source == "desk"


def test_an_entry_without_a_date_is_rejected_alone():
    doc = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>Dated</title><guid>a</guid><pubDate>Thu, 13 Jun 2024 09:30:00 +0000</pubDate></item>"
        b"<item><title>Undated</title><guid>b</guid></item></channel></rss>"
    )
    dated, undated = parse_body(doc, "application/rss+xml", "desk")
    assert isinstance(dated, Bulletin)
    assert isinstance(undated, Rejected) and undated.errors[0]["field"] == "published_at"


def test_a_latin_1_feed_is_read_in_its_declared_encoding():
    doc = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\xe9 reopens</title><guid>c</guid><pubDate>Thu, 13 Jun 2024 09:30:00 +0000</pubDate></item>"
        "</channel></rss>"
    ).encode("latin-1")
    (only,) = parse_body(doc, "application/rss+xml", "desk")
    assert only.all_items()[0].text == "Caf\xe9 reopens"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One.</p><p>Two &amp; three.</p>", "One.\nTwo & three."),
        ("plain   words", "plain words"),
        ("<b>bold</b> and <i>italic</i><br/>next", "bold and italic\nnext"),
        ("", ""),
    ],
)
def test_plain_text_keeps_the_words_one_paragraph_per_line(html, text):
    assert plain_text(html) == text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_records_or_a_feed_error(body):
    try:
        records = feed_records(body, "desk")
    except FeedError:
        return
    assert all(record["source"] == "desk" for record in records)


# feedparser "repairs" text that reads like UTF-8 decoded as Latin-1 ("Â¡" becomes "¡"), so titles here leave out
# the Latin-1 letters that start such pairs; found by this property, kept as a known feedparser behaviour.
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="".join(map(chr, range(0xC2, 0xF5)))),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(words, st.integers(1, 10_000)), min_size=1, max_size=8, unique_by=lambda t: t[1]))
def test_any_generated_rss_feed_round_trips_titles_and_guids(entries):
    items = "".join(
        f"<item><title>{escape(title)}</title><guid>id-{n}</guid><pubDate>Thu, 13 Jun 2024 09:30:00 +0000</pubDate></item>"
        for title, n in entries
    )
    doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    records = feed_records(doc.encode(), "desk")
    assert [r["external_id"] for r in records] == [f"id-{n}" for _, n in entries]
    assert [r.get("lead") for r in records] == [" ".join(title.split()) or None for title, _ in entries]
