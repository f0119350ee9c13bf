"""Entity corrections (issue 12) applied to dossier-shaped sections, and the search query
translation: pure functions, no store."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from storyline.link.corrections import (
    CorrectionError,
    apply_corrections,
    correction,
    split_entity_id,
    stale_corrections,
)
from storyline.store.sqlite_app import fts_query


def _sections() -> dict[str, list[dict[str, Any]]]:
    return {
        "entities": [
            {
                "id": "e-us",
                "name": "US",
                "type": "GPE",
                "aliases": ["US"],
                "roles": [],
                "mentions": 3,
                "article_ids": ["a1"],
                "media": False,
                "quotes": 0,
            },
            {
                "id": "e-u-s",
                "name": "U.S.",
                "type": "GPE",
                "aliases": ["U.S."],
                "roles": [],
                "mentions": 2,
                "article_ids": ["a2"],
                "media": False,
                "quotes": 0,
            },
            {
                "id": "e-john-doe",
                "name": "John Doe",
                "type": "PERSON",
                "aliases": ["John Doe", "J. Doe", "the minister"],
                "roles": [{"title": "minister", "date": "2024-01-02", "article_id": "a1"}],
                "mentions": 5,
                "article_ids": ["a1", "a2"],
                "media": False,
                "quotes": 2,
            },
            {
                "id": "e-hms-victory",
                "name": "Victory",
                "type": "PERSON",
                "aliases": ["Victory"],
                "roles": [],
                "mentions": 1,
                "article_ids": ["a2"],
                "media": False,
                "quotes": 0,
            },
        ],
        "quotes": [
            {
                "id": "q1",
                "article_id": "a1",
                "speaker": "John Doe",
                "speaker_entity_id": "e-john-doe",
                "speaker_span": {"start": 0, "end": 8, "text": "John Doe"},
                "group_id": "g1",
            },
            {
                "id": "q2",
                "article_id": "a2",
                "speaker": "John Doe",
                "speaker_entity_id": "e-john-doe",
                "speaker_span": {"start": 0, "end": 12, "text": "the minister"},
                "group_id": None,
            },
        ],
        "quote_groups": [{"id": "g1", "speaker": "John Doe", "quote_ids": ["q1"]}],
        "timeline": [{"id": "t1", "entity_ids": ["e-u-s", "e-john-doe"]}],
        "stories": [{"id": "s1", "entity_ids": ["e-us", "e-u-s"]}],
    }


def _by_id(sections: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in sections["entities"]}


def test_corrections_merge_folds_one_entity_into_the_other() -> None:
    s = _sections()
    apply_corrections(s, [correction("merge", "e-us", other_id="e-u-s", who="ada")])
    ents = _by_id(s)
    assert "e-u-s" not in ents
    us = ents["e-us"]
    assert (
        us["aliases"] == ["U.S.", "US"]
        and us["mentions"] == 5
        and us["article_ids"] == ["a1", "a2"]
    )
    assert s["timeline"][0]["entity_ids"] == ["e-us", "e-john-doe"]
    assert s["stories"][0]["entity_ids"] == ["e-us"]


def test_corrections_rename_keeps_the_old_name_and_renames_speakers() -> None:
    s = _sections()
    apply_corrections(s, [correction("rename", "e-john-doe", value="Jonathan Doe")])
    doe = _by_id(s)["e-john-doe"]
    assert doe["name"] == "Jonathan Doe" and "John Doe" in doe["aliases"]
    assert {q["speaker"] for q in s["quotes"]} == {"Jonathan Doe"}
    assert s["quote_groups"][0]["speaker"] == "Jonathan Doe"


def test_corrections_split_moves_the_alias_and_its_quotes() -> None:
    s = _sections()
    apply_corrections(s, [correction("split", "e-john-doe", value="the minister")])
    ents = _by_id(s)
    new_id = split_entity_id("e-john-doe", "the minister")
    assert new_id == "e-john-doe~the-minister"
    assert ents[new_id]["name"] == "the minister" and ents[new_id]["quotes"] == 1
    assert "the minister" not in ents["e-john-doe"]["aliases"] and ents["e-john-doe"]["quotes"] == 1
    assert (
        s["quotes"][1]["speaker_entity_id"] == new_id
        and s["quotes"][0]["speaker_entity_id"] == "e-john-doe"
    )


def test_corrections_not_a_person_changes_the_type() -> None:
    s = _sections()
    apply_corrections(s, [correction("not_person", "e-hms-victory")])
    assert _by_id(s)["e-hms-victory"]["type"] == "OTHER"
    apply_corrections(s, [correction("not_person", "e-hms-victory", value="org")])
    assert _by_id(s)["e-hms-victory"]["type"] == "ORG"


def test_corrections_are_idempotent_and_skip_what_is_gone() -> None:
    fixes = [
        correction("merge", "e-us", other_id="e-u-s", created=1),
        correction("split", "e-john-doe", value="J. Doe", created=2),
        correction("rename", "e-john-doe", value="Jon Doe", created=3),
        correction("rename", "e-nobody", value="X", created=4),
    ]
    once = _sections()
    apply_corrections(once, fixes)
    twice = copy.deepcopy(once)
    apply_corrections(twice, fixes)
    assert twice == once
    assert [c.entity_id for c in stale_corrections(_sections(), fixes)] == ["e-nobody"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("delete", "e-us"), "unknown correction kind"),
        (("merge", ""), "needs the entity"),
        (("merge", "e-us"), "other_id"),
        (("split", "e-us"), "alias"),
        (("not_person", "e-us", "PERSON"), "not_person takes"),
    ],
)
def test_corrections_bad_input_is_a_clear_error(args: tuple[str, ...], message: str) -> None:
    kind, eid, *value = args
    with pytest.raises(CorrectionError, match=message):
        correction(kind, eid, value=value[0] if value else None)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Starmer", '"Starmer"'),
        ("keir starmer", '"keir" AND "starmer"'),
        ('"daily basis"', '"daily basis"'),
        ("trump OR harris", '("trump" OR "harris")'),
        ("labour -trump", '("labour") NOT "trump"'),
        ("volunt*", '"volunt"*'),
        ('NEAR(a b) col:x "unclosed', '"NEAR a" AND "b" AND "col x" AND "unclosed"'),
        ("-only", None),
        ("***", None),
        ("", None),
    ],
)
def test_serve_search_query_is_always_valid_fts(text: str, query: str | None) -> None:
    assert fts_query(text) == query
