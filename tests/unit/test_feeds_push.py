"""`wirelog push` picks the content type from the file name and slices NDJSON so large files go in many requests."""

import pytest

from services.push import NDJSON_SLICE_LINES, requests_for


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.rss", "application/rss+xml"),
        ("a.atom", "application/atom+xml"),
        ("a.xml", "application/xml"),
        ("a.json", "application/json"),
        ("a.txt", "text/plain"),
        ("a.unknown", "text/plain"),
    ],
)
def test_content_type_follows_the_extension(name, content_type):
    ((sent_type, body),) = list(requests_for(name, b"x"))
    assert (sent_type, body) == (content_type, b"x")


@pytest.mark.parametrize(("body", "content_type"), [(b" [1]", "application/json"), (b"<rss/>", "application/xml"), (b"date", "text/plain")])
def test_standard_input_is_sniffed(body, content_type):
    assert next(requests_for("-", body))[0] == content_type


def test_ndjson_goes_in_slices_that_keep_every_line_whole():
    lines = [b'{"n": %d}\n' % n for n in range(NDJSON_SLICE_LINES * 2 + 7)]
    parts = list(requests_for("big.ndjson", b"".join(lines)))
    assert [len(body.splitlines()) for _, body in parts] == [NDJSON_SLICE_LINES, NDJSON_SLICE_LINES, 7]
    assert b"".join(body for _, body in parts) == b"".join(lines)


def test_answers_to_later_slices_name_indexes_and_lines_in_the_whole_file():
    from services.push import in_file

    answer = {"results": [{"index": 0, "status": "accepted", "bulletin_id": "b_1"},
                          {"index": 1, "status": "rejected", "errors": [{"field": "body", "reason": "line 3: malformed JSON: x"}]}]}
    shifted = in_file(answer, lines_before=500, records_before=498)
    assert [result["index"] for result in shifted["results"]] == [498, 499]
    assert shifted["results"][1]["errors"][0]["reason"] == "line 503: malformed JSON: x"
    assert in_file(answer, 0, 0) is answer
