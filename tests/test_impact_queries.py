"""The impact figures are counted by the database: the statuses they group by are the models'
own rules written in SQL, and the pages run the same statements whether the programme has ten
records or a hundred thousand."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from challenges import responses as challenge_responses
from challenges.fellowship import response_panels
from challenges.fellowship.models import (
    Attendance,
    Cohort,
    LearningSession,
    Milestone,
    Panel,
    ProgressUpdate,
)
from challenges.models import Challenge, Response
from marketplace.accounts.models import Membership, OrganisationKind, Role, User
from marketplace.db import Base, uk_today
from marketplace.extensions import db
from marketplace.impact import figures, funding
from marketplace.solutions.adoption import record_adoption
from marketplace.solutions.models import Solution
from procurement.dps.models import PurchasingSystem
from tests import factories
from tests.conftest import sign_in
from tests.test_impact import an_application, fellow_of, form_panel, open_cohort

CRITERIA = [{"name": "Fit to the need", "weight": 60}, {"name": "Evidence", "weight": 40}]
PAGES = [
    "/impact",
    *(f"/impact/{key}.csv" for key in figures.FIGURES),
    "/impact/funding",
    "/impact/funding/new",
    "/impact/funding/new?solution_q=radar",  # a word in every solution's description
]
TEAM_ONLY = "/impact/funding/new"
API = ["/api/v1/funding"]
# Every solution the world has carries the factories' title: a page that listed the
# catalogue would show it once for each.
TITLE = factories.COMPLETE_SOLUTION["overview"]["title"]
# What a figure may load as objects: the viewer (with memberships and organisations, for
# the policy checks), the cohorts that head the fellowship rows, and the top-funded solutions.
FEW_OBJECTS = {"User", "Membership", "Organisation", "Cohort", "Solution"}


# --- the SQL statuses are the models' statuses -------------------------------------------------


def _sql_and_python(session, model, name: str) -> list[tuple]:
    """Each row's status as the database derives it, beside the property's."""
    session.flush()
    by_sql = dict(session.execute(sa.select(model.id, getattr(model, name))).all())
    return [(by_sql[row.id], getattr(row, name)) for row in session.scalars(sa.select(model))]


def test_challenge_and_response_statuses_in_sql_match_the_properties(session):
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    now = factories.utcnow()
    withdrawn, archived, closed, past, undated, open_ = (
        factories.create_challenge(lead, status="open") for _ in range(6)
    )
    factories.create_challenge(lead, status="submitted")
    factories.create_challenge(lead)
    withdrawn.withdrawn_at = archived.archived_at = closed.closed_at = now
    past.closing_date = uk_today() - timedelta(
        days=1
    )  # past its closing date: closed before anyone closes it
    undated.closing_date = None  # open, with no closing date
    innovator = factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )
    _awaiting, shortlisted, declined = (
        challenge_responses.respond(
            session, innovator, open_.id, factories.create_solution(innovator).id, "It fits."
        )
        for _ in range(3)
    )
    shortlisted.shortlisted_at = now
    declined.declined_at, declined.decision_reason = now, "Not now"

    challenge_pairs = _sql_and_python(session, Challenge, "status")
    response_pairs = _sql_and_python(session, Response, "status")

    assert all(in_sql == in_python for in_sql, in_python in challenge_pairs)
    assert Counter(s for s, _ in challenge_pairs) == {
        "withdrawn": 1,
        "archived": 1,
        "closed": 2,
        "open": 2,
        "submitted": 1,
        "draft": 1,
    }
    assert all(in_sql == in_python for in_sql, in_python in response_pairs)
    assert {s for s, _ in response_pairs} == {"submitted", "shortlisted", "not_taken_forward"}


def test_active_memberships_in_sql_match_the_property(session):
    """Active: granted, neither declined nor revoked, in an approved organisation."""
    now = factories.utcnow()
    member = factories.create_user(role=Role.PANEL_PATIENT)
    factories.create_organisation(approved=False)  # its proposer's membership is requested
    unapproved, revoked = (
        factories.create_user(role=Role.SERVICE_LEAD).memberships[0] for _ in range(2)
    )
    unapproved.organisation.approved_at = None
    revoked.revoked_at = now
    declined = factories.request_role(member, factories.create_organisation(), Role.INNOVATOR)
    declined.declined_at, declined.decline_reason = now, "No"
    pairs = _sql_and_python(session, Membership, "is_active")

    assert all(bool(in_sql) == in_python for in_sql, in_python in pairs)
    assert {in_python for _, in_python in pairs} == {True, False}


# --- figures on a known set ------------------------------------------------------------------


def test_activity_figures_on_a_known_set(session):
    agreement, lead, innovator = factories.create_agreement("live")  # its host adopts it
    challenge_responses.shortlist(
        session,
        lead,
        challenge_responses.respond(
            session, innovator, agreement.challenge_id, agreement.solution_id, "It fits."
        ).id,
    )
    _without_themes(factories.create_challenge(lead, status="submitted"))
    withdrawn = _without_themes(factories.create_challenge(lead, status="submitted"))
    withdrawn.withdrawn_at = factories.utcnow()
    record_adoption(
        session,
        lead,
        agreement.solution_id,
        agreement.host_organisation_id,
        "Second site",
        "exploring",
        uk_today() - timedelta(days=1),
    )
    session.commit()
    host = agreement.host_organisation.name

    assert figures.challenges_by_theme(session).rows == [
        ["Health inequalities", 1, 0, 1, 0, 0],
        ["Outpatients", 1, 0, 1, 0, 0],
        ["No theme", 2, 1, 0, 0, 0],  # "All" counts the withdrawn one too, as it always has
    ]
    assert figures.responses_and_fits(session).rows == [
        ["Responses: shortlisted", 1],
        ["Fits accepted by services", 1],
    ]
    assert figures.adoptions(session).rows == [[host, "Exploring", 1], [host, "Piloting", 1]]
    assert figures.testbeds(session).rows == [["Live", "", 1]]


def test_the_funding_form_finds_solutions_not_withdrawn_with_their_organisation(session):
    kept = factories.create_solution(title="Falls sensors")
    factories.create_solution(title="Bed sensors").withdrawn_at = factories.utcnow()
    session.commit()

    found = funding.find_solutions(session, "sensors")

    assert found.choices == [(kept.id, f"Falls sensors ({kept.organisation.name})")]
    assert not found.more
    assert funding.find_solutions(session, "").choices == []


def _without_themes(challenge: Challenge) -> Challenge:
    """A challenge counted under "No theme": one cannot be submitted without a theme now, but
    older records may have none."""
    challenge.themes = []
    return challenge


def test_months_are_uk_calendar_months_over_the_last_twelve(session):
    solutions = [factories.create_solution() for _ in range(4)]
    for solution, published in zip(
        solutions,
        [
            datetime(2025, 5, 31, 23, 30, tzinfo=UTC),  # 00:30 on 1 June in the UK: June
            datetime(2025, 5, 31, 22, 30, tzinfo=UTC),  # 23:30 on 31 May in the UK: May
            datetime(2024, 6, 30, 23, 30, tzinfo=UTC),  # 1 July 2024 in the UK: the first month
            datetime(2024, 6, 30, 22, 30, tzinfo=UTC),  # 30 June 2024: before the twelve months
        ],
        strict=True,
    ):
        solution.published_at = published
    session.commit()

    rows = figures.monthly(session, today=date(2025, 6, 15)).rows

    assert [row[0] for row in rows[:2] + rows[-2:]] == [
        "Jul 2024",
        "Aug 2024",
        "May 2025",
        "Jun 2025",
    ]
    assert [row[2] for row in rows] == [1] + [0] * 9 + [1, 1]
    assert len(rows) == figures.MONTHS


# --- the number of statements does not grow with the records ------------------------------


@pytest.fixture
def world(app):
    """Ids of the innovation team, a partner, a cohort with its panel, panel reviewers, a DPS
    and two funded solutions, with one round of everything the figures count. Built in an app
    context of its own, so that every request measured starts from a cold session."""
    with app.app_context():
        session = db.session
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        cohort = open_cohort(session, team, 2026)
        world = {
            "team": team.id,
            "partner": factories.create_user(role=Role.SERVICE_LEAD).id,
            "cohort": cohort.id,
            "panel": form_panel(session, team, cohort).id,
            "system": factories.create_system()[0].id,
            "funded": factories.create_solution().id,
            "reviewers": [
                factories.create_user(role=Role.PANEL_PROFESSIONAL).id,
                factories.create_user(role=Role.PANEL_PATIENT).id,
            ],
        }
        session.commit()
        more_of_everything(session, world, 1)
        session.remove()
    return world


def more_of_everything(session, world: dict, rounds: int) -> None:
    """Each round adds, through the services: a live test bed (an open challenge with themes,
    a solution, an accepted fit, the agreement and its adoption), a shortlisted response with a
    challenge panel to score it, a submitted challenge with a theme and one without, another
    published solution, an admitted supplier and a call-off, a cohort, a fellow with a
    milestone, an update and attendance, and funding for a solution and the fellow."""
    team = session.get(User, world["team"])
    system = session.get(PurchasingSystem, world["system"])
    for _ in range(rounds):
        agreement, lead, innovator = factories.create_agreement("live")
        response = challenge_responses.respond(
            session, innovator, agreement.challenge_id, agreement.solution_id, "It fits."
        )
        challenge_responses.shortlist(session, lead, response.id)
        response_panels.request_panel(session, lead, agreement.challenge_id)
        panel = response_panels.form_challenge_panel(
            session, team, agreement.challenge_id, "Response panel", world["reviewers"], CRITERIA
        )
        response_panels.assign_responses(session, team, panel.id)
        factories.create_challenge(
            lead, status="submitted", theme_ids=factories.theme_ids("Frailty")
        )
        _without_themes(factories.create_challenge(lead, status="submitted"))
        factories.create_solution(status="published")
        factories.admitted_supplier(system)
        factories.create_call_off(system)
        open_cohort(session, team, 2026 + factories.count(Cohort))
        _a_fellow_with_progress(session, world, team)
        session.commit()


def _a_fellow_with_progress(session, world: dict, team: User) -> None:
    cohort = session.get(Cohort, world["cohort"])
    panel = session.get(Panel, world["panel"])
    fellow = fellow_of(session, an_application(session, team, cohort, panel, "accepted"))
    learning = LearningSession(
        cohort_id=cohort.id, title="Evidence", held_on=uk_today() - timedelta(days=1)
    )
    session.add_all(
        [
            Milestone(fellow_id=fellow.id, title="Pilot", due_on=uk_today() - timedelta(days=1)),
            ProgressUpdate(fellow_id=fellow.id, author_id=fellow.user_id, text="Begun"),
            learning,
        ]
    )
    session.flush()
    session.add(Attendance(session_id=learning.id, fellow_id=fellow.id, attended=True))
    for recipient in ({"solution_id": world["funded"]}, {"fellow_id": fellow.id}):
        funding.record_funding(
            session,
            team,
            {
                "funder": "NIHR",
                "kind": "grant",
                "amount": 1_000,
                "received_on": uk_today() - timedelta(days=1),
                **recipient,
            },
        )


def _run(app, client, path: str, headers=None) -> tuple[int, Counter, str]:
    """The statements a request runs, the objects it loads and the page it answers, starting
    from a cold session."""
    statements, loaded = [], Counter()

    def executed(conn, cursor, statement, *args):
        statements.append(statement)

    def load(target, context):
        loaded[type(target).__name__] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", executed)
    sa.event.listen(Base, "load", load, propagate=True)
    try:
        response = client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", executed)
        sa.event.remove(Base, "load", load)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements), loaded, response.text


def _measure(app, world) -> dict[str, tuple[int, Counter, str]]:
    with app.app_context():
        team, partner = (db.session.get(User, world[who]).email for who in ("team", "partner"))
        token = factories.create_token(db.session.get(User, world["partner"]))
        db.session.remove()
    as_team, as_partner = sign_in(app.test_client(), team), sign_in(app.test_client(), partner)
    measured = {path: _run(app, as_team, path) for path in PAGES}
    measured |= {
        f"{path} (partner)": _run(app, as_partner, path)
        for path in PAGES
        if not path.startswith(TEAM_ONLY)
    }
    measured |= {
        path: _run(app, app.test_client(), path, {"Authorization": f"Bearer {token}"})
        for path in API
    }
    return measured


def test_impact_pages_run_the_same_statements_however_many_records(app, world):
    few = _measure(app, world)
    with app.app_context():
        more_of_everything(db.session, world, 3)
        assert factories.count(Response) == 4 and factories.count(Solution) == 9
        db.session.remove()
    many = _measure(app, world)

    with app.app_context():  # and the figures counted the new rows
        challenge_panels = figures.selection_panels(db.session).rows[-1]
        assert challenge_panels == ["Challenge response panels", 4, 100, 8, 0, 0]
    assert {path: n for path, (n, _, _) in many.items()} == {
        path: n for path, (n, _, _) in few.items()
    }
    # The record form lists no solution until searched, and then only those found.
    searched = f"{TEAM_ONLY}?solution_q=radar"
    assert few[TEAM_ONLY][2].count(TITLE) == many[TEAM_ONLY][2].count(TITLE) == 0
    assert (few[searched][2].count(TITLE), many[searched][2].count(TITLE)) == (3, 9)
    for path, (_, loaded, _) in many.items():
        if path.startswith("/impact/funding") or path in API:
            continue  # a page of funding records, with their solutions and fellows
        assert set(loaded) <= FEW_OBJECTS, (path, loaded)
        assert loaded["Solution"] <= figures.TOP_SOLUTIONS, (path, loaded)


def test_the_funding_forms_search_offers_twenty_solutions_however_many_match(app):
    """Found through the search, one statement, however many match: never the catalogue."""
    path = f"{TEAM_ONLY}?solution_q=telemetry"

    def add_solutions(n: int) -> None:
        with app.app_context():
            for _ in range(n):
                factories.create_solution(status="draft", title="Telemetry hub")
            db.session.remove()

    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM).email
        db.session.remove()
    client = sign_in(app.test_client(), team)
    add_solutions(2)
    few = _run(app, client, path)
    add_solutions(funding.SOLUTIONS_FOUND + 3)
    many = _run(app, client, path)

    assert few[0] == many[0]
    assert few[2].count('name="solution_id" type="radio" value="') == 2 + 1  # and "not for"
    assert many[2].count('name="solution_id" type="radio" value="') == funding.SOLUTIONS_FOUND + 1
    assert "The 20 best matches for “telemetry”" in many[2]
