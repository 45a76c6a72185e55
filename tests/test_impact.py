"""The impact view counts the live records; every chart has its table and its CSV."""

from __future__ import annotations

from datetime import date

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.extensions import db
from marketplace.impact import figures
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
    assert month[0] == date.today().strftime("%b %Y") and month[1] == 2  # published this month
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
