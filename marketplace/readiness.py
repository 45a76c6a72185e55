"""``/readyz``: may this process be sent traffic? ``/healthz`` stays the cheap liveness check.

Ready means the database answers and, when ``REDIS_URL`` is set, so does Redis (rate limits and
the encoding queue live there). The matching index is reported, never waited for: a process
that has not ranked anything yet has not loaded it, and forcing a load (or a 20 s build) in a
probe would make the probe the slow request. Whether a snapshot is on disk tells an operator
if that first ranking will load one or build it. A failing part is logged as one warning line,
not a traceback, since probes repeat every few seconds.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError

from marketplace.access import public
from marketplace.extensions import db
from marketplace.matches.embedding import current_embedder
from marketplace.matches.live import live_index
from marketplace.matches.models import DocumentKind
from matching import store

bp = Blueprint("readiness", __name__)
log = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 2


@bp.get("/readyz")
@public
def readyz():
    checks = {"database": _database(), "redis": _redis()}
    failing = [name for name, state in checks.items() if state == "unreachable"]
    body = {"status": "unavailable" if failing else "ready", **checks, "matching": _matching()}
    if failing:
        body["failing"] = failing
    response = jsonify(body)
    response.status_code = 503 if failing else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def _database() -> str:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        log.warning("readiness: database unreachable: %s", error)
        return "unreachable"
    return "ok"


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    try:
        with Redis.from_url(
            url,
            socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
            socket_timeout=PROBE_TIMEOUT_SECONDS,
        ) as client:
            client.ping()
    except RedisError as error:
        log.warning("readiness: Redis unreachable: %s", error)
        return "unreachable"
    return "ok"


def _matching() -> dict[str, dict]:
    """Each kind's index as this process holds it, read without loading anything."""
    states = {}
    for kind in DocumentKind:
        index = live_index(current_app, db.engine, current_embedder(), kind)
        held = index.held
        state = (
            {"state": "not loaded yet"}
            if held is None
            else {
                "state": "loaded",
                "generation": held.generation,
                "documents": held.engine.n_documents,
                "from": held.source,
            }
        )
        try:
            state["snapshot_generation"] = store.read_meta(index.folder).get("generation")
        except store.BadSnapshot:
            state["snapshot_generation"] = None
        states[kind.value] = state
    return states
