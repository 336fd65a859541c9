"""Tense of the clause around a date mention: tells the resolver whether a bare weekday or month looks back or ahead."""

from __future__ import annotations

import re

from services.normalize.temporal.sentences import CLAUSE_BREAK, SentenceIndex

_FUTURE = r"will|would|shall|may|might|until|soon|won't|wo\s+n't|'ll|’ll|going\s+to|due\s+to|set\s+to|expected|scheduled|plans?\s+to|planning\s+to|planned\s+for|next|upcoming|coming"
_PAST_IRREGULAR = (
    "said|says|told|was|were|had|did|met|came|went|took|gave|made|held|began|fell|rose|left|sent|won|lost|hit|struck|"
    "shot|fought|saw|found|knew|spoke|wrote|ran|led|fled|brought|bought|sold|thought|felt|kept|became|broke|chose|drove|"
    "flew|grew|hung|laid|paid|rang|sat|stood|stole|swore|taught|threw|understood|woke|wore|withdrew|overtook|sank|"
    "slid|spent|stuck|swept|tore|undertook|upheld|wound|last|ago|earlier|previously|already|yesterday"
)
# -ed words that are not past events ("need", "based", "united"), or that already count as future cues.
_NOT_PAST = {"need", "needed", "speed", "seed", "feed", "bed", "red", "shed", "proceed", "exceed", "succeed", "based",
             "united", "related", "limited", "interested", "concerned", "scheduled", "expected", "planned", "armed",
             "detailed", "supposed", "advanced", "embed", "hundred", "indeed", "breed", "weed", "reed", "led"}
_NOT_VERB_AFTER_TO = {"the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these",
                      "those", "be", "date", "power", "office", "court", "war", "talks"}
_CUE = re.compile(
    rf"\b(?P<future>{_FUTURE})\b|\bto\s+(?P<infinitive>[a-z]+)\b|\b(?P<past>{_PAST_IRREGULAR})\b|\b(?P<weak>[a-z]{{3,}}ed)\b",
    re.IGNORECASE,
)
_WINDOW = 90
# A participle right after a form of "be" ("will be released") takes its tense from the auxiliary.
_AUXILIARY = re.compile(r"\b(?:be|been|being|is|are)\s+$", re.IGNORECASE)
_AFTER_BREAK = re.compile(CLAUSE_BREAK.pattern + "|,")


def _clause(text: str, sentences: SentenceIndex, start: int, end: int) -> tuple[str, str]:
    """Text of the clause before and after the mention (bounded, so long sentences stay cheap)."""
    sentence_start, sentence_end = sentences.bounds(start)
    before = text[max(sentence_start, start - _WINDOW) : start]
    after = text[end : min(sentence_end, end + _WINDOW)]
    breaks = list(CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    # After the mention a comma usually opens an attribution (", officials said"), which says nothing of its tense.
    cut = _AFTER_BREAK.search(after)
    if cut:
        after = after[: cut.start()]
    return before, after


def _cues(fragment: str) -> list[tuple[str, str]]:
    """(tense, strength) for each cue in reading order; an infinitive is only a weak hint of the future."""
    found = []
    for match in _CUE.finditer(fragment):
        if match.group("future"):
            found.append(("future", "strong"))
        elif match.group("infinitive"):
            verb = match.group("infinitive").lower()
            if verb not in _NOT_VERB_AFTER_TO and not (verb.endswith("s") and not verb.endswith("ss")):
                found.append(("future", "weak"))
        elif match.group("past"):
            found.append(("past", "strong"))
        elif match.group("weak").lower() not in _NOT_PAST and not _AUXILIARY.search(fragment, 0, match.start()):
            found.append(("past", "strong"))
    return found


def tense_around(text: str, sentences: SentenceIndex, start: int, end: int) -> str | None:
    """'past', 'future' or None: the nearest verb cue before the mention, else after it, else an infinitive."""
    before, after = _clause(text, sentences, start, end)
    before_cues = list(reversed(_cues(before)))
    after_cues = _cues(after)
    for tense, strength in before_cues + after_cues:
        if strength == "strong":
            return tense
    for tense, _ in before_cues + after_cues:
        return tense
    return None
