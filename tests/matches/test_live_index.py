"""The index each process holds: kept current from the change feed, one document at a time;
started from a snapshot; built once; never served damaged or from another database."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from challenges import services as challenge_services
from marketplace.accounts.models import Role
from marketplace.app import create_app
from marketplace.extensions import db
from marketplace.matches import live, queries, services
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import DocumentKind, FeedbackSide, MatchingFeed
from marketplace.solutions import services as solution_services
from tests import factories
from tests.conftest import TEST_CONFIG
from tests.matches.test_fits import FALLS_NEED, FALLS_SENSOR, ROTA_APP


@pytest.fixture
def encoded(app, monkeypatch):
    """Every text the app's embedder is asked to encode, in order."""
    texts: list[str] = []
    with app.app_context():
        shared = current_embedder()
    original = shared.encode

    def counting(batch):
        texts.extend(batch)
        return original(batch)

    monkeypatch.setattr(shared, "encode", counting)
    return texts


def _held(app, kind=DocumentKind.SOLUTION) -> live.Held:
    with app.app_context():
        index = live.live_index(app, db.engine, current_embedder(), kind)
        return index.current(db.engine)


def _generation(session) -> int:
    return session.scalar(sa.select(MatchingFeed.generation)) or 0


def _ranked(session, lead, challenge) -> list[str]:
    return [r.other.title for r in queries.fits_for_challenge(session, lead, challenge.id)[1].rows]


def test_an_edit_re_encodes_that_document_only_and_reaches_the_index_without_a_rebuild(
    app, session, lead, challenge, encoded
):
    sensor = factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)
    assert _ranked(session, lead, challenge)[0] == "FallAlert home sensor"
    before = _held(app)
    encoded.clear()

    solution_services.save_section(
        session,
        sensor.created_by,
        sensor.id,
        "overview",
        {**FALLS_SENSOR, "title": "FallAlert", "summary": "Calls a responder at once."},
    )
    session.commit()
    ranked = _ranked(session, lead, challenge)
    after = _held(app)

    assert encoded and all("bank" not in t.lower() for t in encoded)  # the rota app: untouched
    assert "Calls a responder at once." in " ".join(encoded)
    assert "FallAlert" in ranked
    assert after.source == before.source and after.applied == before.applied + 1
    assert after.engine.n_documents == before.engine.n_documents == 2


def test_a_change_outside_the_indexed_text_encodes_nothing_and_moves_no_index(
    app, session, lead, challenge, encoded
):
    sensor = factories.create_solution(**FALLS_SENSOR)
    _ranked(session, lead, challenge)
    generation, engine = _generation(session), _held(app).engine
    encoded.clear()

    for section, change in (
        ("maturity", {"evidence_sites": "Three councils' telecare services"}),
        ("commercial", {"pricing_model": "£7 per home per month."}),
        ("assurance", {"clinical_safety_officer": "Dr B Example"}),
    ):
        values = {**factories.COMPLETE_SOLUTION[section], **change}
        if section == "maturity":
            values["theme_ids"] = factories.theme_ids("Frailty", "Patient safety")
        solution_services.save_section(session, sensor.created_by, sensor.id, section, values)
        session.commit()
    _ranked(session, lead, challenge)

    assert encoded == []
    assert _generation(session) == generation
    assert _held(app).engine is engine


def test_a_draft_being_edited_takes_nothing_from_the_feed(session):
    draft = factories.create_solution(status="draft", title="Sketch")
    generation = _generation(session)

    solution_services.save_section(
        session, draft.created_by, draft.id, "overview", {"title": "Sketch two"}
    )
    session.commit()

    assert _generation(session) == generation


def test_two_app_instances_on_one_database_see_each_others_changes(
    app, session, lead, challenge, database_url
):
    factories.create_solution(**ROTA_APP)
    assert _ranked(session, lead, challenge) == ["Bank shift booking"]
    other = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MATCHING_INDEX_DIR": app.config["MATCHING_INDEX_DIR"],
        }
    )
    with other.app_context():
        assert _ranked(db.session, lead_in(db.session, lead), challenge) == ["Bank shift booking"]
        assert _held(other).source == "snapshot"  # started from the first app's snapshot
        applied = _held(other).applied

    factories.create_solution(**FALLS_SENSOR)  # through the first app

    with other.app_context():
        ranked = _ranked(db.session, lead_in(db.session, lead), challenge)
        assert ranked[0] == "FallAlert home sensor"
        assert _held(other).source == "snapshot" and _held(other).applied == applied + 1
        withdrawn = factories.create_solution(**{**FALLS_SENSOR, "title": "Old sensor"})
        solution_services.withdraw_solution(
            db.session, withdrawn.created_by, withdrawn.id, "Replaced by a newer model"
        )
        db.session.commit()
        db.session.remove()

    assert "Old sensor" not in _ranked(session, lead, challenge)  # withdrawn in the other app
    other.extensions.clear()
    with other.app_context():
        db.engine.dispose()


def lead_in(session, lead):
    from marketplace.accounts.models import User

    return session.get(User, lead.id)


def test_withdrawn_closed_and_dismissed_items_never_appear_once_the_index_is_warm(
    session, lead, challenge
):
    innovator = factories.create_user(role=Role.INNOVATOR)
    sensor = factories.create_solution(innovator, **FALLS_SENSOR)
    other = factories.create_solution(innovator, **{**FALLS_SENSOR, "title": "FallAlert mini"})
    rota = factories.create_solution(**ROTA_APP)
    second = factories.create_challenge(lead, status="open", **{**FALLS_NEED, "title": "Falls 2"})
    assert len(_ranked(session, lead, challenge)) == 3
    assert len(queries.fits_for_solution(session, innovator, sensor.id)[1].rows) == 2

    solution_services.withdraw_solution(session, innovator, other.id, "Merged into FallAlert")
    services.decide_fit(
        session, lead, challenge.id, rota.id, FeedbackSide.SERVICE, "dismissed", "Not relevant"
    )
    challenge_services.close_challenge(session, lead, second.id)
    session.commit()

    assert _ranked(session, lead, challenge) == ["FallAlert home sensor"]
    assert [
        r.other.id for r in queries.fits_for_solution(session, innovator, sensor.id)[1].rows
    ] == [challenge.id]


def test_concurrent_requests_during_a_build_build_once(app, session, monkeypatch):
    factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)
    builds = []
    original = live.read_documents

    def counting(connection, kind, model, since=None):
        if since is None:
            builds.append(kind)
        return original(connection, kind, model, since)

    monkeypatch.setattr(live, "read_documents", counting)
    with app.app_context():
        bind = db.engine
        # Two fresh indexes on one snapshot folder: two processes' worth, four threads each.
        indexes = [
            live.LiveIndex(DocumentKind.SOLUTION, current_embedder(), _fresh_folder(app), 1000)
        ]
        indexes.append(
            live.LiveIndex(DocumentKind.SOLUTION, current_embedder(), indexes[0].folder, 1000)
        )
        found, start = [], threading.Barrier(8)

        def rank(index):
            start.wait()
            found.append(index.current(bind).engine.n_documents)

        threads = [threading.Thread(target=rank, args=(i,)) for i in indexes * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

    assert found == [2] * 8
    assert builds == [DocumentKind.SOLUTION]  # one build; the other process loaded its snapshot
    assert {i.held.source for i in indexes} == {"rows", "snapshot"}


def _fresh_folder(app):
    import uuid
    from pathlib import Path

    return Path(app.config["MATCHING_INDEX_DIR"]) / f"fresh-{uuid.uuid4().hex[:8]}"


def test_a_cold_worker_loads_the_snapshot_without_encoding(app, session, lead, challenge, encoded):
    factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)
    _ranked(session, lead, challenge)  # builds and saves the snapshot
    encoded.clear()
    app.extensions.pop("matching_indexes")  # as a new worker starts

    assert _ranked(session, lead, challenge)[0] == "FallAlert home sensor"
    assert encoded == []
    assert _held(app).source == "snapshot"


@pytest.mark.parametrize("damage", ["corrupt", "other_database"])
def test_a_damaged_or_foreign_snapshot_is_rebuilt_never_served(
    app, session, lead, challenge, damage
):
    factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)
    _ranked(session, lead, challenge)
    folder = live.live_index(app, db.engine, current_embedder(), DocumentKind.SOLUTION).folder
    if damage == "corrupt":
        matrix = folder / "passages.npy"
        data = bytearray(matrix.read_bytes())
        data[-8:] = b"\x00" * 8
        matrix.write_bytes(bytes(data))
    else:
        manifest = (folder / "manifest.json").read_text()
        epoch = session.scalar(sa.select(MatchingFeed.epoch))
        (folder / "manifest.json").write_text(manifest.replace(epoch, "0" * 32))
    app.extensions.pop("matching_indexes")

    assert _ranked(session, lead, challenge)[0] == "FallAlert home sensor"
    assert _held(app).source == "rows"


def test_a_snapshot_behind_the_feed_is_caught_up_not_rebuilt(app, session, lead, challenge):
    sensor = factories.create_solution(**FALLS_SENSOR)
    _ranked(session, lead, challenge)
    solution_services.save_section(
        session, sensor.created_by, sensor.id, "overview", {**FALLS_SENSOR, "title": "FallAlert 3"}
    )
    session.commit()
    app.extensions.pop("matching_indexes")  # a new worker; the snapshot predates the edit

    assert _ranked(session, lead, challenge) == ["FallAlert 3"]
    held = _held(app)
    assert (held.source, held.applied) == ("snapshot", 1)


def test_a_worker_saves_a_fresh_snapshot_after_enough_changes(app, session, lead, challenge):
    app.config["MATCHING_SNAPSHOT_EVERY"] = 2
    app.extensions.pop("matching_indexes", None)
    try:
        sensor = factories.create_solution(**FALLS_SENSOR)
        _ranked(session, lead, challenge)
        for title in ("FallAlert 2", "FallAlert 3"):
            solution_services.save_section(
                session, sensor.created_by, sensor.id, "overview", {**FALLS_SENSOR, "title": title}
            )
            session.commit()
            _ranked(session, lead, challenge)
        index = live.live_index(app, db.engine, current_embedder(), DocumentKind.SOLUTION)
        index.save(index.held)  # what the background thread does, waited for here

        from matching import store

        assert store.read_meta(index.folder)["generation"] == _generation(session)
        assert index.held.applied == 0
    finally:
        app.config["MATCHING_SNAPSHOT_EVERY"] = 1000
        app.extensions.pop("matching_indexes", None)


def test_edits_committed_in_parallel_all_reach_a_reader_that_polls_meanwhile(app, session):
    """Generations become visible in commit order (the feed row is locked until commit), so a
    reader catching up while others commit never skips one."""
    innovator = factories.create_user(role=Role.INNOVATOR)
    solutions = [
        factories.create_solution(innovator, **{**ROTA_APP, "title": f"Rota {i}"}) for i in range(6)
    ]
    ids = [s.id for s in solutions]
    bind = db.engine
    index = live.LiveIndex(DocumentKind.SOLUTION, current_embedder(), _fresh_folder(app), 1000)
    index.current(bind)
    start, done, failures = threading.Barrier(len(ids) + 1), threading.Event(), []

    def edit(solution_id: int, word: str):
        with app.app_context():
            start.wait()
            try:
                solution_services.save_section(
                    db.session,
                    lead_in(db.session, innovator),
                    solution_id,
                    "overview",
                    {**ROTA_APP, "title": f"Rota {word}", "summary": f"Now with {word}."},
                )
                db.session.commit()
            except Exception as error:  # reported below, with the word that failed
                failures.append((word, error))
            finally:
                db.session.remove()

    def poll():
        start.wait()
        while not done.is_set():
            index.current(bind)

    words = ["zebra", "walrus", "okapi", "quokka", "axolotl", "narwhal"]
    editors = [threading.Thread(target=edit, args=pair) for pair in zip(ids, words, strict=True)]
    reader = threading.Thread(target=poll)
    for thread in (*editors, reader):
        thread.start()
    for thread in editors:
        thread.join(60)
    done.set()
    reader.join(60)

    assert failures == []
    engine = index.current(bind).engine
    for solution_id, word in zip(ids, words, strict=True):
        scores = engine.lexical.scores(word)
        assert scores[engine.positions[str(solution_id)]] > 0, word
        assert int((scores > 0).sum()) == 1


def test_a_snapshot_folder_that_cannot_be_written_still_ranks_from_memory(
    app, session, lead, challenge, tmp_path
):
    factories.create_solution(**FALLS_SENSOR)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the snapshots should go")
    app.config["MATCHING_INDEX_DIR"], folder = str(blocked), app.config["MATCHING_INDEX_DIR"]
    app.extensions.pop("matching_indexes", None)
    try:
        assert _ranked(session, lead, challenge) == ["FallAlert home sensor"]
        assert _held(app).source == "rows"
    finally:
        app.config["MATCHING_INDEX_DIR"] = folder
        app.extensions.pop("matching_indexes", None)
