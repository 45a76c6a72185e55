"""Dynamic purchasing in a real browser: a supplier applies with answers carried over, an
officer admits it from the queue, and the public register shows it. Accessibility checked on
every page."""

from __future__ import annotations

from playwright.sync_api import expect

from marketplace.accounts.models import OrganisationKind, Role
from tests import factories
from tests.browser.test_journeys import Visit, check_page, sign_in_through_the_page


def test_a_supplier_applies_and_is_admitted(visit, app_context, chromium, live_server):
    system, officer = factories.create_system()
    supplier = factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )
    factories.create_solution(supplier)  # its catalogue assurance fills in part of the form
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, supplier.email)

    visit.goto(f"/dps/{system.id}")
    check_page(visit, problems)
    page.get_by_role("link", name="Apply for").click()
    check_page(visit, problems)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one category")
    page.get_by_label("Remote monitoring").check()
    for label, value in (
        ("Companies House number", "12345678"),
        ("Employer's liability insurance", "5000000"),
        ("Public liability insurance", "5000000"),
        ("Date the insurance above expires", "2099-01-01"),
        ("Cyber Essentials certificate expiry date", "2099-01-01"),
        ("Date the current DSPT assessment lapses", "2099-01-01"),
    ):
        page.get_by_label(label).fill(value)
    for group, choice in (
        ("Organisation size", "Small"),
        ("mandatory exclusion", "No"),
        ("discretionary exclusion", "No"),
        ("Digital Technology Assessment Criteria", "Passed"),
        ("Medical device class", "Not a medical device"),
        ("modern slavery", "Yes"),
    ):
        page.get_by_role("group", name=group).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("A decision is due by")
    check_page(visit, problems)

    buyer = Visit(chromium.new_page(), live_server)
    sign_in_through_the_page(buyer, officer.email)
    buyer.goto(f"/dps/{system.id}/queue")
    check_page(buyer, problems)
    buyer.page.get_by_role("link", name=supplier.active_memberships[0].organisation.name).click()
    check_page(buyer, problems)
    buyer.page.get_by_label("Admit", exact=True).check()
    buyer.page.get_by_role("button", name="Record the decision").click()
    expect(buyer.page.get_by_role("status")).to_contain_text("Admitted")

    visit.goto(f"/dps/categories/{system.categories[0].id}")
    expect(
        page.get_by_role("cell", name=supplier.active_memberships[0].organisation.name)
    ).to_be_visible()
    check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == [] and buyer.console_errors == []
