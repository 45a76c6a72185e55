"""The impact view counts the live records; every chart has its table and its CSV."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from challenges.fellowship import services as fellowship
from challenges.fellowship.models import (
    Attendance,
    Cohort,
    Fellow,
    FellowStatus,
    LearningSession,
    Milestone,
    Panel,
    ProgressUpdate,
)
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.impact import figures, funding
from marketplace.solutions.models import Solution
from tests import factories
from tests.conftest import sign_in


def test_figures_follow_the_records(session):
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    factories.create_challenge(lead, status="open", theme_ids=factories.theme_ids("Frailty"))
    factories.create_challenge(lead, status="submitted", theme_ids=factories.theme_ids("Frailty"))
    factories.create_challenge(lead)  # a draft is not counted
    factories.create_agreement("live")

    themes = {row[0]: row for row in figures.challenges_by_theme(session).rows}
    beds = figures.testbeds(session).rows
    month = figures.monthly(session).rows[-1]

    assert themes["Frailty"][1:4] == [2, 1, 1]  # all, submitted, open
    assert ["Live", "", 1] in beds
    assert month[0] == uk_today().strftime("%b %Y") and month[1] == 2  # published this month
    assert month[3] == 1  # one test bed started


def test_the_dashboard_and_csv_for_partners_only(app):
    with app.app_context():
        factories.create_agreement("live")
        partner = factories.create_user(role=Role.SERVICE_LEAD).email
        supplier = factories.create_user(
            role=Role.INNOVATOR,
            organisation=factories.create_organisation(kind=OrganisationKind.SME),
        ).email
        db.session.remove()
    client = sign_in(app.test_client(), partner)

    page = client.get("/impact")
    exported = client.get("/impact/testbeds.csv")
    refused = sign_in(app.test_client(), supplier).get("/impact")
    unknown = client.get("/impact/nothing.csv")

    assert page.status_code == 200 and page.text.count("<svg") >= 2
    assert "Test beds by status and outcome" in page.text
    assert exported.text.splitlines()[0] == "Status,Outcome,Count"
    assert refused.status_code == 403 and unknown.status_code == 404


# --- the fellowship and funding figures ------------------------------------------------------

COHORT = {
    "themes": "Health inequalities; workforce",
    "eligibility": "Staff of the partnership's trusts and council.",
    "places": 6,
    "opens_on": uk_today() - timedelta(days=5),
    "closes_on": uk_today() + timedelta(days=30),
    "stages": ["Eligibility screening", "Independent scoring", "Decision"],
    "criteria": [{"name": "Need", "weight": 40}, {"name": "Feasibility", "weight": 60}],
}
IDEA = {
    "problem": "Young adults miss first appointments.",
    "idea": "A reminder written with young adults, sent by text.",
    "idea_stage": "concept",
    "service": "Outpatients",
    "support_needed": "Digital team time and a mentor.",
}
SCORES = {"Need": 4, "Feasibility": 3}


def open_cohort(session, team, year: int, title: str | None = None):
    return fellowship.open_cohort(
        session, team, {**COHORT, "year": year, "title": title or f"Innovation fellowship {year}"}
    )


def form_panel(session, team, cohort):
    members = [
        factories.create_user(role=Role.PANEL_PROFESSIONAL),
        factories.create_user(role=Role.PANEL_PATIENT),
    ]
    return fellowship.form_panel(session, team, cohort.id, "Panel", [m.id for m in members])


def an_application(session, team, cohort, panel, outcome=None, applicant=None, scored=True):
    """An application through the services: assigned to the panel, scored by every member when
    ``scored``, and decided when ``outcome`` is given (accepting enrols a fellow)."""
    applicant = applicant or factories.create_user(role=Role.SERVICE_LEAD)
    application = fellowship.apply(session, applicant, cohort.id, IDEA)
    fellowship.assign(session, team, application.id, panel.id)
    if scored:
        for member in panel.members:
            fellowship.submit_review(session, member.user, application.id, SCORES)
    if outcome:
        fellowship.decide(session, team, application.id, outcome, "Reasons given to the applicant.")
    return application


def fellow_of(session, application) -> Fellow:
    return session.scalar(sa.select(Fellow).filter_by(application_id=application.id))


@pytest.fixture
def programme(session):
    """Two cohorts (2025 and 2026) with known applications, fellows, milestones, attendance and
    funding. Fellows' later states are set directly: this tests the counting, not the rules."""
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    past, current = open_cohort(session, team, 2025), open_cohort(session, team, 2026)
    past_panel, current_panel = form_panel(session, team, past), form_panel(session, team, current)
    finished = fellow_of(session, an_application(session, team, past, past_panel, "accepted"))
    active = fellow_of(session, an_application(session, team, past, past_panel, "accepted"))
    an_application(session, team, past, past_panel, "declined")
    an_application(session, team, current, current_panel, "accepted")
    an_application(session, team, current, current_panel, scored=False)
    finished.status = FellowStatus.COMPLETED
    session.add(
        Fellow(
            cohort_id=current.id,
            user_id=finished.user_id,
            continues_from_id=finished.id,
            year_of_fellowship=2,
        )
    )
    yesterday = uk_today() - timedelta(days=1)
    session.add_all(
        [
            Milestone(
                fellow_id=active.id, title="Prototype", due_on=yesterday, completed_on=yesterday
            ),
            Milestone(fellow_id=active.id, title="Pilot", due_on=yesterday),  # overdue
            Milestone(
                fellow_id=finished.id, title="Report", due_on=yesterday
            ),  # not active: not due
            ProgressUpdate(fellow_id=active.id, author_id=active.user_id, text="Prototype built"),
        ]
    )
    learning = LearningSession(cohort_id=past.id, title="Evidence", held_on=yesterday)
    session.add(learning)
    session.flush()
    session.add_all(
        [
            Attendance(session_id=learning.id, fellow_id=active.id, attended=True),
            Attendance(session_id=learning.id, fellow_id=finished.id, attended=False),
        ]
    )
    first = factories.create_solution(title="Sepsis alerting")
    second = factories.create_solution(title="Falls sensors")
    for data in [
        {"solution_id": first.id, "kind": "grant", "amount": 10_000, "received_on": "2024-05-01"},
        {"solution_id": first.id, "kind": "investment", "amount": 250_000},
        {"fellow_id": active.id, "kind": "grant", "amount": 5_000},
        {"solution_id": second.id, "fellow_id": active.id, "kind": "contract", "amount": 20_000},
    ]:
        funding.record_funding(
            session, team, {"funder": "NIHR", "received_on": date(2025, 6, 1), **data}
        )
    session.commit()
    return team


def test_fellowship_figures_per_cohort(session, programme):
    cohorts = figures.fellowship_cohorts(session)
    progress = figures.fellowship_progress(session)
    panels = figures.selection_panels(session)

    assert cohorts.rows == [
        ["Innovation fellowship 2025", 3, 2, 1, 0, 1, 1, 0, 0],
        ["Innovation fellowship 2026", 2, 1, 0, 1, 2, 0, 0, 1],
    ]
    assert cohorts.values == [("Innovation fellowship 2025", 3), ("Innovation fellowship 2026", 2)]
    assert progress.rows == [
        ["Innovation fellowship 2025", 1, 3, 1, 1, 1, 50],
        ["Innovation fellowship 2026", 0, 0, 0, 0, 0, figures.NOT_RECORDED],
    ]
    assert panels.rows == [
        ["Innovation fellowship 2025", 1, 100, 6, 6, 0],
        ["Innovation fellowship 2026", 1, 100, 4, 2, 0],
    ]


def test_funding_figures(session, programme):
    by_kind = figures.funding_by_kind(session).rows
    by_year = figures.funding_by_year(session).rows
    by_recipient = figures.funding_by_recipient(session).rows
    top = figures.funding_top_solutions(session).rows

    assert by_kind == [
        ["Grant", 15_000, 2],
        ["Equity or loan investment", 250_000, 1],
        ["Contract income", 20_000, 1],
    ]
    assert by_year == [
        ["2024", 10_000, 10_000, 0, 0, 0],
        ["2025", 275_000, 5_000, 250_000, 20_000, 0],
    ]
    assert by_recipient == [
        ["Solutions", 260_000, 2],
        ["Fellows", 5_000, 1],
        ["Fellows' own solutions (both)", 20_000, 1],
    ]
    assert top == [["Sepsis alerting", 260_000, 2], ["Falls sensors", 20_000, 1]]


def test_funding_years_without_funding_still_show(session, programme):
    funding.record_funding(
        session,
        programme,
        {
            "solution_id": session.scalar(sa.select(Solution.id).limit(1)),
            "funder": "Council",
            "kind": "in_kind",
            "amount": 700,
            "received_on": date(2022, 1, 3),
        },
    )

    years = [row[0] for row in figures.funding_by_year(session).rows]

    assert years == ["2022", "2023", "2024", "2025"]


def test_empty_programme_has_no_rows(session):
    assert all(
        make(session).rows == []
        for key, make in figures.FIGURES.items()
        if key.startswith(("fellowship", "selection", "funding"))
    )


def test_dashboard_shows_the_new_figures_with_charts_tables_and_csv(app, programme):
    with app.app_context():
        partner = factories.create_user(role=Role.SERVICE_LEAD).email
        db.session.remove()
    client = sign_in(app.test_client(), partner)

    page = client.get("/impact")
    cohorts = client.get("/impact/fellowship-cohorts.csv")
    years = client.get("/impact/funding-by-year.csv")
    top = client.get("/impact/funding-top-solutions.csv")

    assert page.status_code == 200
    for title in (
        "Fellowship: applications and fellows per cohort",
        "Fellowship: fellows&#39; progress per cohort",
        "Selection panels and their reviews",
        "Inward investment and funding by kind",
        "Inward investment and funding by year received",
        "Funding received by solutions and by fellows",
    ):
        assert title in page.text
    for chart in (
        "fellowship-cohorts",
        "funding-by-kind",
        "funding-by-year",
        "funding-by-recipient",
        "funding-top-solutions",
    ):
        assert f'aria-labelledby="chart-{chart}"' in page.text
    assert "275,000" in page.text  # amounts read with thousands separators
    assert 'href="/impact/funding"' in page.text and 'href="/impact/funding/new"' not in page.text
    assert cohorts.text.splitlines() == [
        "Cohort,Applications received,Accepted,Not accepted,Awaiting a decision,Fellows active,"
        "Fellows completed,Fellows withdrawn,Second-year fellows",
        "Innovation fellowship 2025,3,2,1,0,1,1,0,0",
        "Innovation fellowship 2026,2,1,0,1,2,0,0,1",
    ]
    assert years.text.splitlines()[0].startswith("Year,Total (£),Grant (£)")
    assert years.text.splitlines()[2] == "2025,275000,5000,250000,20000,0"
    assert top.text.splitlines()[1] == "Sepsis alerting,260000,2"


def test_top_funded_solutions_name_a_draft_only_to_those_who_may_view_it(app, programme):
    """A draft is its organisation's and the team's: partners see "An unpublished solution",
    on the dashboard and in its CSV, as they do everywhere else."""
    owner = factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )
    draft = factories.create_solution(owner, status="draft", title="Stealth wearable")
    funding.record_funding(
        db.session,
        programme,
        {
            "solution_id": draft.id,
            "funder": "Venture fund",
            "kind": "investment",
            "amount": 900_000,
            "received_on": date(2025, 1, 1),
        },
    )
    partner = factories.create_user(role=Role.SERVICE_LEAD)
    db.session.commit()

    def top(viewer=None):
        return figures.funding_top_solutions(db.session, viewer).rows[0]

    assert top() == [funding.UNPUBLISHED, 900_000, 1]
    assert top(partner)[0] == funding.UNPUBLISHED
    assert top(programme)[0] == top(owner)[0] == "Stealth wearable"
    client = sign_in(app.test_client(), partner.email)
    assert "Stealth wearable" not in client.get("/impact").text
    csv = client.get("/impact/funding-top-solutions.csv").text
    assert "Stealth wearable" not in csv and "An unpublished solution,900000,1" in csv


def test_panels_count_as_having_a_patient_member_only_while_one_holds_the_role(session, programme):
    """The flag stored when a panel was formed is true for every panel (the rule requires it);
    the figure counts who holds the patient or public role, as an active user, today."""
    cohort = session.scalar(sa.select(Cohort).filter_by(year=2025))
    panel = session.scalar(sa.select(Panel).filter_by(cohort_id=cohort.id))
    patient = next(m.user for m in panel.members if m.patient_or_public)
    assert figures.selection_panels(session).rows[0][2] == 100

    patient.disabled_at = factories.utcnow()
    session.commit()

    rows = {row[0]: row for row in figures.selection_panels(session).rows}
    assert rows["Innovation fellowship 2025"][2] == 0
    assert rows["Innovation fellowship 2026"][2] == 100
