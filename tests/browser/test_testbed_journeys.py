"""A test bed in a real browser: the service lead drafts it from an accepted fit and shares it;
both parties sign; the printable agreement shows the signatures. Accessibility checked on every
page."""

from __future__ import annotations

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.matches import services as match_services
from marketplace.matches.models import FeedbackSide
from tests import factories
from tests.browser.test_journeys import Visit, check_page, sign_in_through_the_page


def test_drafting_from_an_accepted_fit(visit, app_context):
    agreement, lead, _ = factories.create_agreement()  # for its people, challenge and solution
    other = factories.create_solution(title="Second sensor")
    match_services.decide_fit(
        db.session, lead, agreement.challenge_id, other.id, FeedbackSide.SERVICE, "accepted"
    )
    db.session.commit()
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, lead.email)

    visit.goto(f"/challenges/{agreement.challenge_id}/fits")
    card = page.locator(f"#fit-{other.id}")
    card.get_by_role("button", name="Draft a test-bed agreement").click()
    expect(page.get_by_role("status")).to_contain_text("Drafted from the challenge")
    check_page(visit, problems)
    page.get_by_role("link", name="Edit terms").click()
    check_page(visit, problems)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the title")
    page.get_by_label("Title").fill("Second sensor on the falls wards")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as a new version")
    page.get_by_role("button", name="Share with the innovator").click()
    expect(page.get_by_role("status")).to_contain_text("Shared with the innovator")
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_role("alert")).to_contain_text("not ready to sign")
    check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == []


def test_both_parties_sign_and_print(visit, app_context, chromium, live_server):
    agreement, lead, innovator = factories.create_agreement("negotiation")
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, lead.email)

    visit.goto(f"/testbeds/{agreement.id}")
    check_page(visit, problems)
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_role("status")).to_contain_text("Sent for signature")
    page.get_by_role("button", name="for " + agreement.host_organisation.name).click()
    expect(page.get_by_role("status")).to_contain_text("The other party has been told")
    check_page(visit, problems)

    supplier = Visit(chromium.new_page(), live_server)
    sign_in_through_the_page(supplier, innovator.email)
    supplier.goto(f"/testbeds/{agreement.id}")
    supplier.page.get_by_role("button", name="for " + agreement.innovator_organisation.name).click()
    expect(supplier.page.get_by_role("status")).to_contain_text("Signed by both parties")
    check_page(supplier, problems)
    supplier.page.get_by_role("link", name="Printable agreement").click()
    expect(supplier.page.get_by_role("heading", level=1)).to_have_text(agreement.title)
    expect(supplier.page.get_by_text("as signed")).to_be_visible()
    check_page(supplier, problems)

    assert problems == []
    assert visit.console_errors == [] and supplier.console_errors == []
