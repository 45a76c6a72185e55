"""Fellowship scoring in a real browser: a reviewer opens their queue, scores an application
blind through the radios, and then sees the other reviewers' scores. Accessibility checked on
every page."""

from __future__ import annotations

from playwright.sync_api import expect

from challenges.fellowship import services
from marketplace.accounts.models import Role
from marketplace.extensions import db
from tests import factories
from tests.browser.test_journeys import check_page, sign_in_through_the_page
from tests.challenges.test_fellows import fellowship_objects
from tests.challenges.test_fellowship_pages import COHORT, IDEA, selection_objects


def test_a_reviewer_scores_blind_then_sees_the_others(visit, app_context):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(db.session, team, COHORT)
    applicant = factories.create_user(role=Role.SERVICE_LEAD)
    application = services.apply(db.session, applicant, cohort.id, IDEA)
    first = factories.create_user(role=Role.PANEL_PROFESSIONAL, name="Farah First")
    reviewer = factories.create_user(role=Role.PANEL_PATIENT, name="Rhys Reviewer")
    panel = services.form_panel(db.session, team, cohort.id, "Panel", [first.id, reviewer.id])
    services.assign(db.session, team, application.id, panel.id)
    services.submit_review(
        db.session, first, application.id, {"Need": 4, "Feasibility": 3}, "Strong local evidence"
    )
    db.session.commit()
    problems: list[str] = []
    page = visit.page
    sign_in_through_the_page(visit, reviewer.email)

    visit.goto("/fellowship/reviews")
    expect(page.get_by_role("heading", name="To score (1)")).to_be_visible()
    check_page(visit, problems)
    page.get_by_role("link", name=f"{applicant.name}: {IDEA['idea']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Review {applicant.name}'s application"
    )
    expect(page.get_by_text("Strong local evidence")).to_have_count(0)
    check_page(visit, problems)

    page.get_by_role("button", name="Submit scores").click()
    expect(page.get_by_role("alert")).to_contain_text("Score “Need” from 0 to 5")
    check_page(visit, problems)
    page.get_by_role("group", name="Need (weight 40)").get_by_label("5").check()
    page.get_by_role("group", name="Feasibility (weight 60)").get_by_label("2").check()
    page.get_by_label("Comment (optional)").fill("Patients asked for this.")
    page.get_by_role("button", name="Submit scores").click()

    expect(page.get_by_role("status")).to_contain_text("Scores submitted")
    expect(page.get_by_text("Strong local evidence")).to_be_visible()
    expect(page.get_by_role("cell", name="Patients asked for this.")).to_be_visible()
    check_page(visit, problems)
    visit.goto("/fellowship/reviews")
    expect(page.get_by_role("heading", name="Scored (1)")).to_be_visible()

    assert problems == []
    assert visit.console_errors == []


def test_the_teams_fellowship_and_impact_pages_pass_the_accessibility_check(visit, app_context):
    """Every page the innovation team uses to run the fellowship, with data on it."""
    selection = selection_objects()
    fellows_ = fellowship_objects()
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    problems: list[str] = []
    sign_in_through_the_page(visit, team.email)

    cohort, application = selection["selection_cohort_id"], selection["selection_application_id"]
    for path in (
        "/fellowship",
        f"/fellowship/cohorts/{cohort}",
        "/fellowship/cohorts/new",
        "/fellowship/queue",
        f"/fellowship/cohorts/{cohort}/applications",
        f"/fellowship/applications/{application}",
        f"/fellowship/cohorts/{cohort}/panels",
        f"/fellowship/fellows/cohorts/{fellows_['fellows_cohort_id']}",
        f"/fellowship/fellows/{fellows_['fellows_fellow_id']}",
        f"/fellowship/fellows/cohorts/{fellows_['fellows_cohort_id']}/sessions",
        "/impact",
        "/impact/funding",
        "/impact/funding/new",
    ):
        response = visit.goto(path)
        assert response.status == 200, path
        check_page(visit, problems)

    assert problems == []
    assert visit.console_errors == []
