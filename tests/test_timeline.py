"""Timeline merging, ranking and summarisation on hand-made events."""

from __future__ import annotations

from storyline.analyse.events import Event
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
