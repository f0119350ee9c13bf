"""The JSON API's response models (OpenAPI at ``/openapi.json``, described at ``/docs``). They
follow the dossier contract's records (``docs/contract.md``); fields may be added."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ArticleHitOut",
    "ArticleOut",
    "ArticleSearchOut",
    "BuildOut",
    "CorrectionOut",
    "EntityOut",
    "ErrorOut",
    "FacetOut",
    "IntakeOut",
    "JobOut",
    "QuoteHitOut",
    "QuoteSearchOut",
    "SavedSearchOut",
    "StoryOut",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorOut(BaseModel):
    error: str


class FacetOut(BaseModel):
    value: str
    label: str
    count: int


class RoleOut(_Open):
    title: str
    date: str | None = None
    article_id: str | None = None


class EntityOut(_Open):
    id: str
    name: str
    type: str
    aliases: list[str] = []
    roles: list[RoleOut] = []
    mentions: int = 0
    article_ids: list[str] = []


class StoryOut(_Open):
    id: str
    title: str
    article_ids: list[str]
    first_date: str | None = None
    last_date: str | None = None
    size: int
    entity_ids: list[str] = []
    outlets: list[str] = []


class QuoteOut(_Open):
    id: str
    article_id: str
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_entity_id: str | None = None
    kind: str
    confidence: float


class QuoteHitOut(BaseModel):
    quote: QuoteOut
    outlet: str | None
    published: str | None
    story_id: str | None
    first_reported: str | None
    first_article_id: str | None
    reported_by: int
    context: str
    link: str
    """The page of the article, the quote marked."""


class QuoteSearchOut(BaseModel):
    total: int
    offset: int
    limit: int
    hits: list[QuoteHitOut]
    facets: dict[str, list[FacetOut]]


class ArticleHitOut(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    """Plain text; highlighted words are between U+E000 and U+E001."""
    score: float
    story_id: str | None
    link: str


class ArticleSearchOut(BaseModel):
    total: int
    offset: int
    limit: int
    hits: list[ArticleHitOut]
    facets: dict[str, list[FacetOut]]


class ArticleOut(_Open):
    id: str
    source: str
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    text: str
    removed: list[dict[str, Any]] = []
    duplicate_of: str | None = None
    current: bool = True


class BuildOut(BaseModel):
    id: int
    started: float
    finished: float | None
    inputs: list[str]
    articles: int
    errors: int


class JobOut(BaseModel):
    id: int
    kind: str
    state: str
    created: float
    started: float | None
    finished: float | None
    stage: str | None
    done: int
    total: int | None
    rate: float | None
    """Items per second in the current stage."""
    eta_s: float | None
    inputs: list[str]
    message: str
    build_id: int | None
    who: str
    log: list[str]


class CorrectionOut(BaseModel):
    id: int
    kind: str
    entity_id: str
    other_id: str | None
    value: str | None
    who: str
    created: float
    note: str


class SavedSearchOut(BaseModel):
    id: int
    name: str
    kind: str
    params: dict[str, str]
    who: str
    created: float
    last_seen: float


class IntakeOut(BaseModel):
    job_id: int | None
    accepted: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
