"""/readyz: ready when the database and Redis answer; the matching index reported, not loaded."""

from __future__ import annotations

import socket

import pytest

from marketplace.app import create_app
from marketplace.extensions import db
from marketplace.matches.embedding import current_embedder
from marketplace.matches.live import live_index
from marketplace.matches.models import DocumentKind
from tests import factories
from tests.conftest import TEST_CONFIG

RUNNING_REDIS = "redis://127.0.0.1:6379/0"


def closed_port() -> int:
    """A port nothing listens on: bound by us for a moment, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fresh_app(app, tmp_path):
    """``fresh_app(**settings)`` → an app on the suite's database that has ranked nothing yet,
    its index snapshots in a folder of its own."""

    def make(**settings):
        return create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "MATCHING_INDEX_DIR": str(tmp_path / "index"),
                **settings,
            }
        )

    return make


def test_ready_without_redis_configured_and_nothing_loaded_yet(fresh_app):
    response = fresh_app().test_client().get("/readyz")

    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["database"] == "ok"
    assert response.json["redis"] == "not configured"
    assert response.json["matching"] == {
        kind: {"state": "not loaded yet", "snapshot_generation": None}
        for kind in ("challenge", "solution")
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_with_redis_answering(fresh_app):
    response = fresh_app(REDIS_URL=RUNNING_REDIS).test_client().get("/readyz")

    assert response.status_code == 200
    assert response.json["redis"] == "ok"


def test_unavailable_when_redis_does_not_answer(fresh_app):
    broken = fresh_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")

    response = broken.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["failing"] == ["redis"]
    assert response.json["database"] == "ok"


def test_unavailable_when_the_database_does_not_answer(fresh_app, tmp_path):
    broken = fresh_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/nope.sqlite3")

    response = broken.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["failing"] == ["database"]


def test_a_loaded_index_reports_its_generation_documents_and_snapshot(fresh_app, session):
    factories.create_solution()
    session.commit()
    ranked = fresh_app()
    with ranked.app_context():
        held = live_index(ranked, db.engine, current_embedder(), DocumentKind.SOLUTION).current(
            db.engine
        )

    response = ranked.test_client().get("/readyz")

    assert response.status_code == 200
    assert response.json["matching"]["solution"] == {
        "state": "loaded",
        "generation": held.generation,
        "documents": 1,
        "from": "rows",
        "snapshot_generation": held.generation,
    }
    assert response.json["matching"]["challenge"]["state"] == "not loaded yet"


def test_the_probe_never_loads_the_index(fresh_app):
    probed = fresh_app()

    probed.test_client().get("/readyz")

    assert all(index.held is None for index in probed.extensions["matching_indexes"].values())
