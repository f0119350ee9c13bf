"""Dated events on hand-written news text."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse.time.events import Event, article_events, timex_date


@pytest.fixture(scope="module")
def nlp() -> Any:
    from storyline.analyse.lang.nlp import load_nlp

    return load_nlp()


def _events(nlp: Any, text: str, published: str | None = "2024-07-02") -> list[Event]:
    return article_events(nlp(text), published)


def test_events_past_verb_with_month(nlp: Any) -> None:
    text = "Mr Lammy met the campaign manager Chris LaCivita in Washington in May."
    (ev,) = _events(nlp, text)
    assert ev.date == "2024-05"
    assert ev.relation == "on"
    assert ev.timex is not None and text[ev.timex[0] : ev.timex[1]] == "May"
    assert "LaCivita" in ev.summary
    assert text[ev.start : ev.end] == ev.text


def test_events_year_and_relative_weekend(nlp: Any) -> None:
    text = (
        "In 2018, he called the former president a sociopath.\n\n"
        "Last weekend, Mr Lammy held calls with senator Lindsay Graham."
    )
    evs = _events(nlp, text)
    assert [e.date for e in evs] == ["2018", "2024-06-29"]


def test_events_present_perfect_is_on_or_before_publication(nlp: Any) -> None:
    text = "Mr Trump's team has filed an official complaint with US federal election authorities."
    (ev,) = _events(nlp, text, "2024-10-24")
    assert (ev.date, ev.relation, ev.timex) == ("2024-10-24", "on-or-before", None)


def test_events_future_negated_and_quoted_are_not_events(nlp: Any) -> None:
    text = (
        "The party will publish its manifesto on Friday.\n\n"
        "Sir Keir has not spoken to Mr Trump since September.\n\n"
        "“We met them in May and it went well,” he said.\n\n"
        "Labour has been in power for 14 years."
    )
    # Lead sentences are summary candidates for the publication day, not events.
    assert [e for e in _events(nlp, text) if e.method != "events.lead"] == []


def test_events_scheduled_event_noun(nlp: Any) -> None:
    text = "Labour is campaigning hard ahead of the general election on Thursday, July 4."
    evs = _events(nlp, text)
    assert any(e.date == "2024-07-04" for e in evs)


def test_events_no_published_date_keeps_absolute_dates_only(nlp: Any) -> None:
    text = "The company has confirmed the deal. The war began in February 2022."
    evs = _events(nlp, text, None)
    assert [e.date for e in evs] == ["2022-02"]


def test_events_inferred_date_is_flagged(nlp: Any) -> None:
    text = "The company has confirmed the takeover of its rival."
    (ev,) = article_events(nlp(text), "2024-03-01", published_inferred=True)
    assert "inferred" in ev.method


def test_events_json_round_trip(nlp: Any) -> None:
    (ev,) = _events(nlp, "Mr Lammy met Chris LaCivita in Washington in May.")
    assert Event.from_json(ev.to_json()) == ev


def test_events_timex_values_map_to_precision() -> None:
    assert timex_date("2024-10-24T22:00") == "2024-10-24"
    assert timex_date("2024-W26-WE") == "2024-06-29"
    assert timex_date("2024-W43") == "2024-10"
    assert timex_date("2024-SU") == "2024"
    assert timex_date("XXXX-11-05") is None
    assert timex_date("PRESENT_REF") is None


def test_events_lead_sentence_without_date_is_a_lead_candidate(nlp: Any) -> None:
    text = (
        "Engineers lowered a giant containment dome over the leaking well.\n\n"
        "The company will try again next week.\n\n"
        "“We are confident it works,” a spokesman said.\n\n"
        "Officials praised the crews.\n\n"
        "Fishermen waited in port.\n\n"
        "Prices rose sharply at the pump."
    )
    evs = _events(nlp, text, "2010-05-07")
    leads = [e for e in evs if e.method == "events.lead"]
    assert [e.text for e in leads] == [
        "Engineers lowered a giant containment dome over the leaking well.",
        "Officials praised the crews.",
        "Fishermen waited in port.",
    ]
    assert all(e.date == "2010-05-07" and e.relation == "on-or-before" for e in leads)


def test_events_dated_lead_sentence_is_not_a_lead(nlp: Any) -> None:
    text = "The rig exploded on Tuesday, killing eleven workers."
    evs = _events(nlp, text, "2010-04-22")
    assert [(e.date, e.method) for e in evs] == [("2010-04-20", "events.timex")]


def test_events_day_named_without_event_is_a_mention(nlp: Any) -> None:
    text = (
        "April 26 : Weathered oil is seen on the surface of the gulf near the coast.\n\n"
        "Crews are expected to finish the relief well on May 30.\n\n"
        "“Everything changed on April 20,” a fisherman says."
    )
    evs = _events(nlp, text, "2010-04-27")
    # A day in the future or inside a quotation is no mention.
    assert [(e.date, e.method, e.relation) for e in evs] == [("2010-04-26", "events.mention", "on")]
    assert evs[0].text.startswith("April 26 : Weathered oil")
