"""Stored vectors: encoded once per text, seen by every process, queued when Redis is set."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
import sqlalchemy as sa
from redis import Redis
from rq import SimpleWorker
from sqlalchemy.orm import Session

from marketplace.accounts.models import Role, User
from marketplace.app import create_app
from marketplace.config import ConfigError
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.matches import indexing, live, queries, vectors
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import DocumentKind, IndexedDocument, StoredVector
from marketplace.notifications.models import Notification
from marketplace.solutions import services as solution_services
from marketplace.solutions.models import Solution
from matching import store
from matching.fake import HashingEmbedder
from tests import factories
from tests.conftest import TEST_CONFIG
from tests.matches.test_fits import FALLS_NEED, FALLS_SENSOR, ROTA_APP


class CountingEmbedder(HashingEmbedder):
    """Counts what it is asked to encode; a model of its own, so nothing is stored for it yet."""

    name = "counting-test-embedder"

    def __init__(self):
        super().__init__()
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        return super().encode(texts)


def _stored(session, kind=DocumentKind.SOLUTION) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(IndexedDocument).filter_by(kind=kind)
    )


def test_publishing_stores_passage_and_sentence_vectors(session):
    solution = factories.create_solution(**FALLS_SENSOR)

    [row] = session.scalars(sa.select(IndexedDocument)).all()
    units = {v.unit.value for v in row.vectors}

    assert (row.kind, row.object_id, row.model) == (
        DocumentKind.SOLUTION,
        solution.id,
        current_embedder().name,
    )
    assert units == {"passage", "sentence"}
    vector = np.frombuffer(row.vectors[0].vector, dtype=np.float32)
    assert vector.shape == (256,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_unchanged_text_is_never_encoded_again(session):
    first = factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)
    embedder = CountingEmbedder()
    objects = session.scalars(sa.select(Solution)).all()

    initial = vectors.index(session, embedder, objects)
    again = vectors.index(session, embedder, objects)
    first.description = "A different description of what the sensor does at night."
    changed = vectors.index(session, embedder, objects)

    assert (initial.encoded, initial.unchanged) == (2, 0) and initial.texts > 0
    assert (again.encoded, again.unchanged, again.texts) == (0, 2, 0)
    assert (changed.encoded, changed.unchanged) == (1, 1)
    assert embedder.encoded == initial.texts + changed.texts


def test_editing_a_published_solution_re_encodes_it_and_saving_unchanged_text_does_not(session):
    solution = factories.create_solution(**FALLS_SENSOR)
    before = session.scalars(sa.select(StoredVector.id)).all()

    solution_services.save_section(
        session, solution.created_by, solution.id, "overview", dict(FALLS_SENSOR)
    )
    unchanged = session.scalars(sa.select(StoredVector.id)).all()
    solution_services.save_section(
        session,
        solution.created_by,
        solution.id,
        "overview",
        {**FALLS_SENSOR, "summary": "A wall sensor for the bathroom."},
    )
    texts = session.scalars(sa.select(StoredVector.text)).all()

    assert unchanged == before
    assert any("bathroom" in t for t in texts)


def test_another_processs_writes_are_seen_without_a_restart(app, session):
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)
    factories.create_solution(**ROTA_APP)
    assert len(queries.fits_for_challenge(session, lead, challenge.id)[1].rows) == 1
    sensor_id = factories.create_solution(status="complete", **FALLS_SENSOR).id
    session.commit()

    # Another worker encodes and publishes it over its own database connection.
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with Session(bind=engine) as other:
        sensor = other.get(Solution, sensor_id)
        vectors.index(other, current_embedder(), [sensor])
        sensor.published_at = utcnow()
        other.commit()
    engine.dispose()

    ranked = queries.fits_for_challenge(session, lead, challenge.id)[1].rows

    assert ranked[0].other.id == sensor_id


def test_a_missing_model_stops_start_up_naming_the_setting(tmp_path):
    with pytest.raises(ConfigError, match="MATCHING_MODEL"):
        create_app(
            {
                **TEST_CONFIG,
                "MATCHING_EMBEDDER": "sentence-transformers",
                "MATCHING_MODEL": str(tmp_path / "no-such-model"),
            }
        )
    with pytest.raises(ConfigError, match="MATCHING_EMBEDDER"):
        create_app({**TEST_CONFIG, "MATCHING_EMBEDDER": "word2vec"})


# --- the queue ----------------------------------------------------------------------------


@pytest.fixture
def queued(app):
    """Submissions go to a throw-away RQ queue on the local Redis."""
    name = f"test-matching-{uuid.uuid4().hex[:8]}"
    app.config.update(MATCHING_QUEUE=name, REDIS_URL="redis://127.0.0.1:6379/0")
    yield name
    app.config.update(MATCHING_QUEUE=None, REDIS_URL=None)
    Redis.from_url("redis://127.0.0.1:6379/0").delete(f"rq:queue:{name}")


def test_with_a_queue_encoding_waits_for_the_worker(app, session, queued):
    factories.create_solution(**FALLS_SENSOR)
    assert _stored(session) == 0  # committed, queued, not yet encoded
    assert indexing.queue().count == 1

    SimpleWorker([indexing.queue()], connection=indexing.queue().connection).work(burst=True)

    assert _stored(session) == 1
    assert indexing.queue().count == 0


def test_a_rolled_back_request_queues_nothing(app, session, queued):
    innovator = factories.create_user(role=Role.INNOVATOR)
    solution = factories.create_solution(innovator, status="complete", **FALLS_SENSOR)
    solution_services.publish_solution(session, innovator, solution.id)
    session.rollback()
    factories.create_user()  # a later commit in the same session

    assert indexing.queue().count == 0


def test_publishing_a_challenge_tells_innovators_whose_solutions_fit(session):
    innovator = factories.create_user(role=Role.INNOVATOR)
    colleague = factories.create_user(
        role=Role.FELLOW, organisation=innovator.active_memberships[0].organisation
    )
    factories.create_solution(innovator, **FALLS_SENSOR)
    factories.create_solution(innovator, **{**FALLS_SENSOR, "title": "FallAlert for care homes"})
    rota_maker = factories.create_user(role=Role.INNOVATOR)
    factories.create_solution(rota_maker, **ROTA_APP)

    challenge = factories.create_challenge(status="open", **FALLS_NEED)

    told = session.scalars(sa.select(Notification)).all()
    assert sorted(n.user_id for n in told) == sorted([innovator.id, colleague.id])  # once each
    for notice in told:
        assert FALLS_NEED["title"] in notice.message
        assert "FallAlert home sensor" in notice.message
        assert "FallAlert for care homes" in notice.message
    assert {n.link for n in told} == {f"/challenges/{challenge.id}"}


def test_a_change_of_themes_alone_is_seen_by_the_next_ranking(session):
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    challenge = factories.create_challenge(
        lead, status="open", theme_ids=factories.theme_ids("Frailty"), **FALLS_NEED
    )
    sensor = factories.create_solution(**FALLS_SENSOR)  # themes: Frailty, Patient safety
    before = queries.fits_for_challenge(session, lead, challenge.id)[1].rows[0]

    maturity = {
        **factories.COMPLETE_SOLUTION["maturity"],
        "theme_ids": factories.theme_ids("Workforce"),
    }
    solution_services.save_section(session, sensor.created_by, sensor.id, "maturity", maturity)
    session.commit()
    after = queries.fits_for_challenge(session, lead, challenge.id)[1].rows[0]

    assert before.fit.reasons.themes == ["Frailty"]
    assert after.fit.reasons.themes == []


def test_a_queue_that_cannot_be_reached_does_not_undo_the_change(app, session, queued):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there

    solution = factories.create_solution(**FALLS_SENSOR)

    assert session.get(Solution, solution.id).status == "published"
    assert _stored(session) == 0  # waits for `marketplace matching reindex`


def test_reindex_encodes_only_what_changed_and_leaves_a_snapshot_for_new_workers(
    app, session, queued
):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # the job is lost: nothing encodes it
    lost = factories.create_solution(**FALLS_SENSOR)
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    app.config["MATCHING_QUEUE"] = None
    factories.create_solution(**ROTA_APP)  # encoded inline
    runner = app.test_cli_runner()

    first = runner.invoke(args=["matching", "reindex"])
    second = runner.invoke(args=["matching", "reindex"])

    assert first.exit_code == 0, first.output
    assert "Solutions: 1 encoded, 1 unchanged" in first.output
    assert "Solutions: 0 encoded, 2 unchanged (0 passages" in second.output
    assert "Solution index: 2 documents" in second.output
    index = live.live_index(app, db.engine, current_embedder(), DocumentKind.SOLUTION)
    assert store.read_meta(index.folder)["generation"] == index.held.generation
    assert _stored(session) == 2 and lost.id in {
        row.object_id for row in session.scalars(sa.select(IndexedDocument))
    }


def test_fits_say_how_many_new_candidates_wait_for_the_worker(app, session, queued):
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    app.config["MATCHING_QUEUE"] = None
    challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)
    app.config["MATCHING_QUEUE"] = queued
    factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)

    lead_id, challenge_id = lead.id, challenge.id
    before = queries.fits_for_challenge(session, lead, challenge_id)[1]
    assert (len(before.rows), before.waiting) == (0, 2)

    SimpleWorker([indexing.queue()], connection=indexing.queue().connection).work(burst=True)
    lead = session.get(User, lead_id)  # the worker's transaction ended this session
    after = queries.fits_for_challenge(session, lead, challenge_id)[1]

    assert (len(after.rows), after.waiting) == (2, 0)
