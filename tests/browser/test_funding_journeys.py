"""Recording funding in a real browser, without relying on scripts: the team searches for the
solution, chooses it from the radios the search offers, sends the form with a mistake, finds
the solution still chosen beside the error summary, and records it. Accessibility checked on
every page."""

from __future__ import annotations

from playwright.sync_api import expect

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.extensions import db
from marketplace.impact.models import FundingRecord
from tests import factories
from tests.browser.test_journeys import check_page, sign_in_through_the_page


def test_the_team_records_funding_by_searching_for_the_solution(visit, app_context):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    supplier = factories.create_user(
        role=Role.INNOVATOR,
        organisation=factories.create_organisation(
            kind=OrganisationKind.SME, name="Brightwater Diagnostics"
        ),
    )
    sepsis = factories.create_solution(supplier, title="Sepsis alerting").id
    factories.create_solution(title="Sepsis screening kiosk").withdrawn_at = factories.utcnow()
    db.session.commit()
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, team.email)

    visit.goto("/impact/funding/new")
    expect(page.get_by_text("Search for the solution by its name, its supplier")).to_be_visible()
    expect(
        page.get_by_role("radio", name="Sepsis alerting (Brightwater Diagnostics)")
    ).to_have_count(0)
    check_page(visit, problems)

    page.get_by_label("Find the solution").fill("%%")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("Search for a word that describes")
    check_page(visit, problems)

    page.get_by_label("Find the solution").fill("brightwater")
    page.get_by_label("Find the solution").press("Enter")  # Enter in the search box searches
    choices = page.get_by_role("group", name="Choose the solution")
    expect(choices.get_by_role("radio")).to_have_count(2)  # it, and "Not for a solution"
    expect(page.get_by_text("Sepsis screening kiosk")).to_have_count(0)
    check_page(visit, problems)

    choices.get_by_label("Sepsis alerting (Brightwater Diagnostics)").check()
    page.get_by_label("Funder").fill("Riverside Hospitals Charity")
    page.get_by_role("group", name="Kind of funding").get_by_label("Grant").check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record funding").click()

    expect(page.get_by_role("alert")).to_contain_text("Enter the amount in whole pounds")
    chosen = page.get_by_role("radio", name="Sepsis alerting (Brightwater Diagnostics)")
    expect(chosen).to_be_checked()
    check_page(visit, problems)

    page.get_by_label("Amount, in whole pounds").fill("25,000")
    page.get_by_role("button", name="Record funding").click()

    expect(page.get_by_role("status")).to_contain_text("Recorded £25,000")
    check_page(visit, problems)
    db.session.remove()
    record = db.session.scalars(db.select(FundingRecord)).one()
    assert (record.solution_id, record.amount) == (sepsis, 25_000)
    assert problems == []
    assert visit.console_errors == []
