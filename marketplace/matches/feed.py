"""The change feed every process's matching index follows.

Whatever changes what ranking reads (a document's stored vectors, or its object's text,
themes, maturity or status) is noted as the session flushes; as the transaction commits, the
feed's next generation is taken and stamped on those documents. A change to anything else (a
solution's evidence sites, say) stamps nothing, so no index moves.

Readers ask ``position`` (one small row) on every ranking and read the documents stamped since
the generation they hold only when it moved. The same statement names the fusion weights in
use, so a change of weights reaches every process as an edit does.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from challenges.models import Challenge
from marketplace.matches.documents import CHALLENGE_WATCHED, SOLUTION_WATCHED, kind_of
from marketplace.matches.models import (
    DocumentKind,
    FusionWeights,
    IndexedDocument,
    MatchingFeed,
)
from marketplace.solutions.models import Solution

CHANGED = "matching_changed"
WATCHED = {Challenge: CHALLENGE_WATCHED, Solution: SOLUTION_WATCHED}


@dataclass(frozen=True)
class Position:
    epoch: str | None  # None: nothing has ever been indexed in this database
    generation: int
    weights: int | None = None  # the id of the fusion weights in use; None: the built-in ones


def position(connection: sa.Connection) -> Position:
    feed = sa.select(MatchingFeed).where(MatchingFeed.id == 1)
    row = connection.execute(
        sa.select(
            feed.with_only_columns(MatchingFeed.epoch).scalar_subquery().label("epoch"),
            feed.with_only_columns(MatchingFeed.generation).scalar_subquery().label("generation"),
            sa.select(FusionWeights.id)
            .where(FusionWeights.in_use)
            .scalar_subquery()
            .label("weights"),
        )
    ).one()
    return Position(row.epoch, row.generation or 0, row.weights)


@sa.event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    noted = session.info.setdefault(CHANGED, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, IndexedDocument):
            noted.add((obj.kind, obj.object_id))
            continue
        watched = WATCHED.get(type(obj))
        if watched and obj.id is not None and _touched(obj, watched):
            noted.add((kind_of(obj), obj.id))


def _touched(obj, names) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@sa.event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    session.flush()  # note what is still pending
    noted = session.info.pop(CHANGED, None)
    if noted:
        advance(session, noted)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)


def advance(session: Session, changed: set[tuple[DocumentKind, int]]) -> int:
    """Take the next generation and stamp it on the indexed documents of ``changed`` (every
    model's). The feed row stays locked until the transaction ends, so do this last. Nothing
    is taken when none of them is indexed (a draft being edited)."""
    by_kind: dict[DocumentKind, list[int]] = defaultdict(list)
    for kind, object_id in changed:
        by_kind[kind].append(object_id)
    if not any(_any_indexed(session, kind, ids) for kind, ids in by_kind.items()):
        return 0
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    session.execute(
        insert(MatchingFeed)
        .values(id=1, epoch=uuid.uuid4().hex, generation=0)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    generation = session.execute(
        sa.update(MatchingFeed)
        .where(MatchingFeed.id == 1)
        .values(generation=MatchingFeed.generation + 1)
        .returning(MatchingFeed.generation)
    ).scalar_one()
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), 1000):
            session.execute(
                sa.update(IndexedDocument)
                .where(
                    IndexedDocument.kind == kind,
                    IndexedDocument.object_id.in_(ids[start : start + 1000]),
                )
                .values(generation=generation)
                .execution_options(synchronize_session=False)
            )
    return generation


def _any_indexed(session: Session, kind: DocumentKind, ids: list[int]) -> bool:
    return any(
        session.scalar(
            sa.select(IndexedDocument.id)
            .where(
                IndexedDocument.kind == kind,
                IndexedDocument.object_id.in_(ids[start : start + 1000]),
            )
            .limit(1)
        )
        is not None
        for start in range(0, len(ids), 1000)
    )
