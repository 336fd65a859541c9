"""Tense of the clause around a date mention: tells the resolver whether a bare weekday or month looks back or ahead."""

from __future__ import annotations

import re

from services.normalize.temporal.sentences import CLAUSE_BREAK, SentenceIndex

# "next to" is a place ("the blasts next to the embassies"), not a time ahead.
_FUTURE = (
    r"will|would|shall|may|might|until|soon|effective|won't|wo\s+n't|'ll|’ll|going\s+to|due\s+to|set\s+to|set\s+for|"
    r"expected|scheduled|plans?|planning|planned|next(?!\s+to\b)|upcoming|coming"
)
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
                      "those", "date", "power", "office", "court", "war", "talks"}
# A verb of intention before an infinitive looks ahead whatever its own tense: "agreed to buy ... in February".
_INTENT = re.compile(
    r"\b(?:agree|expect|intend|aim|hope|want|decide|promis|pledg|vow|seek|sought|prepar|threaten|propos|plan|vote)[a-z]*\s+$",
    re.IGNORECASE,
)


def _by_first_letter(alternation: str) -> str:
    """The same alternation with its words grouped by first character, each group keeping its order.

    The regex engine then tries one branch per first letter at a word start instead of every word, and as words with
    different first letters cannot match at the same place, what matches is unchanged.
    """
    groups: dict[str, list[str]] = {}
    for word in alternation.split("|"):
        groups.setdefault(word[0].lower(), []).append(word[1:])
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


# One leading word boundary for all kinds: most positions are mid-word, and fail on it once rather than once per kind.
_CUE = re.compile(
    rf"\b(?:(?P<future>{_by_first_letter(_FUTURE)})\b|to\s+(?P<infinitive>[a-z]+)\b"
    rf"|(?P<past>{_by_first_letter(_PAST_IRREGULAR)})\b|(?P<set>set)\b|(?P<weak>[a-z]{{3,}}ed)\b)",
    re.IGNORECASE,
)
_WINDOW = 90
# How far before the clause window a sentence is read for a cue when none is near.
_HEAD_WINDOW = 300
# "set" is past right after its subject ("Albright set aside her plans"), where the present would be "sets"; after
# "will", "has" or "a fourth" it dates nothing.
_SUBJECT_BEFORE = re.compile(
    r"(?:\b(?!(?:the|a|an|this|that|these|those|its|their|his|her|our|each|every|no|one|another|other|new|whole|full"
    r"|final|next|last|same|first|second|third|fourth|fifth|sixth)\s)(?-i:[A-Z])[\w.'’-]*"
    r"|\b(?:he|she|they|we|it|who))\s+$",
    re.IGNORECASE,
)
# A participle right after a form of "be" ("will be released") takes its tense from the auxiliary.
_AUXILIARY = re.compile(r"\b(?:be|been|being|is|are)\s+$", re.IGNORECASE)
# An -ed word right after a determiner, or a determiner and an adverb, is an adjective ("a still unspecified date",
# "its planned merger", "the hastily planned trip"): it dates nothing, past or future.
_DETERMINER = re.compile(
    r"\b(?:a|an|the|its|their|his|her|our|this|that|these|those|still|newly|previously|recently)\s+(?:[a-z]+ly\s+)?$",
    re.IGNORECASE,
)
_PARTICIPLES = frozenset({"expected", "scheduled", "planned"})
# "guidelines to be published in November": a passive infinitive is something still to happen, and outweighs the past
# verb that reports it ("he added that ..."); after a verb of report or appearance ("said to be held") it dates nothing.
_PASSIVE_AHEAD = re.compile(r"\s+[a-z]+(?:ed|en)\b", re.IGNORECASE)
_HEARSAY = re.compile(
    r"\b(?:said|say|says|believed|thought|known|reported|alleged|appears?|appeared|seems?|seemed|supposed|claimed|"
    r"understood|presumed|feared|rumou?red)\s+$",
    re.IGNORECASE,
)
_REPORT = re.compile(
    r"\b(?:said|says|say|told|tells|tell|announced|announces|reported|reports|added|adds|stated|warned|warns)\b",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
# A clause opening on a limit ("Until Thursday, they had not called him a suspect") that bounds a past state: the limit
# is past too.
_UNTIL_OPENING = re.compile(r"^\s*(?:up\s+)?(?:until|till)\s+$", re.IGNORECASE)
_PAST_STATE = re.compile(r"^\W*(?:\w+\W+){0,4}?(?:had|hadn't|was\s+not|wasn't|were\s+not|weren't|did\s+not|didn't)\b",
                         re.IGNORECASE)
_AFTER_BREAK = re.compile(CLAUSE_BREAK.pattern + "|,")


def _word_start(text: str, at: int, floor: int) -> int:
    """`at`, moved forward past a word it cuts: a window edge must not leave "heduled" (an -ed past) of "scheduled"."""
    while floor < at < len(text) and text[at - 1].isalnum() and text[at].isalnum():
        at += 1
    return at


def _word_end(text: str, at: int, ceiling: int) -> int:
    """`at`, moved back before a word it cuts: "will" of "willing" is no future."""
    while 0 < at < ceiling and text[at - 1].isalnum() and text[at].isalnum():
        at -= 1
    return at


def _clause(text: str, sentences: SentenceIndex, start: int, end: int) -> tuple[str, str, str]:
    """Text of the clause before and after the mention, and of the sentence past that clause (all bounded, in whole
    words)."""
    sentence_start, sentence_end = sentences.bounds(start)
    before = text[_word_start(text, max(sentence_start, start - _WINDOW), sentence_start) : start]
    after = text[end : _word_end(text, min(sentence_end, end + _WINDOW), sentence_end)]
    breaks = list(CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    # After the mention a comma usually opens an attribution (", officials said"), which says nothing of its tense.
    cut = _AFTER_BREAK.search(after)
    beyond = ""
    if cut:
        # A fronted phrase's main clause may run long ("In January, a week after the anniversary of ..., a bomb
        # exploded"): read it to the end of the sentence, twice the usual window at most.
        after_end = end + cut.end()
        beyond = text[after_end : _word_end(text, min(sentence_end, after_end + 2 * _WINDOW), sentence_end)]
        after = after[: cut.start()]
    return before, after, beyond


def _sentence_head(text: str, sentences: SentenceIndex, start: int, window: int) -> str:
    """The sentence before the clause window that ends at `start`, up to its last clause break."""
    sentence_start = sentences.bounds(start)[0]
    if start - window <= sentence_start:
        return ""
    # Bounded, as every window here is: an unpunctuated 100 KB text must not cost a scan from its start per mention.
    head_start = _word_start(text, max(sentence_start, start - window - _HEAD_WINDOW), sentence_start)
    head = text[head_start : _word_end(text, start - window, start)]
    # A verb of report dates its own clause, not the reported one ("Saudi Arabia told oil companies of a cutback in
    # September"): only what follows the last one counts.
    cuts = list(CLAUSE_BREAK.finditer(head)) + list(_REPORT.finditer(head))
    return head[max(cut.end() for cut in cuts) :] if cuts else head


def _cues(fragment: str, enough: int | None = None) -> list[tuple[str, str]]:
    """(tense, strength) for each cue in reading order; an infinitive is only a weak hint of the future.

    With `enough`, stops once that many cues are found: all but the last can no longer be taken back.
    """
    found: list[tuple[str, str]] = []
    last_start = -1  # where the latest cue began, so a verb of intention can be taken back
    for match in _CUE.finditer(fragment):
        # The few words before a cue are enough to tell an auxiliary, a determiner or a verb of intention.
        lead = max(0, match.start() - 24)
        cue = None
        if match.group("future"):
            if match.group("future").lower() not in _PARTICIPLES or not _DETERMINER.search(fragment, lead, match.start()):
                cue = ("future", "strong")
        elif match.group("infinitive"):
            verb = match.group("infinitive").lower()
            intent = _INTENT.search(fragment, lead, match.start())
            if intent:
                if found and last_start == intent.start():
                    found.pop()  # "agreed" was the verb of intention itself, not a past event
                cue = ("future", "strong")
            elif (
                verb == "be"
                and _PASSIVE_AHEAD.match(fragment, match.end())
                and not _HEARSAY.search(fragment, lead, match.start())
            ):
                cue = ("future", "strong")
            elif verb not in _NOT_VERB_AFTER_TO and not (verb.endswith("s") and not verb.endswith("ss")):
                cue = ("future", "weak")
        elif match.group("past"):
            if not _AUXILIARY.search(fragment, lead, match.start()):
                cue = ("past", "strong")
        elif match.group("set"):
            if _SUBJECT_BEFORE.search(fragment, lead, match.start()):
                cue = ("past", "strong")
        elif (
            match.group("weak").lower() not in _NOT_PAST
            and not _AUXILIARY.search(fragment, lead, match.start())
            and not _DETERMINER.search(fragment, lead, match.start())
        ):
            cue = ("past", "strong")
        if cue is not None:
            found.append(cue)
            last_start = match.start()
            if len(found) == enough:
                break
    return found


def tense_around(text: str, sentences: SentenceIndex, start: int, end: int) -> str | None:
    """'past', 'future' or None: the nearest verb cue before the mention, else after it, else an infinitive."""
    before, after, beyond = _clause(text, sentences, start, end)
    if _SINCE.search(before, max(0, len(before) - 12)):
        return "past"  # "since year-end", "since May": the point a span runs from is behind us
    if _UNTIL_OPENING.match(before) and _PAST_STATE.search(after or beyond):
        return "past"
    cues = list(reversed(_cues(before))) + _cues(after)
    if not cues:
        # A fronted phrase ("On Sunday, police said ...") takes the tense of the clause it introduces.
        cues = _cues(beyond)
    if not cues:
        # A long sentence may name its verb far ahead ("it said two new flights would leave ... from March 30, with
        # the third departing each Thursday from August 6"): the nearest cue earlier in the sentence.
        cues = list(reversed(_cues(_sentence_head(text, sentences, start, len(before)))))
    for tense, strength in cues:
        if strength == "strong":
            return tense
    for tense, _ in cues:
        return tense
    return None


def lead_tense(text: str, sentences: SentenceIndex) -> str | None:
    """Tense of the first verb cue of the lead sentence: what a headline says happened, or will."""
    first_end = sentences.bounds(0)[1]
    # The first cue is settled once a second one is found (only the latest cue can be taken back by an infinitive).
    cues = _cues(text[: min(first_end, 300)], enough=2)
    return cues[0][0] if cues else None
