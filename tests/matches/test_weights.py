"""Fusion weights learned from the partnership's decisions, through the command, the team's page
and the API: decisions keep what learning needs, better weights are put in use and every
ranking uses them, and the team can go back."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.accounts.models import Role, User
from marketplace.audit import AuditEvent
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.matches import weights
from marketplace.matches.models import (
    WEIGHT_NAMES,
    FeedbackSide,
    FeedbackStatus,
    FusionWeights,
    MatchFeedback,
)
from matching.engine import Weights
from tests import factories
from tests.conftest import post_form, sign_in
from tests.matches.test_fits import FALLS_NEED, FALLS_SENSOR, ROTA_APP
from tests.matching.test_learning import TRUTH, generated

LISTS, SEEN = 60, 12


def _score(weights: dict, features: dict) -> float:
    return sum(weights[name] * features[name] for name in WEIGHT_NAMES)


@pytest.fixture
def world(app):
    """An open challenge with two published solutions (one fits), a team member, and a
    service's history of decisions on ranked lists whose ground truth is known: people valued
    words in common far above meaning (``TRUTH``)."""
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        sensor = factories.create_solution(**FALLS_SENSOR)
        factories.create_solution(**ROTA_APP)
        challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)
        ids = {
            "team": team.email,
            "team_token": factories.create_token(team),
            "lead_token": factories.create_token(lead),
            "challenge": challenge.id,
            "sensor": sensor.id,
            "lead_id": lead.id,
        }
        db.session.remove()
    return ids


def feedback_rows(decisions, challenge_ids, solution_ids, decided_by_id: int) -> list[dict]:
    """Generated decisions as ``match_feedback`` rows: the n-th list on the n-th challenge,
    the fit at position p on the p-th solution, all on the service's side."""
    lists: dict[str, int] = {}
    return [
        {
            "challenge_id": challenge_ids[lists.setdefault(decision.group, len(lists))],
            "solution_id": solution_ids[decision.position - 1],
            "side": FeedbackSide.SERVICE,
            "status": FeedbackStatus.SHORTLISTED if decision.positive else FeedbackStatus.DISMISSED,
            "features": decision.features,
            "position": decision.position,
            "decided_by_id": decided_by_id,
            "version": 1,
        }
        for decision in decisions
    ]


def _record_history(app, lead_id: int) -> None:
    """Decisions as ``tests.matching.test_learning.generated`` makes them, on real rows: each
    list is a draft challenge of the service, each decided fit a draft solution."""
    with app.app_context():
        lead = db.session.get(User, lead_id)
        decisions = generated(lists=LISTS, seen=SEEN, sharpness=20.0, seed=5)
        challenges = [factories.create_challenge(lead).id for _ in range(LISTS)]
        solutions = [
            factories.create_solution(status="draft", title=f"S{i}").id for i in range(SEEN)
        ]
        rows = feedback_rows(decisions, challenges, solutions, lead_id)
        db.session.execute(sa.insert(MatchFeedback), rows)
        db.session.commit()
        db.session.remove()


def _learn(app, email: str, *extra: str):
    return app.test_cli_runner().invoke(args=["matching", "learn", "--by", email, *extra])


def _fits(client, world, who="team") -> list[dict]:
    headers = {"Authorization": f"Bearer {world[who + '_token']}"}
    response = client.get(f"/api/v1/challenges/{world['challenge']}/fits", headers=headers)
    assert response.status_code == 200, response.text
    return response.json["items"]


def _rows(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(FusionWeights.id, FusionWeights.adopted, FusionWeights.in_use).order_by(
                FusionWeights.id
            )
        ).all()


def test_a_decision_keeps_its_signals_and_its_place_on_the_list(app, world):
    client = app.test_client()
    [best, *_] = _fits(client, world, "lead")
    url = f"/api/v1/challenges/{world['challenge']}/fits/{world['sensor']}"
    headers = {"Authorization": f"Bearer {world['lead_token']}"}

    assert client.put(url, json={"status": "shortlisted"}, headers=headers).status_code == 200

    with app.app_context():
        decision = db.session.scalar(sa.select(MatchFeedback))
        assert decision.position == best["rank"] == 1
        assert decision.features == pytest.approx(best["features"])
        assert decision.score == pytest.approx(_score(Weights().__dict__, decision.features))


def test_learned_weights_are_put_in_use_and_every_ranking_uses_them(app, world):
    _record_history(app, world["lead_id"])
    client = app.test_client()
    before = _fits(client, world)

    result = _learn(app, world["team"])

    assert result.exit_code == 0, result.output
    assert "In use now" in result.output
    [(weights_id, adopted, in_use)] = _rows(app)
    assert adopted and in_use
    with app.app_context():
        row = db.session.get(FusionWeights, weights_id)
        learned = {name: getattr(row, name) for name in WEIGHT_NAMES}
        assert row.decisions == LISTS * SEEN
        assert row.figures["learned_pairs_right"] > row.figures["current_pairs_right"]
        assert row.figures["better_in"] >= 0.95
        assert row.learned_by.email == world["team"] and row.put_in_use_by.email == world["team"]
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.target_type == "fusion_weights")
        ).all()
        assert actions == ["matching.weights_learned", "matching.weights_put_in_use"]
    # what people valued most is what the learned weights value most
    assert max(learned, key=learned.get) == max(TRUTH.__dict__, key=TRUTH.__dict__.get)
    assert learned["dense"] + learned["late"] + learned["lexical"] == pytest.approx(1, abs=1e-3)

    after = _fits(client, world)
    for fit in after:
        assert fit["score"] == pytest.approx(_score(learned, fit["features"]), abs=1e-3)
    assert before[0]["score"] != pytest.approx(after[0]["score"], abs=1e-3)

    page = sign_in(app.test_client(), world["team"]).get("/matching/weights")
    assert page.status_code == 200
    assert f"weights {weights_id}</strong>" in page.text
    assert "Use the built-in weights" in page.text


def test_the_team_goes_back_to_the_built_in_weights_and_then_to_the_learned_ones(app, world):
    _record_history(app, world["lead_id"])
    assert _learn(app, world["team"]).exit_code == 0
    [(weights_id, _, _)] = _rows(app)
    client = sign_in(app.test_client(), world["team"])

    back = post_form(
        client, "/matching/weights", {"weights": "built-in"}, form_page="/matching/weights"
    )

    assert back.status_code == 302
    assert _rows(app) == [(weights_id, True, False)]
    for fit in _fits(client, world):
        assert fit["score"] == pytest.approx(_score(Weights().__dict__, fit["features"]), abs=1e-3)
    page = client.get("/matching/weights")
    assert "the built-in weights</strong>" in page.text
    assert "Use these again" in page.text

    again = client.put(
        "/api/v1/matching/weights/in-use",
        json={"id": weights_id},
        headers={"Authorization": f"Bearer {world['team_token']}"},
    )
    assert again.status_code == 200, again.text
    assert again.json["in_use"] == weights_id
    assert _rows(app) == [(weights_id, True, True)]


def test_too_few_decisions_learn_nothing_and_say_what_is_missing(app, world):
    result = _learn(app, world["team"])

    assert result.exit_code == 0, result.output
    assert "Nothing learned: 0 decisions with their signals recorded; learning needs 200" in (
        result.output
    )
    assert _rows(app) == []


def test_weights_that_are_not_clearly_better_are_kept_but_not_used(app, world):
    """The same history learned twice: the second run, against the weights learned from it,
    finds nothing better, and the weights in use stay as they are."""
    _record_history(app, world["lead_id"])
    assert _learn(app, world["team"]).exit_code == 0

    second = _learn(app, world["team"])

    assert "Kept as weights" in second.output and "not used" in second.output
    [(first_id, _, first_in_use), (second_id, second_adopted, second_in_use)] = _rows(app)
    assert first_in_use and not second_adopted and not second_in_use
    page = sign_in(app.test_client(), world["team"]).get("/matching/weights")
    assert "Not used: not clearly better" in page.text
    refused = post_form(
        sign_in(app.test_client(), world["team"]),
        "/matching/weights",
        {"weights": str(second_id)},
        form_page="/matching/weights",
    )
    assert refused.status_code == 409
    assert "did not beat the ones in use" in refused.text
    assert _rows(app)[0] == (first_id, True, True)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No account has the email nobody@example.org"),
        ("lead", "Only the innovation team can change how fits are ranked"),
    ],
)
def test_only_the_team_can_learn(app, world, email, message):
    if email == "lead":
        with app.app_context():
            email = db.session.get(User, world["lead_id"]).email
    result = _learn(app, email)
    assert result.exit_code != 0
    assert message in result.output
    assert _rows(app) == []


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("", 422, "Choose a set of weights to use."),
        ("1; drop table", 422, "Choose a set of weights to use."),
        ("99999999999999999999", 404, "There is no such set of weights"),
        ("built-in", 409, "These weights are in use already."),
    ],
)
def test_bad_choices_on_the_page_are_refused_and_change_nothing(app, world, value, status, message):
    client = sign_in(app.test_client(), world["team"])
    # with nothing learned the page has no form: the token comes from another team page
    response = post_form(
        client, "/matching/weights", {"weights": value}, form_page="/challenges/themes"
    )
    assert response.status_code == status
    assert message in response.text
    assert _rows(app) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"id": "1"}, 422),
        ({"id": 1.5}, 422),
        ({"id": 0}, 422),
        ({"id": 2**40}, 422),
        ({"id": 12345}, 404),
        ({"id": None}, 409),
    ],
)
def test_bad_choices_in_the_api_are_refused_and_change_nothing(app, world, body, status):
    response = app.test_client().put(
        "/api/v1/matching/weights/in-use",
        json=body,
        headers={"Authorization": f"Bearer {world['team_token']}"},
    )
    assert response.status_code == status, response.text
    assert "error" in response.json
    assert _rows(app) == []


def test_two_team_members_choosing_weights_at_once_leave_one_set_in_use(app, session, world):
    team = [session.scalar(sa.select(User).where(User.email == world["team"]))]
    team.append(factories.create_user(role=Role.INNOVATION_TEAM))
    chosen = []
    for member in team:
        row = FusionWeights(
            **Weights().__dict__, decisions=1, figures={}, adopted=True, learned_by_id=member.id
        )
        session.add(row)
        session.flush()
        chosen.append((member.id, row.id))
    session.commit()
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def choose(user_id: int, weights_id: int) -> None:
        with app.test_request_context(), Session(engine) as own:
            member = own.get(User, user_id)
            assert weights.in_use(own) is None  # both see the built-in weights in use
            ready.wait(timeout=10)
            try:
                weights.put_in_use(own, member, weights_id)
                own.commit()
                outcomes.append("in use")
            except (Conflict, sa.exc.OperationalError):  # SQLite: locked by the winner
                own.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=choose, args=pair) for pair in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    engine.dispose()

    # PostgreSQL: the later choice meets the first at the one-in-use index and is refused;
    # SQLite: the second waits for the first to commit, then replaces it
    assert sorted(outcomes) in (["conflict", "in use"], ["in use", "in use"])
    session.expire_all()
    in_use = session.scalars(sa.select(FusionWeights.id).where(FusionWeights.in_use)).all()
    assert len(in_use) == 1
    # each choice that was made names what it really replaced: one chain from the built-in
    # weights to the set in use
    replaced = {
        data["replaced"]: data["weights"]
        for data in session.scalars(
            sa.select(AuditEvent.data).where(AuditEvent.action == "matching.weights_put_in_use")
        )
    }
    chain, step = [], "built-in"
    while step in replaced:
        step = replaced[step]
        chain.append(step)
    assert len(chain) == len(replaced) == outcomes.count("in use")
    assert chain[-1] == in_use[0]
