"""Fits in a real browser: a service lead works through the ranked solutions; an innovator
reads the challenges that fit and the notification that told them. Accessibility checked on
every page."""

from __future__ import annotations

from playwright.sync_api import expect

from marketplace.accounts.models import Role
from tests import factories
from tests.browser.test_journeys import check_page, sign_in_through_the_page
from tests.matches.test_fits import FALLS_NEED, FALLS_SENSOR, ROTA_APP


def test_a_service_lead_shortlists_and_dismisses_fits(visit, app_context):
    lead = factories.create_user(email="lead@example.nhs.uk", role=Role.SERVICE_LEAD)
    sensor = factories.create_solution(**FALLS_SENSOR)
    rota = factories.create_solution(**ROTA_APP)
    challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, "lead@example.nhs.uk")

    visit.goto(f"/challenges/{challenge.id}")
    check_page(visit, problems)
    page.get_by_role("link", name="All fits, with reasons").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solutions that fit this challenge")
    check_page(visit, problems)

    page.locator(f"#fit-{sensor.id}").get_by_role("button", name="Shortlist").click()
    expect(page.get_by_role("status")).to_contain_text("Shortlisted")
    rota_card = f"#fit-{rota.id}"
    page.locator(rota_card).get_by_label("Reason, if you dismiss it").fill("<b>No</b>")
    page.locator(rota_card).get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("alert")).to_contain_text("must be plain text")
    check_page(visit, problems)
    page.locator(rota_card).get_by_label("Reason, if you dismiss it").fill("Not about falls")
    page.locator(rota_card).get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status")).to_contain_text("Dismissed")
    expect(page.get_by_role("heading", name="Dismissed")).to_be_visible()
    check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == []


def test_an_innovator_is_told_of_a_new_challenge_that_fits(visit, app_context):
    innovator = factories.create_user(email="maker@example.org", role=Role.INNOVATOR)
    factories.create_solution(innovator, **FALLS_SENSOR)
    challenge = factories.create_challenge(status="open", **FALLS_NEED)
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, "maker@example.org")

    page.get_by_role("link", name="Notifications (1 unread)").click()
    check_page(visit, problems)
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FALLS_NEED["title"])
    visit.goto("/matches")  # in the header, often folded into its "More" menu
    expect(page.get_by_role("link", name=FALLS_NEED["title"])).to_be_visible()
    check_page(visit, problems)
    page.get_by_role("link", name="Why these fit").click()
    check_page(visit, problems)
    page.locator(f"#fit-{challenge.id}").get_by_role("button", name="Shortlist").click()
    expect(page.get_by_role("status")).to_contain_text("Shortlisted")

    assert problems == []
    assert visit.console_errors == []
