"""Sentence and clause bounds of an item, so dates are anchored and tensed within the sentence they sit in."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# A full stop ends a sentence unless it closes a common abbreviation ("Sept. 30", "Mr. Putin", "U.S. forces").
_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*")
_ABBREVIATION = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|mr|mrs|ms|dr|st|gen|lt|col|capt|sgt|sen|rep|gov|pres"
    r"|inc|corp|co|ltd|jr|sr|no|vs|prof|rev|ft|mt)|\b[A-Z]|\.[A-Za-z])\.$",
    re.IGNORECASE,
)
CLAUSE_BREAK = re.compile(r"[;:—–\"“”()\[\]]|\s-\s")


class SentenceIndex:
    """Start offsets of the sentences of one text, looked up by bisection."""

    def __init__(self, text: str) -> None:
        starts = [0]
        for match in _END.finditer(text):
            head = text[max(0, match.start() - 6) : match.start() + 1]
            if text[match.start()] == "." and _ABBREVIATION.search(head):
                continue
            starts.append(match.end())
        self.starts = starts
        self.length = len(text)

    def bounds(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        end = self.starts[index + 1] if index + 1 < len(self.starts) else self.length
        return self.starts[index], end

    def same_sentence(self, first: int, second: int) -> bool:
        return bisect_right(self.starts, first) == bisect_right(self.starts, second)

    def sentence_number(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


@lru_cache(maxsize=64)
def sentence_index(text: str) -> SentenceIndex:
    """The SentenceIndex of `text`, built once although both the tagger and the event-date chooser read it."""
    return SentenceIndex(text)
