"""A reader's corrections to the entity layer, applied to the dossier-shaped corpus sections.

The resolver is wrong sometimes ("US" and "U.S." kept apart, two John Does made one, a ship
taken for a person). A correction is kept as its own record (who made it and when) and applied
after every assembly, so a rebuild never loses it: :func:`apply_corrections` is called at the end
of ``link.corpus`` assembly and by the web application on what the store holds.

Every correction is idempotent and names entities by id: applied twice, or to a corpus where its
entity is gone (the article was removed), it changes nothing, and :func:`stale_corrections` says
which ones found nothing to act on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from storyline.errors import StorylineError
from storyline.store.app import Correction

__all__ = [
    "CORRECTION_KINDS",
    "ENTITY_TYPES",
    "Correction",
    "CorrectionError",
    "apply_corrections",
    "correction",
    "split_entity_id",
    "stale_corrections",
]

CORRECTION_KINDS: tuple[str, ...] = ("merge", "split", "rename", "not_person")
ENTITY_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "NORP", "EVENT", "OTHER")
_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_TEXT = 300
"""A name or alias longer than this is no name: refused rather than stored."""


class CorrectionError(StorylineError):
    """A correction that cannot be made as asked (unknown kind, missing entity, empty name)."""


def correction(
    kind: str,
    entity_id: str,
    *,
    other_id: str | None = None,
    value: str | None = None,
    who: str = "unknown",
    note: str = "",
    id: int = 0,
    created: float | None = None,
) -> Correction:
    """A checked :class:`Correction` (what the web forms and the API build): bad input is a
    :class:`CorrectionError` saying which field is wrong."""
    for name, given in (
        ("kind", kind),
        ("entity_id", entity_id),
        ("other_id", other_id),
        ("value", value),
        ("who", who),
        ("note", note),
    ):
        if given is not None and not isinstance(given, str):
            raise CorrectionError(f"{name} must be text, not {type(given).__name__}")
    if kind not in CORRECTION_KINDS:
        raise CorrectionError(
            f"unknown correction kind {kind!r}; use one of {', '.join(CORRECTION_KINDS)}"
        )
    entity_id = (entity_id or "").strip()
    if not entity_id:
        raise CorrectionError("a correction needs the entity it corrects (entity_id)")
    other = (other_id or "").strip() or None
    text = (value or "").strip() or None
    if text is not None and len(text) > _MAX_TEXT:
        raise CorrectionError(f"value is {len(text)} characters long; at most {_MAX_TEXT}")
    if kind == "merge":
        if other is None:
            raise CorrectionError("merge needs the entity to merge in (other_id)")
        if other == entity_id:
            raise CorrectionError("merge needs two different entities")
    elif kind in ("split", "rename") and text is None:
        raise CorrectionError(
            f"{kind} needs {'the alias to split off' if kind == 'split' else 'the new name'} (value)"
        )
    elif kind == "not_person":
        text = (text or "OTHER").upper()
        if text not in ENTITY_TYPES or text == "PERSON":
            raise CorrectionError(
                f"not_person takes a type among {', '.join(t for t in ENTITY_TYPES if t != 'PERSON')}"
            )
    return Correction(
        id=id,
        kind=kind,  # type: ignore[arg-type]  # checked against CORRECTION_KINDS above
        entity_id=entity_id,
        other_id=other,
        value=text,
        who=(who or "unknown").strip()[:_MAX_TEXT] or "unknown",
        created=time.time() if created is None else created,
        note=(note or "")[:2000],
    )


def split_entity_id(entity_id: str, alias: str) -> str:
    """The id of the entity a split makes: stable, so that the same split applied after every
    rebuild makes the same entity (and links to it keep working)."""
    slug = _SLUG.sub("-", alias.lower()).strip("-") or "x"
    return f"{entity_id}~{slug}"


def _entities_by_id(sections: Mapping[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {str(e.get("id")): e for e in sections.get("entities", [])}


def stale_corrections(
    sections: Mapping[str, list[dict[str, Any]]], corrections: Iterable[Correction]
) -> list[Correction]:
    """The corrections that name an entity these sections do not hold (before applying)."""
    ids = set(_entities_by_id(sections))
    out = []
    for c in corrections:
        if c.entity_id not in ids or (c.kind == "merge" and c.other_id not in ids):
            out.append(c)
    return out


def apply_corrections(
    corpus_sections: dict[str, list[dict[str, Any]]], corrections: Sequence[Correction]
) -> None:
    """Apply ``corrections`` in order (by their ``id``, oldest first) to the dossier-shaped
    sections ``entities``, ``quotes``, ``quote_groups``, ``timeline`` and ``stories``, in place.
    A correction whose entity is not there is skipped."""
    for c in sorted(corrections, key=lambda c: (c.created, c.id)):
        entities = _entities_by_id(corpus_sections)
        target = entities.get(c.entity_id)
        if target is None:
            continue
        if c.kind == "merge":
            other = entities.get(c.other_id or "")
            if other is not None and other is not target:
                _merge(corpus_sections, target, other)
        elif c.kind == "rename" and c.value:
            _rename(corpus_sections, target, c.value)
        elif c.kind == "not_person":
            target["type"] = c.value or "OTHER"
        elif c.kind == "split" and c.value:
            _split(corpus_sections, target, c.value)


def _union(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for x in (*a, *b):
        seen.setdefault(x, None)
    return list(seen)


def _merge(
    sections: dict[str, list[dict[str, Any]]], target: dict[str, Any], other: dict[str, Any]
) -> None:
    tid, oid = str(target["id"]), str(other["id"])
    names = [other.get("name"), *other.get("aliases", [])]
    target["aliases"] = sorted(str(x) for x in _union(target.get("aliases", []), names) if x)
    roles = list(target.get("roles", [])) + [
        r for r in other.get("roles", []) if r not in target.get("roles", [])
    ]
    roles.sort(key=lambda r: (r.get("date") or "9999", r.get("title") or ""))
    target["roles"] = roles
    for key in ("mentions", "quotes"):
        if key in target or key in other:
            target[key] = int(target.get(key) or 0) + int(other.get(key) or 0)
    if "article_ids" in target or "article_ids" in other:
        target["article_ids"] = _union(target.get("article_ids", []), other.get("article_ids", []))
    if "media" in target or "media" in other:  # whether it is a news outlet or agency
        target["media"] = bool(target.get("media")) or bool(other.get("media"))
    sections["entities"] = [e for e in sections.get("entities", []) if e is not other]
    _reattribute(sections, lambda q: q.get("speaker_entity_id") == oid, target)
    for entry in (*sections.get("timeline", []), *sections.get("stories", [])):
        ids = entry.get("entity_ids")
        if isinstance(ids, list) and oid in ids:
            entry["entity_ids"] = _union([tid if i == oid else i for i in ids], [])


def _rename(sections: dict[str, list[dict[str, Any]]], target: dict[str, Any], name: str) -> None:
    old = target.get("name")
    if old == name:
        return
    target["name"] = name
    aliases = list(target.get("aliases", []))
    if old and old not in aliases:
        aliases.append(old)
    target["aliases"] = sorted(aliases)
    _reattribute(sections, lambda q: q.get("speaker_entity_id") == target["id"], target)


def _split(sections: dict[str, list[dict[str, Any]]], target: dict[str, Any], alias: str) -> None:
    new_id = split_entity_id(str(target["id"]), alias)
    if any(e.get("id") == new_id for e in sections.get("entities", [])):
        return
    folded = alias.casefold()
    target["aliases"] = [a for a in target.get("aliases", []) if str(a).casefold() != folded]

    def through_alias(q: Mapping[str, Any]) -> bool:
        span = q.get("speaker_span") or {}
        return q.get("speaker_entity_id") == target["id"] and (
            str(span.get("text", "")).casefold() == folded
        )

    moved = [q for q in sections.get("quotes", []) if through_alias(q)]
    new: dict[str, Any] = {
        "id": new_id,
        "name": alias,
        "type": target.get("type", "OTHER"),
        "aliases": [alias],
        "roles": [],
        "mentions": len(moved),
    }
    if "article_ids" in target:
        new["article_ids"] = sorted({str(q.get("article_id")) for q in moved})
    if "media" in target:
        new["media"] = bool(target["media"])
    if "quotes" in target:
        new["quotes"] = len(moved)
        target["quotes"] = max(0, int(target.get("quotes") or 0) - len(moved))
    target["mentions"] = max(0, int(target.get("mentions") or 0) - len(moved))
    sections.setdefault("entities", []).append(new)
    _reattribute(sections, through_alias, new)


def _reattribute(
    sections: dict[str, list[dict[str, Any]]], which: Any, entity: Mapping[str, Any]
) -> None:
    """Give the quotes ``which`` selects to ``entity`` (id and name), and rename the speaker of
    the quote groups they belong to."""
    groups = {g.get("id"): g for g in sections.get("quote_groups", [])}
    for q in sections.get("quotes", []):
        if which(q):
            q["speaker_entity_id"] = entity["id"]
            q["speaker"] = entity["name"]
            group = groups.get(q.get("group_id"))
            if group is not None:
                group["speaker"] = entity["name"]
