"""tag_dates: one scan of an item's text, each match resolved in reading order so later ones can lean on earlier ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import cast

from schemas import DateMention
from schemas.normalized import Precision
from services.normalize.temporal import anchoring, explicit, relative
from services.normalize.temporal.dateline import dateline_day
from services.normalize.temporal.patterns import SCANNER, spaced
from services.normalize.temporal.scanning import scan
from services.normalize.temporal.resolution import Resolution, Scene
from services.normalize.temporal.sentences import sentence_index

Resolver = Callable[[str, int, int, Scene], Resolution | None]

RESOLVERS: dict[str, Resolver] = {
    "span": relative.span,
    "range_md": explicit.day_range,
    "range_dm": explicit.day_range,
    "range_y": explicit.year_range,
    "iso": explicit.iso,
    "week_of": explicit.week_of,
    "mdy": explicit.month_day,
    "dmy": explicit.month_day,
    "month_year": explicit.month_year,
    "month_rel": relative.month_of_relative_year,
    "half": explicit.half,
    "quarter": explicit.quarter,
    "year_back": anchoring.year_back,
    "quarter_rel": anchoring.quarter_relative,
    "decade": explicit.decade,
    "year_word": anchoring.year_word,
    "season_year": explicit.season_year,
    "rel": relative.relative,
    "day_of": anchoring.day_of,
    "rel_in": relative.relative_in,
    "day_word": relative.day_word,
    "ago": anchoring.year_ago,
    "shift": anchoring.shifted,
    "in_count": relative.in_count,
    "ref": relative.ref_word,
    "year_ref": relative.this_year,
    "holiday": explicit.holiday,
    "year": anchoring.stated_year,
    "month": relative.month,
    "season": relative.season,
    "weekday": relative.weekday,
}


DERIVED_KINDS = frozenset({"shift", "ago", "year_word", "year_back", "in_count"})


def tag_dates(text: str, reference_date: date | None) -> list[DateMention]:
    """Every date expression in `text`, sorted by start, valued against `reference_date` (the bulletin date).

    A dateline at the head of the text overrides the bulletin date: the item was written on the day it states.
    """
    reference_date = dateline_day(text, reference_date) or reference_date
    scene = Scene(text=text, reference=reference_date, sentences=sentence_index(text), found=[])
    taken = 0  # end of the last mention: a scan match inside it ("2023" of "May 16 and 18, 2023") is part of it
    shift_before = False  # the last mention is a shift ("the day before") that a day named next may count from
    for match in scan(text):
        kind = match.lastgroup
        assert kind is not None  # every alternative of the scanner is a named group
        start, end = match.span()
        if start < taken:
            continue
        surface = match.group()
        resolution = RESOLVERS[kind](spaced(surface), start, end, scene)
        if resolution is None:
            continue
        mention = DateMention(
            surface=surface,
            start=start,
            end=end,
            value=resolution.value,
            precision=cast(Precision, resolution.precision),  # a unit word; DateMention checks it
            explicit=resolution.explicit,
            range_start=resolution.range_start,
            range_end=resolution.range_end,
        )
        derived = kind in DERIVED_KINDS or resolution.derived
        # "April 24 and 25 (and 26)": the next days, read off the first as it was named, before a shift counts from it.
        days = [mention]
        while (pair := explicit.conjoined_day(days[-1], text)) is not None:
            days[-1:] = pair
        mention, seconds = days[0], days[1:]
        counted = anchoring.counted_from(scene.found[-1], mention, text) if shift_before and not derived else None
        if counted is not None:
            # One mention counted from a stated day: later ones may count from it in turn.
            scene.found[-1] = counted
            scene.derived.discard(counted.start)
        else:
            if derived:
                scene.derived.add(start)
            scene.found.append(mention)
            if mention.precision == "quarter" and "-Q" in (mention.value or "") and not derived:
                scene.last_quarter = mention  # a calendar quarter ("2022-Q3"), not a season ("2022-SP")
        scene.found += seconds
        shift_before = counted is None and not seconds and kind == "shift"
        taken = scene.found[-1].end
    return scene.found


def kind_of(text: str, start: int) -> str | None:
    """The scanner's name for the expression starting at `start` (the evaluation groups errors by it)."""
    match = SCANNER.match(text, start)
    return match.lastgroup if match else None
