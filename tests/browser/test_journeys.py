"""Main journeys through a real Chromium, with an accessibility check of every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import uk_today
from tests import factories
from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def check_page(visit, found: list[str]) -> None:
    found.extend(visit.accessibility_violations())


def test_sign_in_journey(visit, app_context):
    factories.create_user(email="grace@example.nhs.uk", name="Grace Okafor", role=Role.SERVICE_LEAD)
    problems: list[str] = []
    page = visit.page

    visit.goto("/")
    check_page(visit, problems)
    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url("**/sign-in")
    check_page(visit, problems)

    page.get_by_label("Email address").fill("grace@example.nhs.uk")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    check_page(visit, problems)

    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(visit.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Grace Okafor"
    check_page(visit, problems)

    page.get_by_role("link", name="Grace Okafor").click()  # the header's account link
    check_page(visit, problems)
    for path in ("/account/password", "/account/organisations/join"):
        visit.goto(path)
        page.get_by_role("button").last.click()  # submit empty: the error summary is checked too
        check_page(visit, problems)
    visit.goto("/account")
    page.get_by_role("link", name="Personal access tokens for the API").click()
    page.get_by_label("Token name").fill("reporting")
    page.get_by_role("button", name="Create token").click()
    assert page.locator("#new-token").inner_text().startswith("mkt_")
    check_page(visit, problems)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Innovation marketplace")

    assert problems == []
    assert visit.console_errors == []


def test_registration_journey(visit, app_context):
    factories.create_organisation(name="Riverside Hospitals NHS Trust")
    problems: list[str] = []
    page = visit.page

    visit.goto("/register")
    check_page(visit, problems)
    page.get_by_role("button", name="Create account").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    check_page(visit, problems)

    page.get_by_label("Full name").fill("Samira Haddad")
    page.get_by_label("Email address").fill("samira@example.nhs.uk")
    page.get_by_label("Create a password").fill("violet-ferry-tundra-38")
    page.get_by_label("Confirm your password").fill("violet-ferry-tundra-38")
    page.get_by_label("Your organisation").select_option(label="Riverside Hospitals NHS Trust")
    page.get_by_label("Innovation fellow").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/sign-in")
    expect(page.get_by_role("status")).to_contain_text("If this email address is new to us")

    assert problems == []
    assert visit.console_errors == []


def test_innovation_team_pages(visit, app_context):
    factories.create_user(email="lead@example.nhs.uk", role=Role.INNOVATION_TEAM)
    pending = factories.create_organisation(
        approved=False, name="Northgate Digital Ltd", kind=OrganisationKind.SME
    )
    problems: list[str] = []
    page = visit.page
    visit.goto("/sign-in")
    page.get_by_label("Email address").fill("lead@example.nhs.uk")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(visit.base_url + "/")

    for path in (
        "/admin/organisations",
        "/admin/memberships",
        "/admin/users",
        "/admin/audit",
        "/impact",
        "/api/v1/docs",
    ):
        visit.goto(path)
        if path != "/api/v1/docs":  # Swagger UI is a third-party page with its own markup
            check_page(visit, problems)

    visit.goto(f"/admin/organisations/{pending.id}")
    check_page(visit, problems)
    page.get_by_role("button", name="Approve organisation").click()
    expect(page.get_by_role("status")).to_contain_text("Northgate Digital Ltd is approved")
    page.get_by_role("button", name="Grant").first.click()
    expect(page.get_by_role("status")).to_contain_text("is now innovator for Northgate Digital Ltd")
    check_page(visit, problems)

    assert problems == []
    assert [e for e in visit.console_errors if "swagger" not in e.lower()] == []


def test_the_accessibility_check_reports_real_violations(visit, app_context):
    """Guards the guard: a page with a known fault must not pass."""
    visit.goto("/")
    visit.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )

    assert any("image-alt" in line for line in visit.accessibility_violations())


def sign_in_through_the_page(visit, email):
    page = visit.page
    visit.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(visit.base_url + "/")


def test_a_service_lead_drafts_and_submits_and_the_team_publishes(
    visit, app_context, chromium, live_server
):
    factories.create_user(email="lead@example.nhs.uk", role=Role.SERVICE_LEAD)
    factories.create_user(email="team@example.nhs.uk", role=Role.INNOVATION_TEAM)
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, "lead@example.nhs.uk")

    page.get_by_role("link", name="Your challenges").click()
    page.get_by_role("link", name="Post a challenge").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title")
    check_page(visit, problems)

    page.get_by_label("Title").fill("Night-time falls at home")
    page.get_by_label("The need, in your service's words").fill(
        "Older people who fall at night lie undiscovered for hours."
    )
    page.get_by_label("Evidence of the need").fill("412 falls last year, 30% at night.")
    page.get_by_label("Who is affected").fill("People over 75 living alone.")
    page.get_by_label("Outcomes you want").fill("Halve the time people lie on the floor.")
    page.get_by_label("Frailty").check()
    page.get_by_label("A working prototype or better").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(uk_today().year + 1))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Night-time falls at home")
    check_page(visit, problems)

    page.get_by_role("link", name="Check and submit for review").click()
    check_page(visit, problems)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted")

    team = Visit(chromium.new_page(), live_server)
    sign_in_through_the_page(team, "team@example.nhs.uk")
    team.goto("/challenges/review")
    check_page(team, problems)
    team.page.get_by_role("link", name="Night-time falls at home").click()
    team.page.get_by_role("button", name="Publish challenge").click()
    expect(team.page.get_by_role("status")).to_contain_text("Published")

    visit.goto("/challenges?q=falls")
    expect(page.get_by_role("link", name="Night-time falls at home")).to_be_visible()
    check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == [] and team.console_errors == []


def test_an_innovator_records_a_solution_and_responds_to_a_challenge(visit, app_context):
    innovator = factories.create_user(
        email="maker@example.org",
        role=Role.INNOVATOR,
        organisation=factories.create_organisation(kind=OrganisationKind.SME),
    )
    factories.create_solution(innovator, title="FallAlert night sensor")
    factories.create_challenge(status="open", title="Night-time falls at home")
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, "maker@example.org")

    page.get_by_role("link", name="Your solutions").click()
    page.get_by_role("link", name="Record a solution").click()
    page.get_by_label("Name of the solution").fill("Hydration cup")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hydration cup")
    check_page(visit, problems)
    page.get_by_role("link", name="Change assurance").click()
    page.get_by_role("group", name="DSPT renewal due").get_by_label("Day").fill("40")
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_role("alert")).to_contain_text("DSPT renewal due must include a month")
    check_page(visit, problems)

    visit.goto("/challenges?q=falls")
    page.get_by_role("link", name="Night-time falls at home").click()
    page.get_by_label("FallAlert night sensor").check()
    page.get_by_label("How it meets the need").fill("It finds people within a minute.")
    page.get_by_role("button", name="Send response").click()
    expect(page.get_by_role("status")).to_contain_text("Your response is sent")
    check_page(visit, problems)
    visit.goto("/challenges/responses/mine")
    expect(page.get_by_role("cell", name="Awaiting a decision")).to_be_visible()
    check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == []


def test_an_adopter_finds_compares_and_expresses_interest(visit, app_context):
    trust = factories.create_organisation(name="Eastvale Trust")
    factories.create_user(email="buyer@example.nhs.uk", role=Role.ADOPTER, organisation=trust)
    factories.create_solution(title="FallAlert night sensor")
    factories.create_solution(title="Sleep study kit", summary="Posted sleep studies.")
    problems: list[str] = []
    page = visit.page

    visit.goto("/catalogue")
    check_page(visit, problems)
    page.get_by_label("Compare FallAlert night sensor").check()
    page.get_by_label("Compare Sleep study kit").check()
    page.get_by_role("button", name="Compare ticked products").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare products")
    check_page(visit, problems)
    page.get_by_role("link", name="FallAlert night sensor").click()
    check_page(visit, problems)
    page.get_by_role("link", name="Express interest").click()

    page.get_by_label("Email address").fill("buyer@example.nhs.uk")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Express interest")
    check_page(visit, problems)
    page.get_by_label("Your message to the supplier").fill("Could we try it on two wards?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to")
    check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == []
