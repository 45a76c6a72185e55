"""When to encode: as a challenge is submitted or a solution published (or edited while
published), and when a challenge is published, tell the owners of its best fits.

With a queue configured (``REDIS_URL``) the work goes to an RQ job that a worker
(``marketplace matching worker``) runs after the request's transaction has committed; without
one it happens inline, inside the same transaction, so a failure changes nothing.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy.orm import Session

from challenges.models import Challenge
from marketplace.extensions import db
from marketplace.matches import vectors
from marketplace.matches.documents import kind_of
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import DocumentKind
from marketplace.solutions.models import Solution

PENDING = "matching_jobs"
log = logging.getLogger(__name__)


def content_changed(session: Session, obj: Challenge | Solution) -> None:
    """Keep ``obj``'s vectors current with its text."""
    _dispatch(session, index_job, _index, kind_of(obj).value, obj.id)


def challenge_published(session: Session, challenge: Challenge) -> None:
    """Make sure it is indexed, then tell the owners of its top fits."""
    _dispatch(session, publish_job, _publish, DocumentKind.CHALLENGE.value, challenge.id)


def _dispatch(session: Session, job, inline, kind: str, object_id: int) -> None:
    if current_app.config.get("MATCHING_QUEUE"):
        session.info.setdefault(PENDING, []).append((job, kind, object_id))
    else:
        inline(session, kind, object_id)


def _index(session: Session, kind: str, object_id: int) -> Challenge | Solution | None:
    obj = session.get(Challenge if kind == DocumentKind.CHALLENGE.value else Solution, object_id)
    if obj is not None:
        vectors.index(session, current_embedder(), [obj])
    return obj


def _publish(session: Session, kind: str, object_id: int) -> None:
    from marketplace.matches.services import tell_owners_of_top_fits

    challenge = _index(session, kind, object_id)
    if challenge is not None:
        tell_owners_of_top_fits(session, challenge)


# --- the queue ----------------------------------------------------------------------------


def queue() -> Queue:
    return Queue(
        current_app.config["MATCHING_QUEUE"],
        connection=Redis.from_url(current_app.config["REDIS_URL"]),
    )


@sa.event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    """Only committed work is queued: a worker must find what the request wrote."""
    pending = session.info.pop(PENDING, [])
    for job, kind, object_id in pending:
        try:
            queue().enqueue(job, kind, object_id)
        except RedisError:
            # The change itself is saved; only its encoding waits. `marketplace matching
            # reindex` catches up with anything a lost job left behind.
            log.exception("Could not queue %s for %s %s", job.__name__, kind, object_id)


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def index_job(kind: str, object_id: int) -> None:
    """Runs in the worker, inside the app context it pushes; one transaction per job."""
    _in_transaction(_index, kind, object_id)


def publish_job(kind: str, object_id: int) -> None:
    _in_transaction(_publish, kind, object_id)


def _in_transaction(work, kind: str, object_id: int) -> None:
    try:
        work(db.session, kind, object_id)
        db.session.commit()
    finally:
        db.session.remove()
