"""Which fusion weights rank fits: learning new ones from the partnership's decisions, and
going back to earlier ones.

``learn`` reads every decision that kept its signals and its place on the list, hands them to
``matching.learning`` and keeps what it found, used or not: the team can see why a run changed
nothing. Weights that beat the ones in use are put in use at once; ``put_in_use`` goes back to
any earlier adopted set, or to the engine's built-in weights. Each process notices the change
on its next ranking (``live`` compares the id in use, read with the change feed), so every
worker ranks by the same weights without restarting. Policy check → change → audit; they
flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import User
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.matches.models import (
    WEIGHT_NAMES,
    FeedbackSide,
    FeedbackStatus,
    FusionWeights,
    MatchFeedback,
)
from matching import learning
from matching.engine import Weights

SHOWN = 50  # learned sets listed on the team's page, newest first
RACED = "Someone else changed the weights in use meanwhile. Reload to see which are in use."


@dataclass(frozen=True)
class Overview:
    """What the team's page shows: the weights ranking now, the sets learned so far, and how
    many decisions learning could use."""

    in_use: FusionWeights | None
    weights: Weights
    built_in: Weights
    learned: list[FusionWeights]
    decisions: int
    minimum: int


def overview(session: Session, actor: User) -> Overview:
    learned = learned_sets(session, actor)
    current = next((row for row in learned if row.in_use), None) or in_use(session)
    usable = sa.and_(MatchFeedback.features.is_not(None), MatchFeedback.position.is_not(None))
    return Overview(
        in_use=current,
        weights=weights_of(current),
        built_in=Weights(),
        learned=learned,
        decisions=session.scalar(sa.select(sa.func.count()).where(usable)) or 0,
        minimum=learning.MINIMUM_DECISIONS,
    )


def weights_of(row: FusionWeights | None) -> Weights:
    """The engine's weights for a stored set; the built-in ones for None."""
    if row is None:
        return Weights()
    return Weights(**{name: getattr(row, name) for name in WEIGHT_NAMES})


def in_use(session: Session) -> FusionWeights | None:
    return session.scalar(sa.select(FusionWeights).where(FusionWeights.in_use))


def learned_sets(session: Session, actor: User) -> list[FusionWeights]:
    """The newest learned sets, with the people who learned them and put them in use."""
    _may_tune(actor)
    return list(
        session.scalars(
            sa.select(FusionWeights)
            .options(
                selectinload(FusionWeights.learned_by), selectinload(FusionWeights.put_in_use_by)
            )
            .order_by(FusionWeights.id.desc())
            .limit(SHOWN)
        )
    )


def decisions(session: Session) -> Iterator[learning.Decision]:
    """Every decision that kept its signals and its position, as learning reads them: each
    list is one side's view of one challenge or one solution. Streamed, columns only."""
    rows = session.execute(
        sa.select(
            MatchFeedback.side,
            MatchFeedback.challenge_id,
            MatchFeedback.solution_id,
            MatchFeedback.status,
            MatchFeedback.features,
            MatchFeedback.position,
        )
        .where(MatchFeedback.features.is_not(None), MatchFeedback.position.is_not(None))
        .order_by(MatchFeedback.id)
        .execution_options(yield_per=1000)
    )
    for side, challenge_id, solution_id, status, features, position in rows:
        ranked_for = (
            f"challenge {challenge_id}"
            if side == FeedbackSide.SERVICE
            else f"solution {solution_id}"
        )
        yield learning.Decision(
            f"{side.value} {ranked_for}",
            features,
            position,
            status != FeedbackStatus.DISMISSED,
        )


def learn(
    session: Session, actor: User, minimum: int = learning.MINIMUM_DECISIONS
) -> FusionWeights:
    """Learn weights from the decisions so far and keep them, in use when they beat the ones
    in use. ``learning.NotEnough`` when there is too little to learn from (nothing is kept)."""
    _may_tune(actor)
    current_row = in_use(session)
    outcome = learning.learn(decisions(session), weights_of(current_row), minimum=minimum)
    row = FusionWeights(
        **asdict(outcome.weights),
        decisions=outcome.trained_on + outcome.held_back,
        figures={**outcome.figures(), "compared_with": current_row.id if current_row else None},
        adopted=outcome.adopt,
        learned_by_id=actor.id,
        learned_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "matching.weights_learned",
        row,
        {"adopted": outcome.adopt, **outcome.figures()},
    )
    if outcome.adopt:
        _switch(session, actor, row, current_row)
    return row


def put_in_use(session: Session, actor: User, weights_id: int | None) -> FusionWeights | None:
    """Rank by an earlier learned set (``weights_id``) or by the built-in weights (None)."""
    _may_tune(actor)
    row = None
    if weights_id is not None:
        row = get_by_id(session, FusionWeights, weights_id)
        if row is None:
            raise NotFound("There is no such set of weights")
        if not row.adopted:
            raise Conflict(
                "These weights did not beat the ones in use when they were learned, so they "
                "cannot be put in use."
            )
    current_row = in_use(session)
    if current_row is row:
        raise Conflict("These weights are in use already.")
    _switch(session, actor, row, current_row)
    return row


def _switch(session, actor, row: FusionWeights | None, seen: FusionWeights | None) -> None:
    """Take whatever is in use out of use and put ``row`` in. The update says what it took out
    (after any other choice that committed first), so the audit names what was replaced; two
    choices racing on PostgreSQL meet at the one-in-use index, and the later is a conflict."""
    try:
        with session.begin_nested():  # a lost race leaves the request usable
            replaced = session.scalars(
                sa.update(FusionWeights)
                .where(FusionWeights.in_use)
                .values(in_use=False)
                .returning(FusionWeights.id)
                .execution_options(synchronize_session="fetch")
            ).all()
            if row is not None:
                row.in_use = True
                row.put_in_use_by_id = actor.id
                row.put_in_use_at = utcnow()
            session.flush()
    except IntegrityError:
        raise Conflict(RACED) from None
    audit.record(
        session,
        actor,
        "matching.weights_put_in_use",
        row or seen,
        {
            "weights": row.id if row is not None else "built-in",
            "replaced": replaced[0] if replaced else "built-in",
        },
    )


def _may_tune(actor: User) -> None:
    if not policy.may_tune_matching(actor):
        raise Forbidden("Only the innovation team can change how fits are ranked")
