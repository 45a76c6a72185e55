"""Challenges and solutions as the engine's documents: the text it reads, the themes and
maturity it weighs, and the status flags the index keeps beside each one for filtering.

Each builder takes anything with the model's attribute names (an ORM object, or a row of the
same columns when a whole corpus is read at once) and the object's theme ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa

from challenges.models import Challenge, SolutionStageWanted
from marketplace.matches.models import DocumentKind
from marketplace.solutions.models import Solution
from matching.documents import Document

# What a challenge asks for, in the engine's maturity scale.
WANTED_MATURITY = {
    SolutionStageWanted.EARLY_IDEA: "idea",
    SolutionStageWanted.PROTOTYPE: "prototype",
    SolutionStageWanted.PILOTED: "piloted",
    SolutionStageWanted.EVIDENCED: "evidence",
    SolutionStageWanted.DEPLOYABLE_NOW: "market_ready",
}

# The text each kind is matched on, in this order. Any other column can change without
# touching the index.
SOLUTION_TEXT = ("summary", "description", "audience", "evidence")
CHALLENGE_TEXT = (
    "need",
    "affected",
    "outcomes",
    "setting",
    "integration",
    "information_governance",
)


class State:
    """Bit flags of the ``state`` filter kept for every document in the index."""

    SUBMITTED = 1
    PUBLISHED = 2
    WITHDRAWN = 4
    CLOSED = 8
    ARCHIVED = 16


# Columns whose change the index must follow, besides the text (see marketplace.matches.feed).
SOLUTION_WATCHED = ("title", *SOLUTION_TEXT, "maturity", "published_at", "withdrawn_at", "themes")
CHALLENGE_WATCHED = (
    "title",
    *CHALLENGE_TEXT,
    "stage_wanted",
    "submitted_at",
    "published_at",
    "closed_at",
    "withdrawn_at",
    "archived_at",
    "closing_date",
    "themes",
)


def solution_document(solution, theme_ids: Iterable[int]) -> Document:
    """What it is, what it does, who it is for and the evidence behind it."""
    return Document(
        id=str(solution.id),
        kind=DocumentKind.SOLUTION.value,
        title=solution.title,
        text=_joined(solution, SOLUTION_TEXT),
        themes=frozenset(str(t) for t in theme_ids),
        maturity=solution.maturity.value if solution.maturity else None,
        filters={"state": _flags(solution)},
    )


def challenge_document(challenge, theme_ids: Iterable[int]) -> Document:
    """The need, who it affects, the outcomes wanted and the constraints it must work within."""
    closing = challenge.closing_date
    return Document(
        id=str(challenge.id),
        kind=DocumentKind.CHALLENGE.value,
        title=challenge.title,
        text=_joined(challenge, CHALLENGE_TEXT),
        themes=frozenset(str(t) for t in theme_ids),
        maturity=WANTED_MATURITY.get(challenge.stage_wanted),
        filters={"state": _flags(challenge), "closing": closing.toordinal() if closing else 0},
    )


def document_for(obj: Challenge | Solution) -> Document:
    themes = [t.id for t in obj.themes]
    return (
        challenge_document(obj, themes)
        if isinstance(obj, Challenge)
        else solution_document(obj, themes)
    )


def kind_of(obj: Challenge | Solution) -> DocumentKind:
    return DocumentKind.CHALLENGE if isinstance(obj, Challenge) else DocumentKind.SOLUTION


def model_of(kind: DocumentKind) -> type[Challenge] | type[Solution]:
    return Challenge if kind == DocumentKind.CHALLENGE else Solution


def text_columns(kind: DocumentKind) -> list:
    """The columns a document is made of, for reading many at once."""
    table = model_of(kind)
    names = ["id", "title", *(CHALLENGE_TEXT if kind == DocumentKind.CHALLENGE else SOLUTION_TEXT)]
    if kind == DocumentKind.CHALLENGE:
        names += ["stage_wanted", "submitted_at", "published_at", "closed_at", "withdrawn_at"]
        names += ["archived_at", "closing_date"]
    else:
        names += ["maturity", "published_at", "withdrawn_at"]
    return [getattr(table, name) for name in names]


def build(kind: DocumentKind, row, theme_ids: Iterable[int]) -> Document:
    return (challenge_document if kind == DocumentKind.CHALLENGE else solution_document)(
        row, theme_ids
    )


def content_hash(document: Document) -> str:
    """Of the text the vectors are made from; themes, maturity and status are read fresh."""
    return text_hash(document.title, document.text)


def text_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\x1f{text}".encode()).hexdigest()


def hashed_texts(kind: DocumentKind) -> list:
    """The columns ``row_hash`` reads: the id, the title and the text, nothing else."""
    table = model_of(kind)
    names = CHALLENGE_TEXT if kind == DocumentKind.CHALLENGE else SOLUTION_TEXT
    return [table.id, table.title, *(getattr(table, name) for name in names)]


def row_hash(row) -> str:
    """``content_hash`` of a row of ``hashed_texts``, without building a document."""
    _id, title, *parts = row
    return text_hash(title, "\n".join(p for p in parts if p))


def indexable(kind: DocumentKind) -> sa.Select:
    """Everything that can take part in matching: challenges from submission on (the similar-
    challenge prompt and the reviewers see them), solutions once published."""
    if kind == DocumentKind.CHALLENGE:
        return sa.select(Challenge).where(Challenge.submitted_at.is_not(None))
    return sa.select(Solution).where(Solution.published_at.is_not(None))


def _joined(obj, columns: tuple[str, ...]) -> str:
    return "\n".join(p for p in (getattr(obj, c) for c in columns) if p)


def _flags(obj) -> int:
    flags = 0
    for name, flag in (
        ("submitted_at", State.SUBMITTED),
        ("published_at", State.PUBLISHED),
        ("withdrawn_at", State.WITHDRAWN),
        ("closed_at", State.CLOSED),
        ("archived_at", State.ARCHIVED),
    ):
        if getattr(obj, name, None) is not None:
            flags |= flag
    return flags
