"""Timeline merging, ranking and summarisation on hand-made events."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.analyse.time.events import Event
from storyline.link import timeline as timeline_mod
from storyline.link.timeline import build_timeline, infer_published


def _ev(
    text: str,
    date: str,
    start: int = 0,
    relation: str = "on",
    conf: float = 0.8,
    method: str = "events.timex",
) -> Event:
    return Event(
        start, start + len(text), text, date, relation, None, text, ((0, 5),), conf, method
    )


def test_timeline_same_event_from_two_outlets_is_one_entry() -> None:
    a = _ev(
        "Trump's campaign has filed a complaint with federal election officials.",
        "2024-10-24",
        relation="on-or-before",
        method="events.perfect",
    )
    b = _ev(
        "The Trump team filed an official complaint with US federal election authorities.",
        "2024-10-24",
        relation="on-or-before",
        method="events.perfect",
    )
    c = _ev("Starmer had dinner with Trump in New York in September.", "2024-09")
    tl = build_timeline([("a1", "2024-10-24", None, [a]), ("a2", "2024-10-24", None, [b, c])])
    assert [e.date for e in tl] == ["2024-09", "2024-10-24"]
    assert len(tl[1].evidence) == 2
    assert tl[1].relation == "on-or-before"


def test_timeline_duplicate_article_counts_once() -> None:
    a = _ev("The company filed for bankruptcy on Monday.", "2024-01-08")
    tl = build_timeline([("a1", "2024-01-09", None, [a]), ("a2", "2024-01-09", "a1", [a])])
    assert len(tl) == 1 and len(tl[0].evidence) == 1


def test_timeline_participants_are_mapped() -> None:
    a = _ev("Smith resigned as chairman of the bank on Monday.", "2024-01-08")
    tl = build_timeline([("a1", None, None, [a])], participant_ids=lambda aid, span: "e1")
    assert tl[0].participants == ("e1",)


@pytest.fixture
def neutral_priors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Date salience by counting alone: the priors for early, remembered and on-topic days have
    their own tests below."""
    monkeypatch.setattr(timeline_mod, "EARLY_WEIGHT", 0.0)
    monkeypatch.setattr(timeline_mod, "RETRO_WEIGHT", 0.0)
    monkeypatch.setattr(timeline_mod, "OFFTOPIC_POWER", 0.0)
    monkeypatch.setattr(timeline_mod, "SAME_SENTENCE_ONCE", False)


@pytest.mark.usefixtures("neutral_priors")
def test_timeline_max_dates_picks_salient_dates() -> None:
    items = []
    for i in range(5):
        items.append(
            (
                f"x{i}",
                "2024-01-10",
                None,
                [_ev(f"The oil well exploded on the rig, report {i}.", "2024-01-08")],
            )
        )
    items.append(("y", "2024-01-10", None, [_ev("A minor hearing was held today.", "2024-01-03")]))
    items.append(
        ("z", "2024-02-02", None, [_ev("Engineers capped the well at last.", "2024-02-01")])
    )
    items.append(
        ("w", "2024-02-02", None, [_ev("Engineers capped the well for good.", "2024-02-01", 50)])
    )
    tl = build_timeline(items, max_dates=2, max_sentences=1)
    assert [e.date for e in tl] == ["2024-01-08", "2024-02-01"]
    assert all(len(e.evidence) == 1 for e in tl)


def test_timeline_summary_sentences_are_not_redundant() -> None:
    evs = [
        _ev("The oil well exploded on the rig killing eleven workers.", "2024-04-20", 0),
        _ev("The oil well exploded on the rig, killing eleven workers.", "2024-04-20", 100),
        _ev(
            "Coast guard crews searched the gulf for missing workers after the rig exploded.",
            "2024-04-20",
            200,
        ),
    ]
    (entry,) = build_timeline([("a", "2024-04-21", None, evs)], max_dates=1, max_sentences=2)
    assert len(entry.evidence) == 2
    assert "Coast guard" in entry.summary


def test_timeline_is_deterministic_and_sorted() -> None:
    items = [
        (f"a{i}", None, None, [_ev(f"Event number {i} happened there.", f"2024-0{i}-01")])
        for i in range(1, 6)
    ]
    t1 = build_timeline(items)
    t2 = build_timeline(list(reversed(items)))
    assert t1 == t2
    assert [e.date for e in t1] == sorted(e.date for e in t1)


def test_timeline_infer_published_from_shared_news() -> None:
    arts = [
        (
            "d1",
            "2024-10-24",
            "Trump's team has filed an official complaint with federal election "
            "authorities. Starmer spoke in Samoa.",
        ),
        (
            "d2",
            "2024-11-06",
            "Starmer congratulated Trump on his victory. They had dinner in New York in September.",
        ),
        (
            "u",
            None,
            "Mr Trump's team has filed an official complaint with federal election "
            "authorities today. Starmer had dinner in New York.",
        ),
    ]
    assert infer_published(arts) == {"u": "2024-10-24"}


def _lead(text: str, published: str, start: int = 0) -> Event:
    return _ev(text, published, start, "on-or-before", 0.5, "events.lead")


def test_timeline_lead_sentences_are_not_entries_of_the_full_timeline() -> None:
    lead = _lead("Rescuers searched the gulf for the missing crew.", "2024-04-21")
    ev = _ev("The rig exploded on Tuesday night.", "2024-04-20", 100)
    tl = build_timeline([("a", "2024-04-21", None, [lead, ev])])
    assert [e.date for e in tl] == ["2024-04-20"]
    assert all(x.start == 100 for e in tl for x in e.evidence)


def test_timeline_lead_sentences_summarise_the_days_lead_days_cover(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    named = _ev("The rig exploded on Tuesday, officials said on Wednesday.", "2024-04-20", 100)
    lead = _lead(
        "The drilling rig exploded and caught fire in the gulf, killing eleven.", "2024-04-21"
    )
    items = [("a", "2024-04-21", None, [lead, named]), ("b", "2024-04-25", None, [named])]
    # Shipped (chosen by leave-one-topic-out): a lead stands for its publication day only.
    (entry,) = build_timeline(items, max_dates=1, max_sentences=2)
    assert entry.date == "2024-04-20"
    assert {x.start for x in entry.evidence} == {100}
    monkeypatch.setattr(timeline_mod, "LEAD_DAYS", 2)  # and the day before
    (entry,) = build_timeline(items, max_dates=1, max_sentences=2)
    assert {x.start for x in entry.evidence} == {0, 100}


def test_timeline_summaries_keep_to_the_collections_span() -> None:
    old = _ev("The bank collapsed on September 15 in the crash of that year.", "2008-09-15")
    far = [(f"o{i}", "2010-05-03", None, [old]) for i in range(4)]
    new = _ev("The rig exploded on Tuesday night in the gulf, killing eleven.", "2010-04-20")
    items = [*far, ("n", "2010-04-21", None, [new])]
    dates = [e.date for e in build_timeline(items, max_dates=2, max_sentences=1)]
    assert dates == ["2010-04-20"]  # 2008 is named more often, but before the collection
    # The full (unsummarised) timeline keeps background dates.
    assert "2008-09-15" in [e.date for e in build_timeline(items)]


def test_timeline_page_furniture_is_not_an_event() -> None:
    furniture = _ev("Page last updated at 11:42 GMT on Tuesday, 3 May 2011", "2011-05-03")
    news = _ev("Rebels took the port of Misrata on Tuesday after weeks of fighting.", "2011-05-03")
    tl = build_timeline([("a", "2011-05-03", None, [furniture]), ("b", "2011-05-04", None, [news])])
    assert [e.summary for e in tl] == [news.summary]
    assert build_timeline([("a", "2011-05-03", None, [furniture])], max_dates=1) == []


def test_timeline_candidates_are_calendar_days() -> None:
    bad = [_ev(f"The talks resumed {d} in Geneva, diplomats said.", d) for d in ("2011-XX-XX",)]
    good = _ev("The talks resumed on Monday in Geneva, diplomats said.", "2011-05-02")
    tl = build_timeline([("a", "2011-05-03", None, [*bad, good])], max_dates=3, max_sentences=1)
    assert [e.date for e in tl] == ["2011-05-02"]


def test_timeline_publication_day_ranks_above_no_evidence() -> None:
    named = _ev("The rig exploded on Tuesday night in the gulf.", "2024-04-20", 100)
    news = [
        "Engineers lowered a steel dome over the leaking well.",
        "Fishing was banned in federal waters east of the delta.",
        "Volunteers laid booms along the marshes of the bayou.",
    ]
    leads = [
        (f"p{i}", "2024-05-03", None, [_lead(text, "2024-05-03")]) for i, text in enumerate(news)
    ]
    tl = build_timeline([("a", "2024-04-21", None, [named]), *leads], max_dates=3, max_sentences=1)
    dates = [e.date for e in tl]
    assert "2024-04-20" in dates and "2024-05-03" in dates
    # a named day outranks days only publications point at
    (top,) = build_timeline(
        [("a", "2024-04-21", None, [named]), *leads], max_dates=1, max_sentences=1
    )
    assert top.date == "2024-04-20"


def test_timeline_no_sentence_summarises_two_dates() -> None:
    lead = _lead("Engineers lowered a containment dome over the leaking well.", "2024-05-07")
    items = [
        ("a", "2024-05-07", None, [lead]),
        ("b", "2024-05-07", None, [_ev("The dome was lowered on Thursday.", "2024-05-06", 5)]),
        ("c", "2024-05-07", None, [_ev("Crews readied the dome on Wednesday.", "2024-05-05", 5)]),
    ]
    tl = build_timeline(items, max_dates=3, max_sentences=2)
    starts = [(x.article_id, x.start) for e in tl for x in e.evidence]
    assert len(starts) == len(set(starts))


def test_timeline_example_key_rule() -> None:
    from eval.timeline import example_matches, key_in

    assert key_in(
        "met the former president's campaign manager",
        "He met the former president’s campaign manager.",
    )
    assert key_in("congratulated Donald Trump", "Starmer congratulated Mr Donald Trump today")
    assert not key_in("guilty verdict", "the verdict was not guilty")
    gold: list[dict[str, Any]] = [
        {"date": "2024-09", "key": "New York", "articles": 2},
        {"date": "2018", "key": "called the former president"},
    ]
    timeline: list[dict[str, Any]] = [
        {"date": "2024-09", "evidence": [{"article_id": "a", "text": "dinner in New York"}]},
        {
            "date": "2018-05",
            "evidence": [{"article_id": "a", "text": "he called the former president"}],
        },
    ]
    assert [ok for _, ok in example_matches(timeline, gold)] == [False, False]
    timeline[0]["evidence"].append({"article_id": "b", "text": "travelled to New York"})
    timeline[1]["date"] = "2018"
    assert [ok for _, ok in example_matches(timeline, gold)] == [True, True]


def _mention(text: str, date: str, start: int = 0) -> Event:
    return _ev(text, date, start, "on", 0.3, "events.mention")


def test_timeline_mentions_count_for_salience_but_are_not_entries() -> None:
    named = _ev("The rig exploded on Tuesday night in the gulf.", "2024-04-20", 100)
    captions = [
        (f"c{i}", "2024-05-10", None, [_mention(f"May {i + 5} : {text}", "2024-05-06")])
        for i, text in enumerate(
            [
                "Crews lower a containment dome over the leaking well.",
                "The dome is seen on the deck of the supply ship.",
                "Workers ready the dome at the port of Fourchon.",
            ]
        )
    ]
    items = [("a", "2024-04-21", None, [named]), *captions]
    assert [e.date for e in build_timeline(items)] == ["2024-04-20"]
    (top,) = build_timeline(items, max_dates=1, max_sentences=2)
    assert top.date == "2024-05-06"
    assert len(top.evidence) == 2


@pytest.mark.usefixtures("neutral_priors")
def test_timeline_summary_prefers_sentences_on_the_story_topic() -> None:
    day = "2024-05-06"
    off = _ev("The home team won the football cup final in Madrid that night.", day)
    on = _ev("The oil spill from the leaking well reached the Louisiana marshes.", day)
    story = [
        _ev("Oil from the leaking well spread across the gulf after the spill.", "2024-04-25"),
        _ev("The spill of oil from the well fouled Louisiana beaches and marshes.", "2024-05-01"),
    ]
    items = [
        ("a1", day, None, [off]),
        ("a2", day, None, [on]),
        ("b1", "2024-04-25", None, story[:1]),
        ("b2", "2024-05-01", None, story[1:]),
    ]
    (entry,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert entry.date == day
    assert entry.summary == on.text


def test_timeline_entry_summary_from_a_main_clause_on_the_entry_date() -> None:
    side = _ev("When Starmer had dinner with Trump in New York in September", "2024-09")
    main = _ev("Starmer had dinner with Trump in New York in September", "2024-09")
    tl = build_timeline([("a1", "2024-10-24", None, [side]), ("a2", "2024-11-06", None, [main])])
    (entry,) = tl
    assert len(entry.evidence) == 2
    assert entry.summary == "Starmer had dinner with Trump in New York in September"


def test_timeline_entry_summary_is_a_member_with_the_entry_date() -> None:
    day = _ev("the general election on Thursday", "2024-07-04", method="events.scheduled")
    month = _ev(
        "the Nato conference in Washington, which begins five days after the general election",
        "2024-07",
        start=100,
        conf=0.9,
        method="events.scheduled",
    )
    tl = build_timeline([("a1", "2024-07-02", None, [day, month])])
    on_day = [e for e in tl if e.date == "2024-07-04"]
    assert on_day and on_day[0].summary == "the general election on Thursday"


def test_timeline_collection_span_reads_quantiles_not_extremes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    days = [dt.date(2010, 5, 1) + dt.timedelta(days=i) for i in range(50)]
    stray = [dt.date(1999, 1, 1), dt.date(2019, 1, 1)]  # a misdated record, an archive page
    monkeypatch.setattr(timeline_mod, "SPAN_QUANTILE", 0.02)
    assert timeline_mod.collection_span([*stray, *days]) == (days[0], days[-1])
    # The story's first article, three weeks before the bulk, stays inside.
    opening = dt.date(2010, 4, 10)
    assert timeline_mod.collection_span([opening, *stray, *days]) == (opening, days[-1])
    monkeypatch.setattr(timeline_mod, "SPAN_QUANTILE", 0.0)
    assert timeline_mod.collection_span([*stray, *days]) == (stray[0], stray[1])
    assert timeline_mod.collection_span([]) is None


@pytest.mark.usefixtures("neutral_priors")
def test_timeline_a_day_later_articles_remember_outranks_a_day_reported_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blast = _ev("The rig exploded on April 20, killing eleven workers.", "2010-04-20")
    hearing = _ev("The committee held a hearing on May 12 on the spill.", "2010-05-12")
    # Two articles of the day name the hearing; two written weeks later remember the blast.
    items = [
        ("h1", "2010-05-12", None, [hearing]),
        ("h2", "2010-05-13", None, [hearing]),
        ("b1", "2010-06-01", None, [blast]),
        ("b2", "2010-06-02", None, [blast]),
        ("h3", "2010-05-12", None, [hearing]),
    ]
    monkeypatch.setattr(timeline_mod, "EARLY_WEIGHT", 0.0)
    monkeypatch.setattr(timeline_mod, "RETRO_WEIGHT", 0.0)
    monkeypatch.setattr(timeline_mod, "SPAN_MARGIN_DAYS", 30)  # the blast is inside the span
    (top,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert top.date == "2010-05-12"  # three reports beat two memories
    monkeypatch.setattr(timeline_mod, "RETRO_WEIGHT", 1.0)
    (top,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert top.date == "2010-04-20"


@pytest.mark.usefixtures("neutral_priors")
def test_timeline_off_topic_articles_count_less(monkeypatch: pytest.MonkeyPatch) -> None:
    spill = [
        "Oil from the spill reached the marshes of Louisiana as BP engineers fought the leak.",
        "BP engineers tried again to cap the leaking well as oil spread across the gulf.",
        "The oil spill from the BP well spread east as engineers prepared a new cap.",
        "BP said the oil leak from its gulf well had slowed after engineers fitted a cap.",
        "Engineers for BP lowered a cap onto the leaking well as oil reached the marshes.",
        "Oil kept spreading in the gulf while BP engineers worked on the leaking well.",
    ]
    # Three reports of the spill name one day, three more name other days of it.
    items = [
        (f"s{i}", "2010-06-05", None, [_ev(t, "2010-06-01" if i < 3 else f"2010-06-0{i}")])
        for i, t in enumerate(spill)
    ]
    # Four pages about other things name another day.
    other = [
        "The football club signed a striker on June 2 for a record fee, its manager said.",
        "A new bakery opened downtown on June 2, selling bread and cakes to shoppers.",
        "The council approved a budget for schools and parks on June 2 after a long debate.",
        "A jazz festival drew crowds to the riverside on June 2 despite the heavy rain.",
    ]
    items += [(f"o{i}", "2010-06-05", None, [_ev(t, "2010-06-02")]) for i, t in enumerate(other)]
    monkeypatch.setattr(timeline_mod, "EARLY_WEIGHT", 0.0)
    monkeypatch.setattr(timeline_mod, "OFFTOPIC_POWER", 0.0)
    (top,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert top.date == "2010-06-02"  # four off-topic pages outvote three reports
    monkeypatch.setattr(timeline_mod, "OFFTOPIC_POWER", 2.0)
    (top,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert top.date == "2010-06-01"


@pytest.mark.usefixtures("neutral_priors")
def test_timeline_early_days_of_the_collection_weigh_more(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _ev("The rig exploded on April 20, killing eleven workers.", "2010-04-20")
    late = _ev("The relief well finally sealed the well on September 19.", "2010-09-19")
    items = [
        ("a", "2010-04-21", None, [first]),
        ("b", "2010-09-20", None, [late]),
        ("c", "2010-09-21", None, [late]),
    ]
    # The collection's other articles, published in between, name no day.
    news = "Clean-up crews worked along the coast as the fishing ban stayed in place."
    items += [
        (f"m{k}", f"2010-0{k}-15", None, [_lead(news, f"2010-0{k}-15")]) for k in range(5, 10)
    ]
    monkeypatch.setattr(timeline_mod, "RETRO_WEIGHT", 0.0)
    monkeypatch.setattr(timeline_mod, "EARLY_WEIGHT", 0.0)
    assert build_timeline(items, max_dates=1, max_sentences=1)[0].date == "2010-09-19"
    monkeypatch.setattr(timeline_mod, "EARLY_WEIGHT", 3.0)
    assert build_timeline(items, max_dates=1, max_sentences=1)[0].date == "2010-04-20"


def test_timeline_summary_survives_odd_dates_and_publications() -> None:
    odd = [
        _ev("The archive opened on the first day of the calendar.", "0001-01-01"),
        _ev("The vault will be sealed until the end of all days.", "9999-12-31"),
        _ev("The talks resumed in the spring of that year in Geneva.", "2011"),
        _ev("The ship sailed from the port in May that year, its log says.", "2011-05"),
    ]
    lead = _lead("Rescuers searched the gulf for the missing crew.", "0001-01-01")
    items = [
        ("a", None, None, odd),
        ("b", "0001-01-01", None, [lead, odd[0]]),
        ("c", "9999-12-31", None, [odd[1]]),
        ("d", "not a date", None, odd[2:]),
        ("e", "2011-05-03", "e", []),
    ]
    # Neither the summaries nor the full timeline may raise; what comes out is a real date.
    for tl in (
        build_timeline(items),
        *(build_timeline(items, max_dates=n, max_sentences=2) for n in (None, 1, 5)),
    ):
        assert all(len(e.date) in (4, 7, 10) and e.date[:4].isdigit() for e in tl)


@pytest.mark.usefixtures("neutral_priors")
def test_timeline_a_sentence_reprinted_under_several_ids_counts_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copied = _ev("On April 16, four days before the blast, a manager left the rig.", "2010-04-16")
    told = [
        _ev("The rig exploded on April 20, killing eleven workers.", "2010-04-20"),
        _ev("Eleven workers died when the rig blew up on April 20.", "2010-04-20"),
    ]
    items = [(f"c{i}", "2010-07-21", None, [copied]) for i in range(3)]
    items += [(f"t{i}", "2010-04-21", None, [ev]) for i, ev in enumerate(told)]
    (top,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert top.date == "2010-04-16"  # three copies outvote two reports
    monkeypatch.setattr(timeline_mod, "SAME_SENTENCE_ONCE", True)
    (top,) = build_timeline(items, max_dates=1, max_sentences=1)
    assert top.date == "2010-04-20"
