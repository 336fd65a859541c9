"""RSS and Atom documents through ingest on a real Redis, over HTTP and with `wirelog push`: re-pushing adds nothing."""

from pathlib import Path

import pytest

from services.ingest.app import create_app
from services.push import push_paths
from tests.integration.helpers import events_in, ingest_client, serving

pytestmark = pytest.mark.integration

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
NEW_ENTRY = """    <item>
      <title>Lighthouse keeper retires</title>
      <guid isPermaLink="false">harbour-desk-2024-0614-002</guid>
      <pubDate>Fri, 14 Jun 2024 08:00:00 +0000</pubDate>
      <description>After forty years at Cape Morr, the keeper handed over on Thursday.</description>
    </item>
  </channel>"""


async def test_rss_and_atom_entries_become_bulletins_once(settings, redis):
    rss, atom = (FEEDS / "harbour-desk.rss").read_bytes(), (FEEDS / "valley-notes.atom").read_bytes()
    async with ingest_client(settings) as client:
        first_rss = await client.post("/v1/bulletins?source=harbour", content=rss, headers={"Content-Type": "application/rss+xml"})
        first_atom = await client.post("/v1/bulletins", content=atom, headers={"Content-Type": "application/atom+xml"})
        again_rss = await client.post("/v1/bulletins?source=harbour", content=rss, headers={"Content-Type": "text/xml"})
        again_atom = await client.post("/v1/bulletins", content=atom, headers={"Content-Type": "application/xml"})
        grown = rss.replace(b"  </channel>", NEW_ENTRY.encode())
        third = await client.post("/v1/bulletins?source=harbour", content=grown, headers={"Content-Type": "application/rss+xml"})
    assert (first_rss.json()["accepted"], first_atom.json()["accepted"]) == (3, 2)
    assert (again_rss.json()["duplicate"], again_atom.json()["duplicate"]) == (3, 2)
    assert again_rss.json()["accepted"] == again_atom.json()["accepted"] == 0
    assert (third.json()["accepted"], third.json()["duplicate"]) == (1, 3)
    events = await events_in(redis, settings.streams.raw)
    assert len(events) == 6
    by_id = {e["data"]["external_id"]: e["data"] for e in events}
    dam = by_id["tag:valley-notes.example.net,2024:entry-101"]
    assert dam["source"] == "valley-notes.example.net" and dam["reference_date"] == "2024-06-14"
    assert dam["url"] == "https://valley-notes.example.net/2024/06/14/dam-inspection"
    assert by_id["harbour-desk-2024-0613-001"]["published_at"] == "2024-06-13T09:30:00+02:00"


async def test_an_entity_expansion_feed_is_refused_and_writes_nothing(settings, redis):
    async with ingest_client(settings) as client:
        response = await client.post(
            "/v1/bulletins?source=laughs",
            content=(FEEDS / "billion-laughs.rss").read_bytes(),
            headers={"Content-Type": "application/rss+xml"},
        )
        healthy = await client.get("/readyz")
    assert response.status_code == 422 and "unsafe XML refused" in response.json()["error"]["reason"]
    assert healthy.status_code == 200
    assert await redis.xlen(settings.streams.raw) == 0


def test_wirelog_push_sends_feed_files_and_reports_duplicates_on_the_second_run(settings, redis_url, capsys, tmp_path):
    import redis as redis_py

    for name in ("harbour-desk.rss", "valley-notes.atom"):
        (tmp_path / name).write_bytes((FEEDS / name).read_bytes())
    (tmp_path / "broken.xml").write_bytes((FEEDS / "billion-laughs.rss").read_bytes())
    with serving(create_app(settings)) as url:
        first = push_paths([str(tmp_path)], url=url)
        first_out = capsys.readouterr().out
        second = push_paths([str(tmp_path / "harbour-desk.rss"), str(tmp_path / "valley-notes.atom")], url=url)
        second_out = capsys.readouterr().out
    assert first == 1  # the unsafe feed is a rejection
    assert "accepted 5, duplicates 0, rejected 1" in first_out
    assert "rejected 1: 422 body: unsafe XML refused" in first_out
    assert second == 0 and "accepted 0, duplicates 5, rejected 0" in second_out
    client = redis_py.Redis.from_url(redis_url)
    try:
        assert client.xlen(settings.streams.raw) == 5
    finally:
        client.delete(settings.streams.raw, settings.streams.bulletin_index)
        client.close()
